//! The functions' runtime loop.
//!
//! lambda_runtime ends its loop with an error when a call to the runtime API fails (a
//! broken connection while it posts a response, say). In AWS that ends the process and
//! Lambda starts a new one for the next invocation. cargo-lambda's emulator, which `make
//! run` and `make test` run the functions under, starts nothing again: every later
//! request to that function waits for ever. With `RUNTIME_RESTART_ON_ERROR=true` (the
//! local stack's environment only) the loop is started again instead.

use std::future::Future;

/// Whether the loop is started again after an error (`RUNTIME_RESTART_ON_ERROR=true`).
pub fn restart_on_error() -> bool {
    std::env::var("RUNTIME_RESTART_ON_ERROR").as_deref() == Ok("true")
}

/// Runs `run` (a `lambda_http::run` or `lambda_runtime::run` loop); when it ends with an
/// error and `restart` holds, logs it and runs it again, else answers what it answered.
pub async fn keep_running<F, Fut, E>(restart: bool, mut run: F) -> Result<(), E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    loop {
        match run().await {
            Err(e) if restart => {
                tracing::warn!(error = %e, "the runtime loop ended: starting it again");
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_ended_loop_starts_again_only_when_asked() {
        // Fails twice, then ends well: run three times when restarting.
        let mut runs = 0;
        let answer: Result<(), String> = keep_running(true, || {
            runs += 1;
            let n = runs;
            async move {
                if n < 3 {
                    Err(format!("broken pipe {n}"))
                } else {
                    Ok(())
                }
            }
        })
        .await;
        assert_eq!((answer, runs), (Ok(()), 3));

        // Without restarting, the first error is the answer (AWS replaces the process).
        let mut runs = 0;
        let answer: Result<(), String> = keep_running(false, || {
            runs += 1;
            async { Err("broken pipe".to_string()) }
        })
        .await;
        assert_eq!((answer, runs), (Err("broken pipe".to_string()), 1));
    }
}

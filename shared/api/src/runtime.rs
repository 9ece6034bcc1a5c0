//! The functions' runtime loop.
//!
//! lambda_runtime ends its loop with an error when a call to the runtime API fails (a
//! broken connection while it posts a response, say). In AWS that ends the process and
//! Lambda starts a new one for the next invocation. cargo-lambda's emulator, which `make
//! run` and `make test` run the functions under, starts nothing again: every later
//! request to that function waits for ever. With `RUNTIME_RESTART_ON_ERROR=true` (the
//! local stack's environment only) the loop is started again instead.

use std::future::Future;
use std::time::{Duration, Instant};

/// Whether the loop is started again after an error (`RUNTIME_RESTART_ON_ERROR=true`).
pub fn restart_on_error() -> bool {
    std::env::var("RUNTIME_RESTART_ON_ERROR").as_deref() == Ok("true")
}

/// How an ended loop is started again. A loop that ends soon after it started, again and
/// again, has no emulator to talk to any more (`make run` or a test run stopped, the
/// emulator killed): the process then ends, as it would in AWS, rather than spin for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restarts {
    /// A loop that ended within this time of starting ended "quickly".
    pub quick: Duration,
    /// After this many quick ends in a row, the process ends with the last error.
    pub max_quick: u32,
    /// The pause before the first restart; it doubles with each quick end, up to `max_pause`.
    pub first_pause: Duration,
    pub max_pause: Duration,
}

impl Restarts {
    /// The local stack's: about 6 s of a refused connection ends the process.
    pub const LOCAL: Restarts = Restarts {
        quick: Duration::from_secs(5),
        max_quick: 6,
        first_pause: Duration::from_millis(100),
        max_pause: Duration::from_secs(2),
    };

    /// The pause before starting again after `quick_in_a_row` quick ends (the latest
    /// included), or `None`: give up.
    pub fn pause(&self, quick_in_a_row: u32) -> Option<Duration> {
        if quick_in_a_row >= self.max_quick {
            return None;
        }
        let doublings = quick_in_a_row.saturating_sub(1).min(16);
        Some((self.first_pause * 2u32.pow(doublings)).min(self.max_pause))
    }
}

/// Runs `run` (a `lambda_http::run` or `lambda_runtime::run` loop); when it ends with an
/// error and `restart` holds, logs it and runs it again ([`Restarts::LOCAL`]), else
/// answers what it answered.
/// (Not an `async fn` of its own: one more layer of future would take the scheduler's
/// future past the compiler's query depth.)
pub fn keep_running<F, Fut, E>(restart: bool, run: F) -> impl Future<Output = Result<(), E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    keep_running_with(restart.then_some(Restarts::LOCAL), run)
}

/// [`keep_running`] with the restart policy given (`None`: never restart).
pub async fn keep_running_with<F, Fut, E>(restarts: Option<Restarts>, mut run: F) -> Result<(), E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut quick_in_a_row = 0;
    loop {
        let started = Instant::now();
        let ended = run().await;
        let (Err(e), Some(policy)) = (&ended, restarts) else {
            return ended;
        };
        quick_in_a_row = if started.elapsed() < policy.quick {
            quick_in_a_row + 1
        } else {
            1
        };
        match policy.pause(quick_in_a_row) {
            Some(pause) => {
                tracing::warn!(error = %e, ?pause, "the runtime loop ended: starting it again");
                tokio::time::sleep(pause).await;
            }
            None => {
                tracing::error!(error = %e, quick_in_a_row, "the runtime loop keeps ending at once: the runtime API is gone, ending");
                return ended;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Restarts = Restarts {
        quick: Duration::from_secs(60),
        max_quick: 4,
        first_pause: Duration::from_millis(1),
        max_pause: Duration::from_millis(3),
    };

    #[test]
    fn pauses_double_up_to_the_most_and_quick_ends_in_a_row_give_up() {
        let p = Restarts::LOCAL;
        let pauses: Vec<_> = (1..=7).map(|n| p.pause(n)).collect();
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(
            pauses,
            [ms(100), ms(200), ms(400), ms(800), ms(1600), None, None]
        );
        let capped = Restarts {
            max_quick: 100,
            ..p
        };
        assert_eq!(capped.pause(99), Some(Duration::from_secs(2)));
    }

    #[tokio::test]
    async fn a_loop_that_keeps_ending_at_once_ends_the_process() {
        // The emulator is gone: every run fails at once; after max_quick of them the
        // error is the answer instead of spinning for ever.
        let mut runs = 0;
        let answer: Result<(), String> = keep_running_with(Some(FAST), || {
            runs += 1;
            async { Err("connection refused".to_string()) }
        })
        .await;
        assert_eq!((answer, runs), (Err("connection refused".to_string()), 4));
    }

    #[tokio::test]
    async fn an_ended_loop_starts_again_only_when_asked() {
        // Fails twice, then ends well: run three times when restarting.
        let mut runs = 0;
        let answer: Result<(), String> = keep_running_with(Some(FAST), || {
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

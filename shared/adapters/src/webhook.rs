//! Calling a partner's webhook: the host is resolved here and every address it resolves
//! to is checked (`domain::alert::forbidden_address`); the call then goes to the checked
//! address only, so a name cannot be re-pointed at the metadata service between check
//! and call. No redirects are followed; the public web's roots are trusted.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use domain::alert::{forbidden_address, webhook_url};

/// How long one call may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What one call did: the receiver's status, or why there was none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn refused(why: impl Into<String>) -> Self {
        Outcome {
            status: None,
            error: Some(why.into()),
        }
    }
}

fn client(host: &str, addr: SocketAddr) -> Result<reqwest::Client, reqwest::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the provider supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .resolve(host, addr)
        .build()
}

/// POSTs `body` (JSON) with `headers` to `url`, after checking where it leads.
pub async fn post(
    url: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
    allow_loopback: bool,
) -> Outcome {
    let checked = match webhook_url(url, allow_loopback) {
        Ok(u) => u,
        Err(why) => return Outcome::refused(format!("the URL {why}")),
    };
    let parsed = match url::Url::parse(&checked) {
        Ok(u) => u,
        Err(e) => return Outcome::refused(e.to_string()),
    };
    let host = parsed.host_str().unwrap_or_default().to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let lookup = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((lookup.as_str(), port)).await {
        Ok(a) => a.collect(),
        Err(e) => return Outcome::refused(format!("{host} does not resolve: {e}")),
    };
    if addrs.is_empty() {
        return Outcome::refused(format!("{host} does not resolve"));
    }
    if let Some((addr, why)) = addrs
        .iter()
        .find_map(|a| forbidden_address(a.ip(), allow_loopback).map(|w| (a, w)))
    {
        return Outcome::refused(format!("{host} resolves to {why} ({})", addr.ip()));
    }
    let client = match client(&lookup, addrs[0]) {
        Ok(c) => c,
        Err(e) => return Outcome::refused(e.to_string()),
    };
    let mut request = client
        .post(parsed)
        .header("content-type", "application/json")
        .header("user-agent", "PartnerConsole-Webhook/1");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    match request.body(body).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            Outcome {
                status: Some(status),
                error: (!(200..300).contains(&status))
                    .then(|| format!("the receiver answered {status}")),
            }
        }
        Err(e) if e.is_timeout() => Outcome::refused("no answer within 10 seconds"),
        Err(e) => Outcome::refused(format!("could not connect: {}", root_cause(&e))),
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

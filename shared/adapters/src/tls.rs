//! Whom outgoing HTTPS trusts. Every endpoint the functions call (DynamoDB, Cognito and
//! its JWKS, SES, S3, EventBridge) presents a certificate from Amazon Trust Services, so
//! the trust store is those five roots, compiled in. Loading the operating system's store
//! instead reads and parses every CA certificate on the machine at each cold start
//! (see docs/performance.md); `TLS_ROOTS=system` opts back into it for the SDK.

use std::sync::Arc;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rustls::pki_types::{pem::PemObject, CertificateDer};

/// Amazon Root CA 1–4 and Starfield Services Root CA G2, in PEM.
pub const AMAZON_ROOTS_PEM: &str = include_str!("../certs/amazon-trust-services.pem");

fn system_roots() -> bool {
    std::env::var("TLS_ROOTS").as_deref() == Ok("system")
}

/// The HTTPS client of every AWS SDK client.
pub fn sdk_http_client() -> SharedHttpClient {
    let trust = if system_roots() {
        TrustStore::default()
    } else {
        TrustStore::empty()
            .with_native_roots(false)
            .with_pem_certificate(AMAZON_ROOTS_PEM.as_bytes())
    };
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("the compiled-in trust store is valid");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

/// The Amazon roots as a rustls root store.
pub fn amazon_root_store() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(AMAZON_ROOTS_PEM.as_bytes()) {
        roots
            .add(cert.expect("the compiled-in roots parse"))
            .expect("the compiled-in roots are valid CA certificates");
    }
    roots
}

/// The plain HTTP(S) client (JWKS, the local event dispatcher), with the same crypto
/// provider as the SDK and the Amazon roots.
pub fn http_client() -> reqwest::Client {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the provider supports the default TLS versions")
        .with_root_certificates(amazon_root_store())
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .build()
        .expect("a client from a valid TLS configuration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_store_holds_the_five_amazon_roots() {
        assert_eq!(amazon_root_store().len(), 5);
    }

    #[test]
    fn both_clients_build() {
        drop(sdk_http_client());
        drop(http_client());
    }
}

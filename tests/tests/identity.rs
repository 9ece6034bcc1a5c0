//! The access-token verifier, with tokens signed by a key of the test's own.

use adapters::identity::{TokenError, TokenVerifier};
use serde_json::json;
use testkit::tokens::{claims, Signer, CLIENT, ISSUER};

#[tokio::test]
async fn tokens_are_checked_for_signature_issuer_client_use_and_expiry() {
    let pool = Signer::generate("k1");
    let v = TokenVerifier::with_keys(pool.jwks(), ISSUER.into(), CLIENT.into());
    let ok = v.verify(&pool.sign(&claims(600))).await.unwrap();
    assert_eq!(ok.username, "ptn_a.usr_b");

    assert_eq!(
        v.verify(&pool.sign(&claims(-600))).await.unwrap_err(),
        TokenError::Expired
    );
    let forger = Signer::generate("k1");
    assert_eq!(
        v.verify(&forger.sign(&claims(600))).await.unwrap_err(),
        TokenError::Invalid
    );
    let mut c = claims(600);
    c["iss"] = json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other");
    assert_eq!(
        v.verify(&pool.sign(&c)).await.unwrap_err(),
        TokenError::Invalid
    );
    let mut c = claims(600);
    c["client_id"] = json!("another-client");
    assert_eq!(
        v.verify(&pool.sign(&c)).await.unwrap_err(),
        TokenError::Invalid
    );
    let mut c = claims(600);
    c["token_use"] = json!("id");
    assert_eq!(
        v.verify(&pool.sign(&c)).await.unwrap_err(),
        TokenError::Invalid
    );
    let stranger = Signer::generate("unknown-kid");
    assert_eq!(
        v.verify(&stranger.sign(&claims(600))).await.unwrap_err(),
        TokenError::Invalid
    );
    assert_eq!(v.verify("a.b.c").await.unwrap_err(), TokenError::Malformed);
}

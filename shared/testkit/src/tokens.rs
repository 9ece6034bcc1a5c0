//! Access tokens signed by a key of the test's own, for what moto cannot issue: expired,
//! foreign-key and wrong-claim tokens.

use aws_lc_rs::{
    encoding::{AsDer, Pkcs8V1Der},
    rsa::{KeyPair, KeySize},
    signature::KeyPair as _,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{jwk::JwkSet, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

pub const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test";
pub const CLIENT: &str = "console-client";

/// An RSA key pair that signs tokens and publishes its JWKS.
pub struct Signer {
    kid: String,
    key: EncodingKey,
    jwk: Value,
}

impl Signer {
    pub fn generate(kid: &str) -> Self {
        let pair = KeyPair::generate(KeySize::Rsa2048).expect("key generation");
        let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&pair).expect("pkcs8");
        let public = pair.public_key();
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        Signer {
            kid: kid.to_string(),
            key: EncodingKey::from_rsa_der(pkcs1_of(pkcs8.as_ref())),
            jwk: json!({
                "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
                "n": b64(public.modulus().big_endian_without_leading_zero()),
                "e": b64(public.exponent().big_endian_without_leading_zero()),
            }),
        }
    }

    pub fn jwks(&self) -> JwkSet {
        serde_json::from_value(json!({ "keys": [self.jwk] })).expect("a JWKS")
    }

    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).expect("signing")
    }
}

/// Access-token claims for [`ISSUER`] and [`CLIENT`], expiring `exp_offset` seconds from now.
pub fn claims(exp_offset: i64) -> Value {
    json!({
        "sub": "5f0c1a9e", "username": "ptn_a.usr_b", "client_id": CLIENT,
        "token_use": "access", "iss": ISSUER,
        "exp": chrono::Utc::now().timestamp() + exp_offset,
    })
}

/// The RSAPrivateKey (PKCS#1) inside a PKCS#8 PrivateKeyInfo: the OCTET STRING that
/// follows the version and the algorithm identifier.
fn pkcs1_of(der: &[u8]) -> &[u8] {
    // (content start, content length) of the DER element at `at`.
    fn element(der: &[u8], at: usize) -> (usize, usize) {
        let first = der[at + 1] as usize;
        if first < 0x80 {
            return (at + 2, first);
        }
        let n = first & 0x7f;
        let len = der[at + 2..at + 2 + n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        (at + 2 + n, len)
    }
    let (inner, _) = element(der, 0);
    let (v, vlen) = element(der, inner);
    let (a, alen) = element(der, v + vlen);
    assert_eq!(der[a + alen], 0x04, "an OCTET STRING");
    let (key, klen) = element(der, a + alen);
    &der[key..key + klen]
}

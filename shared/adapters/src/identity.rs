//! Identity: the Cognito user pool (moto locally) and verification of its access tokens.

use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::{
    error::SdkError,
    types::{
        AttributeType, AuthFlowType, ChallengeNameType, MessageActionType,
        SoftwareTokenMfaSettingsType,
    },
    Client,
};
use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Wrong password, unknown or disabled user, or a revoked or invalid refresh token.
    #[error("not authorized")]
    NotAuthorized,
    #[error("the username exists")]
    UsernameExists,
    #[error("the identity provider refused the password: {0}")]
    InvalidPassword(String),
    #[error("no such user")]
    UserNotFound,
    /// The password was right; the user must now give a TOTP code for this session.
    #[error("a one-time code is needed")]
    MfaRequired { session: String },
    /// The one-time code is not the current one.
    #[error("the code does not match")]
    CodeMismatch,
    #[error("cognito: {0}")]
    Cognito(String),
}

fn cognito<E: std::error::Error>(e: E) -> IdentityError {
    IdentityError::Cognito(crate::aws::describe(e))
}

/// Tokens issued at sign-in or refresh. Refresh returns no new refresh token.
#[derive(Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i32,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct Identity {
    client: Client,
    pool_id: String,
    client_id: String,
}

impl Identity {
    pub fn new(client: Client, pool_id: impl Into<String>, client_id: impl Into<String>) -> Self {
        Identity {
            client,
            pool_id: pool_id.into(),
            client_id: client_id.into(),
        }
    }

    /// Creates a confirmed user with a permanent password and a verified email. No
    /// invitation is sent by Cognito: the console sends its own mail.
    pub async fn create_user(
        &self,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<(), IdentityError> {
        let attr = |name: &str, value: &str| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .map_err(cognito)
        };
        self.client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", email)?)
            .user_attributes(attr("email_verified", "true")?)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_username_exists_exception() => {
                    IdentityError::UsernameExists
                }
                other => cognito(other),
            })?;
        let set = self
            .client
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await;
        if let Err(e) = set {
            // Never leave a user without the password the caller chose.
            let _ = self.delete_user(username).await;
            return Err(match e {
                SdkError::ServiceError(s) if s.err().is_invalid_password_exception() => {
                    IdentityError::InvalidPassword(s.err().to_string())
                }
                other => cognito(other),
            });
        }
        Ok(())
    }

    /// Sets a permanent password, creating the user first if it does not exist yet (a
    /// customer admin's first password, from the welcome link).
    pub async fn set_password(
        &self,
        username: &str,
        email: &str,
        password: &str,
    ) -> Result<(), IdentityError> {
        match self.create_user(username, email, password).await {
            Err(IdentityError::UsernameExists) => {}
            other => return other,
        }
        self.client
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_invalid_password_exception() => {
                    IdentityError::InvalidPassword(s.err().to_string())
                }
                other => cognito(other),
            })?;
        Ok(())
    }

    /// Lets a user sign in again, or stops them (their refresh token stops working too).
    /// A user who never chose a password has no identity yet: nothing to do.
    pub async fn set_enabled(&self, username: &str, enabled: bool) -> Result<(), IdentityError> {
        use aws_sdk_cognitoidentityprovider::Error;
        let pool = &self.pool_id;
        let result: Result<(), Error> = if enabled {
            let call = self.client.admin_enable_user().user_pool_id(pool);
            call.username(username)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        } else {
            let call = self.client.admin_disable_user().user_pool_id(pool);
            call.username(username)
                .send()
                .await
                .map(drop)
                .map_err(Error::from)
        };
        match result {
            Ok(()) | Err(Error::UserNotFoundException(_)) => Ok(()),
            Err(e) => Err(cognito(e)),
        }
    }

    pub async fn delete_user(&self, username: &str) -> Result<(), IdentityError> {
        self.client
            .admin_delete_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_user_not_found_exception() => {
                    IdentityError::UserNotFound
                }
                other => cognito(other),
            })?;
        Ok(())
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Tokens, IdentityError> {
        self.initiate(
            AuthFlowType::UserPasswordAuth,
            &[("USERNAME", username), ("PASSWORD", password)],
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, IdentityError> {
        self.initiate(
            AuthFlowType::RefreshTokenAuth,
            &[("REFRESH_TOKEN", refresh_token)],
        )
        .await
    }

    /// Revokes every refresh token of the token's user.
    pub async fn sign_out(&self, access_token: &str) -> Result<(), IdentityError> {
        self.client
            .global_sign_out()
            .access_token(access_token)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_not_authorized_exception() => {
                    IdentityError::NotAuthorized
                }
                other => cognito(other),
            })?;
        Ok(())
    }

    /// Revokes every refresh token of `username`, whoever asks (a password reset: the
    /// sessions before it end). A user with no identity has none to revoke.
    pub async fn sign_out_everywhere(&self, username: &str) -> Result<(), IdentityError> {
        match self
            .client
            .admin_user_global_sign_out()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(s)) if s.err().is_user_not_found_exception() => Ok(()),
            Err(e) => Err(cognito(e)),
        }
    }

    async fn initiate(
        &self,
        flow: AuthFlowType,
        params: &[(&str, &str)],
    ) -> Result<Tokens, IdentityError> {
        let mut request = self
            .client
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(flow);
        for (k, v) in params {
            request = request.auth_parameters(*k, *v);
        }
        let out = request.send().await.map_err(|e| match e {
            SdkError::ServiceError(s)
                if s.err().is_not_authorized_exception()
                    || s.err().is_user_not_found_exception()
                    || s.err().is_password_reset_required_exception()
                    || s.err().is_user_not_confirmed_exception() =>
            {
                IdentityError::NotAuthorized
            }
            other => cognito(other),
        })?;
        if out.challenge_name == Some(ChallengeNameType::SoftwareTokenMfa) {
            return Err(IdentityError::MfaRequired {
                session: out.session.unwrap_or_default(),
            });
        }
        tokens(out.authentication_result)
    }

    /// Answers a sign-in's TOTP challenge with the user's current code.
    pub async fn answer_mfa(
        &self,
        username: &str,
        session: &str,
        code: &str,
    ) -> Result<Tokens, IdentityError> {
        let out = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(ChallengeNameType::SoftwareTokenMfa)
            .session(session)
            .challenge_responses("USERNAME", username)
            .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", code)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_code_mismatch_exception() => {
                    IdentityError::CodeMismatch
                }
                SdkError::ServiceError(s)
                    if s.err().is_not_authorized_exception()
                        || s.err().is_expired_code_exception() =>
                {
                    IdentityError::NotAuthorized
                }
                other => cognito(other),
            })?;
        tokens(out.authentication_result)
    }

    /// Starts TOTP enrolment for the token's user: the secret for the authenticator app.
    pub async fn associate_totp(&self, access_token: &str) -> Result<String, IdentityError> {
        let out = self
            .client
            .associate_software_token()
            .access_token(access_token)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_not_authorized_exception() => {
                    IdentityError::NotAuthorized
                }
                other => cognito(other),
            })?;
        out.secret_code
            .ok_or_else(|| IdentityError::Cognito("no secret code".into()))
    }

    /// Confirms enrolment with a code from the app, and makes TOTP the user's second step.
    pub async fn verify_totp(
        &self,
        access_token: &str,
        username: &str,
        code: &str,
    ) -> Result<(), IdentityError> {
        self.client
            .verify_software_token()
            .access_token(access_token)
            .user_code(code)
            .friendly_device_name("Authenticator")
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s)
                    if s.err().is_code_mismatch_exception()
                        || s.err().is_enable_software_token_mfa_exception() =>
                {
                    IdentityError::CodeMismatch
                }
                SdkError::ServiceError(s) if s.err().is_not_authorized_exception() => {
                    IdentityError::NotAuthorized
                }
                other => cognito(other),
            })?;
        self.set_mfa(username, true).await
    }

    /// Turns the user's TOTP second step on or off (off: recovery, or the user's choice).
    pub async fn set_mfa(&self, username: &str, enabled: bool) -> Result<(), IdentityError> {
        let settings = SoftwareTokenMfaSettingsType::builder()
            .enabled(enabled)
            .preferred_mfa(enabled)
            .build();
        self.client
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(username)
            .software_token_mfa_settings(settings)
            .send()
            .await
            .map_err(|e| match e {
                SdkError::ServiceError(s) if s.err().is_user_not_found_exception() => {
                    IdentityError::UserNotFound
                }
                other => cognito(other),
            })?;
        Ok(())
    }
}

fn tokens(
    result: Option<aws_sdk_cognitoidentityprovider::types::AuthenticationResultType>,
) -> Result<Tokens, IdentityError> {
    let result = result
        .ok_or_else(|| IdentityError::Cognito("no tokens (a challenge was returned)".into()))?;
    Ok(Tokens {
        access_token: result
            .access_token
            .ok_or_else(|| IdentityError::Cognito("no access token".into()))?,
        refresh_token: result.refresh_token,
        expires_in: result.expires_in,
    })
}

/// The claims of a Cognito access token that the console relies on.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub username: String,
    pub client_id: String,
    pub token_use: String,
    pub exp: i64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token has expired")]
    Expired,
    #[error("the token's signature, issuer or audience is not valid")]
    Invalid,
    #[error("the signing keys could not be fetched: {0}")]
    Keys(String),
}

/// Verifies access tokens against the pool's published keys (JWKS), fetched on first use
/// and again when a token names a key not seen before (key rotation).
#[derive(Debug)]
pub struct TokenVerifier {
    jwks_url: String,
    issuer: String,
    client_id: String,
    /// Built on the first fetch: behind API Gateway's authorizer it is never needed.
    http: std::sync::OnceLock<reqwest::Client>,
    keys: RwLock<Option<(JwkSet, Instant)>>,
}

/// Refetching for unknown key ids at most this often keeps forged `kid`s from turning
/// every request into a fetch.
const REFETCH_AFTER: Duration = Duration::from_secs(60);

impl TokenVerifier {
    pub fn new(jwks_url: String, issuer: String, client_id: String) -> Self {
        TokenVerifier {
            jwks_url,
            issuer,
            client_id,
            http: std::sync::OnceLock::new(),
            keys: RwLock::new(None),
        }
    }

    /// A verifier with fixed keys (tests of signatures and expiry).
    pub fn with_keys(keys: JwkSet, issuer: String, client_id: String) -> Self {
        TokenVerifier {
            keys: RwLock::new(Some((keys, Instant::now()))),
            ..TokenVerifier::new(String::new(), issuer, client_id)
        }
    }

    pub async fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenError::Invalid);
        }
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        // Access tokens carry `client_id`, not `aud`; checked below.
        validation.validate_aud = false;
        validation.leeway = 5;
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &key, &validation).map_err(|e| match e
                .kind()
            {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                jsonwebtoken::errors::ErrorKind::Json(_)
                | jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(_) => TokenError::Invalid,
                _ => TokenError::Invalid,
            })?;
        let claims = data.claims;
        if claims.token_use != "access" || claims.client_id != self.client_id {
            return Err(TokenError::Invalid);
        }
        Ok(claims)
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        {
            let guard = self.keys.read().await;
            if let Some((set, fetched)) = guard.as_ref() {
                if let Some(jwk) = set.find(kid) {
                    return DecodingKey::from_jwk(jwk).map_err(|_| TokenError::Invalid);
                }
                if fetched.elapsed() < REFETCH_AFTER || self.jwks_url.is_empty() {
                    return Err(TokenError::Invalid);
                }
            }
        }
        let set: JwkSet = self
            .http
            .get_or_init(crate::tls::http_client)
            .get(&self.jwks_url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| TokenError::Keys(e.to_string()))?
            .json()
            .await
            .map_err(|e| TokenError::Keys(e.to_string()))?;
        let found = set.find(kid).map(DecodingKey::from_jwk);
        *self.keys.write().await = Some((set, Instant::now()));
        match found {
            Some(Ok(key)) => Ok(key),
            _ => Err(TokenError::Invalid),
        }
    }
}

//! Who is calling. Every authenticated endpoint takes a [`Principal`], so no handler code
//! runs before the token is verified (or API Gateway's authorizer has verified it).

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use super::{request::authorizer_claims, Problem};
use adapters::identity::TokenError;
use adapters::services::AppState;
use domain::{user::parse_username, CustomerId, PartnerId, UserId};
use store::PartnerScope;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    /// One of a partner's staff.
    PartnerUser { partner: PartnerId, user: UserId },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The identity provider's username.
    pub username: String,
    pub kind: PrincipalKind,
}

impl Principal {
    pub fn partner_user(&self) -> (&PartnerId, &UserId) {
        match &self.kind {
            PrincipalKind::PartnerUser { partner, user } => (partner, user),
        }
    }

    /// The partition this principal may read and write.
    pub fn scope(&self) -> PartnerScope {
        PartnerScope::new(self.partner_user().0.clone())
    }

    /// The partner user a verified username names (403 for any other account).
    pub fn from_username(username: String) -> Result<Self, Problem> {
        match parse_username(&username) {
            Some((partner, user)) => Ok(Principal {
                username,
                kind: PrincipalKind::PartnerUser { partner, user },
            }),
            None => Err(Problem::forbidden(
                "This account cannot use the partner console.",
            )),
        }
    }
}

/// The bearer token of the request, if it has one.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    bearer_in(&parts.headers)
}

/// The bearer token among `headers`, if there is one.
pub fn bearer_in(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The verified identity-provider username of the caller: the authorizer's claims when
/// API Gateway checked the token, otherwise the bearer token verified here against the
/// pool's keys.
pub async fn verified_username(parts: &Parts, state: &AppState) -> Result<String, Problem> {
    if let Some(claims) = authorizer_claims(parts) {
        let ok = claims.get("token_use").map(String::as_str) == Some("access")
            && claims.get("client_id") == Some(&state.config.user_pool_client_id);
        return match (ok, claims.get("username")) {
            (true, Some(username)) => Ok(username.clone()),
            _ => Err(Problem::unauthorized("The access token is not valid.")),
        };
    }
    let token = bearer_token(parts)
        .ok_or_else(|| Problem::unauthorized("Sign in: this request needs an access token."))?;
    match state.verifier.verify(token).await {
        Ok(claims) => Ok(claims.username),
        Err(TokenError::Expired) => Err(Problem::unauthorized("The access token has expired.")),
        Err(TokenError::Keys(cause)) => Err(Problem::internal(format!("JWKS: {cause}"))),
        Err(_) => Err(Problem::unauthorized("The access token is not valid.")),
    }
}

/// Resolves the partner-user principal of the request.
pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Principal, Problem> {
    Principal::from_username(verified_username(parts, state).await?)
}

/// A customer's admin, signed in (the customer portal and approvals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAdmin {
    pub username: String,
    pub customer: CustomerId,
    pub user: UserId,
}

impl CustomerAdmin {
    /// `None` when the username is not a customer admin's.
    pub fn from_username(username: &str) -> Option<Self> {
        let (c, u) = username.split_once('.')?;
        Some(CustomerAdmin {
            customer: CustomerId::parse(c).ok()?,
            user: UserId::parse(u).ok()?,
            username: username.to_string(),
        })
    }
}

impl FromRequestParts<AppState> for CustomerAdmin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let username = verified_username(parts, state).await?;
        CustomerAdmin::from_username(&username)
            .ok_or_else(|| Problem::forbidden("Only the customer's own administrator can do this."))
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(p.clone());
        }
        let principal = resolve(parts, state).await?;
        parts.extensions.insert(principal.clone());
        Ok(principal)
    }
}

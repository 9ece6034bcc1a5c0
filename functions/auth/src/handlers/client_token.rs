//! The OAuth 2.0 token endpoint for API clients (the client-credentials grant).

use super::*;
use api::ProblemType;

/// The client-credentials grant (RFC 6749 §4.4), form-encoded or JSON. The client may
/// authenticate with HTTP Basic instead of `client_id` and `client_secret`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    #[schema(pattern = "^client_credentials$")]
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

/// An access token for an API client (the OAuth 2.0 token response; snake_case as the
/// standard has it).
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientToken {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires; ask for a new one then.
    pub expires_in: i32,
}

fn invalid_client() -> Problem {
    Problem::unauthorized("The client id or secret is not valid.").kind(ProblemType::InvalidClient)
}

/// `client_id` and `client_secret` from HTTP Basic authentication, if sent.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::{engine::general_purpose::STANDARD, Engine};
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// The OAuth 2.0 token endpoint for API clients: exchanges a client id and secret (made
/// under Administration > API Clients) for an access token, used as `Authorization:
/// Bearer` on every endpoint with the client's role. Attempts are rate limited and
/// audited: in the partner's Security Audit when the secret was right, apart from it
/// otherwise.
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token", body = ClientToken),
        (status = 400, description = "Not the client-credentials grant, or a malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The client id or secret is not valid, or the client was revoked", body = Problem, content_type = "application/problem+json"),
        api::responses::TooManyAttempts,
    )
)]
pub async fn token(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let request: TokenRequest = if form {
        serde_urlencoded::from_bytes(&body).map_err(|e| Problem::bad_request(e.to_string()))?
    } else {
        serde_json::from_slice(&body).map_err(|e| Problem::malformed_json(e.to_string()))?
    };
    if request.grant_type != "client_credentials" {
        return Err(
            Problem::bad_request("Only grant_type=client_credentials is supported.")
                .kind(ProblemType::UnsupportedGrantType),
        );
    }
    let (client_id, secret) = match (
        basic_credentials(&headers),
        request.client_id,
        request.client_secret,
    ) {
        (Some(pair), _, _) => pair,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return Err(invalid_client()),
    };
    let Some((partner, user)) = domain::user::parse_username(&client_id) else {
        return Err(invalid_client());
    };
    // A request that proves no credential (an id that is no API client, a wrong secret)
    // is audited apart from the partner's trail, as a sign-in with a wrong password is:
    // anyone can send one with any client id. Only the client's own token requests enter
    // its partner's Security Audit.
    let record = |outcome| {
        AuditRecord::new(Action::ApiClientToken, &client_id, &ip, outcome).target(client_id.clone())
    };
    let c = &state.config;
    let now = now_secs();
    for (operation, key, limit) in [
        ("token-ip", ip.as_str(), c.sign_in_per_ip),
        ("token-client", client_id.as_str(), c.sign_in_per_email),
    ] {
        if let Err(l) = state.table.hit(operation, key, limit, now).await? {
            return Err(Problem::too_many_requests(l.retry_after_secs));
        }
    }
    let scope = store::PartnerScope::new(partner.clone());
    let is_client = state
        .table
        .user(&scope, &user)
        .await?
        .is_some_and(|u| u.api_client);
    if !is_client {
        state
            .table
            .record(&record(Outcome::Failure).reason("not an API client"))
            .await?;
        return Err(invalid_client());
    }
    match state.identity().sign_in(&client_id, &secret).await {
        Ok(tokens) => {
            let r = record(Outcome::Success).by(&partner, Some(&user));
            state.table.record(&r).await?;
            let mut response = Json(ClientToken {
                access_token: tokens.access_token,
                token_type: "Bearer".into(),
                expires_in: tokens.expires_in,
            })
            .into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Err(IdentityError::NotAuthorized) => {
            state
                .table
                .record(&record(Outcome::Failure).reason("incorrect secret"))
                .await?;
            Err(invalid_client())
        }
        Err(e) => Err(e.into()),
    }
}

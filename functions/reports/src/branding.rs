//! Administration > Report Customization (the guide's "Customizing your reports"): the
//! header font colour, the theme colour and the logo every report carries. A logo is
//! checked by its content (type, size, declared dimensions, structure) before anything
//! is stored; the report worker scales it to fit 116×110 and flattens transparency when
//! it draws it.

use std::time::Duration;

use adapters::services::AppState;
use api::{
    acting::{self, Actor},
    versions::{check_if_match, with_etag},
    ApiJson, Principal, Problem, SourceIp,
};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use chrono::Utc;
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    report::{
        logo::{self, LogoError},
        Branding, Colour, StoredLogo,
    },
    FieldError, PartnerId,
};
use serde::{Deserialize, Serialize};
use store::StoreError;
use utoipa::ToSchema;

/// How long the logo's link works.
const LINK_TTL: Duration = Duration::from_secs(600);

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogoView {
    /// A short-lived link to the image.
    pub url: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    /// Bytes.
    pub size: u64,
}

/// Report Customization as the page shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BrandingView {
    pub header_colour: Colour,
    pub theme_colour: Colour,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<LogoView>,
    pub version: u64,
}

async fn view(state: &AppState, branding: &Branding) -> Result<BrandingView, Problem> {
    let logo = match &branding.logo {
        None => None,
        Some(l) => Some(LogoView {
            url: state
                .files()
                .presigned_get(&state.config.logos_bucket, &l.key, LINK_TTL)
                .await
                .map_err(Problem::internal)?,
            content_type: l.content_type.clone(),
            width: l.width,
            height: l.height,
            size: l.size,
        }),
    };
    Ok(BrandingView {
        header_colour: branding.header_colour,
        theme_colour: branding.theme_colour,
        logo,
        version: branding.version,
    })
}

async fn answer(state: &AppState, branding: &Branding) -> Result<Response, Problem> {
    Ok(with_etag(
        StatusCode::OK,
        &view(state, branding).await?,
        branding.version,
    ))
}

/// The partner's report colours and logo (defaults until first saved).
#[utoipa::path(
    get,
    path = "/api/v1/branding",
    tag = "branding",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The branding, with its version as `ETag`", body = BrandingView),
        api::responses::Unauthorized,
    )
)]
pub async fn get_branding(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, Problem> {
    acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let branding = state.table.branding(principal.scope().partner_id()).await?;
    answer(&state, &branding).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ColoursForm {
    /// `#rrggbb`.
    #[schema(pattern = r"^\s*#[0-9A-Fa-f]{6}\s*$")]
    pub header_colour: String,
    /// `#rrggbb`.
    #[schema(pattern = r"^\s*#[0-9A-Fa-f]{6}\s*$")]
    pub theme_colour: String,
}

/// How often a change without `If-Match` is tried again when another saved meanwhile.
const TRIES: usize = 4;

/// Applies `change` to the stored branding and saves it with the audit record: with
/// `If-Match`, only onto that version (412 otherwise); without, onto whatever is stored,
/// read again when another change lands first. Returns the saved branding and the one it
/// replaced.
async fn save(
    state: &AppState,
    partner: &PartnerId,
    headers: &HeaderMap,
    mut branding: Branding,
    audit: &AuditRecord,
    change: impl Fn(&mut Branding),
) -> Result<(Branding, Branding), Problem> {
    let pinned = headers.contains_key(axum::http::header::IF_MATCH);
    for _ in 0..TRIES {
        let before = branding.clone();
        change(&mut branding);
        let expected = before.version;
        match state
            .table
            .save_branding(partner, &branding, expected, audit)
            .await
        {
            Ok(()) => {
                branding.version = expected + 1;
                return Ok((branding, before));
            }
            Err(StoreError::ConditionFailed { index: Some(0) }) if !pinned => {
                branding = state.table.branding(partner).await?;
            }
            Err(StoreError::ConditionFailed { index: Some(0) }) => {
                return Err(Problem::precondition_failed())
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Problem::conflict(
        api::ProblemType::Changed,
        "Report Customization keeps changing: reload it and try again.",
    ))
}

/// The actor and the branding as stored, if the actor may change it and `If-Match`
/// (when sent) is its version.
async fn changing(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
) -> Result<(Actor, PartnerId, Branding), Problem> {
    let actor = acting::user(state, principal, Action::ManageBranding, Resource::Partner).await?;
    let partner = principal.scope().partner_id().clone();
    let branding = state.table.branding(&partner).await?;
    check_if_match(headers, branding.version)?;
    Ok((actor, partner, branding))
}

/// Saves the colours (`If-Match` with the `ETag`, or the current version).
#[utoipa::path(
    put,
    path = "/api/v1/branding",
    tag = "branding",
    security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body = ColoursForm,
    responses(
        (status = 200, description = "Saved", body = BrandingView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::StaleVersion,
        api::responses::InvalidFields,
    )
)]
pub async fn update_branding(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    ApiJson(form): ApiJson<ColoursForm>,
) -> Result<Response, Problem> {
    let (actor, partner, branding) = changing(&state, &principal, &headers).await?;
    let mut errors = Vec::new();
    let mut colour = |field: &str, raw: &str| match Colour::parse(raw) {
        Ok(c) => Some(c),
        Err(message) => {
            errors.push(FieldError {
                field: field.into(),
                message,
            });
            None
        }
    };
    let (header, theme) = (
        colour("headerColour", &form.header_colour),
        colour("themeColour", &form.theme_colour),
    );
    let (Some(header), Some(theme)) = (header, theme) else {
        return Err(Problem::validation(errors));
    };
    let audit = AuditRecord::of_user(&actor.user, Audited::UpdateBranding, &ip, "colours");
    let (saved, _) = save(&state, &partner, &headers, branding, &audit, |b| {
        b.header_colour = header;
        b.theme_colour = theme;
    })
    .await?;
    answer(&state, &saved).await
}

fn refused(e: LogoError) -> Problem {
    let detail = e.to_string();
    match e {
        LogoError::TooLarge { .. } => {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large").detail(detail)
        }
        LogoError::NotAnImage | LogoError::Unsupported(_) => {
            Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")
                .detail(detail)
        }
        _ => Problem::validation(vec![FieldError {
            field: "logo".into(),
            message: detail.clone(),
        }])
        .detail(detail),
    }
}

/// Uploads the logo: the image file itself as the body (PNG, JPEG or GIF, under 200 KB,
/// at most 4096 pixels a side). It is checked by content, whatever its name or declared
/// type; a refused file stores nothing.
#[utoipa::path(
    put,
    path = "/api/v1/branding/logo",
    tag = "branding",
    security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image file (image/png, image/jpeg or image/gif)"),
    responses(
        (status = 200, description = "Saved", body = BrandingView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::StaleVersion,
        (status = 413, description = "200 KB or more", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PNG, JPEG or GIF image", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Damaged, incomplete, or absurdly large dimensions", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload_logo(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let (actor, partner, branding) = changing(&state, &principal, &headers).await?;
    let checked = logo::check(&body).map_err(refused)?;
    let key = Branding::logo_key(&partner, checked.kind.extension());
    let content_type = checked.kind.content_type();
    state
        .files()
        .put(
            &state.config.logos_bucket,
            &key,
            body.to_vec(),
            content_type,
        )
        .await
        .map_err(Problem::internal)?;
    let logo = StoredLogo {
        key: key.clone(),
        content_type: content_type.into(),
        width: checked.width,
        height: checked.height,
        size: body.len() as u64,
        uploaded_at: Utc::now(),
    };
    let audit = AuditRecord::of_user(&actor.user, Audited::UpdateBranding, &ip, "logo");
    match save(&state, &partner, &headers, branding, &audit, |b| {
        b.logo = Some(logo.clone());
    })
    .await
    {
        Ok((saved, before)) => {
            remove_object(&state, before.logo).await;
            answer(&state, &saved).await
        }
        Err(problem) => {
            // Nothing points at the new object: remove it, so a failed save stores
            // nothing.
            if let Err(d) = state
                .files()
                .delete(&state.config.logos_bucket, &[key])
                .await
            {
                tracing::error!(error = %d, "an unsaved logo was not removed");
            }
            Err(problem)
        }
    }
}

async fn remove_object(state: &AppState, logo: Option<StoredLogo>) {
    if let Some(old) = logo {
        if let Err(e) = state
            .files()
            .delete(&state.config.logos_bucket, &[old.key])
            .await
        {
            tracing::error!(error = %e, "a replaced logo was not removed");
        }
    }
}

/// Removes the logo: reports carry none until another is uploaded.
#[utoipa::path(
    delete,
    path = "/api/v1/branding/logo",
    tag = "branding",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Removed", body = BrandingView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::StaleVersion,
    )
)]
pub async fn remove_logo(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (actor, partner, branding) = changing(&state, &principal, &headers).await?;
    if branding.logo.is_none() {
        return answer(&state, &branding).await;
    }
    let audit = AuditRecord::of_user(&actor.user, Audited::UpdateBranding, &ip, "logo.remove");
    let (saved, before) = save(&state, &partner, &headers, branding, &audit, |b| {
        b.logo = None;
    })
    .await?;
    remove_object(&state, before.logo).await;
    answer(&state, &saved).await
}

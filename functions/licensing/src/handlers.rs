//! Validate, then activate, the partner's ExSP program serial.

use adapters::services::AppState;
use api::ProblemType;
use api::{acting, ApiJson, Principal, Problem, SourceIp};
use axum::{extract::State, Json};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    authorization,
    partner::Program,
    serial::{Serial, SerialKind},
    FieldError,
};
use serde::{Deserialize, Serialize};
use store::serials::{ActivateError, Activation, IssuedSerial};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SerialRequest {
    /// As typed: case, spaces and dashes do not matter.
    #[schema(pattern = r"^\s*[- ]*[XxPp](?:[- ]*[0-9A-TV-Za-tv-z]){20}[- ]*\s*$")]
    pub serial: String,
}

/// A serial that can be activated.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SerialStatus {
    /// The serial in groups of five.
    pub serial: String,
    pub kind: SerialKind,
    /// Always `available`: other states are answered with an error.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgramActivated {
    pub serial: String,
    pub program: Program,
    pub activated_at: DateTime<Utc>,
}

fn serial_error(message: impl Into<String>) -> Problem {
    Problem::validation(vec![FieldError {
        field: "serial".into(),
        message: message.into(),
    }])
}

/// Checks the serial's form and that it is an unused ExSP program serial.
async fn available_serial(state: &AppState, raw: &str) -> Result<IssuedSerial, Problem> {
    let serial = Serial::parse(raw).map_err(serial_error)?;
    if serial.kind() != SerialKind::ExspProgram {
        return Err(serial_error(
            "is a product serial number: enter your ExSP program serial number",
        ));
    }
    let issued = state.table.find_serial(&serial).await?.ok_or_else(|| {
        Problem::not_found("No ExSP serial number matches. Check it and try again.")
    })?;
    if issued.activation.is_some() {
        return Err(Problem::conflict(
            ProblemType::SerialUsed,
            "This serial number has already been activated.",
        ));
    }
    Ok(issued)
}

/// Validate an ExSP program serial (the modal's Validate button).
#[utoipa::path(
    post,
    path = "/api/v1/licensing/exsp-serial/validate",
    tag = "licensing",
    security(("bearer" = [])),
    request_body = SerialRequest,
    responses(
        (status = 200, description = "The serial can be activated", body = SerialStatus),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Already activated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid serial (a typo), or a product serial", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn validate_program_serial(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<SerialRequest>,
) -> Result<Json<SerialStatus>, Problem> {
    acting::user(
        &state,
        &principal,
        authorization::Action::ActivateProgramSerial,
        authorization::Resource::Partner,
    )
    .await?;
    let issued = available_serial(&state, &request.serial).await?;
    Ok(Json(SerialStatus {
        serial: issued.serial.display(),
        kind: issued.serial.kind(),
        status: "available".into(),
    }))
}

/// Activate an ExSP program serial: the partner joins the ExSP program. A serial
/// activates once, for one partner.
#[utoipa::path(
    post,
    path = "/api/v1/licensing/exsp-serial/activate",
    tag = "licensing",
    security(("bearer" = [])),
    request_body = SerialRequest,
    responses(
        (status = 200, description = "The partner is now an ExSP partner", body = ProgramActivated),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Already activated, or the partner is already ExSP", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid serial (a typo), or a product serial", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn activate_program_serial(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<SerialRequest>,
) -> Result<Json<ProgramActivated>, Problem> {
    let user = acting::user(
        &state,
        &principal,
        authorization::Action::ActivateProgramSerial,
        authorization::Resource::Partner,
    )
    .await?
    .user;
    let issued = available_serial(&state, &request.serial).await?;
    let activation = Activation {
        partner_id: user.partner_id.clone(),
        user_id: user.id.clone(),
        at: Utc::now(),
    };
    let audit = AuditRecord::new(
        Action::ActivateProgramSerial,
        user.email.as_str(),
        &ip,
        Outcome::Success,
    )
    .by(&user.partner_id, Some(&user.id))
    .target(issued.serial.display());
    match state
        .table
        .activate_program_serial(&principal.scope(), &issued.serial, &activation, &audit)
        .await
    {
        Ok(()) => {
            tracing::info!(partner = %user.partner_id, "ExSP program serial activated");
            Ok(Json(ProgramActivated {
                serial: issued.serial.display(),
                program: Program::Exsp,
                activated_at: activation.at,
            }))
        }
        Err(ActivateError::SerialUnavailable) => Err(Problem::conflict(
            ProblemType::SerialUsed,
            "This serial number has already been activated.",
        )),
        Err(ActivateError::AlreadyExsp) => Err(Problem::conflict(
            ProblemType::AlreadyExsp,
            "Your account is already in the ExSP program.",
        )),
        Err(ActivateError::Store(e)) => Err(e.into()),
    }
}

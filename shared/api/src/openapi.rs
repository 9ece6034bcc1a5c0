//! Pieces of the OpenAPI document every function's description shares.

use utoipa::{
    openapi::{
        path::{Operation, ParameterIn},
        schema::SchemaType,
        security::{Http, HttpAuthScheme, SecurityScheme},
        ObjectBuilder, Type,
    },
    IntoResponses,
};

use crate::responses;

/// Declares the `bearer` security scheme: a Cognito access token.
pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Declares the `ingestionKey` security scheme: a customer's telemetry ingestion key,
/// sent as a bearer token (or in `X-Ingestion-Key`).
pub struct IngestionKeyAuth;

impl utoipa::Modify for IngestionKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("ingestion key (pcik_…)".into());
        components.add_security_scheme("ingestionKey", SecurityScheme::Http(scheme));
    }
}

/// Adds to every operation the error answers the shared layers give before (or whatever)
/// its handler says, where the operation can get them, unless the operation describes that
/// status itself:
/// - a JSON body (`ApiJson`): 400 malformed, 413 over 1 MB, 415 not JSON, 422 invalid fields
///   (the ingestion endpoints read any type: no 415);
/// - the bearer scheme (`Principal`): 401 without a valid token, 403 for a disabled user, a
///   customer admin's token on a partner endpoint, or two-step verification required;
///   the ingestion key: 401;
/// - path parameters: 404 (no such resource, or another partner's; for the ingestion key,
///   401 says it);
/// - query parameters (`ApiQuery`): 422 naming the parameter;
/// - `Idempotency-Key` (`idempotency::idempotent`): 409 while the first request with the
///   key runs, 422 for a malformed key or one used with another body;
/// - `If-Match` (`versions::check_if_match`): 412.
///
/// Applied once to the whole document (`infra::openapi`), so no handler repeats them.
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                describe_idempotency_key(operation);
                add_common_responses(operation);
            }
        }
    }
}

/// `Idempotency-Key` as `idempotency::idempotent` reads it: 1–255 visible ASCII
/// characters.
fn describe_idempotency_key(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        if parameter.parameter_in == ParameterIn::Header && parameter.name == "Idempotency-Key" {
            parameter.schema = Some(
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .min_length(Some(1))
                    .max_length(Some(255))
                    .pattern(Some("^[!-~]+$"))
                    .into(),
            );
        }
    }
}

fn add_common_responses(operation: &mut Operation) {
    type Parts = fn() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    >;
    let mut parts: Vec<Parts> = Vec::new();
    let schemes: Vec<String> = operation
        .security
        .iter()
        .flatten()
        .filter_map(|requirement| serde_json::to_value(requirement).ok())
        .filter_map(|value| {
            value
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>())
        })
        .flatten()
        .collect();
    // The ingestion endpoints read their body whatever its declared type, and answer 401
    // for a customer the key is not for, found or not.
    let ingestion = schemes.iter().any(|s| s == "ingestionKey");
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.contains_key("application/json"));
    if json_body {
        parts.extend([
            responses::MalformedJson::responses as Parts,
            responses::TooLarge::responses,
            responses::InvalidFields::responses,
        ]);
        if !ingestion {
            parts.push(responses::UnsupportedMediaType::responses);
        }
    }
    if schemes.iter().any(|s| s == "bearer") {
        parts.extend([
            responses::Unauthorized::responses as Parts,
            responses::Forbidden::responses,
        ]);
    } else if !schemes.is_empty() {
        parts.push(responses::Unauthorized::responses);
    }
    let parameters = operation.parameters.iter().flatten();
    for parameter in parameters {
        match (&parameter.parameter_in, parameter.name.as_str()) {
            (ParameterIn::Path, _) if !ingestion => parts.push(responses::NotFound::responses),
            (ParameterIn::Query, _) => parts.push(responses::InvalidFields::responses),
            (ParameterIn::Header, "Idempotency-Key") => parts.extend([
                responses::RequestInProgress::responses as Parts,
                responses::InvalidFields::responses,
            ]),
            (ParameterIn::Header, "If-Match") => parts.push(responses::StaleVersion::responses),
            _ => {}
        }
    }
    for part in parts {
        for (status, response) in part() {
            operation
                .responses
                .responses
                .entry(status)
                .or_insert(response);
        }
    }
}

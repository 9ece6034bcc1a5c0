//! Strict JSON request bodies: the right content type, at most 1 MB, well formed, and
//! exactly the fields the endpoint defines (request types use `deny_unknown_fields`).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, StatusCode},
};
use serde::de::DeserializeOwned;

use super::Problem;
use domain::FieldError;

/// Query parameters, or a 422 problem naming what is wrong with them (unknown parameters
/// included, as for bodies).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let field = e.path().to_string();
                let message = e.into_inner().to_string();
                Problem::validation(vec![FieldError {
                    field: if field == "." { "query".into() } else { field },
                    message,
                }])
            })
    }
}

/// A JSON body, or a problem+json answer saying exactly what is wrong with it.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(Problem::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::payload_too_large()
            } else {
                Problem::bad_request("The request body could not be read.")
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses a body: syntax errors are 400, a body of the wrong shape is 422 naming the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                Problem::malformed_json(format!("The body is not valid JSON: {inner}."))
            }
            serde_json::error::Category::Io => Problem::bad_request("The body could not be read."),
            serde_json::error::Category::Data => {
                Problem::validation(vec![shape_error(&path, &inner)])
            }
        }
    })
}

/// Turns serde's message into a field error: unknown and missing fields name themselves.
fn shape_error(path: &str, e: &serde_json::Error) -> FieldError {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_string);
    let join = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if msg.starts_with("unknown field") {
        // The path already ends at the unknown field.
        FieldError {
            field: path.to_string(),
            message: "is not a known field".into(),
        }
    } else if msg.starts_with("missing field") {
        let name = quoted(&msg).unwrap_or_default();
        FieldError {
            field: join(&name),
            message: "is required".into(),
        }
    } else {
        FieldError {
            field: if path == "." {
                String::new()
            } else {
                path.to_string()
            },
            message: msg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn field_errors(body: &str) -> (u16, Vec<FieldError>) {
        let p = parse::<Body>(body.as_bytes()).unwrap_err();
        (p.status, p.errors)
    }

    #[test]
    fn malformed_json_is_a_400() {
        assert_eq!(field_errors("{\"name\": ").0, 400);
        assert_eq!(field_errors("not json").0, 400);
    }

    #[test]
    fn unknown_missing_and_mistyped_fields_are_named() {
        let (status, e) = field_errors(r#"{"name":"a","inner":{"count":1},"extra":1}"#);
        assert_eq!((status, e[0].field.as_str()), (422, "extra"));
        assert_eq!(e[0].message, "is not a known field");
        let (_, e) = field_errors(r#"{"name":"a","inner":{}}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].message.as_str()),
            ("inner.count", "is required")
        );
        let (_, e) = field_errors(r#"{"name":"a","inner":{"count":"many"}}"#);
        assert_eq!(e[0].field, "inner.count");
        assert!(e[0].message.starts_with("invalid type"), "{}", e[0].message);
    }
}

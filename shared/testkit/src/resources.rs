//! The stack's stateful resources as `template.yaml` defines them. The local stack and the
//! tests create the table, buckets and user pool from these very definitions, so what
//! runs locally cannot drift from what is deployed.

use serde::Deserialize;
use serde_yaml::Value;

/// `template.yaml`, compiled in.
pub const TEMPLATE: &str = include_str!("../../../template.yaml");

#[derive(Debug, thiserror::Error)]
#[error("template.yaml: {0}")]
pub struct TemplateError(String);

fn err(e: impl std::fmt::Display) -> TemplateError {
    TemplateError(e.to_string())
}

fn sdk(e: impl std::error::Error) -> TemplateError {
    TemplateError(adapters::aws::describe(e))
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElement {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Projection {
    pub projection_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalSecondaryIndex {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: Projection,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLive {
    pub attribute_name: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableSpec {
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeyElement>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<GlobalSecondaryIndex>,
    pub time_to_live_specification: TimeToLive,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicySpec {
    pub minimum_length: usize,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolPolicies {
    pub password_policy: PasswordPolicySpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolSpec {
    pub policies: UserPoolPolicies,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientSpec {
    pub explicit_auth_flows: Vec<String>,
    pub generate_secret: bool,
    pub enable_token_revocation: bool,
}

/// The parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    doc: Value,
}

/// One CORS rule of a bucket, as the template states it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CorsRuleSpec {
    pub allowed_methods: Vec<String>,
    pub allowed_origins: Vec<String>,
    #[serde(default)]
    pub allowed_headers: Vec<String>,
    #[serde(default)]
    pub max_age: Option<i32>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        Ok(Template {
            doc: serde_yaml::from_str(text).map_err(err)?,
        })
    }

    /// The compiled-in `template.yaml`.
    pub fn bundled() -> Result<Self, TemplateError> {
        Self::parse(TEMPLATE)
    }

    /// Every resource as (logical id, type, properties).
    pub fn resources(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.resource_values()
            .map(|(id, t, r)| (id, t, r.get("Properties").unwrap_or(&Value::Null)))
    }

    /// Every resource as (logical id, type, the whole resource).
    pub fn resource_values(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(id, r)| Some((id.as_str()?, r.get("Type")?.as_str()?, r)))
    }

    /// The properties of the one resource of `kind`, read as `T`.
    fn single<T: serde::de::DeserializeOwned>(&self, kind: &str) -> Result<T, TemplateError> {
        let mut found = self.resources().filter(|(_, t, _)| *t == kind);
        let (_, _, props) = found
            .next()
            .ok_or_else(|| err(format!("no {kind} resource")))?;
        if found.next().is_some() {
            return Err(err(format!("more than one {kind} resource")));
        }
        serde_yaml::from_value(props.clone()).map_err(err)
    }

    pub fn table(&self) -> Result<TableSpec, TemplateError> {
        self.single("AWS::DynamoDB::Table")
    }

    pub fn user_pool(&self) -> Result<UserPoolSpec, TemplateError> {
        self.single("AWS::Cognito::UserPool")
    }

    pub fn user_pool_client(&self) -> Result<UserPoolClientSpec, TemplateError> {
        self.single("AWS::Cognito::UserPoolClient")
    }

    /// Logical ids of the S3 buckets.
    pub fn buckets(&self) -> Vec<String> {
        self.resources()
            .filter(|(_, t, _)| *t == "AWS::S3::Bucket")
            .map(|(id, _, _)| id.to_string())
            .collect()
    }

    /// A bucket's CORS rules (`CorsConfiguration.CorsRules`), none when it has none.
    pub fn bucket_cors(&self, bucket: &str) -> Result<Vec<CorsRuleSpec>, TemplateError> {
        let Some((_, _, props)) = self
            .resources()
            .find(|(id, t, _)| *id == bucket && *t == "AWS::S3::Bucket")
        else {
            return Err(err(format!("no bucket {bucket}")));
        };
        match props
            .get("CorsConfiguration")
            .and_then(|c| c.get("CorsRules"))
        {
            None => Ok(Vec::new()),
            Some(rules) => serde_yaml::from_value(rules.clone()).map_err(err),
        }
    }

    /// Every function: its logical id, its binary (`Metadata.BuildProperties.Binary`, if
    /// given) and its resource.
    pub fn functions(&self) -> Vec<(&str, Option<&str>, &Value)> {
        self.resource_values()
            .filter(|(_, kind, _)| *kind == "AWS::Serverless::Function")
            .map(|(id, _, resource)| {
                let binary = resource
                    .get("Metadata")
                    .and_then(|m| m.get("BuildProperties"))
                    .and_then(|b| b.get("Binary"))
                    .and_then(Value::as_str);
                (id, binary, resource)
            })
            .collect()
    }

    /// Every `HttpApi` event of every function: (binary, method, path), sorted.
    pub fn http_routes(&self) -> Vec<(String, String, String)> {
        let mut routes = Vec::new();
        for (_, binary, resource) in self.functions() {
            let binary = binary.unwrap_or_default().to_string();
            let events = resource
                .get("Properties")
                .and_then(|p| p.get("Events"))
                .and_then(Value::as_mapping);
            for (_, event) in events.into_iter().flatten() {
                if event.get("Type").and_then(Value::as_str) != Some("HttpApi") {
                    continue;
                }
                let p = event.get("Properties");
                let field = |name: &str| {
                    p.and_then(|p| p.get(name))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                routes.push((
                    binary.clone(),
                    field("Method").to_uppercase(),
                    field("Path"),
                ));
            }
        }
        routes.sort();
        routes
    }
}

/// Creating the resources on moto (the local stack and tests).
pub mod local {
    use super::*;
    use aws_sdk_dynamodb::types::{
        AttributeDefinition as Ad, BillingMode, GlobalSecondaryIndex as Gsi, KeySchemaElement,
        KeyType, Projection as P, ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
    };

    fn key(k: &KeyElement) -> Result<KeySchemaElement, TemplateError> {
        KeySchemaElement::builder()
            .attribute_name(&k.attribute_name)
            .key_type(KeyType::from(k.key_type.as_str()))
            .build()
            .map_err(err)
    }

    /// Creates the table unless it exists; enables TTL as the template does.
    pub async fn create_table(
        client: &aws_sdk_dynamodb::Client,
        name: &str,
        spec: &TableSpec,
    ) -> Result<(), TemplateError> {
        if client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        let mut request = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest);
        for a in &spec.attribute_definitions {
            request = request.attribute_definitions(
                Ad::builder()
                    .attribute_name(&a.attribute_name)
                    .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                    .build()
                    .map_err(err)?,
            );
        }
        for k in &spec.key_schema {
            request = request.key_schema(key(k)?);
        }
        for g in &spec.global_secondary_indexes {
            let mut index = Gsi::builder().index_name(&g.index_name).projection(
                P::builder()
                    .projection_type(ProjectionType::from(g.projection.projection_type.as_str()))
                    .build(),
            );
            for k in &g.key_schema {
                index = index.key_schema(key(k)?);
            }
            request = request.global_secondary_indexes(index.build().map_err(err)?);
        }
        request.send().await.map_err(sdk)?;
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(&spec.time_to_live_specification.attribute_name)
                    .enabled(spec.time_to_live_specification.enabled)
                    .build()
                    .map_err(err)?,
            )
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    /// Creates the user pool and its app client unless a pool of that name exists;
    /// returns (pool id, client id).
    pub async fn create_user_pool(
        client: &aws_sdk_cognitoidentityprovider::Client,
        name: &str,
        pool: &UserPoolSpec,
        app: &UserPoolClientSpec,
    ) -> Result<(String, String), TemplateError> {
        use aws_sdk_cognitoidentityprovider::types::{
            ExplicitAuthFlowsType, PasswordPolicyType, UserPoolPolicyType,
            UsernameConfigurationType,
        };
        let pools = client
            .list_user_pools()
            .max_results(60)
            .send()
            .await
            .map_err(sdk)?;
        let existing = pools
            .user_pools()
            .iter()
            .find(|p| p.name() == Some(name))
            .and_then(|p| p.id().map(str::to_string));
        let pool_id = match existing {
            Some(id) => id,
            None => {
                let p = &pool.policies.password_policy;
                let policy = PasswordPolicyType::builder()
                    .minimum_length(p.minimum_length as i32)
                    .require_lowercase(p.require_lowercase)
                    .require_uppercase(p.require_uppercase)
                    .require_numbers(p.require_numbers)
                    .require_symbols(p.require_symbols)
                    .build();
                let created = client
                    .create_user_pool()
                    .pool_name(name)
                    .policies(
                        UserPoolPolicyType::builder()
                            .password_policy(policy)
                            .build(),
                    )
                    .username_configuration(
                        UsernameConfigurationType::builder()
                            .case_sensitive(false)
                            .build()
                            .map_err(err)?,
                    )
                    .send()
                    .await
                    .map_err(sdk)?;
                created
                    .user_pool
                    .and_then(|p| p.id)
                    .ok_or_else(|| err("created pool has no id"))?
            }
        };
        let clients = client
            .list_user_pool_clients()
            .user_pool_id(&pool_id)
            .max_results(60)
            .send()
            .await
            .map_err(sdk)?;
        if let Some(id) = clients
            .user_pool_clients()
            .iter()
            .find(|c| c.client_name() == Some(name))
            .and_then(|c| c.client_id())
        {
            return Ok((pool_id, id.to_string()));
        }
        let created = client
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name(name)
            .generate_secret(app.generate_secret)
            .enable_token_revocation(app.enable_token_revocation)
            .set_explicit_auth_flows(Some(
                app.explicit_auth_flows
                    .iter()
                    .map(|f| ExplicitAuthFlowsType::from(f.as_str()))
                    .collect(),
            ))
            .send()
            .await
            .map_err(sdk)?;
        let client_id = created
            .user_pool_client
            .and_then(|c| c.client_id)
            .ok_or_else(|| err("created client has no id"))?;
        Ok((pool_id, client_id))
    }

    /// What local schedules name as their target, the role Scheduler assumes and the
    /// dead-letter queue: moto stores them and checks nothing; the local scheduler
    /// invokes the function the target's name ends with.
    pub const REPORT_WORKER_ARN: &str =
        "arn:aws:lambda:us-east-1:123456789012:function:report-worker";
    pub const SCHEDULER_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/report-scheduler";
    pub const SCHEDULE_DLQ_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:report-schedules-dlq";

    /// Creates a schedule group unless it exists.
    pub async fn create_schedule_group(
        client: &aws_sdk_scheduler::Client,
        name: &str,
    ) -> Result<(), TemplateError> {
        if client.get_schedule_group().name(name).send().await.is_ok() {
            return Ok(());
        }
        client
            .create_schedule_group()
            .name(name)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    /// Gives a bucket the template's CORS rules (the browser uploads attachments to it).
    pub async fn put_bucket_cors(
        client: &aws_sdk_s3::Client,
        name: &str,
        rules: &[super::CorsRuleSpec],
    ) -> Result<(), TemplateError> {
        use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
        if rules.is_empty() {
            return Ok(());
        }
        let rules = rules
            .iter()
            .map(|r| {
                CorsRule::builder()
                    .set_allowed_methods(Some(r.allowed_methods.clone()))
                    .set_allowed_origins(Some(r.allowed_origins.clone()))
                    .set_allowed_headers(Some(r.allowed_headers.clone()))
                    .set_max_age_seconds(r.max_age)
                    .build()
                    .map_err(sdk)
            })
            .collect::<Result<Vec<_>, _>>()?;
        client
            .put_bucket_cors()
            .bucket(name)
            .cors_configuration(
                CorsConfiguration::builder()
                    .set_cors_rules(Some(rules))
                    .build()
                    .map_err(sdk)?,
            )
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    /// Creates a bucket unless it exists.
    pub async fn create_bucket(
        client: &aws_sdk_s3::Client,
        name: &str,
    ) -> Result<(), TemplateError> {
        if client.head_bucket().bucket(name).send().await.is_ok() {
            return Ok(());
        }
        client
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::password::POLICY;

    #[test]
    fn only_the_files_bucket_takes_uploads_from_the_browser_and_only_puts() {
        let t = Template::bundled().unwrap();
        let rules = t.bucket_cors("ReportsBucket").unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].allowed_methods, ["PUT"]);
        assert_eq!(rules[0].allowed_headers, ["content-type"]);
        assert_eq!(t.bucket_cors("LogosBucket").unwrap(), []);
    }

    #[test]
    fn the_user_pool_enforces_the_consoles_password_policy() {
        let t = Template::bundled().unwrap();
        let p = t.user_pool().unwrap().policies.password_policy;
        assert_eq!(
            (
                p.minimum_length,
                p.require_lowercase,
                p.require_uppercase,
                p.require_numbers,
                p.require_symbols
            ),
            (
                POLICY.minimum_length,
                POLICY.require_lowercase,
                POLICY.require_uppercase,
                POLICY.require_numbers,
                POLICY.require_symbols
            )
        );
    }

    #[test]
    fn the_table_has_generic_keys_three_overloaded_indexes_and_ttl() {
        let t = Template::bundled().unwrap().table().unwrap();
        let names: Vec<_> = t
            .key_schema
            .iter()
            .map(|k| k.attribute_name.as_str())
            .collect();
        assert_eq!(names, ["pk", "sk"]);
        let indexes: Vec<_> = t
            .global_secondary_indexes
            .iter()
            .map(|i| i.index_name.as_str())
            .collect();
        assert_eq!(indexes, ["gsi1", "gsi2", "gsi3"]);
        assert_eq!(t.time_to_live_specification.attribute_name, "ttl");
        assert!(t.time_to_live_specification.enabled);
    }
}

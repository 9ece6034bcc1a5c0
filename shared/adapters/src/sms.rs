//! Text messages: published through Amazon SNS to a phone number (moto keeps them
//! locally, where tests read them back).

use aws_sdk_sns::{types::MessageAttributeValue, Client};

#[derive(Debug, thiserror::Error)]
#[error("sns: {0}")]
pub struct SmsError(String);

#[derive(Debug, Clone)]
pub struct Sms {
    client: Client,
}

impl Sms {
    pub fn new(client: Client) -> Self {
        Sms { client }
    }

    /// Sends `text` to an E.164 number as a transactional message; returns its id.
    pub async fn send(&self, number: &str, text: &str) -> Result<String, SmsError> {
        let kind = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| SmsError(e.to_string()))?;
        let out = self
            .client
            .publish()
            .phone_number(number)
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", kind)
            .send()
            .await
            .map_err(|e| SmsError(crate::aws::describe(e)))?;
        Ok(out.message_id.unwrap_or_default())
    }
}

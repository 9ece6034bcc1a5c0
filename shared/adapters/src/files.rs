//! S3 files: reports, logos and attachments are put here and handed out as short-lived
//! presigned links, never through the functions.

use std::time::Duration;

use aws_sdk_s3::{presigning::PresigningConfig, primitives::ByteStream, Client};

#[derive(Debug, thiserror::Error)]
#[error("s3: {0}")]
pub struct FilesError(String);

fn err<E: std::error::Error>(e: E) -> FilesError {
    FilesError(crate::aws::describe(e))
}

#[derive(Debug, Clone)]
pub struct Files {
    client: Client,
}

impl Files {
    pub fn new(client: Client) -> Self {
        Files { client }
    }

    pub async fn put(
        &self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<(), FilesError> {
        self.client
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(err)?;
        Ok(())
    }

    /// A link that downloads the object for `expires_in`, then stops working.
    pub async fn presigned_get(
        &self,
        bucket: &str,
        key: &str,
        expires_in: Duration,
    ) -> Result<String, FilesError> {
        let config = PresigningConfig::expires_in(expires_in).map_err(err)?;
        let request = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(err)?;
        Ok(request.uri().to_string())
    }
}

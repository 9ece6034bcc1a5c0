//! S3 files: reports, logos and attachments are put here and handed out as short-lived
//! presigned links, never through the functions.

use std::time::Duration;

use aws_sdk_s3::{
    presigning::PresigningConfig, primitives::ByteStream, types::ServerSideEncryption, Client,
};

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
            .server_side_encryption(ServerSideEncryption::Aes256)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(err)?;
        Ok(())
    }

    /// An object's bytes; `None` when there is no such object.
    pub async fn get(&self, bucket: &str, key: &str) -> Result<Option<Vec<u8>>, FilesError> {
        let out = match self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(err(e)),
        };
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| FilesError(e.to_string()))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }

    /// Removes objects (one call per 1,000 keys); keys that do not exist are fine.
    pub async fn delete(&self, bucket: &str, keys: &[String]) -> Result<(), FilesError> {
        use aws_sdk_s3::types::{Delete, ObjectIdentifier};
        for chunk in keys.chunks(1000) {
            let objects = chunk
                .iter()
                .map(|k| ObjectIdentifier::builder().key(k).build().map_err(err))
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .delete_objects()
                .bucket(bucket)
                .delete(
                    Delete::builder()
                        .set_objects(Some(objects))
                        .build()
                        .map_err(err)?,
                )
                .send()
                .await
                .map_err(err)?;
            if let Some(e) = out.errors().first() {
                return Err(FilesError(format!(
                    "{} not deleted: {}",
                    e.key().unwrap_or_default(),
                    e.message().unwrap_or_default()
                )));
            }
        }
        Ok(())
    }

    /// A link that uploads exactly one file for `expires_in`: a PUT whose signature
    /// covers its `Content-Type` and `Content-Length`, so only a body of that type and
    /// size is accepted; stored encrypted (the header is signed too).
    pub async fn presigned_upload(
        &self,
        bucket: &str,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> Result<String, FilesError> {
        let config = PresigningConfig::expires_in(expires_in).map_err(err)?;
        let length = i64::try_from(content_length).map_err(|e| FilesError(e.to_string()))?;
        let request = self
            .client
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
            .content_length(length)
            .presigned(config)
            .await
            .map_err(err)?;
        Ok(request.uri().to_string())
    }

    /// An object's size in bytes; `None` when there is no such object.
    pub async fn size(&self, bucket: &str, key: &str) -> Result<Option<u64>, FilesError> {
        match self
            .client
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(out.content_length().unwrap_or_default().max(0) as u64)),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(err(e)),
        }
    }

    /// A link that downloads the object for `expires_in`, then stops working.
    pub async fn presigned_get(
        &self,
        bucket: &str,
        key: &str,
        expires_in: Duration,
    ) -> Result<String, FilesError> {
        self.presigned_download(bucket, key, expires_in, None).await
    }

    /// A presigned link whose answer carries `disposition` as `Content-Disposition`
    /// (`attachment; filename=…` to download, none to open in the browser).
    pub async fn presigned_download(
        &self,
        bucket: &str,
        key: &str,
        expires_in: Duration,
        disposition: Option<&str>,
    ) -> Result<String, FilesError> {
        let config = PresigningConfig::expires_in(expires_in).map_err(err)?;
        let request = self
            .client
            .get_object()
            .bucket(bucket)
            .key(key)
            .set_response_content_disposition(disposition.map(str::to_string))
            .presigned(config)
            .await
            .map_err(err)?;
        Ok(request.uri().to_string())
    }
}

//! The Home page's stored parts: each user's widget layout, and the content operators
//! publish for every partner (the threat level and the news).

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use chrono::{DateTime, Utc};

use super::{
    put_new, schedule::time_key, to_item, Item, Keys, Page, PageQuery, PartnerScope, StoreError,
    Table,
};
use domain::{
    audit::AuditRecord,
    home::{Layout, NewsItem, Threats},
    UserId,
};

/// Published content: one partition for everyone.
const CONTENT_PK: &str = "CONTENT";
const THREATS_SK: &str = "THREATS";

fn layout_keys(scope: &PartnerScope, user: &UserId) -> Keys {
    Keys::new(scope.pk(), format!("LAYOUT#{user}"))
}

fn news_sk(at: DateTime<Utc>, id: &str) -> String {
    format!("NEWS#{}#{id}", time_key(at))
}

impl Table {
    /// The user's layout, or the first one (every widget, in the guide's order).
    pub async fn layout(&self, scope: &PartnerScope, user: &UserId) -> Result<Layout, StoreError> {
        let k = layout_keys(scope, user);
        Ok(self.get::<Layout>(&k.pk, &k.sk).await?.unwrap_or_default())
    }

    /// Saves the user's layout with its audit record.
    pub async fn save_layout(
        &self,
        scope: &PartnerScope,
        user: &UserId,
        layout: &Layout,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let put = Put::builder()
            .table_name(&self.name)
            .set_item(Some(to_item(layout_keys(scope, user), "Layout", layout)?))
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            TransactWriteItem::builder().put(put).build(),
            put_new(&self.name, super::audit::item(audit)?)?,
        ])
        .await
    }

    /// The Threats Summary as last published.
    pub async fn threats(&self) -> Result<Option<Threats>, StoreError> {
        self.get(CONTENT_PK, THREATS_SK).await
    }

    pub async fn publish_threats(&self, threats: &Threats) -> Result<(), StoreError> {
        self.put(to_item(
            Keys::new(CONTENT_PK, THREATS_SK),
            "Threats",
            threats,
        )?)
        .await
    }

    pub async fn publish_news(&self, item: &NewsItem) -> Result<(), StoreError> {
        self.put(to_item(
            Keys::new(CONTENT_PK, news_sk(item.published_at, &item.id)),
            "News",
            item,
        )?)
        .await
    }

    /// News, newest first, a page at a time.
    pub async fn news_page(
        &self,
        limit: i32,
        start: Option<Item>,
    ) -> Result<Page<NewsItem>, StoreError> {
        self.query_page(PageQuery {
            index: None,
            pk: CONTENT_PK,
            prefix: "NEWS#",
            limit,
            newest_first: true,
            start,
            filter: None,
            range: None,
        })
        .await
    }

    /// The partition news cursors must belong to.
    pub fn news_partition() -> &'static str {
        CONTENT_PK
    }
}

//! Security audit records (P4): who did what, to what, from where, and how it ended.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PartnerId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Success,
    Failure,
}

/// What was done, in `area.verb` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Action {
    #[serde(rename = "partner.signUp")]
    PartnerSignUp,
    #[serde(rename = "auth.signIn")]
    SignIn,
    #[serde(rename = "auth.signOut")]
    SignOut,
    /// "Forgot password": a reset link was asked for (sent only to a login that may use
    /// it; the record says why not otherwise).
    #[serde(rename = "auth.requestPasswordReset")]
    RequestPasswordReset,
    /// A new password was chosen from a reset link; every earlier session ended.
    #[serde(rename = "auth.resetPassword")]
    ResetPassword,
    /// The sign-up's email was confirmed: the console may send email for the partner.
    #[serde(rename = "partner.verifyEmail")]
    VerifyEmail,
    #[serde(rename = "partner.resendVerification")]
    ResendVerification,
    /// The tick removed a sign-up whose email was never confirmed.
    #[serde(rename = "partner.removeUnverified")]
    RemoveUnverified,
    #[serde(rename = "licensing.activateProgramSerial")]
    ActivateProgramSerial,
    #[serde(rename = "customer.add")]
    AddCustomer,
    #[serde(rename = "customer.addProducts")]
    AddProducts,
    #[serde(rename = "customer.convertTrial")]
    ConvertTrial,
    #[serde(rename = "customer.cancelProduct")]
    CancelProduct,
    #[serde(rename = "customer.updateSettings")]
    UpdateCustomerSettings,
    #[serde(rename = "customer.remove")]
    RemoveCustomer,
    #[serde(rename = "customer.clearCompliance")]
    ClearCompliance,
    #[serde(rename = "customer.changeManagement")]
    ChangeManagement,
    #[serde(rename = "consent.request")]
    RequestConsent,
    #[serde(rename = "consent.resend")]
    ResendConsent,
    #[serde(rename = "consent.withdraw")]
    WithdrawConsent,
    /// The scheduler tick reminded the customer's admin of a pending request (a new link).
    #[serde(rename = "consent.remind")]
    RemindConsent,
    #[serde(rename = "consent.approve")]
    ApproveConsent,
    #[serde(rename = "consent.deny")]
    DenyConsent,
    #[serde(rename = "customer.setPassword")]
    CustomerSetPassword,
    #[serde(rename = "customer.resendWelcome")]
    ResendWelcome,
    #[serde(rename = "customer.manage")]
    ManageCustomerSession,
    /// The customer's telemetry ingestion key was replaced (the old one stops working).
    #[serde(rename = "customer.rotateIngestionKey")]
    RotateIngestionKey,
    #[serde(rename = "portal.updateSettings")]
    PortalUpdateSettings,
    #[serde(rename = "user.add")]
    AddUser,
    #[serde(rename = "user.update")]
    UpdateUser,
    #[serde(rename = "user.remove")]
    RemoveUser,
    #[serde(rename = "user.resendInvitation")]
    ResendInvitation,
    #[serde(rename = "user.acceptInvitation")]
    AcceptInvitation,
    #[serde(rename = "user.addContact")]
    AddContact,
    #[serde(rename = "user.updateContact")]
    UpdateContact,
    #[serde(rename = "user.removeContact")]
    RemoveContact,
    /// The user arranged their Home page widgets.
    #[serde(rename = "user.updateLayout")]
    UpdateLayout,
    /// A new authenticator secret was issued (it replaces any unconfirmed one).
    #[serde(rename = "user.setupMfa")]
    SetupMfa,
    #[serde(rename = "user.enableMfa")]
    EnableMfa,
    #[serde(rename = "user.disableMfa")]
    DisableMfa,
    /// A partner administrator turned another user's two-step verification off (recovery).
    #[serde(rename = "user.resetMfa")]
    ResetMfa,
    #[serde(rename = "partner.updateSecurity")]
    UpdateSecurity,
    /// My Company: the contact and support information, or the emails' language.
    #[serde(rename = "partner.updateCompany")]
    UpdateCompany,
    #[serde(rename = "apiClient.create")]
    CreateApiClient,
    #[serde(rename = "apiClient.revoke")]
    RevokeApiClient,
    /// An API client exchanged its credentials for an access token.
    #[serde(rename = "apiClient.token")]
    ApiClientToken,
    #[serde(rename = "role.create")]
    CreateRole,
    #[serde(rename = "role.update")]
    UpdateRole,
    #[serde(rename = "role.delete")]
    DeleteRole,
    /// Alerts were dismissed (the target lists them).
    #[serde(rename = "alert.dismiss")]
    DismissAlerts,
    #[serde(rename = "alertRule.create")]
    CreateAlertRule,
    #[serde(rename = "alertRule.update")]
    UpdateAlertRule,
    #[serde(rename = "alertRule.delete")]
    DeleteAlertRule,
    /// A test call was sent to a rule's webhook.
    #[serde(rename = "alertRule.test")]
    TestAlertRule,
    #[serde(rename = "report.create")]
    CreateReport,
    #[serde(rename = "report.delete")]
    DeleteReport,
    /// Report Customization: colours or logo.
    #[serde(rename = "branding.update")]
    UpdateBranding,
    #[serde(rename = "reportTemplate.create")]
    CreateReportTemplate,
    #[serde(rename = "reportTemplate.update")]
    UpdateReportTemplate,
    #[serde(rename = "reportTemplate.delete")]
    DeleteReportTemplate,
    #[serde(rename = "reportSchedule.create")]
    CreateReportSchedule,
    #[serde(rename = "reportSchedule.update")]
    UpdateReportSchedule,
    #[serde(rename = "reportSchedule.delete")]
    DeleteReportSchedule,
    #[serde(rename = "supportTicket.create")]
    CreateTicket,
    /// Subject or description edited.
    #[serde(rename = "supportTicket.update")]
    UpdateTicket,
    /// A Case Comment, by a partner user or by support.
    #[serde(rename = "supportTicket.comment")]
    CommentTicket,
    /// An upload was started (its place taken, a presigned link given).
    #[serde(rename = "supportTicket.addAttachment")]
    AddAttachment,
    /// An upload was checked: kept (success) or refused and removed (failure).
    #[serde(rename = "supportTicket.checkAttachment")]
    CheckAttachment,
    #[serde(rename = "supportTicket.close")]
    CloseTicket,
    #[serde(rename = "supportTicket.follow")]
    FollowTicket,
    #[serde(rename = "supportTicket.unfollow")]
    UnfollowTicket,
    /// Support set a case's severity or status.
    #[serde(rename = "supportTicket.triage")]
    TriageTicket,
    #[serde(rename = "feedback.submit")]
    SubmitFeedback,
    /// The scheduler ended trials or renewed subscriptions.
    #[serde(rename = "schedule.entitlements")]
    ScheduledEntitlements,
    /// SES reported a permanent bounce or a complaint: the partner's mail no longer goes
    /// to the address.
    #[serde(rename = "mail.suppress")]
    SuppressMail,
    /// An administrator lifted an address's suppression after the mailbox was fixed.
    #[serde(rename = "mail.liftSuppression")]
    LiftMailSuppression,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub id: String,
    pub at: DateTime<Utc>,
    /// The partner the record belongs to; `None` for an attempt that proved no credential
    /// (an unknown email, a wrong password or client secret, a refused rate-limited
    /// attempt): anyone can make those, so they never enter a partner's trail.
    #[schema(value_type = Option<String>)]
    pub partner_id: Option<PartnerId>,
    #[schema(value_type = Option<String>)]
    pub actor_user_id: Option<UserId>,
    /// The email the actor gave or signed in with.
    pub actor_email: String,
    pub action: Action,
    /// What was acted on, e.g. a partner or user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub outcome: Outcome,
    /// Why it failed, in words safe to show an administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub source_ip: String,
}

impl AuditRecord {
    pub fn new(action: Action, actor_email: &str, source_ip: &str, outcome: Outcome) -> Self {
        AuditRecord {
            id: uuid::Uuid::now_v7().simple().to_string(),
            at: Utc::now(),
            partner_id: None,
            actor_user_id: None,
            actor_email: actor_email.to_string(),
            action,
            target: None,
            outcome,
            reason: None,
            source_ip: source_ip.to_string(),
        }
    }

    /// A successful action of a signed-in partner user on `target`.
    pub fn of_user(
        user: &super::User,
        action: Action,
        ip: &str,
        target: impl Into<String>,
    ) -> Self {
        AuditRecord::new(action, user.email.as_str(), ip, Outcome::Success)
            .by(&user.partner_id, Some(&user.id))
            .target(target)
    }

    pub fn by(mut self, partner: &PartnerId, user: Option<&UserId>) -> Self {
        self.partner_id = Some(partner.clone());
        self.actor_user_id = user.cloned();
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Makes the record the same for every call with this subject and window (its id and
    /// time are derived from them), so storing it again changes nothing.
    pub fn once_per(mut self, subject: &str, window_start_secs: i64) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{subject}\n{window_start_secs}").as_bytes());
        self.id = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        if let Some(at) = DateTime::from_timestamp(window_start_secs, 0) {
            self.at = at;
        }
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

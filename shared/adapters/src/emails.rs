//! The account emails the console sends: the customer admin's welcome (with the link to
//! choose a password), the partner's copy of it, consent requests, and a new partner
//! user's invitation.
//! Pure: each returns the message to send, and tests read them without a mailer.
//!
//! Table 2-8: when the partner manages all communications, the partner receives the
//! welcome, to forward, and the customer only the link to choose their password. The link
//! always goes to the customer's own address, whatever the setting: whoever chooses the
//! password answers the customer's consent requests, and that must be the customer, never
//! the partner asking. Otherwise the customer receives the welcome and the partner a copy
//! without the link.

use chrono::{DateTime, Utc};

use domain::{
    consent::{ConsentRequest, RequestKind},
    customer::{Communications, Customer, ManagementType},
    locale::fill,
    partner::Partner,
};

use domain::mail::{MailKind, MailTags};

use crate::mail::Message;

/// The page a welcome link opens; the secret rides in the fragment, which browsers never
/// send to a server (so it stays out of access logs).
pub fn welcome_link(console_url: &str, token: &str) -> String {
    format!(
        "{}/welcome#token={token}",
        console_url.trim_end_matches('/')
    )
}

/// The page a partner user's invitation opens.
pub fn invitation_link(console_url: &str, token: &str) -> String {
    format!(
        "{}/invitation#token={token}",
        console_url.trim_end_matches('/')
    )
}

/// A new partner user's invitation: who added them, their login, and the link to choose
/// a password, in the partner's language.
pub fn invitation(
    user: &domain::User,
    partner: &Partner,
    invited_by: &domain::User,
    link: &str,
    expires: DateTime<Utc>,
) -> Message {
    let lang = partner.language;
    let t = lang.text();
    let company = partner.company.name.as_str();
    Message {
        to: vec![user.email.to_string()],
        subject: fill(t.invitation_subject, &[("company", company)]),
        text: fill(
            t.invitation_body,
            &[
                ("first", &user.first_name),
                ("by", &invited_by.name()),
                ("company", company),
                ("email", user.email.as_str()),
                ("link", link),
                ("expires", &lang.date_time(expires)),
            ],
        ),
        tags: MailTags::new(&partner.id, MailKind::Invitation),
    }
}

/// The page a password reset link opens.
pub fn password_reset_link(console_url: &str, token: &str) -> String {
    format!(
        "{}/reset-password#token={token}",
        console_url.trim_end_matches('/')
    )
}

/// "Forgot password": the link to choose a new password, to the login's own address.
pub fn password_reset(
    email: &domain::EmailAddress,
    partner: &domain::PartnerId,
    link: &str,
    expires: DateTime<Utc>,
) -> Message {
    Message {
        to: vec![email.to_string()],
        subject: "Choose a new Partner Console password".into(),
        text: format!(
            "Hello,\n\n\
             Someone asked to choose a new password for the Partner Console login {email}. \
             If it was you, choose it here:\n{link}\n\n\
             The link works once, until {expires}. Choosing a new password signs you out \
             everywhere else. If you did not ask, ignore this email: your password stays as \
             it is.\n",
            expires = domain::locale::Language::English.date_time(expires),
        ),
        tags: MailTags::new(partner, MailKind::PasswordReset),
    }
}

/// The page a sign-up's confirmation link opens.
pub fn verification_link(console_url: &str, token: &str) -> String {
    format!(
        "{}/verify-email#token={token}",
        console_url.trim_end_matches('/')
    )
}

/// A new partner's welcome, with the link that confirms its email: until it is opened
/// the console sends no email on the partner's behalf.
pub fn sign_up_confirmation(
    partner: &Partner,
    user: &domain::User,
    console_url: &str,
    link: &str,
    expires: DateTime<Utc>,
) -> Message {
    Message {
        to: vec![user.email.to_string()],
        subject: "Confirm your email for Partner Console".into(),
        text: format!(
            "Hello {first},\n\n\
             The Partner Console account for {company} is ready. Sign in at {url}/sign-in \
             with {email}.\n\n\
             Confirm that this address is yours here:\n{link}\n\n\
             Until you do, the console sends no email for {company} (welcome emails, \
             invitations, requests to customers, reports). The link works until {expires}; \
             an account whose email is not confirmed by then is removed.\n",
            first = user.first_name,
            company = partner.company.name,
            url = console_url.trim_end_matches('/'),
            email = user.email,
            expires = domain::locale::Language::English.date_time(expires),
        ),
        tags: MailTags::new(&partner.id, MailKind::SignUpConfirmation),
    }
}

/// The page a consent link opens.
pub fn consent_link(console_url: &str, request: &ConsentRequest, token: &str) -> String {
    format!(
        "{}/consent/{}#token={token}",
        console_url.trim_end_matches('/'),
        request.id
    )
}

/// The partner's contact and support information (My Company), in its language: under
/// every email that reaches the partner's customers.
pub fn partner_footer(partner: &Partner) -> String {
    let t = partner.language.text();
    let c = &partner.contact;
    let support = partner.customer_support();
    let name = format!("{} {}", c.first_name, c.last_name);
    let mut lines = vec![
        fill(t.footer_partner, &[("partner", &partner.company.name)]),
        fill(
            t.footer_contact,
            &[("name", &name), ("email", &c.email), ("phone", &c.phone)],
        ),
        fill(t.footer_support_email, &[("email", &support.email)]),
        fill(t.footer_support_phone, &[("phone", &support.phone)]),
    ];
    if let Some(url) = &support.support_url {
        lines.push(fill(t.footer_support_url, &[("url", url)]));
    }
    if let Some(url) = &support.purchase_url {
        lines.push(fill(t.footer_purchase_url, &[("url", url)]));
    }
    lines.join("\n")
}

fn welcome_text(
    customer: &Customer,
    partner: &Partner,
    link: &str,
    expires: DateTime<Utc>,
) -> String {
    let lang = partner.language;
    format!(
        "{}\n\n{}\n",
        fill(
            lang.text().welcome_body,
            &[
                ("first", &customer.contact.first_name),
                ("partner", &partner.company.name),
                ("company", &customer.company.name),
                ("email", &customer.contact.email),
                ("link", link),
                ("expires", &lang.date_time(expires)),
            ],
        ),
        partner_footer(partner),
    )
}

/// The welcome email and the partner's copy, addressed as the communication setting says.
pub fn welcome(
    customer: &Customer,
    partner: &Partner,
    link: &str,
    expires: DateTime<Utc>,
) -> Vec<Message> {
    let lang = partner.language;
    let t = lang.text();
    let email = customer.contact.email.as_str();
    let company = customer.company.name.as_str();
    let subject = fill(t.welcome_subject, &[("company", company)]);
    let withheld = welcome_text(customer, partner, t.link_withheld, expires);
    match customer.communications {
        Communications::Shared => vec![
            Message {
                to: vec![email.to_string()],
                subject: subject.clone(),
                text: welcome_text(customer, partner, link, expires),
                tags: MailTags::new(&partner.id, MailKind::Welcome),
            },
            Message {
                to: vec![partner.contact.email.clone()],
                subject: fill(t.welcome_copy_subject, &[("subject", &subject)]),
                text: fill(
                    t.welcome_copy_body,
                    &[("email", email), ("text", &withheld)],
                ),
                tags: MailTags::new(&partner.id, MailKind::WelcomeCopy),
            },
        ],
        Communications::Partner => vec![
            Message {
                to: vec![email.to_string()],
                subject: fill(t.choose_password_subject, &[("company", company)]),
                text: format!(
                    "{}\n\n{}\n",
                    fill(
                        t.choose_password_body,
                        &[
                            ("first", &customer.contact.first_name),
                            ("email", email),
                            ("link", link),
                            ("expires", &lang.date_time(expires)),
                        ],
                    ),
                    partner_footer(partner),
                ),
                tags: MailTags::new(&partner.id, MailKind::Welcome),
            },
            Message {
                to: vec![partner.contact.email.clone()],
                subject: fill(
                    t.welcome_forward_subject,
                    &[("email", email), ("subject", &subject)],
                ),
                text: fill(
                    t.welcome_forward_body,
                    &[("company", company), ("email", email), ("text", &withheld)],
                ),
                tags: MailTags::new(&partner.id, MailKind::WelcomeCopy),
            },
        ],
    }
}

/// The request the customer admin must answer. Consent always goes to the customer:
/// only they can give it.
pub fn consent_request(request: &ConsentRequest, partner: &Partner, link: &str) -> Message {
    let lang = partner.language;
    let t = lang.text();
    let (p, c) = (
        partner.company.name.as_str(),
        request.customer_name.as_str(),
    );
    let (subject, ask) = match request.kind {
        RequestKind::Import => (
            fill(t.import_subject, &[("partner", p), ("customer", c)]),
            fill(t.import_ask, &[("partner", p), ("customer", c)]),
        ),
        RequestKind::ManagementChange => {
            let management = match request.management {
                Some(ManagementType::PartnerManaged) => t.partner_managed,
                Some(ManagementType::CustomerManaged) => t.customer_managed,
                Some(ManagementType::CoManaged) => t.co_managed,
                None => "",
            };
            let alone = if request.management == Some(ManagementType::PartnerManaged) {
                t.management_ask_partner_managed
            } else {
                ""
            };
            (
                fill(t.management_subject, &[("partner", p)]),
                format!(
                    "{}{alone}.",
                    fill(
                        t.management_ask,
                        &[("partner", p), ("customer", c), ("management", management)],
                    )
                ),
            )
        }
    };
    Message {
        to: vec![request.email.clone()],
        subject,
        text: format!(
            "{}\n\n{}\n",
            fill(
                t.consent_body,
                &[
                    ("ask", &ask),
                    ("link", link),
                    ("expires", &lang.date_time(request.expires_at)),
                ],
            ),
            partner_footer(partner),
        ),
        tags: MailTags::new(&partner.id, MailKind::Consent),
    }
}

/// A reminder of a pending request: the request's email again, under a subject and a
/// first paragraph that say it is a reminder and when it expires, with a new link (the
/// one sent before stops working).
pub fn consent_reminder(request: &ConsentRequest, partner: &Partner, link: &str) -> Message {
    let lang = partner.language;
    let t = lang.text();
    let mut m = consent_request(request, partner, link);
    m.subject = fill(t.reminder_subject, &[("subject", &m.subject)]);
    let note = fill(
        t.reminder_note,
        &[("expires", &lang.date_time(request.expires_at))],
    );
    m.text = format!("{note}\n\n{}", m.text);
    m
}

/// The page a support ticket opens in the console.
pub fn ticket_link(console_url: &str, ticket: &domain::support::TicketId) -> String {
    format!("{}/cases/{ticket}", console_url.trim_end_matches('/'))
}

/// Support commented on a case: one message to each follower (their own address only,
/// so followers do not learn each other's).
pub fn support_comment(
    to: &domain::User,
    ticket: &domain::support::Ticket,
    comment: &domain::support::Comment,
    link: &str,
) -> Message {
    Message {
        to: vec![to.email.to_string()],
        subject: format!(
            "Case {}: support commented on \"{}\"",
            ticket.case_number, ticket.subject
        ),
        text: format!(
            "Hello {first},\n\n{author} of support commented on case {number}, \"{subject}\":\n\n\
             {text}\n\nRead the case and answer it here:\n{link}\n\n\
             You receive this because you follow the case; stop following it on its page.\n",
            first = to.first_name,
            author = comment.author_name,
            number = ticket.case_number,
            subject = ticket.subject,
            text = comment.text,
        ),
        tags: MailTags::new(&to.partner_id, MailKind::SupportComment),
    }
}

#[cfg(test)]
mod tests;

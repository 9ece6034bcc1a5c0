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
    customer::{Communications, Customer},
    partner::Partner,
};

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
/// a password.
pub fn invitation(
    user: &domain::User,
    partner: &Partner,
    invited_by: &domain::User,
    link: &str,
    expires: DateTime<Utc>,
) -> Message {
    Message {
        to: vec![user.email.to_string()],
        subject: format!(
            "You are invited to the {} partner console",
            partner.company.name
        ),
        text: format!(
            "Hello {first},\n\n\
             {by} has added you as a user of {company}'s partner console.\n\n\
             Your login is {email}. Choose your password here:\n{link}\n\n\
             The link works once, until {expires}.\n",
            first = user.first_name,
            by = invited_by.name(),
            company = partner.company.name,
            email = user.email,
            expires = when(expires),
        ),
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

fn partner_footer(partner: &Partner) -> String {
    let c = &partner.contact;
    format!(
        "Your partner: {}\nContact: {} {}, {} ({})",
        partner.company.name, c.first_name, c.last_name, c.email, c.phone
    )
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

fn welcome_text(
    customer: &Customer,
    partner: &Partner,
    link: &str,
    expires: DateTime<Utc>,
) -> String {
    format!(
        "Hello {first},\n\n\
         {partner} has set up endpoint protection for {company}.\n\n\
         Your login is {email}. Choose your password here:\n{link}\n\n\
         The link works once, until {expires}.\n\n{footer}\n",
        first = customer.contact.first_name,
        partner = partner.company.name,
        company = customer.company.name,
        email = customer.contact.email,
        expires = when(expires),
        footer = partner_footer(partner),
    )
}

/// The welcome email and the partner's copy, addressed as the communication setting says.
pub fn welcome(
    customer: &Customer,
    partner: &Partner,
    link: &str,
    expires: DateTime<Utc>,
) -> Vec<Message> {
    let subject = format!(
        "Welcome to endpoint protection for {}",
        customer.company.name
    );
    match customer.communications {
        Communications::Shared => vec![
            Message {
                to: vec![customer.contact.email.clone()],
                subject: subject.clone(),
                text: welcome_text(customer, partner, link, expires),
            },
            Message {
                to: vec![partner.contact.email.clone()],
                subject: format!("Copy: {subject}"),
                text: format!(
                    "This is your copy of the welcome email sent to {email}.\n\
                     The link to choose a password went to the customer only.\n\n---\n\n{text}",
                    email = customer.contact.email,
                    text = welcome_text(customer, partner, "[sent to the customer only]", expires),
                ),
            },
        ],
        Communications::Partner => vec![
            Message {
                to: vec![customer.contact.email.clone()],
                subject: format!("Choose your password for {}", customer.company.name),
                text: format!(
                    "Hello {first},\n\n\
                     Your login for endpoint protection is {email}. Choose your password \
                     here:\n{link}\n\nThe link works once, until {expires}.\n\n{footer}\n",
                    first = customer.contact.first_name,
                    email = customer.contact.email,
                    expires = when(expires),
                    footer = partner_footer(partner),
                ),
            },
            Message {
                to: vec![partner.contact.email.clone()],
                subject: format!("For {}: {subject}", customer.contact.email),
                text: format!(
                    "You manage all communications with {company}: forward this welcome to \
                     {email} when you are ready. The link to choose a password went to \
                     {email} only.\n\n---\n\n{text}",
                    company = customer.company.name,
                    email = customer.contact.email,
                    text = welcome_text(customer, partner, "[sent to the customer only]", expires),
                ),
            },
        ],
    }
}

/// The request the customer admin must answer. Consent always goes to the customer:
/// only they can give it.
pub fn consent_request(request: &ConsentRequest, partner: &Partner, link: &str) -> Message {
    let (subject, ask) = match request.kind {
        RequestKind::Import => (
            format!(
                "{} asks to add {} as its customer",
                partner.company.name, request.customer_name
            ),
            format!(
                "{} asks to add {} to its customer list, to see your endpoint protection \
                 and offer you products. It does not take over your account.",
                partner.company.name, request.customer_name
            ),
        ),
        RequestKind::ManagementChange => {
            let label = request.management.map_or("", |m| m.label());
            (
                format!(
                    "{} asks to manage your endpoint protection",
                    partner.company.name
                ),
                format!(
                    "{} asks to change {} to {label}. Once you approve, they can sign in to \
                     your account with full administrative rights{}.",
                    partner.company.name,
                    request.customer_name,
                    if label == "Partner Managed" {
                        ", and you will no longer sign in to it yourself"
                    } else {
                        ""
                    }
                ),
            )
        }
    };
    Message {
        to: vec![request.email.clone()],
        subject,
        text: format!(
            "Hello,\n\n{ask}\n\nApprove or deny: sign in here\n{link}\n\n\
             Nothing changes unless you approve. The link works once, until {expires}.\n\n{footer}\n",
            expires = when(request.expires_at),
            footer = partner_footer(partner),
        ),
    }
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
    }
}

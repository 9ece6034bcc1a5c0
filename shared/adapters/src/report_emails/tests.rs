use chrono::Utc;
use domain::{
    partner::{Company, Contact, Partner, Program},
    report::{Format, Period, Report, ReportOptions, ReportStatus, ReportType},
    telemetry::Range,
    CustomerId, PartnerId, ReportId, UserId,
};

use super::*;

fn partner() -> Partner {
    Partner {
        id: PartnerId::generate(),
        company: Company {
            name: "Ζήνων <Security> & Co".into(),
            address1: "1 High St".into(),
            address2: None,
            city: "York".into(),
            state: None,
            postal_code: "YO1 1AA".into(),
            country: "GB".into(),
            phone: "+44 1904 000000".into(),
            website: Some("https://zenon.example".into()),
        },
        contact: Contact {
            first_name: "Zoë".into(),
            last_name: "Ng".into(),
            email: "support@zenon.example".into(),
            phone: "+44 1904 000001".into(),
            job_title: None,
        },
        program: Program::Exsp,
        terms_accepted_at: Utc::now(),
        created_at: Utc::now(),
        version: 1,
        partner_admins: 1,
        require_mfa: false,
        support: Default::default(),
        language: Default::default(),
        email_verified: true,
        consent_reminders: Default::default(),
    }
}

fn report() -> Report {
    let now = Utc::now();
    Report {
        id: ReportId::generate(),
        name: "Monthly endpoints".into(),
        report_type: ReportType::EndpointSummary,
        formats: vec![Format::Pdf],
        options: ReportOptions {
            period: Period::Last {
                range: Range::Month,
            },
            customers: vec![CustomerId::generate()],
            computers: Default::default(),
            include_mac: false,
            report_by: Default::default(),
            active_users_only: false,
        },
        status: ReportStatus::Ready,
        failure: None,
        files: vec![],
        requested_by: UserId::generate(),
        requested_by_name: "Zoë Ng".into(),
        requested_at: now,
        finished_at: Some(now),
        expires_at: Report::expiry(now),
        not_emailed: Vec::new(),
    }
}

fn file(name: &str, size: usize, link: Option<&str>) -> ReportFileBody {
    ReportFileBody {
        name: name.into(),
        content_type: "application/pdf".into(),
        bytes: vec![b'%'; size],
        link: link.map(str::to_string),
    }
}

#[test]
fn files_are_attached_in_order_while_they_fit_together() {
    let half = MAX_ATTACHED_BYTES / 2;
    assert_eq!(attachable(&[half, half, 1]), [true, true, false]);
    assert_eq!(attachable(&[MAX_ATTACHED_BYTES + 1, 10]), [false, true]);
    assert!(attachable(&[]).is_empty());
}

#[test]
fn the_message_carries_the_logo_the_files_that_fit_and_links_for_the_rest() {
    let (p, r) = (partner(), report());
    let email = ReportEmail {
        partner: &p,
        report: &r,
        period: "1 Nov 2026 – 30 Nov 2026".into(),
        console_link: "https://console.example/reports/x".into(),
        logo: Some(("image/png".into(), vec![137, 80, 78, 71])),
        files: vec![
            file("Monthly endpoints.pdf", 1000, None),
            file(
                "Monthly endpoints.csv",
                MAX_ATTACHED_BYTES,
                Some("https://s3.example/big"),
            ),
        ],
        users: false,
        link_days: 7,
    };
    let mime = String::from_utf8(
        email
            .mime(
                "console@partner.example",
                &["owner@customer.example".into()],
            )
            .unwrap(),
    )
    .unwrap();
    // Only the one recipient is named.
    let to: Vec<&str> = mime.lines().filter(|l| l.starts_with("To:")).collect();
    assert_eq!(to, ["To: <owner@customer.example>"]);
    assert!(!mime.contains("Bcc:"));
    assert!(mime.contains("console@partner.example"));
    assert!(mime.contains("Reply-To: <support@zenon.example>"));
    assert_eq!(mime.matches("Content-Disposition: attachment").count(), 1);
    assert!(mime.contains("Monthly endpoints.pdf"));
    assert!(mime.contains("Content-ID: <logo>"));
    let attached = [true, false];
    let text = email.text(&attached);
    assert!(text.contains("Attached: Monthly endpoints.pdf"));
    assert!(text.contains("download it within 7 days: https://s3.example/big"));
    assert!(
        !text.contains("partner console:"),
        "no console link for outsiders"
    );
    assert!(text.contains("Support email: support@zenon.example\nSupport phone: +44 1904 000000"));
    let html = email.html(&attached);
    assert!(html.contains("Ζήνων &lt;Security&gt; &amp; Co"));
    assert!(html.contains("src=\"cid:logo\""));
}

#[test]
fn the_partners_users_get_a_link_into_the_console() {
    let (p, r) = (partner(), report());
    let email = ReportEmail {
        partner: &p,
        report: &r,
        period: "yesterday".into(),
        console_link: "https://console.example/reports/x".into(),
        logo: None,
        files: vec![],
        users: true,
        link_days: 7,
    };
    let text = email.text(&[]);
    assert!(text.contains("Open it in the partner console: https://console.example/reports/x"));
    let mime = String::from_utf8(
        email
            .mime(
                "console@partner.example",
                &["a@partner.example".into(), "b@partner.example".into()],
            )
            .unwrap(),
    )
    .unwrap();
    assert!(!mime.contains("Content-Disposition: attachment"));
    assert!(!mime.contains("cid:logo"));
    assert!(mime.contains("a@partner.example") && mime.contains("b@partner.example"));
    assert!(email
        .subject()
        .starts_with("Ζήνων <Security> & Co: Monthly endpoints"));
}

#[test]
fn the_report_email_speaks_the_partners_language_and_gives_its_support_information() {
    let (mut p, r) = (partner(), report());
    p.language = domain::locale::Language::German;
    p.support.support_email = Some("hilfe@zenon.example".into());
    let email = ReportEmail {
        partner: &p,
        report: &r,
        period: "November 2026".into(),
        console_link: "https://console.example/reports/x".into(),
        logo: None,
        files: vec![file("Monthly endpoints.pdf", 10, None)],
        users: true,
        link_days: 7,
    };
    let text = email.text(&[true]);
    assert!(text.starts_with("Ζήνων <Security> & Co sendet Ihnen den Bericht „Monthly endpoints“"));
    assert!(text.contains("Angehängt: Monthly endpoints.pdf"));
    assert!(text.contains("Support-E-Mail: hilfe@zenon.example"));
    let html = email.html(&[true]);
    assert!(html.contains("Den Bericht in der Partnerkonsole öffnen"));
    assert!(html.contains("Support-E-Mail: hilfe@zenon.example"));
    let mime = String::from_utf8(
        email
            .mime("console@partner.example", &["a@b.example".into()])
            .unwrap(),
    )
    .unwrap();
    assert!(mime.contains("Reply-To: <hilfe@zenon.example>"));
}

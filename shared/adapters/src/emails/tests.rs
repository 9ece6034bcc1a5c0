use chrono::{TimeZone, Utc};
use domain::{
    consent::{ConsentRequest, RequestKind, RequestStatus},
    customer::ManagementType,
    locale::Language,
    partner::{Company, Contact, Partner, Program, SupportInfo},
    CustomerId, PartnerId, RequestId, UserId,
};

use super::*;

fn partner(language: Language) -> Partner {
    Partner {
        id: PartnerId::generate(),
        company: Company {
            name: "Northwind {partner} Security".into(),
            address1: "1 Harbour Road".into(),
            address2: None,
            city: "Leeds".into(),
            state: None,
            postal_code: "LS1 4AP".into(),
            country: "GB".into(),
            phone: "+44 113 496 0000".into(),
            website: Some("https://northwind.example".into()),
        },
        contact: Contact {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: "ann.lee@northwind.example".into(),
            phone: "+44 113 496 0001".into(),
            job_title: None,
        },
        program: Program::Reseller,
        terms_accepted_at: Utc::now(),
        created_at: Utc::now(),
        version: 1,
        partner_admins: 1,
        require_mfa: false,
        support: SupportInfo {
            purchase_url: None,
            support_url: Some("https://help.northwind.example".into()),
            support_email: Some("help@northwind.example".into()),
            support_phone: None,
        },
        language,
        email_verified: true,
        consent_reminders: Default::default(),
    }
}

fn request(kind: RequestKind, management: Option<ManagementType>) -> ConsentRequest {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
    ConsentRequest {
        id: RequestId::generate(),
        kind,
        partner_id: PartnerId::generate(),
        partner_name: "Northwind".into(),
        requested_by: UserId::generate(),
        customer_id: CustomerId::generate(),
        customer_name: "Contoso".into(),
        email: "admin@contoso.example".into(),
        management,
        status: RequestStatus::Pending,
        requested_at: at,
        updated_at: at,
        expires_at: Utc.with_ymd_and_hms(2026, 12, 15, 10, 0, 0).unwrap(),
        sent_count: 1,
        reminders_sent: 0,
        last_reminded_at: None,
        next_reminder_at: None,
        next_slot_at: None,
        last_reminder_failed: false,
    }
}

#[test]
fn the_footer_gives_the_support_information_and_falls_back_on_the_sign_up() {
    let p = partner(Language::English);
    let footer = partner_footer(&p);
    assert!(
        footer.contains("Support email: help@northwind.example"),
        "{footer}"
    );
    assert!(footer.contains("Support website: https://help.northwind.example"));
    // No support phone or purchase address: the company's.
    assert!(footer.contains("Support phone: +44 113 496 0000"));
    assert!(footer.contains("Buy or renew: https://northwind.example"));
    // A company name holding braces is written as it is.
    assert!(footer.starts_with("Your partner: Northwind {partner} Security\n"));
}

#[test]
fn a_consent_request_is_written_in_the_partners_language() {
    let r = request(
        RequestKind::ManagementChange,
        Some(ManagementType::PartnerManaged),
    );
    let en = consent_request(&r, &partner(Language::English), "https://x.example/l");
    assert!(en.text.contains("to Partner Managed."), "{}", en.text);
    assert!(en.text.contains("no longer sign in to it yourself."));
    assert!(en
        .text
        .contains("until Tuesday 15 December 2026, 10:00 UTC"));
    let de = consent_request(&r, &partner(Language::German), "https://x.example/l");
    assert_eq!(
        de.subject,
        "Northwind {partner} Security möchte Ihren Endpunktschutz verwalten"
    );
    assert!(de.text.contains("„Vom Partner verwaltet“"), "{}", de.text);
    assert!(de
        .text
        .contains("bis Dienstag, 15. Dezember 2026, 10:00 UTC"));
    assert!(de.text.contains("Support-E-Mail: help@northwind.example"));
    assert!(de.text.contains("https://x.example/l"));
}

#[test]
fn an_import_request_says_it_takes_nothing_over() {
    let m = consent_request(
        &request(RequestKind::Import, None),
        &partner(Language::English),
        "https://x.example/l",
    );
    assert_eq!(
        m.subject,
        "Northwind {partner} Security asks to add Contoso as its customer"
    );
    assert!(m.text.contains("It does not take over your account."));
    assert_eq!(m.to, ["admin@contoso.example"]);
}

#[test]
fn a_reminder_says_it_is_one_and_when_the_request_expires() {
    let r = request(RequestKind::Import, None);
    let en = consent_reminder(&r, &partner(Language::English), "https://x.example/new");
    assert_eq!(
        en.subject,
        "Reminder: Northwind {partner} Security asks to add Contoso as its customer"
    );
    assert!(
        en.text
            .starts_with("This is a reminder: the request below is still waiting"),
        "{}",
        en.text
    );
    assert!(en
        .text
        .contains("It expires on Tuesday 15 December 2026, 10:00 UTC"));
    assert!(en.text.contains("https://x.example/new"));
    assert_eq!(en.to, ["admin@contoso.example"]);
    let de = consent_reminder(&r, &partner(Language::German), "https://x.example/new");
    assert!(de.subject.starts_with("Erinnerung: "), "{}", de.subject);
    assert!(de
        .text
        .contains("Sie läuft am Dienstag, 15. Dezember 2026, 10:00 UTC ab"));
}

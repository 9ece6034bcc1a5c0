//! The languages the console's emails speak (Administration > My Company's language
//! setting): a message catalogue per language and dates written the way each language
//! writes them. The web console's own words stay English.
//!
//! A new email adds its messages to [`catalogue!`]'s list and writes them in every
//! language's catalogue (a missing one does not compile); its code takes a [`Language`]
//! and calls `lang.text().its_message` and [`fill`].

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A language of the console's emails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "de")]
    German,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::German];

    /// Its messages.
    pub fn text(self) -> &'static Catalogue {
        match self {
            Language::English => &ENGLISH,
            Language::German => &GERMAN,
        }
    }

    /// A date and time, e.g. "Saturday 5 December 2026, 14:05 UTC" or
    /// "Samstag, 5. Dezember 2026, 14:05 UTC".
    pub fn date_time(self, t: DateTime<Utc>) -> String {
        let day = self.weekday(t.weekday());
        let (h, m) = (t.hour(), t.minute());
        match self {
            Language::English => format!("{day} {}, {h:02}:{m:02} UTC", self.date(t.date_naive())),
            Language::German => format!("{day}, {}, {h:02}:{m:02} UTC", self.date(t.date_naive())),
        }
    }

    /// A short date, e.g. "5 Dec 2026" or "5. Dez. 2026".
    pub fn short_date(self, d: NaiveDate) -> String {
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        const DE: [&str; 12] = [
            "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
            "Dez.",
        ];
        let i = (d.month().clamp(1, 12) - 1) as usize;
        match self {
            Language::English => format!("{} {} {}", d.day(), EN[i], d.year()),
            Language::German => format!("{}. {} {}", d.day(), DE[i], d.year()),
        }
    }

    /// A date, e.g. "5 December 2026" or "5. Dezember 2026".
    pub fn date(self, d: NaiveDate) -> String {
        let month = self.month(d.month());
        match self {
            Language::English => format!("{} {month} {}", d.day(), d.year()),
            Language::German => format!("{}. {month} {}", d.day(), d.year()),
        }
    }

    fn month(self, m: u32) -> &'static str {
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const DE: [&str; 12] = [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ];
        let i = (m.clamp(1, 12) - 1) as usize;
        match self {
            Language::English => EN[i],
            Language::German => DE[i],
        }
    }

    fn weekday(self, d: Weekday) -> &'static str {
        const EN: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        const DE: [&str; 7] = [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ];
        let i = d.num_days_from_monday() as usize;
        match self {
            Language::English => EN[i],
            Language::German => DE[i],
        }
    }
}

/// Puts values in a message's `{name}` places, in one pass: a value that itself holds
/// braces (a company called "{x}") is never read as a place. A place without a value
/// stays as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) => {
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The names of a message's places, in order.
pub fn places(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

macro_rules! catalogue {
    ($($(#[doc = $doc:literal])* $key:ident,)*) => {
        /// Every message of the console's emails in one language.
        #[derive(Debug)]
        pub struct Catalogue {
            $($(#[doc = $doc])* pub $key: &'static str,)*
        }

        impl Catalogue {
            /// Every message by its name (for the tests that compare languages).
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
    };
}

catalogue! {
    // The customer admin's welcome and the partner's copies (emails::welcome).
    /// Places: company.
    welcome_subject,
    /// Places: first, partner, company, email, link, expires.
    welcome_body,
    /// Places: subject.
    welcome_copy_subject,
    /// Places: email, text.
    welcome_copy_body,
    /// Places: email, subject.
    welcome_forward_subject,
    /// Places: company, email, text.
    welcome_forward_body,
    /// Places: company.
    choose_password_subject,
    /// Places: first, email, link, expires.
    choose_password_body,
    /// What the partner's copy shows instead of the link.
    link_withheld,
    // A partner's consent request (emails::consent_request).
    /// Places: partner, customer.
    import_subject,
    /// Places: partner, customer.
    import_ask,
    /// Places: partner.
    management_subject,
    /// Places: partner, customer, management.
    management_ask,
    /// Added to `management_ask` when the partner would manage the account alone.
    management_ask_partner_managed,
    /// Places: ask, link, expires.
    consent_body,
    /// A reminder of a pending request (emails::consent_reminder). Places: subject.
    reminder_subject,
    /// Above the request's text in a reminder. Places: expires.
    reminder_note,
    /// The management types as a request names them.
    partner_managed,
    customer_managed,
    co_managed,
    // The partner's contact and support information under every email to a customer.
    /// Places: partner.
    footer_partner,
    /// Places: name, email, phone.
    footer_contact,
    /// Places: email.
    footer_support_email,
    /// Places: phone.
    footer_support_phone,
    /// Places: url.
    footer_support_url,
    /// Places: url.
    footer_purchase_url,
    // A new partner user's invitation (emails::invitation).
    /// Places: company.
    invitation_subject,
    /// Places: first, by, company, email, link, expires.
    invitation_body,
    // The email that delivers a report (report_emails).
    /// Places: company, name, kind, period.
    report_intro,
    /// Places: company, name, kind, period (HTML: the values come escaped).
    report_intro_html,
    /// Places: file.
    report_attached,
    /// Places: file, days, link.
    report_too_large,
    /// Places: days.
    report_too_large_html,
    /// Places: link.
    report_open,
    report_open_html,
    /// A report's period (`report::Period::label_in`). Places: from, to.
    period_last_day,
    period_last_week,
    period_last_month,
    period_last_quarter,
    period_days,
}

static ENGLISH: Catalogue = Catalogue {
    welcome_subject: "Welcome to endpoint protection for {company}",
    welcome_body: "Hello {first},\n\n\
        {partner} has set up endpoint protection for {company}.\n\n\
        Your login is {email}. Choose your password here:\n{link}\n\n\
        The link works once, until {expires}.",
    welcome_copy_subject: "Copy: {subject}",
    welcome_copy_body: "This is your copy of the welcome email sent to {email}.\n\
        The link to choose a password went to the customer only.\n\n---\n\n{text}",
    welcome_forward_subject: "For {email}: {subject}",
    welcome_forward_body: "You manage all communications with {company}: forward this welcome \
        to {email} when you are ready. The link to choose a password went to {email} \
        only.\n\n---\n\n{text}",
    choose_password_subject: "Choose your password for {company}",
    choose_password_body: "Hello {first},\n\n\
        Your login for endpoint protection is {email}. Choose your password here:\n{link}\n\n\
        The link works once, until {expires}.",
    link_withheld: "[sent to the customer only]",
    import_subject: "{partner} asks to add {customer} as its customer",
    import_ask: "{partner} asks to add {customer} to its customer list, to see your endpoint \
        protection and offer you products. It does not take over your account.",
    management_subject: "{partner} asks to manage your endpoint protection",
    management_ask: "{partner} asks to change {customer} to {management}. Once you approve, \
        they can sign in to your account with full administrative rights",
    management_ask_partner_managed: ", and you will no longer sign in to it yourself",
    consent_body: "Hello,\n\n{ask}\n\nApprove or deny: sign in here\n{link}\n\n\
        Nothing changes unless you approve. The link works once, until {expires}.",
    reminder_subject: "Reminder: {subject}",
    reminder_note: "This is a reminder: the request below is still waiting for your answer. \
        It expires on {expires}; the links in earlier emails work until then too.",
    partner_managed: "Partner Managed",
    customer_managed: "Customer Managed",
    co_managed: "Co-Managed",
    footer_partner: "Your partner: {partner}",
    footer_contact: "Contact: {name}, {email} ({phone})",
    footer_support_email: "Support email: {email}",
    footer_support_phone: "Support phone: {phone}",
    footer_support_url: "Support website: {url}",
    footer_purchase_url: "Buy or renew: {url}",
    invitation_subject: "You are invited to the {company} partner console",
    invitation_body: "Hello {first},\n\n\
        {by} has added you as a user of {company}'s partner console.\n\n\
        Your login is {email}. Choose your password here:\n{link}\n\n\
        The link works once, until {expires}.\n",
    report_intro: "{company} sends you the report \"{name}\" ({kind}) for {period}.",
    report_intro_html: "{company} sends you the report <strong>{name}</strong> ({kind}) for \
        {period}.",
    report_attached: "Attached: {file}",
    report_too_large: "{file} is too large to attach; download it within {days} days: {link}",
    report_too_large_html: "too large to attach; the link works for {days} days",
    report_open: "Open it in the partner console: {link}",
    report_open_html: "Open the report in the partner console",
    period_last_day: "Last 24 hours ({from} – {to})",
    period_last_week: "Last 7 days ({from} – {to})",
    period_last_month: "Last 30 days ({from} – {to})",
    period_last_quarter: "Last 3 months ({from} – {to})",
    period_days: "{from} – {to}",
};

static GERMAN: Catalogue = Catalogue {
    welcome_subject: "Willkommen beim Endpunktschutz für {company}",
    welcome_body: "Hallo {first},\n\n\
        {partner} hat den Endpunktschutz für {company} eingerichtet.\n\n\
        Ihre Anmeldung lautet {email}. Wählen Sie hier Ihr Passwort:\n{link}\n\n\
        Der Link funktioniert einmal, bis {expires}.",
    welcome_copy_subject: "Kopie: {subject}",
    welcome_copy_body: "Dies ist Ihre Kopie der Willkommens-E-Mail an {email}.\n\
        Der Link zur Wahl des Passworts ging nur an den Kunden.\n\n---\n\n{text}",
    welcome_forward_subject: "Für {email}: {subject}",
    welcome_forward_body: "Sie führen die gesamte Kommunikation mit {company}: Leiten Sie \
        diese Willkommens-E-Mail an {email} weiter, wenn Sie so weit sind. Der Link zur Wahl \
        des Passworts ging nur an {email}.\n\n---\n\n{text}",
    choose_password_subject: "Wählen Sie Ihr Passwort für {company}",
    choose_password_body: "Hallo {first},\n\n\
        Ihre Anmeldung für den Endpunktschutz lautet {email}. Wählen Sie hier Ihr \
        Passwort:\n{link}\n\n\
        Der Link funktioniert einmal, bis {expires}.",
    link_withheld: "[nur an den Kunden gesendet]",
    import_subject: "{partner} möchte {customer} als Kunden aufnehmen",
    import_ask: "{partner} möchte {customer} in seine Kundenliste aufnehmen, um Ihren \
        Endpunktschutz zu sehen und Ihnen Produkte anzubieten. Ihr Konto wird dabei nicht \
        übernommen.",
    management_subject: "{partner} möchte Ihren Endpunktschutz verwalten",
    management_ask: "{partner} möchte {customer} auf „{management}“ umstellen. Sobald Sie \
        zustimmen, kann sich der Partner mit allen Administratorrechten bei Ihrem Konto \
        anmelden",
    management_ask_partner_managed: ", und Sie selbst melden sich dort nicht mehr an",
    consent_body: "Hallo,\n\n{ask}\n\nZustimmen oder ablehnen: Melden Sie sich hier an\n\
        {link}\n\n\
        Ohne Ihre Zustimmung ändert sich nichts. Der Link funktioniert einmal, bis {expires}.",
    reminder_subject: "Erinnerung: {subject}",
    reminder_note: "Dies ist eine Erinnerung: Die folgende Anfrage wartet noch auf Ihre \
        Antwort. Sie läuft am {expires} ab; die Links in früheren E-Mails funktionieren bis \
        dahin ebenfalls.",
    partner_managed: "Vom Partner verwaltet",
    customer_managed: "Vom Kunden verwaltet",
    co_managed: "Gemeinsam verwaltet",
    footer_partner: "Ihr Partner: {partner}",
    footer_contact: "Kontakt: {name}, {email} ({phone})",
    footer_support_email: "Support-E-Mail: {email}",
    footer_support_phone: "Support-Telefon: {phone}",
    footer_support_url: "Support-Website: {url}",
    footer_purchase_url: "Kaufen oder verlängern: {url}",
    invitation_subject: "Einladung zur Partnerkonsole von {company}",
    invitation_body: "Hallo {first},\n\n\
        {by} hat Sie als Benutzer der Partnerkonsole von {company} hinzugefügt.\n\n\
        Ihre Anmeldung lautet {email}. Wählen Sie hier Ihr Passwort:\n{link}\n\n\
        Der Link funktioniert einmal, bis {expires}.\n",
    report_intro: "{company} sendet Ihnen den Bericht „{name}“ ({kind}) für {period}.",
    report_intro_html: "{company} sendet Ihnen den Bericht <strong>{name}</strong> ({kind}) \
        für {period}.",
    report_attached: "Angehängt: {file}",
    report_too_large: "{file} ist zu groß für einen Anhang; laden Sie die Datei innerhalb von \
        {days} Tagen herunter: {link}",
    report_too_large_html: "zu groß für einen Anhang; der Link funktioniert {days} Tage lang",
    report_open: "In der Partnerkonsole öffnen: {link}",
    report_open_html: "Den Bericht in der Partnerkonsole öffnen",
    period_last_day: "Letzte 24 Stunden ({from} – {to})",
    period_last_week: "Letzte 7 Tage ({from} – {to})",
    period_last_month: "Letzte 30 Tage ({from} – {to})",
    period_last_quarter: "Letzte 3 Monate ({from} – {to})",
    period_days: "{from} bis {to}",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_message_exists_in_every_language_with_the_same_places() {
        let english = Language::English.text().entries();
        for lang in Language::ALL {
            let entries = lang.text().entries();
            assert_eq!(entries.len(), english.len());
            for ((key, text), (en_key, en_text)) in entries.iter().zip(&english) {
                assert_eq!(key, en_key);
                assert!(!text.trim().is_empty(), "{lang:?} {key} is empty");
                let (mut mine, mut theirs) = (places(text), places(en_text));
                mine.sort_unstable();
                theirs.sort_unstable();
                assert_eq!(mine, theirs, "{lang:?} {key} has other places than English");
            }
        }
    }

    #[test]
    fn german_messages_are_german_not_english_copies() {
        let same: Vec<_> = Language::English
            .text()
            .entries()
            .into_iter()
            .zip(Language::German.text().entries())
            .filter(|((_, en), (_, de))| en == de)
            .map(|((key, _), _)| key)
            .collect();
        assert_eq!(same, Vec::<&str>::new());
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let t = Utc.with_ymd_and_hms(2026, 3, 7, 9, 5, 0).unwrap();
        assert_eq!(
            Language::English.date_time(t),
            "Saturday 7 March 2026, 09:05 UTC"
        );
        assert_eq!(
            Language::German.date_time(t),
            "Samstag, 7. März 2026, 09:05 UTC"
        );
        assert_eq!(Language::German.date(t.date_naive()), "7. März 2026");
        assert_eq!(Language::English.short_date(t.date_naive()), "7 Mar 2026");
        assert_eq!(Language::German.short_date(t.date_naive()), "7. März 2026");
    }

    #[test]
    fn values_fill_places_once_and_braces_in_values_stay_as_they_are() {
        assert_eq!(
            fill("{a} and {b} and {c}", &[("a", "{b}"), ("b", "2")]),
            "{b} and 2 and {c}"
        );
        assert_eq!(fill("open { brace", &[]), "open { brace");
    }

    #[test]
    fn languages_are_stored_and_sent_as_their_codes() {
        assert_eq!(serde_json::to_string(&Language::German).unwrap(), "\"de\"");
        assert_eq!(
            serde_json::from_str::<Language>("\"en\"").unwrap(),
            Language::English
        );
    }
}

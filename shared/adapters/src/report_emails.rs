//! The email that delivers a report (the wizard's Delivery step, and every scheduled
//! report): from the partner, in its name, with its logo inline, the report attached
//! when asked and when it fits the message limit (a download link otherwise), or a link
//! to the report in the console for the partner's users; in the partner's language, with
//! its contact and support information (My Company). Pure: it returns the MIME message,
//! built with `mail-builder`.

use domain::{locale::fill, partner::Partner, report::Report};
use mail_builder::{headers::address::Address, MessageBuilder};

/// The largest attachments one message carries, in bytes before encoding: SES takes
/// messages of up to 10 MB, and base64 adds a third.
pub const MAX_ATTACHED_BYTES: usize = 7_000_000;

/// One of the report's files: attached, or linked when too large.
#[derive(Debug, Clone)]
pub struct ReportFileBody {
    /// The file's name as the recipient sees it, e.g. "Monthly endpoints.pdf".
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// A download link that works without a login (a presigned URL), for a file too
    /// large to attach; `None` leaves it out.
    pub link: Option<String>,
}

/// What the message says and carries.
#[derive(Debug, Clone)]
pub struct ReportEmail<'a> {
    pub partner: &'a Partner,
    pub report: &'a Report,
    /// How the period reads, e.g. "1 Nov 2026 – 30 Nov 2026".
    pub period: String,
    /// The report in the console (for recipients with a login).
    pub console_link: String,
    /// The partner's logo: content type and bytes.
    pub logo: Option<(String, Vec<u8>)>,
    /// The files, when the report is emailed as attached files.
    pub files: Vec<ReportFileBody>,
    /// Whether the recipients sign in to the console (the partner's users).
    pub users: bool,
    /// How long a download link works, in days, as the message states it.
    pub link_days: i64,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Which files go attached: in order, while they fit [`MAX_ATTACHED_BYTES`] together.
pub fn attachable(sizes: &[usize]) -> Vec<bool> {
    let mut total = 0;
    sizes
        .iter()
        .map(|s| {
            let fits = total + s <= MAX_ATTACHED_BYTES;
            if fits {
                total += s;
            }
            fits
        })
        .collect()
}

impl ReportEmail<'_> {
    pub fn subject(&self) -> String {
        format!(
            "{}: {} ({})",
            self.partner.company.name, self.report.name, self.period
        )
    }

    /// The plain-text body, in the partner's language, ending with its contact and
    /// support information.
    pub fn text(&self, attached: &[bool]) -> String {
        let p = self.partner;
        let t = p.language.text();
        let mut out = fill(
            t.report_intro,
            &[
                ("company", &p.company.name),
                ("name", &self.report.name),
                ("kind", self.report.report_type.title()),
                ("period", &self.period),
            ],
        );
        out.push_str("\n\n");
        for (f, attached) in self.files.iter().zip(attached) {
            match (attached, &f.link) {
                (true, _) => out.push_str(&fill(t.report_attached, &[("file", &f.name)])),
                (false, Some(link)) => out.push_str(&fill(
                    t.report_too_large,
                    &[
                        ("file", &f.name),
                        ("days", &self.link_days.to_string()),
                        ("link", link),
                    ],
                )),
                (false, None) => continue,
            }
            out.push('\n');
        }
        if self.users {
            out.push('\n');
            out.push_str(&fill(t.report_open, &[("link", &self.console_link)]));
            out.push('\n');
        }
        out.push_str(&format!("\n{}\n", crate::emails::partner_footer(p)));
        out
    }

    /// The HTML body: the logo, the same words, the partner's contact and support
    /// information.
    pub fn html(&self, attached: &[bool]) -> String {
        let p = self.partner;
        let t = p.language.text();
        let logo = if self.logo.is_some() {
            format!(
                "<p><img src=\"cid:logo\" alt=\"{}\" style=\"max-width:116px;max-height:110px\"></p>",
                escape(&p.company.name)
            )
        } else {
            String::new()
        };
        let mut files = String::new();
        for (f, attached) in self.files.iter().zip(attached) {
            match (attached, &f.link) {
                (true, _) => files.push_str(&format!(
                    "<li>{}</li>",
                    escape(&fill(t.report_attached, &[("file", &f.name)]))
                )),
                (false, Some(link)) => files.push_str(&format!(
                    "<li><a href=\"{}\">{}</a> ({})</li>",
                    escape(link),
                    escape(&f.name),
                    escape(&fill(
                        t.report_too_large_html,
                        &[("days", &self.link_days.to_string())]
                    ))
                )),
                (false, None) => {}
            }
        }
        let files = if files.is_empty() {
            String::new()
        } else {
            format!("<ul>{files}</ul>")
        };
        let console = if self.users {
            format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape(&self.console_link),
                escape(t.report_open_html)
            )
        } else {
            String::new()
        };
        let footer = crate::emails::partner_footer(p)
            .lines()
            .map(escape)
            .collect::<Vec<_>>()
            .join("<br>");
        format!(
            "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">{logo}\
             <p>{intro}</p>{files}{console}\
             <hr><p style=\"color:#555\">{footer}</p>\
             </body></html>",
            intro = fill(
                t.report_intro_html,
                &[
                    ("company", &escape(&p.company.name)),
                    ("name", &escape(&self.report.name)),
                    ("kind", &escape(self.report.report_type.title())),
                    ("period", &escape(&self.period)),
                ],
            ),
        )
    }

    /// The whole message from `from` (sent in the partner's name) to `to`.
    pub fn mime(&self, from: &str, to: &[String]) -> std::io::Result<Vec<u8>> {
        let sizes: Vec<usize> = self.files.iter().map(|f| f.bytes.len()).collect();
        let attached = attachable(&sizes);
        let to: Vec<Address> = to
            .iter()
            .map(|a| Address::new_address(None::<&str>, a.as_str()))
            .collect();
        let mut m = MessageBuilder::new()
            .from((self.partner.company.name.as_str(), from))
            .reply_to(self.partner.customer_support().email)
            .to(Address::new_list(to))
            .subject(self.subject())
            .text_body(self.text(&attached))
            .html_body(self.html(&attached));
        if let Some((content_type, bytes)) = &self.logo {
            m = m.inline(content_type.as_str(), "logo", bytes.as_slice());
        }
        for (f, attached) in self.files.iter().zip(&attached) {
            if *attached {
                m = m.attachment(f.content_type.as_str(), f.name.as_str(), f.bytes.as_slice());
            }
        }
        m.write_to_vec()
    }
}

#[cfg(test)]
mod tests;

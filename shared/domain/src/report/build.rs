//! Each report type's document, built from the gathered data.

use super::{
    data::ReportData,
    document::{Document, Section},
};

/// The document of `data.report_type`.
pub fn document(data: &ReportData) -> Document {
    Document {
        title: data.name.clone(),
        subtitle: data.report_type.title().to_string(),
        partner: data.partner_name.clone(),
        period: data.options.period.label(data.now),
        generated: data.now.format("%-d %b %Y %H:%M GMT").to_string(),
        customers: data
            .customers
            .iter()
            .map(|c| c.customer.company.name.clone())
            .collect(),
        figures: Vec::new(),
        sections: Vec::<Section>::new(),
    }
}

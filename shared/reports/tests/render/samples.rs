//! Sample documents: names in Latin with accents, Greek and Cyrillic, markup and
//! formula-like text, a 60-row table that runs over a page, a chart of each kind, an
//! empty table; a document without figures; the documents the size and speed figures
//! are measured on.

use domain::report::document::{
    Block, Cell, Chart, ChartKind, ChartSeries, Column, Document, Figure, Section, Table,
};
use image::{DynamicImage, ImageOutputFormat, Rgb, RgbImage, Rgba, RgbaImage};
use reports::Brand;

pub const CUSTOMERS: [&str; 6] = [
    "Zoë Café Müller Ærø",
    "Αθηνά Ιατρική",
    "Москва Клиника",
    "<Acme & Sons>",
    "=cmd|' /C calc'!A0",
    "Plain Dental, Inc.",
];

/// An unbroken token far too long for its cell.
pub const LONG_TOKEN: &str = "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW";

pub fn column(key: &str, label: &str, numeric: bool, weight: u8) -> Column {
    Column {
        key: key.into(),
        label: label.into(),
        numeric,
        weight,
    }
}

pub fn computer_columns() -> Vec<Column> {
    vec![
        column("customer", "Customer", false, 3),
        column("computer", "Computer", false, 3),
        column("os", "Operating system", false, 2),
        column("lastSeen", "Last seen", false, 2),
        column("alerts", "Alerts", true, 1),
    ]
}

/// Row `i` of the computers table; its computer name is `Computer {i}`.
pub fn computer_row(i: usize) -> Vec<Cell> {
    let customer = if i == 7 {
        LONG_TOKEN.to_string()
    } else {
        CUSTOMERS[i % CUSTOMERS.len()].to_string()
    };
    vec![
        Cell::Text(customer),
        Cell::Text(format!("Computer {i}")),
        Cell::Text(
            if i.is_multiple_of(3) {
                "Windows 11 Pro"
            } else {
                "macOS 15 Sequoia"
            }
            .into(),
        ),
        Cell::Text(format!("{} Nov 2026 10:{:02}", 1 + i % 28, i % 60)),
        Cell::Number((i as i64 * 37) % 1000),
    ]
}

pub fn computers(rows: usize) -> Table {
    Table {
        key: "computers".into(),
        columns: computer_columns(),
        rows: (0..rows).map(computer_row).collect(),
        main: true,
        empty: "No computers.".into(),
    }
}

pub fn chart(kind: ChartKind, key: &str, title: &str) -> Chart {
    let labels: Vec<String> = match kind {
        ChartKind::Share => [
            "Windows 11 Pro",
            "macOS 15",
            "Windows 10",
            "Linux",
            "Android",
            "iOS",
            "Other",
        ]
        .map(String::from)
        .to_vec(),
        _ => (1..=7).map(|d| format!("{d} Dec")).collect(),
    };
    let series = match kind {
        ChartKind::Share => vec![ChartSeries {
            name: "Computers".into(),
            values: vec![40, 15, 5, 0, 2, 1, 1],
        }],
        _ => vec![
            ChartSeries {
                name: "Protected".into(),
                values: vec![40, 42, 41, 45, 50, 49, 52],
            },
            ChartSeries {
                name: "At risk".into(),
                values: vec![5, 3, 8, 2, 0, 1, 4],
            },
        ],
    };
    Chart {
        key: key.into(),
        title: title.into(),
        kind,
        labels,
        series,
    }
}

pub fn sample() -> Document {
    Document {
        title: "Weekly <Security> & \"Health\" Report".into(),
        subtitle: "Endpoint Summary".into(),
        partner: "Zoë's <Managed> Services".into(),
        period: "Last 7 days (27 Nov 2026 – 3 Dec 2026)".into(),
        generated: "4 Dec 2026 10:15 GMT".into(),
        customers: CUSTOMERS.iter().map(|c| c.to_string()).collect(),
        figures: vec![
            Figure {
                key: "computers".into(),
                label: "Computers".into(),
                value: 60,
                unit: String::new(),
            },
            Figure {
                key: "protected".into(),
                label: "Protected".into(),
                value: 97,
                unit: "%".into(),
            },
            Figure {
                key: "alerts".into(),
                label: "Open alerts".into(),
                value: 4321,
                unit: String::new(),
            },
            Figure {
                key: "offline".into(),
                label: "Offline".into(),
                value: 5,
                unit: String::new(),
            },
            Figure {
                key: "deleted".into(),
                label: "Deleted".into(),
                value: 2,
                unit: String::new(),
            },
        ],
        sections: vec![
            Section {
                heading: "Computers".into(),
                blocks: vec![
                    Block::Paragraph {
                        text: "Every computer of the selected customers, with its last check-in."
                            .into(),
                    },
                    Block::Table(computers(60)),
                    Block::Note {
                        text: "Times are in GMT.".into(),
                    },
                ],
            },
            Section {
                heading: "Protection over time".into(),
                blocks: vec![
                    Block::Chart(chart(ChartKind::Bar, "daily", "Computers by day")),
                    Block::Chart(chart(ChartKind::Line, "trend", "Trend")),
                    Block::Chart(chart(ChartKind::Share, "os", "Operating systems")),
                ],
            },
            Section {
                heading: "Alerts".into(),
                blocks: vec![Block::Table(Table {
                    key: "alerts".into(),
                    columns: vec![
                        column("raised", "Raised", false, 2),
                        column("alert", "Alert", false, 4),
                    ],
                    rows: vec![],
                    main: false,
                    empty: "No alerts in this period.".into(),
                })],
            },
        ],
    }
}

/// A document without figures or charts: one short table.
pub fn no_figures() -> Document {
    Document {
        figures: vec![],
        sections: vec![Section {
            heading: "Computers".into(),
            blocks: vec![Block::Table(computers(3))],
        }],
        ..sample()
    }
}

/// The size and speed sample: a logo, a chart and a 50-row table, two pages.
pub fn two_pages() -> Document {
    Document {
        sections: vec![Section {
            heading: "Computers".into(),
            blocks: vec![
                Block::Chart(chart(ChartKind::Bar, "daily", "Computers by day")),
                Block::Table(computers(50)),
            ],
        }],
        ..sample()
    }
}

/// A logo of `width` × `height` with a transparent border, encoded as `format`.
pub fn logo(width: u32, height: u32, format: ImageOutputFormat) -> Vec<u8> {
    let img = RgbaImage::from_fn(width, height, |x, y| {
        if x < 4 || y < 4 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([200, (x * 255 / width) as u8, 40, 255])
        }
    });
    let img = match format {
        ImageOutputFormat::Jpeg(_) => {
            DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, _| {
                Rgb([200, (x * 255 / width) as u8, 40])
            }))
        }
        _ => DynamicImage::ImageRgba8(img),
    };
    let mut out = Vec::new();
    img.write_to(&mut out, format).expect("the logo encodes");
    out
}

pub fn brand_with(logo: Vec<u8>) -> Brand {
    Brand {
        logo: Some(logo),
        ..Brand::default()
    }
}

/// Long figure labels, and a table of eight narrow number columns under long headers.
pub fn narrow_columns() -> Document {
    let labels = [
        ("computers", "Computers"),
        ("protected", "Protected"),
        ("disabled", "Protection disabled"),
        ("agent", "Agent update required"),
        ("definitions", "Definitions update required"),
        ("activation", "Activation required"),
        ("offline", "Offline"),
    ];
    let mut columns = vec![column("customer", "Customer", false, 3)];
    columns.extend(labels.iter().map(|(k, l)| column(k, l, true, 1)));
    Document {
        figures: labels
            .iter()
            .map(|(k, l)| Figure {
                key: k.to_string(),
                label: l.to_string(),
                value: 12_345,
                unit: String::new(),
            })
            .collect(),
        sections: vec![Section {
            heading: "Current health".into(),
            blocks: vec![Block::Table(Table {
                key: "health".into(),
                columns,
                rows: CUSTOMERS
                    .iter()
                    .map(|c| {
                        let mut row = vec![Cell::from(*c)];
                        row.extend((0..labels.len()).map(|i| Cell::from(1_234_567 + i as i64)));
                        row
                    })
                    .collect(),
                main: true,
                empty: "No customers.".into(),
            })],
        }],
        ..sample()
    }
}

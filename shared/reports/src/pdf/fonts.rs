//! The PDF's fonts: DejaVu Sans regular and bold (compiled in), each cut down to the
//! characters the document uses before genpdf sees it.
//!
//! genpdf 0.2 (on printpdf 0.3) embeds the whole font it is given, ~700 KB a face, and
//! lists every glyph in the PDF's width and Unicode tables. A subset keeps only the
//! glyphs needed, with a Unicode `cmap` (printpdf looks glyphs up by character, and
//! text extraction reads the `ToUnicode` map it builds from that `cmap`), and without
//! `kern`, `GSUB` and `GPOS`, which neither library uses when writing text.

use std::collections::BTreeSet;

use allsorts::{
    binary::read::ReadScope,
    font_data::FontData as FontFile,
    subset::{subset, CmapTarget, SubsetProfile},
    tag,
};
use genpdf::fonts::{FontData, FontFamily};
use printpdf::BuiltinFont;

use crate::RenderError;

/// The family genpdf draws with: regular and bold subsets, embedded. genpdf wants four
/// faces and embeds each one it is given (and printpdf then scans every Unicode
/// character against each embedded face); the report never uses italics, so those slots
/// name a PDF built-in font, which is neither embedded nor scanned.
pub(crate) fn family(chars: &BTreeSet<char>) -> Result<FontFamily<FontData>, RenderError> {
    let regular = subset_ttf(dejavu::sans::regular(), chars)?;
    let bold = subset_ttf(dejavu::sans::bold(), chars)?;
    let face = |bytes: Vec<u8>, builtin| {
        FontData::new(bytes, builtin).map_err(|e| RenderError::Font(e.to_string()))
    };
    Ok(FontFamily {
        italic: face(regular.clone(), Some(BuiltinFont::HelveticaOblique))?,
        bold_italic: face(bold.clone(), Some(BuiltinFont::HelveticaBoldOblique))?,
        regular: face(regular, None)?,
        bold: face(bold, None)?,
    })
}

/// `ttf` cut down to the glyphs of `chars` (characters the font lacks are left out).
pub(crate) fn subset_ttf(
    ttf: &'static [u8],
    chars: &BTreeSet<char>,
) -> Result<Vec<u8>, RenderError> {
    let font = |e: &dyn std::fmt::Display| RenderError::Font(e.to_string());
    let lookup = rusttype::Font::from_bytes(ttf).map_err(|e| font(&e))?;
    // Glyph 0 (.notdef) must come first.
    let mut glyphs: Vec<u16> = chars
        .iter()
        .filter_map(|c| u16::try_from(lookup.glyph(*c).id().0).ok())
        .filter(|g| *g != 0)
        .collect();
    glyphs.sort_unstable();
    glyphs.dedup();
    glyphs.insert(0, 0);
    let file = ReadScope::new(ttf)
        .read::<FontFile<'_>>()
        .map_err(|e| font(&e))?;
    let provider = file.table_provider(0).map_err(|e| font(&e))?;
    let tables = vec![
        tag::CMAP,
        tag::HEAD,
        tag::HHEA,
        tag::HMTX,
        tag::MAXP,
        tag::POST,
    ];
    subset(
        &provider,
        &glyphs,
        &SubsetProfile::Custom(tables),
        CmapTarget::Unicode,
    )
    .map_err(|e| font(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_keeps_the_characters_and_their_widths() {
        let chars: BTreeSet<char> = "Zoë Αθηνά Москва 0123".chars().collect();
        let full = rusttype::Font::from_bytes(dejavu::sans::regular()).unwrap();
        let bytes = subset_ttf(dejavu::sans::regular(), &chars).unwrap();
        assert!(bytes.len() < 20_000, "{} bytes", bytes.len());
        let small = rusttype::Font::from_bytes(bytes).unwrap();
        let scale = rusttype::Scale::uniform(10.0);
        for c in chars {
            let g = small.glyph(c);
            assert_ne!(g.id().0, 0, "{c} kept");
            assert_eq!(
                g.scaled(scale).h_metrics().advance_width,
                full.glyph(c).scaled(scale).h_metrics().advance_width,
                "{c} as wide as before"
            );
        }
        assert_eq!(small.glyph('x').id().0, 0, "an unused character is gone");
    }
}

//! Report logos: checked by content before anything is stored.
//!
//! The guide: "You can upload PNG, JPG, JPEG, and GIF files for the logo. The file size
//! must be less than 200 KB. If the image is larger than 116x110 pixels it is scaled to
//! fit." The function that receives the upload links no image decoder, so `check` walks
//! each format's structure (PNG chunks, GIF blocks, JPEG marker segments) without
//! decompressing a pixel: a file that passes is whole, of a kind every renderer draws, and
//! small enough to decode safely. The file name and the declared content type are never
//! looked at.
//!
//! Interlaced PNGs and progressive JPEGs are accepted (every browser and PDF renderer draws
//! them), and so are animated GIFs (the report shows the first frame).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// "Less than 200 KB": a file of this many bytes or more is refused.
pub const MAX_BYTES: usize = 200 * 1024;
/// The widest and highest image accepted: a few hundred bytes can declare an image whose
/// decoded pixels fill gigabytes.
pub const MAX_SIDE: u32 = 4096;
/// The box a logo is scaled to fit in a report: 116 pixels wide, 110 high.
pub const FIT: (u32, u32) = (116, 110);

/// Bytes tolerated after a JPEG's end-of-image marker. Some cameras and editors pad a JPEG
/// with a few zero or 0xFF bytes, which every decoder ignores; more than this is another
/// payload riding along, and the file is refused. A PNG or GIF must end at its last
/// chunk or trailer.
const JPEG_PADDING: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogoType {
    Png,
    Jpeg,
    Gif,
}

impl LogoType {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
        }
    }
}

/// A checked logo: its type and its size in pixels, as the file declares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Logo {
    pub kind: LogoType,
    pub width: u32,
    pub height: u32,
}

impl Logo {
    /// The size the logo is drawn at: scaled to fit within `FIT` keeping its aspect ratio,
    /// never enlarged, and at least one pixel each way.
    pub fn fitted(&self) -> (u32, u32) {
        let (width, height) = (self.width.max(1), self.height.max(1));
        let (fit_width, fit_height) = FIT;
        if width <= fit_width && height <= fit_height {
            return (width, height);
        }
        let (w, h) = (u64::from(width), u64::from(height));
        let (fw, fh) = (u64::from(fit_width), u64::from(fit_height));
        // Rounded to the nearest pixel; the result never exceeds the box's side `to`.
        let scaled = |side: u64, to: u64, from: u64| ((side * to + from / 2) / from).max(1) as u32;
        if w * fh >= h * fw {
            (fit_width, scaled(h, fw, w))
        } else {
            (scaled(w, fh, h), fit_height)
        }
    }
}

/// Why a logo is refused. Each message is said to the partner as it is; the reason inside
/// `Broken` is for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogoError {
    #[error("The logo file is empty.")]
    Empty,
    #[error(
        "The logo must be smaller than {} KB; this file is {} KB.",
        MAX_BYTES / 1024,
        .bytes.div_ceil(1024)
    )]
    TooLarge { bytes: usize },
    #[error("The logo must be a PNG, JPEG or GIF image.")]
    NotAnImage,
    #[error("This {0} cannot be used as a logo; please save it as a standard PNG, JPEG or GIF.")]
    Unsupported(&'static str),
    #[error(
        "This image is {width}×{height} pixels; a logo may be at most {} pixels wide and high.",
        MAX_SIDE
    )]
    TooManyPixels { width: u32, height: u32 },
    #[error("The image file is incomplete or damaged.")]
    Broken(&'static str),
}

/// Checks an uploaded logo by its content: its size first (refused without reading it),
/// then its type, then its whole structure, then its dimensions.
pub fn check(bytes: &[u8]) -> Result<Logo, LogoError> {
    if bytes.is_empty() {
        return Err(LogoError::Empty);
    }
    if bytes.len() >= MAX_BYTES {
        return Err(LogoError::TooLarge { bytes: bytes.len() });
    }
    let logo = match kind(bytes)? {
        LogoType::Png => check_png(&bytes[PNG_SIGNATURE.len()..])?,
        LogoType::Gif => check_gif(&bytes[GIF87.len()..])?,
        LogoType::Jpeg => check_jpeg(&bytes[SOI.len()..])?,
    };
    Ok(logo)
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const GIF87: &[u8] = b"GIF87a";
const GIF89: &[u8] = b"GIF89a";
const SOI: &[u8] = &[0xFF, 0xD8];
/// A JPEG starts with SOI and the first byte of the next marker.
const JPEG_START: &[u8] = &[0xFF, 0xD8, 0xFF];

fn kind(bytes: &[u8]) -> Result<LogoType, LogoError> {
    let signatures = [
        (PNG_SIGNATURE, LogoType::Png),
        (GIF87, LogoType::Gif),
        (GIF89, LogoType::Gif),
        (JPEG_START, LogoType::Jpeg),
    ];
    if let Some(&(_, kind)) = signatures.iter().find(|(s, _)| bytes.starts_with(s)) {
        return Ok(kind);
    }
    // A file cut inside its signature is a damaged image, not some other kind of file.
    if signatures.iter().any(|(s, _)| s.starts_with(bytes)) {
        return Err(LogoError::Broken("truncated signature"));
    }
    Err(LogoError::NotAnImage)
}

fn within_limits(width: u32, height: u32) -> Result<(), LogoError> {
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(LogoError::TooManyPixels { width, height });
    }
    Ok(())
}

/// Reads a file front to back; running out of bytes means the file was cut short.
struct Reader<'a> {
    rest: &'a [u8],
}

const TRUNCATED: LogoError = LogoError::Broken("truncated");

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LogoError> {
        if n > self.rest.len() {
            return Err(TRUNCATED);
        }
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], LogoError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, LogoError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16_le(&mut self) -> Result<u16, LogoError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u16_be(&mut self) -> Result<u16, LogoError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32_be(&mut self) -> Result<u32, LogoError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
}

/// The PNG after its signature: every chunk from IHDR to IEND, each CRC verified.
fn check_png(bytes: &[u8]) -> Result<Logo, LogoError> {
    use LogoError::Broken;
    #[derive(PartialEq)]
    enum Data {
        NotYet,
        Running,
        Done,
    }
    let mut r = Reader { rest: bytes };
    let mut header: Option<(u32, u32, u8)> = None;
    let mut palette = false;
    let mut data = Data::NotYet;
    // The first two bytes of the image data stream, which may span IDAT chunks.
    let mut zlib_header: Vec<u8> = Vec::with_capacity(2);
    loop {
        let length = r.u32_be()?;
        if length > 0x7FFF_FFFF {
            return Err(Broken("chunk length out of range"));
        }
        let length = usize::try_from(length).map_err(|_| TRUNCATED)?;
        let typed = r.take(4 + length)?;
        if crc32(typed) != r.u32_be()? {
            return Err(Broken("chunk CRC mismatch"));
        }
        let (name, body) = typed.split_at(4);
        if !name.iter().all(u8::is_ascii_alphabetic) {
            return Err(Broken("chunk name"));
        }
        if name != b"IDAT" && data == Data::Running {
            data = Data::Done;
        }
        let Some((_, _, colour)) = header else {
            if name != b"IHDR" {
                return Err(Broken("IHDR is not the first chunk"));
            }
            header = Some(png_header(body)?);
            continue;
        };
        match name {
            b"IHDR" => return Err(Broken("second IHDR")),
            b"PLTE" => {
                if palette || data != Data::NotYet || matches!(colour, 0 | 4) {
                    return Err(Broken("misplaced PLTE"));
                }
                if body.is_empty() || body.len() % 3 != 0 || body.len() > 256 * 3 {
                    return Err(Broken("PLTE length"));
                }
                palette = true;
            }
            b"IDAT" => {
                if data == Data::Done {
                    return Err(Broken("IDAT chunks are not consecutive"));
                }
                if colour == 3 && !palette {
                    return Err(Broken("indexed image without PLTE"));
                }
                data = Data::Running;
                let wanted = 2 - zlib_header.len();
                zlib_header.extend(body.iter().take(wanted));
            }
            b"IEND" => {
                if !body.is_empty() {
                    return Err(Broken("IEND has data"));
                }
                if !r.rest.is_empty() {
                    return Err(Broken("bytes after IEND"));
                }
                break;
            }
            // A decoder must refuse a critical chunk (upper-case first letter) it does not
            // know; ancillary ones it skips.
            _ if name[0].is_ascii_uppercase() => return Err(LogoError::Unsupported("PNG variant")),
            _ => {}
        }
    }
    if data == Data::NotYet {
        return Err(Broken("no IDAT"));
    }
    let [cmf, flg] = zlib_header[..] else {
        return Err(Broken("image data too short"));
    };
    // Deflate, a window of at most 32 KB, the header check, and no preset dictionary.
    if cmf & 0x0F != 8
        || cmf >> 4 > 7
        || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0
        || flg & 0x20 != 0
    {
        return Err(Broken("image data is not a zlib stream"));
    }
    let (width, height, _) = header.ok_or(Broken("no IHDR"))?;
    within_limits(width, height)?;
    Ok(Logo {
        kind: LogoType::Png,
        width,
        height,
    })
}

/// IHDR's width, height and colour type, once its fields are known valid.
fn png_header(body: &[u8]) -> Result<(u32, u32, u8), LogoError> {
    use LogoError::Broken;
    if body.len() != 13 {
        return Err(Broken("IHDR length"));
    }
    let mut r = Reader { rest: body };
    let (width, height) = (r.u32_be()?, r.u32_be()?);
    let [depth, colour, compression, filter, interlace] = r.array()?;
    if width == 0 || height == 0 {
        return Err(Broken("zero width or height"));
    }
    let depth_ok = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    if !depth_ok || compression != 0 || filter != 0 || interlace > 1 {
        return Err(Broken("IHDR fields"));
    }
    Ok((width, height, colour))
}

/// The GIF after its signature: the logical screen, then every block to the trailer.
fn check_gif(bytes: &[u8]) -> Result<Logo, LogoError> {
    use LogoError::Broken;
    let mut r = Reader { rest: bytes };
    let (mut width, mut height) = (u32::from(r.u16_le()?), u32::from(r.u16_le()?));
    let flags = r.u8()?;
    r.take(2)?; // background colour index, pixel aspect ratio
    skip_colour_table(&mut r, flags)?;
    let mut first_frame = None;
    // How far right and down any frame reaches.
    let (mut right, mut bottom) = (0, 0);
    loop {
        match r.u8()? {
            // Extension: its label, then its sub-blocks.
            0x21 => {
                r.u8()?;
                sub_blocks(&mut r)?;
            }
            0x2C => {
                let [left, top, w, h] = [(); 4].map(|_| r.u16_le().map(u32::from));
                let (left, top, w, h) = (left?, top?, w?, h?);
                let flags = r.u8()?;
                skip_colour_table(&mut r, flags)?;
                if !(1..=11).contains(&r.u8()?) {
                    return Err(Broken("LZW code size"));
                }
                if sub_blocks(&mut r)? == 0 {
                    return Err(Broken("frame without image data"));
                }
                first_frame.get_or_insert((w, h));
                right = right.max(left + w);
                bottom = bottom.max(top + h);
            }
            0x3B => break,
            _ => return Err(Broken("unknown block")),
        }
    }
    if !r.rest.is_empty() {
        return Err(Broken("bytes after the trailer"));
    }
    let Some((frame_width, frame_height)) = first_frame else {
        return Err(Broken("no image"));
    };
    // Some encoders leave the logical screen 0×0; browsers then use the first frame's size.
    if width == 0 || height == 0 {
        (width, height) = (frame_width, frame_height);
    }
    if width == 0 || height == 0 {
        return Err(Broken("zero width or height"));
    }
    within_limits(width.max(right), height.max(bottom))?;
    Ok(Logo {
        kind: LogoType::Gif,
        width,
        height,
    })
}

fn skip_colour_table(r: &mut Reader, flags: u8) -> Result<(), LogoError> {
    if flags & 0x80 != 0 {
        r.take(3 << ((flags & 0x07) + 1))?;
    }
    Ok(())
}

/// Skips a run of sub-blocks up to its zero terminator; returns the bytes of data.
fn sub_blocks(r: &mut Reader) -> Result<usize, LogoError> {
    let mut total = 0;
    loop {
        let size = usize::from(r.u8()?);
        if size == 0 {
            return Ok(total);
        }
        r.take(size)?;
        total += size;
    }
}

/// The JPEG after SOI: the marker segments, the frame header, each scan's entropy-coded
/// data, to EOI.
fn check_jpeg(bytes: &[u8]) -> Result<Logo, LogoError> {
    use LogoError::{Broken, Unsupported};
    let mut r = Reader { rest: bytes };
    let mut frame = None;
    let mut scanned = false;
    let mut marker = next_marker(&mut r)?;
    loop {
        match marker {
            0xD9 if scanned => break,
            0xD9 => return Err(Broken("EOI before any scan")),
            0xD8 => return Err(Broken("second SOI")),
            0x01 | 0xD0..=0xD7 => return Err(Broken("restart marker outside a scan")),
            _ => {
                let length = r.u16_be()?;
                let segment = r.take(
                    usize::from(length)
                        .checked_sub(2)
                        .ok_or(Broken("segment length"))?,
                )?;
                match marker {
                    0xC0..=0xC2 if frame.is_some() => return Err(Broken("second frame header")),
                    0xC0..=0xC2 => frame = Some(jpeg_frame(marker, segment)?),
                    0xC3 => return Err(Unsupported("lossless JPEG")),
                    0xC5..=0xC7 | 0xCD..=0xCF | 0xDE => {
                        return Err(Unsupported("hierarchical JPEG"))
                    }
                    0xC9..=0xCB => return Err(Unsupported("arithmetic-coded JPEG")),
                    0xDA => {
                        if frame.is_none() {
                            return Err(Broken("scan before the frame header"));
                        }
                        let components = usize::from(*segment.first().ok_or(TRUNCATED)?);
                        if !(1..=4).contains(&components) || segment.len() != 4 + 2 * components {
                            return Err(Broken("scan header"));
                        }
                        scanned = true;
                        marker = entropy_coded(&mut r)?;
                        continue;
                    }
                    // Tables, restart interval, application data, comments: skipped.
                    _ => {}
                }
            }
        }
        marker = next_marker(&mut r)?;
    }
    if r.rest.len() > JPEG_PADDING {
        return Err(Broken("bytes after EOI"));
    }
    let (width, height) = frame.ok_or(Broken("no frame header"))?;
    within_limits(width, height)?;
    Ok(Logo {
        kind: LogoType::Jpeg,
        width,
        height,
    })
}

/// A marker: 0xFF, any number of 0xFF fill bytes, then the marker's code.
fn next_marker(r: &mut Reader) -> Result<u8, LogoError> {
    if r.u8()? != 0xFF {
        return Err(LogoError::Broken("expected a marker"));
    }
    loop {
        match r.u8()? {
            0xFF => {}
            0x00 => return Err(LogoError::Broken("expected a marker")),
            code => return Ok(code),
        }
    }
}

/// Skips a scan's entropy-coded data, in which 0xFF 0x00 is a stuffed 0xFF byte and
/// RST0–RST7 separate restart intervals; returns the code of the marker that ends it.
fn entropy_coded(r: &mut Reader) -> Result<u8, LogoError> {
    loop {
        let next = r.rest.iter().position(|&b| b == 0xFF).ok_or(TRUNCATED)?;
        r.take(next + 1)?;
        loop {
            match r.u8()? {
                0xFF => {}
                0x00 | 0xD0..=0xD7 => break,
                code => return Ok(code),
            }
        }
    }
}

/// The frame header's (width, height), for baseline, extended and progressive JPEGs.
fn jpeg_frame(marker: u8, segment: &[u8]) -> Result<(u32, u32), LogoError> {
    use LogoError::{Broken, Unsupported};
    let mut r = Reader { rest: segment };
    let precision = r.u8()?;
    let (height, width) = (u32::from(r.u16_be()?), u32::from(r.u16_be()?));
    let components = usize::from(r.u8()?);
    match (marker, precision) {
        (_, 8) => {}
        (0xC1 | 0xC2, 12) => return Err(Unsupported("12-bit JPEG")),
        _ => return Err(Broken("sample precision")),
    }
    if components == 0 || r.rest.len() != 3 * components {
        return Err(Broken("frame header length"));
    }
    if components > 4 {
        return Err(Unsupported("JPEG with more than four colour channels"));
    }
    for component in r.rest.chunks_exact(3) {
        let (horizontal, vertical) = (component[1] >> 4, component[1] & 0x0F);
        if !(1..=4).contains(&horizontal) || !(1..=4).contains(&vertical) || component[2] > 3 {
            return Err(Broken("frame component"));
        }
    }
    if width == 0 {
        return Err(Broken("zero width"));
    }
    // A height of 0 is given later by a DNL marker, which browsers do not support.
    if height == 0 {
        return Err(Unsupported("JPEG without its height in the header"));
    }
    Ok((width, height))
}

/// CRC-32 as PNG uses it (ISO 3309, reflected, polynomial 0xEDB88320).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |c, &b| {
        TABLE[usize::from((c ^ u32::from(b)) as u8)] ^ (c >> 8)
    })
}

#[cfg(test)]
pub mod samples;
#[cfg(test)]
mod tests;

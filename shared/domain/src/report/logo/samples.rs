//! Logo files built byte by byte, valid and damaged, for the tests of the domain crate.
//! The same files are kept in `tests/fixtures/logos/` (see `tests.rs`) for tests that
//! upload real files.

use super::crc32;

/// A PNG chunk: length, name, data, CRC.
pub fn png_chunk(name: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut typed = name.to_vec();
    typed.extend_from_slice(data);
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    chunk
}

/// An IHDR chunk: no compression or filter choice exists beyond method 0.
pub fn ihdr(width: u32, height: u32, depth: u8, colour: u8, interlace: u8) -> Vec<u8> {
    let mut data = width.to_be_bytes().to_vec();
    data.extend_from_slice(&height.to_be_bytes());
    data.extend_from_slice(&[depth, colour, 0, 0, interlace]);
    png_chunk(b"IHDR", &data)
}

/// The PNG signature followed by the given chunks, as they are.
pub fn png_from(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut file = super::PNG_SIGNATURE.to_vec();
    chunks.iter().for_each(|c| file.extend_from_slice(c));
    file
}

/// An 8-bit greyscale PNG: its IHDR, the given chunks, IEND.
pub fn png_with(width: u32, height: u32, chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut all = vec![ihdr(width, height, 8, 0, 0)];
    all.extend_from_slice(chunks);
    all.push(png_chunk(b"IEND", &[]));
    png_from(&all)
}

/// The filtered scanlines of a `width`×`height` 8-bit greyscale image: a diagonal gradient,
/// each row led by filter type 0.
pub fn grey_rows(width: u32, height: u32) -> Vec<u8> {
    (0..height)
        .flat_map(|y| std::iter::once(0).chain((0..width).map(move |x| ((x + y) % 256) as u8)))
        .collect()
}

/// A valid `width`×`height` PNG, its image data a real zlib stream (stored deflate blocks).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let data = zlib_stored(&grey_rows(width, height));
    png_with(width, height, &[png_chunk(b"IDAT", &data)])
}

/// A valid 1×1 PNG of exactly `total` bytes, a comment chunk taking up the room.
pub fn png_of_size(total: usize) -> Vec<u8> {
    let idat = png_chunk(b"IDAT", &zlib_stored(&grey_rows(1, 1)));
    let bare = png_with(1, 1, std::slice::from_ref(&idat)).len();
    let mut comment = b"Comment\0".to_vec();
    comment.resize(total - bare - 12, b'.');
    png_with(1, 1, &[png_chunk(b"tEXt", &comment), idat])
}

/// A PNG declaring 30000×30000 pixels with a tiny image data stream, every CRC right: the
/// shape of a decompression bomb.
pub fn png_bomb() -> Vec<u8> {
    png_with(
        30_000,
        30_000,
        &[png_chunk(b"IDAT", &zlib_stored(&[0; 16]))],
    )
}

/// A zlib stream holding `data` in stored (uncompressed) deflate blocks.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    // CMF 0x78: deflate, 32 KB window; FLG 0x01 makes (CMF·256 + FLG) a multiple of 31.
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![data]
    } else {
        data.chunks(0xFFFF).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        let last = u8::from(i + 1 == blocks.len());
        let len = u16::try_from(block.len()).unwrap();
        out.push(last); // BFINAL, BTYPE 00 (stored)
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

pub fn adler32(data: &[u8]) -> u32 {
    let (a, b) = data.iter().fold((1u32, 0u32), |(a, b), &x| {
        let a = (a + u32::from(x)) % 65_521;
        (a, (b + a) % 65_521)
    });
    b << 16 | a
}

/// A valid GIF89a of `frames` frames (animated when more than one), each `width`×`height`
/// pixels in four colours of the global colour table.
pub fn gif(width: u16, height: u16, frames: usize) -> Vec<u8> {
    let mut file = b"GIF89a".to_vec();
    file.extend_from_slice(&width.to_le_bytes());
    file.extend_from_slice(&height.to_le_bytes());
    // A global colour table of 2^(1+1) entries; background 0; no aspect ratio.
    file.extend_from_slice(&[0x91, 0, 0]);
    file.extend_from_slice(&[0, 0, 0, 255, 255, 255, 200, 30, 30, 30, 30, 200]);
    if frames > 1 {
        // Loop for ever.
        file.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
    }
    for frame in 0..frames {
        // Graphic control: half a second per frame.
        file.extend_from_slice(&[0x21, 0xF9, 4, 0, 50, 0, 0, 0]);
        file.push(0x2C);
        for field in [0, 0, width, height] {
            file.extend_from_slice(&field.to_le_bytes());
        }
        file.push(0); // no local colour table, not interlaced
        file.push(2); // LZW minimum code size
        let pixels = (0..height).flat_map(|y| {
            (0..width).map(move |x| ((usize::from(x / 8 + y / 8) + frame) % 4) as u8)
        });
        for block in lzw_literals(pixels).chunks(255) {
            file.push(u8::try_from(block.len()).unwrap());
            file.extend_from_slice(block);
        }
        file.push(0);
    }
    file.push(0x3B);
    file
}

/// GIF LZW data with a minimum code size of 2 that spells every pixel as a literal code:
/// a clear code before every two literals keeps codes 3 bits wide (a decoder adds table
/// entry 6 on the second literal after a clear, and widens its codes only after entry 7).
fn lzw_literals(pixels: impl Iterator<Item = u8>) -> Vec<u8> {
    const CLEAR: u32 = 4;
    const END: u32 = 5;
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    let mut put = |code: u32| {
        acc |= code << bits;
        bits += 3;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    };
    for (i, pixel) in pixels.enumerate() {
        if i % 2 == 0 {
            put(CLEAR);
        }
        put(u32::from(pixel));
    }
    put(END);
    if bits > 0 {
        out.push(acc as u8);
    }
    out
}

/// A valid baseline greyscale JPEG of `width`×`height` pixels. Its Huffman tables hold just
/// what it uses: DC difference category 0 is `0` and category 8 is `10`; the AC table's
/// end-of-block is `0`. Restart markers come every four blocks, and the fourth block of
/// each interval has a DC difference of +255, written as eight one bits on a byte
/// boundary: so the scan holds real RST markers and real stuffed `FF 00` bytes.
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut file = vec![0xFF, 0xD8];
    let mut segment = |marker: u8, data: &[u8]| {
        file.extend_from_slice(&[0xFF, marker]);
        file.extend_from_slice(&u16::try_from(data.len() + 2).unwrap().to_be_bytes());
        file.extend_from_slice(data);
    };
    segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let mut quantisation = vec![0];
    quantisation.extend_from_slice(&[1; 64]);
    segment(0xDB, &quantisation);
    let [h1, h0] = height.to_be_bytes();
    let [w1, w0] = width.to_be_bytes();
    segment(0xC0, &[8, h1, h0, w1, w0, 1, 1, 0x11, 0]);
    let mut dc = vec![0x00, 1, 1];
    dc.extend_from_slice(&[0; 14]);
    dc.extend_from_slice(&[0, 8]);
    segment(0xC4, &dc);
    let mut ac = vec![0x10, 1];
    ac.extend_from_slice(&[0; 15]);
    ac.push(0x00);
    segment(0xC4, &ac);
    segment(0xDD, &[0, 4]);
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0]);
    let blocks = usize::from(width.div_ceil(8)) * usize::from(height.div_ceil(8));
    for (interval, start) in (0..blocks).step_by(4).enumerate() {
        if interval > 0 {
            file.extend_from_slice(&[0xFF, 0xD0 + ((interval - 1) % 8) as u8]);
        }
        let mut bits = Vec::new();
        for block in 0..(blocks - start).min(4) {
            if block == 3 {
                bits.extend_from_slice(&[1, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
            } else {
                bits.push(0);
            }
            bits.push(0); // end of block
        }
        // Padded to a whole byte with one bits; a 0xFF byte is followed by a stuffed 0x00.
        bits.resize(bits.len().div_ceil(8) * 8, 1);
        for byte in bits.chunks(8) {
            let byte = byte.iter().fold(0u8, |b, &bit| b << 1 | bit);
            file.push(byte);
            if byte == 0xFF {
                file.push(0x00);
            }
        }
    }
    file.extend_from_slice(&[0xFF, 0xD9]);
    file
}

/// An SVG logo, which a partner might rename to `.png`.
pub fn svg() -> Vec<u8> {
    br#"<svg xmlns="http://www.w3.org/2000/svg" width="116" height="110"><rect width="116" height="110" fill="navy"/></svg>
"#
    .to_vec()
}

/// A text file renamed to `.png`.
pub fn text() -> Vec<u8> {
    b"Our logo is attached to the next email.\n".to_vec()
}

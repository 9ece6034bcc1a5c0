use std::path::Path;

use super::samples::*;
use super::*;

fn logo(kind: LogoType, width: u32, height: u32) -> Result<Logo, LogoError> {
    Ok(Logo {
        kind,
        width,
        height,
    })
}

/// Where the length of `file` is cut: every point near both ends, and about a hundred
/// in between.
fn cuts(len: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (1..len.min(300)).collect();
    cuts.extend((1..len).step_by((len / 97).max(1)));
    cuts.extend(len.saturating_sub(300).max(1)..len);
    cuts
}

fn with_marker(file: &[u8], from: u8, to: u8) -> Vec<u8> {
    let at = file.windows(2).position(|w| w == [0xFF, from]).unwrap();
    let mut out = file.to_vec();
    out[at + 1] = to;
    out
}

#[test]
fn png_gif_and_jpeg_logos_pass_with_their_type_and_size() {
    assert_eq!(check(&png(1, 1)), logo(LogoType::Png, 1, 1));
    assert_eq!(check(&png(300, 150)), logo(LogoType::Png, 300, 150));
    assert_eq!(check(&gif(1, 1, 1)), logo(LogoType::Gif, 1, 1));
    assert_eq!(check(&gif(200, 400, 1)), logo(LogoType::Gif, 200, 400));
    assert_eq!(check(&jpeg(1, 1)), logo(LogoType::Jpeg, 1, 1));
    assert_eq!(check(&jpeg(300, 150)), logo(LogoType::Jpeg, 300, 150));
}

#[test]
fn each_type_has_its_content_type_and_extension() {
    let types = [LogoType::Png, LogoType::Jpeg, LogoType::Gif];
    let named: Vec<_> = types.map(|t| (t.content_type(), t.extension())).into();
    assert_eq!(
        named,
        [
            ("image/png", "png"),
            ("image/jpeg", "jpg"),
            ("image/gif", "gif")
        ]
    );
    assert_eq!(serde_json::to_string(&LogoType::Jpeg).unwrap(), "\"jpeg\"");
}

#[test]
fn a_logo_larger_than_116_by_110_is_scaled_to_fit_keeping_its_shape() {
    let fitted = |width, height| {
        Logo {
            kind: LogoType::Png,
            width,
            height,
        }
        .fitted()
    };
    assert_eq!(fitted(300, 150), (116, 58));
    assert_eq!(fitted(200, 400), (55, 110));
    assert_eq!(fitted(116, 220), (58, 110));
    assert_eq!(fitted(4096, 10), (116, 1));
}

#[test]
fn a_logo_that_fits_is_never_enlarged() {
    for (width, height) in [(50, 50), (116, 110), (1, 1), (116, 1), (1, 110)] {
        let logo = check(&png(width, height)).unwrap();
        assert_eq!(logo.fitted(), (width, height));
    }
}

#[test]
fn the_file_must_be_smaller_than_200_kb() {
    assert_eq!(
        check(&png_of_size(MAX_BYTES - 1)),
        logo(LogoType::Png, 1, 1)
    );
    assert_eq!(
        check(&png_of_size(MAX_BYTES)),
        Err(LogoError::TooLarge { bytes: 204_800 })
    );
}

#[test]
fn a_file_too_large_is_refused_before_its_content_is_read() {
    for content in [vec![b'<'; MAX_BYTES], png(1, 1).repeat(MAX_BYTES / 60)] {
        assert!(content.len() >= MAX_BYTES);
        assert_eq!(
            check(&content),
            Err(LogoError::TooLarge {
                bytes: content.len()
            })
        );
    }
}

#[test]
fn an_empty_file_is_refused() {
    assert_eq!(check(&[]), Err(LogoError::Empty));
}

#[test]
fn an_svg_or_a_text_file_renamed_to_png_is_not_an_image() {
    let bmp = b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
    let webp = b"RIFF\x24\0\0\0WEBPVP8 ".to_vec();
    for file in [svg(), text(), bmp, webp, b"GIF is a format".to_vec()] {
        assert_eq!(check(&file), Err(LogoError::NotAnImage));
    }
}

#[test]
fn a_header_declaring_30000_by_30000_pixels_is_refused_though_its_crcs_are_right() {
    assert_eq!(
        check(&png_bomb()),
        Err(LogoError::TooManyPixels {
            width: 30_000,
            height: 30_000
        })
    );
    // The same file at the largest size allowed passes: the size is the only fault.
    let idat = png_chunk(b"IDAT", &zlib_stored(&[0; 16]));
    let at_most = png_with(MAX_SIDE, MAX_SIDE, std::slice::from_ref(&idat));
    assert_eq!(check(&at_most), logo(LogoType::Png, MAX_SIDE, MAX_SIDE));
    let too_wide = png_with(MAX_SIDE + 1, 1, &[idat]);
    assert!(matches!(
        check(&too_wide),
        Err(LogoError::TooManyPixels { .. })
    ));
}

#[test]
fn a_gif_or_jpeg_wider_or_higher_than_4096_pixels_is_refused() {
    assert_eq!(
        check(&gif(5000, 1, 1)),
        Err(LogoError::TooManyPixels {
            width: 5000,
            height: 1
        })
    );
    assert_eq!(
        check(&jpeg(8, 4097)),
        Err(LogoError::TooManyPixels {
            width: 8,
            height: 4097
        })
    );
    // A frame reaching past the limit, in a small logical screen.
    let mut file = gif(10, 10, 1);
    let frame = file.iter().position(|&b| b == 0x2C).unwrap();
    file[frame + 1..frame + 3].copy_from_slice(&5000u16.to_le_bytes());
    assert_eq!(
        check(&file),
        Err(LogoError::TooManyPixels {
            width: 5010,
            height: 10
        })
    );
}

#[test]
fn a_file_cut_anywhere_is_incomplete() {
    let files = [
        png(1, 1),
        png(300, 150),
        png_bomb(),
        gif(1, 1, 1),
        gif(60, 40, 3),
        jpeg(1, 1),
        jpeg(300, 150),
    ];
    for file in files {
        for cut in cuts(file.len()) {
            assert!(
                matches!(check(&file[..cut]), Err(LogoError::Broken(_))),
                "{:?} cut at {cut} of {}",
                check(&file),
                file.len()
            );
        }
    }
}

#[test]
fn a_png_with_any_byte_of_a_chunk_changed_is_damaged() {
    let file = png(2, 2);
    for at in PNG_SIGNATURE.len()..file.len() {
        let mut damaged = file.clone();
        damaged[at] ^= 0x04;
        assert!(
            matches!(check(&damaged), Err(LogoError::Broken(_))),
            "byte {at}"
        );
    }
}

#[test]
fn a_png_must_run_from_ihdr_through_image_data_to_iend_and_stop() {
    let idat = || png_chunk(b"IDAT", &zlib_stored(&grey_rows(1, 1)));
    let iend = || png_chunk(b"IEND", &[]);
    let text = || png_chunk(b"tEXt", b"Title\0Logo");
    let header = || ihdr(1, 1, 8, 0, 0);
    let broken = [
        png_from(&[text(), header(), idat(), iend()]),
        png_from(&[header(), idat()]),
        png_from(&[header(), text(), iend()]),
        png_from(&[header(), header(), idat(), iend()]),
        png_from(&[header(), idat(), text(), idat(), iend()]),
        png_from(&[header(), png_chunk(b"IDAT", &[0x12, 0x34]), iend()]),
        png_from(&[header(), idat(), png_chunk(b"IEND", b"x")]),
        // Indexed colour without a palette; a palette in a greyscale image.
        png_from(&[ihdr(1, 1, 8, 3, 0), idat(), iend()]),
        png_from(&[header(), png_chunk(b"PLTE", &[0; 6]), idat(), iend()]),
        // Colour type 2 has no 4-bit depth; 0 is no colour type; interlace method 2.
        png_from(&[ihdr(1, 1, 4, 2, 0), idat(), iend()]),
        png_from(&[ihdr(1, 1, 8, 1, 0), idat(), iend()]),
        png_from(&[ihdr(1, 1, 8, 0, 2), idat(), iend()]),
        png_from(&[ihdr(0, 1, 8, 0, 0), idat(), iend()]),
    ];
    for (i, file) in broken.iter().enumerate() {
        assert!(matches!(check(file), Err(LogoError::Broken(_))), "file {i}");
    }
    let mut trailing = png(1, 1);
    trailing.push(0);
    assert_eq!(check(&trailing), Err(LogoError::Broken("bytes after IEND")));
}

#[test]
fn a_png_with_an_unknown_critical_chunk_is_unsupported_and_an_unknown_ancillary_one_is_skipped() {
    let idat = png_chunk(b"IDAT", &zlib_stored(&grey_rows(1, 1)));
    let file = png_with(1, 1, &[png_chunk(b"CgBI", &[0; 4]), idat.clone()]);
    assert_eq!(check(&file), Err(LogoError::Unsupported("PNG variant")));
    let file = png_with(1, 1, &[png_chunk(b"prVt", &[7; 9]), idat]);
    assert_eq!(check(&file), logo(LogoType::Png, 1, 1));
}

#[test]
fn interlaced_indexed_and_split_image_data_pngs_pass() {
    // A 1×1 image has its one pixel in the first Adam7 pass, so its data is as plain.
    let interlaced = png_from(&[
        ihdr(1, 1, 8, 0, 1),
        png_chunk(b"IDAT", &zlib_stored(&grey_rows(1, 1))),
        png_chunk(b"IEND", &[]),
    ]);
    assert_eq!(check(&interlaced), logo(LogoType::Png, 1, 1));
    let rows = zlib_stored(&grey_rows(3, 2));
    let (head, tail) = rows.split_at(1);
    let files = [
        png_from(&[
            ihdr(3, 2, 8, 3, 0),
            png_chunk(
                b"PLTE",
                &[0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255],
            ),
            png_chunk(b"IDAT", &rows),
            png_chunk(b"IEND", &[]),
        ]),
        png_with(3, 2, &[png_chunk(b"IDAT", head), png_chunk(b"IDAT", tail)]),
    ];
    for file in files {
        assert_eq!(check(&file), logo(LogoType::Png, 3, 2));
    }
}

#[test]
fn an_animated_gif_passes_and_is_shown_by_its_first_frame() {
    assert_eq!(check(&gif(60, 40, 3)), logo(LogoType::Gif, 60, 40));
}

#[test]
fn a_gif87a_passes() {
    let mut file = gif(4, 4, 1);
    file[..6].copy_from_slice(b"GIF87a");
    assert_eq!(check(&file), logo(LogoType::Gif, 4, 4));
}

#[test]
fn a_gif_with_a_zero_logical_screen_takes_its_first_frames_size() {
    let mut file = gif(7, 5, 1);
    file[6..10].fill(0);
    assert_eq!(check(&file), logo(LogoType::Gif, 7, 5));
}

#[test]
fn a_gif_needs_an_image_and_ends_at_its_trailer() {
    let file = gif(4, 4, 1);
    let image = file.iter().position(|&b| b == 0x21).unwrap();
    let mut no_image = file[..image].to_vec();
    no_image.push(0x3B);
    assert_eq!(check(&no_image), Err(LogoError::Broken("no image")));

    let mut trailing = file.clone();
    trailing.push(0);
    assert_eq!(
        check(&trailing),
        Err(LogoError::Broken("bytes after the trailer"))
    );

    let mut unknown = file.clone();
    unknown[image] = 0x22;
    assert_eq!(check(&unknown), Err(LogoError::Broken("unknown block")));
}

#[test]
fn a_jpeg_scan_holds_stuffed_bytes_and_restart_markers() {
    let file = jpeg(300, 150);
    let scan = file.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let data = &file[scan..];
    assert!(data.windows(2).any(|w| w == [0xFF, 0x00]));
    for rst in 0xD0..=0xD7 {
        assert!(data.windows(2).any(|w| w == [0xFF, rst]));
    }
    assert_eq!(check(&file), logo(LogoType::Jpeg, 300, 150));
}

#[test]
fn a_jpeg_scan_cut_by_an_unexpected_marker_is_damaged() {
    let file = jpeg(300, 150);
    let mut damaged = file.clone();
    let stuffed = damaged.windows(2).position(|w| w == [0xFF, 0x00]).unwrap();
    damaged[stuffed + 1] = 0xD8;
    assert_eq!(check(&damaged), Err(LogoError::Broken("second SOI")));
}

#[test]
fn progressive_and_extended_jpegs_pass() {
    for sof in [0xC1, 0xC2] {
        let file = with_marker(&jpeg(16, 16), 0xC0, sof);
        assert_eq!(check(&file), logo(LogoType::Jpeg, 16, 16));
    }
}

#[test]
fn lossless_arithmetic_hierarchical_and_12_bit_jpegs_are_unsupported() {
    let cases = [
        (0xC3, "lossless JPEG"),
        (0xC5, "hierarchical JPEG"),
        (0xCD, "hierarchical JPEG"),
        (0xC9, "arithmetic-coded JPEG"),
        (0xCA, "arithmetic-coded JPEG"),
    ];
    for (sof, kind) in cases {
        let file = with_marker(&jpeg(16, 16), 0xC0, sof);
        assert_eq!(check(&file), Err(LogoError::Unsupported(kind)));
    }
    let mut twelve_bit = with_marker(&jpeg(16, 16), 0xC0, 0xC1);
    let sof = twelve_bit
        .windows(2)
        .position(|w| w == [0xFF, 0xC1])
        .unwrap();
    twelve_bit[sof + 4] = 12;
    assert_eq!(
        check(&twelve_bit),
        Err(LogoError::Unsupported("12-bit JPEG"))
    );
}

#[test]
fn a_jpeg_without_its_height_in_the_frame_header_is_unsupported() {
    let mut file = jpeg(16, 16);
    let sof = file.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    file[sof + 5..sof + 7].fill(0);
    assert_eq!(
        check(&file),
        Err(LogoError::Unsupported(
            "JPEG without its height in the header"
        ))
    );
}

#[test]
fn a_jpeg_may_be_followed_by_a_little_padding_but_no_more() {
    let mut file = jpeg(8, 8);
    file.extend_from_slice(&[0; JPEG_PADDING]);
    assert_eq!(check(&file), logo(LogoType::Jpeg, 8, 8));
    file.push(0);
    assert_eq!(check(&file), Err(LogoError::Broken("bytes after EOI")));
}

#[test]
fn a_jpeg_needs_a_frame_header_and_a_scan() {
    let file = jpeg(8, 8);
    let scan = file.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let mut no_scan = file[..scan].to_vec();
    no_scan.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(
        check(&no_scan),
        Err(LogoError::Broken("EOI before any scan"))
    );

    let sof = file.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let mut no_frame = file[..sof].to_vec();
    no_frame.extend_from_slice(&file[sof + 2 + 11..]);
    assert_eq!(
        check(&no_frame),
        Err(LogoError::Broken("scan before the frame header"))
    );
}

#[test]
fn each_refusal_is_a_sentence_a_partner_understands() {
    let said = |e: LogoError| e.to_string();
    assert_eq!(said(LogoError::Empty), "The logo file is empty.");
    assert_eq!(
        said(LogoError::TooLarge { bytes: 201 * 1024 }),
        "The logo must be smaller than 200 KB; this file is 201 KB."
    );
    assert_eq!(
        said(LogoError::TooLarge { bytes: 204_801 }),
        "The logo must be smaller than 200 KB; this file is 201 KB."
    );
    assert_eq!(
        said(LogoError::NotAnImage),
        "The logo must be a PNG, JPEG or GIF image."
    );
    assert_eq!(
        said(LogoError::TooManyPixels {
            width: 30_000,
            height: 30_000
        }),
        "This image is 30000×30000 pixels; a logo may be at most 4096 pixels wide and high."
    );
    assert_eq!(
        said(LogoError::Unsupported("lossless JPEG")),
        "This lossless JPEG cannot be used as a logo; please save it as a standard PNG, JPEG or GIF."
    );
    assert_eq!(
        said(LogoError::Broken("chunk CRC mismatch")),
        "The image file is incomplete or damaged."
    );
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/logos");

/// The files in `tests/fixtures/logos/`, for tests that upload real files, with what
/// `check` answers for each.
fn fixtures() -> Vec<(&'static str, Vec<u8>, Result<Logo, LogoError>)> {
    let broken = |reason| Err(LogoError::Broken(reason));
    let half = |file: Vec<u8>| file[..file.len() / 2].to_vec();
    let mut bad_crc = png(300, 150);
    bad_crc[100] ^= 0x01;
    vec![
        ("ok-1x1.png", png(1, 1), logo(LogoType::Png, 1, 1)),
        (
            "ok-300x150.png",
            png(300, 150),
            logo(LogoType::Png, 300, 150),
        ),
        (
            "ok-200x400.gif",
            gif(200, 400, 1),
            logo(LogoType::Gif, 200, 400),
        ),
        (
            "ok-animated-60x40.gif",
            gif(60, 40, 3),
            logo(LogoType::Gif, 60, 40),
        ),
        ("ok-1x1.jpg", jpeg(1, 1), logo(LogoType::Jpeg, 1, 1)),
        ("ok-50x50.jpg", jpeg(50, 50), logo(LogoType::Jpeg, 50, 50)),
        (
            "bomb-30000.png",
            png_bomb(),
            Err(LogoError::TooManyPixels {
                width: 30_000,
                height: 30_000,
            }),
        ),
        ("truncated.png", half(png(300, 150)), broken("truncated")),
        ("truncated.gif", half(gif(200, 400, 1)), broken("truncated")),
        ("truncated.jpg", half(jpeg(50, 50)), broken("truncated")),
        ("bad-crc.png", bad_crc, broken("chunk CRC mismatch")),
        ("svg-renamed.png", svg(), Err(LogoError::NotAnImage)),
        ("text-renamed.png", text(), Err(LogoError::NotAnImage)),
        (
            "too-big-201kb.png",
            png_of_size(201 * 1024),
            Err(LogoError::TooLarge { bytes: 201 * 1024 }),
        ),
        ("empty.png", Vec::new(), Err(LogoError::Empty)),
    ]
}

/// The fixture files are the samples: regenerate them with
/// `UPDATE_FIXTURES=1 cargo test -p domain report::logo`.
#[test]
fn the_fixture_files_are_the_samples_and_check_as_named() {
    let dir = Path::new(FIXTURES);
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    if update {
        std::fs::create_dir_all(dir).unwrap();
    }
    let fixtures = fixtures();
    for (name, bytes, expected) in &fixtures {
        assert_eq!(&check(bytes), expected, "{name}");
        let path = dir.join(name);
        if update {
            std::fs::write(&path, bytes).unwrap();
        }
        assert!(
            std::fs::read(&path).ok().as_ref() == Some(bytes),
            "tests/fixtures/logos/{name} is not its sample: regenerate with \
             UPDATE_FIXTURES=1 cargo test -p domain report::logo"
        );
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut named: Vec<String> = fixtures.iter().map(|f| f.0.to_string()).collect();
    named.sort();
    assert_eq!(
        on_disk, named,
        "files in tests/fixtures/logos/ without a sample"
    );
}

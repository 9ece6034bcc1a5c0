//! The partner's logo, as the renderers draw it: decoded from the stored original,
//! scaled to fit the banner's box keeping its aspect ratio.

use image::{imageops::FilterType, DynamicImage, GenericImageView, ImageFormat, RgbImage};

use crate::RenderError;

/// The box the logo is fitted into, in pixels.
pub(crate) const BOX: (u32, u32) = (116, 110);

/// Decodes a stored logo: PNG, JPEG or GIF (its first frame) only.
pub(crate) fn decode(bytes: &[u8]) -> Result<DynamicImage, RenderError> {
    let format = image::guess_format(bytes)
        .map_err(|_| RenderError::Logo("its format is not recognised".into()))?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif
    ) {
        return Err(RenderError::Logo(format!("{format:?} is not accepted")));
    }
    image::load_from_memory_with_format(bytes, format).map_err(|e| RenderError::Logo(e.to_string()))
}

/// The logo scaled to fit `width` × `height` pixels, aspect ratio kept.
pub(crate) fn fit(logo: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    let (w, h) = logo.dimensions();
    if w == width && h <= height || h == height && w <= width {
        logo.clone()
    } else {
        logo.resize(width, height, FilterType::Triangle)
    }
}

/// The logo as RGB on white: a PDF image cannot carry an alpha channel here (genpdf
/// rejects it), so transparent parts become the white they are drawn on.
pub(crate) fn flatten(logo: &DynamicImage) -> RgbImage {
    let rgba = logo.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            // (c·a + 255·(255 − a)) / 255, rounded
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// The logo as PNG bytes (for the HTML page's data: URI).
pub(crate) fn png(logo: &DynamicImage) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    logo.write_to(&mut out, image::ImageOutputFormat::Png)
        .map_err(|e| RenderError::Logo(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn a_wide_logo_fits_the_box_keeping_its_aspect_ratio() {
        let wide = DynamicImage::ImageRgba8(RgbaImage::new(580, 110));
        assert_eq!(fit(&wide, BOX.0, BOX.1).dimensions(), (116, 22));
        let small = DynamicImage::ImageRgba8(RgbaImage::new(20, 40));
        assert_eq!(fit(&small, BOX.0, BOX.1).dimensions(), (55, 110));
    }

    #[test]
    fn transparency_is_flattened_onto_white() {
        let mut img = RgbaImage::new(3, 1);
        img.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
        img.put_pixel(1, 0, Rgba([0, 0, 0, 255]));
        img.put_pixel(2, 0, Rgba([0, 0, 200, 128]));
        let flat = flatten(&DynamicImage::ImageRgba8(img));
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [0, 0, 0]);
        assert_eq!(flat.get_pixel(2, 0).0, [127, 127, 227]);
    }

    #[test]
    fn only_png_jpeg_and_gif_are_accepted() {
        let bmp = b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0";
        assert!(matches!(decode(bmp), Err(RenderError::Logo(_))));
        assert!(matches!(decode(b"not an image"), Err(RenderError::Logo(_))));
    }
}

//! Local QR codes: the preview (and anything else that shows a ticket) renders `{{barcode_qr}}`
//! without fetching Qflow's remote QR image.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// A `data:image/svg+xml;base64,…` URL of a QR code for `text` (medium error correction).
/// Text too long for any QR version gives a small SVG saying so instead of panicking.
pub fn qr_svg_data_url(text: &str) -> String {
    let svg = match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => code
            .render::<svg::Color<'_>>()
            .min_dimensions(160, 160)
            .quiet_zone(true)
            .build(),
        Err(_) => "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"40\"><text x=\"4\" y=\"24\" font-size=\"12\">barcode too long for a QR</text></svg>".to_owned(),
    };
    format!("data:image/svg+xml;base64,{}", base64(svg.as_bytes()))
}

/// Standard base64 with padding (no dependency for a dozen lines).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input}");
        }
    }

    #[test]
    fn qr_is_an_svg_data_url_that_differs_per_barcode() {
        let a = qr_svg_data_url("4GA6965Q1G5EZ0FB");
        let b = qr_svg_data_url("OTHER");
        assert!(
            a.starts_with("data:image/svg+xml;base64,PD94bWwg")
                || a.starts_with("data:image/svg+xml;base64,PHN2Zy"),
            "{}",
            &a[..40]
        );
        assert_ne!(a, b);
        assert!(
            !a.contains('"') && !a.contains('<'),
            "safe inside src=\"…\""
        );
    }
}

//! Local QR codes: the preview (and anything else that shows a ticket) renders `{{barcode_qr}}`
//! without fetching Qflow's remote QR image.

use qrcode::{Color, EcLevel, QrCode};

/// A `data:image/svg+xml;base64,…` URL of a QR code for `text` (medium error correction).
/// Text too long for any QR version gives a small SVG saying so instead of panicking.
pub fn qr_svg_data_url(text: &str) -> String {
    let svg = match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) {
        Ok(code) => compact_svg(&code),
        Err(_) => "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"40\"><text x=\"4\" y=\"24\" font-size=\"12\">barcode too long for a QR</text></svg>".to_owned(),
    };
    format!("data:image/svg+xml;base64,{}", base64(svg.as_bytes()))
}

/// One path of horizontal runs in module units (~1 KB): a template with a hundred
/// `{{barcode_qr}}` images stays small enough to re-render its preview on every keystroke
/// (the crate's renderer writes a rectangle per module, ~15 KB each once encoded).
fn compact_svg(code: &QrCode) -> String {
    const QUIET: usize = 4;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET;
    let mut d = String::with_capacity(width * width / 2);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"160\" height=\"160\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>"
    )
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
    fn the_svg_paints_exactly_the_dark_modules_and_stays_small() {
        let code = QrCode::with_error_correction_level(b"4GA6965Q1G5EZ0FB", EcLevel::M).unwrap();
        let svg = compact_svg(&code);
        let w = code.width();
        let mut painted = vec![false; w * w];
        let d = &svg[svg.find(" d=\"").unwrap() + 4..svg.rfind('"').unwrap()];
        for seg in d.split('M').filter(|s| !s.is_empty()) {
            let (xy, rest) = seg.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (
                x.parse::<usize>().unwrap() - 4,
                y.parse::<usize>().unwrap() - 4,
            );
            let run: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for i in 0..run {
                assert!(!painted[y * w + x + i], "painted twice");
                painted[y * w + x + i] = true;
            }
        }
        let dark: Vec<bool> = code.to_colors().iter().map(|c| *c == Color::Dark).collect();
        assert_eq!(painted, dark);
        let url = qr_svg_data_url("4GA6965Q1G5EZ0FB");
        assert!(url.len() < 3_000, "{} bytes", url.len());
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

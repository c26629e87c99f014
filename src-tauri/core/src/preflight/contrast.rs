//! WCAG 2 contrast from inline colours: `#rgb`, `#rrggbb`, `rgb(…)` and the common names.
//! Colours we cannot read (`rgba` with alpha, `var(…)`, gradients) give no verdict.

pub(crate) type Rgb = (u8, u8, u8);

pub(crate) const WHITE: Rgb = (255, 255, 255);

pub(crate) fn parse_color(v: &str) -> Option<Rgb> {
    let v = v
        .trim()
        .trim_end_matches("!important")
        .trim()
        .to_ascii_lowercase();
    if let Some(hex) = v.strip_prefix('#') {
        let d = |i: usize, n: usize| u8::from_str_radix(hex.get(i..i + n)?, 16).ok();
        return match hex.len() {
            3 => Some((d(0, 1)? * 17, d(1, 1)? * 17, d(2, 1)? * 17)),
            6 => Some((d(0, 2)?, d(2, 2)?, d(4, 2)?)),
            _ => None,
        };
    }
    if let Some(args) = v.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<u8> = args
            .split([',', ' '])
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<u8>().ok())
            .collect::<Option<_>>()?;
        return (parts.len() == 3).then(|| (parts[0], parts[1], parts[2]));
    }
    Some(match v.as_str() {
        "white" => WHITE,
        "black" => (0, 0, 0),
        "red" => (255, 0, 0),
        "green" => (0, 128, 0),
        "blue" => (0, 0, 255),
        "yellow" => (255, 255, 0),
        "orange" => (255, 165, 0),
        "gray" | "grey" => (128, 128, 128),
        "silver" => (192, 192, 192),
        "lightgray" | "lightgrey" => (211, 211, 211),
        "darkgray" | "darkgrey" => (169, 169, 169),
        "navy" => (0, 0, 128),
        "maroon" => (128, 0, 0),
        "purple" => (128, 0, 128),
        "teal" => (0, 128, 128),
        "aqua" | "cyan" => (0, 255, 255),
        "fuchsia" | "magenta" => (255, 0, 255),
        "lime" => (0, 255, 0),
        "pink" => (255, 192, 203),
        _ => return None,
    })
}

fn luminance((r, g, b): Rgb) -> f64 {
    let ch = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
}

/// WCAG contrast ratio, 1..=21.
pub(crate) fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_colours_and_computes_wcag_ratios() {
        assert_eq!(parse_color("#fff"), Some(WHITE));
        assert_eq!(parse_color(" #777777 !important"), Some((119, 119, 119)));
        assert_eq!(parse_color("rgb(0, 0, 0)"), Some((0, 0, 0)));
        assert_eq!(parse_color("Grey"), Some((128, 128, 128)));
        assert_eq!(parse_color("rgba(0,0,0,.5)"), None);
        assert_eq!(parse_color("#12345"), None);
        assert!((ratio((0, 0, 0), WHITE) - 21.0).abs() < 1e-9);
        // #777 on white is the classic just-below-AA grey (4.48:1).
        let r = ratio((119, 119, 119), WHITE);
        assert!(r > 4.47 && r < 4.49, "{r}");
        assert!(ratio((118, 118, 118), WHITE) >= 4.5);
    }
}

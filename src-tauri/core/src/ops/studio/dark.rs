//! The preview's two dark-mode emulations. Clients darken email in two ways: some invert
//! the colours themselves (the Gmail app: everything but images), others honour the
//! template's own `@media (prefers-color-scheme: dark)` rules (Apple Mail). A sandboxed
//! srcdoc frame follows the app's colour scheme, which the preview cannot set, so the scheme
//! emulation rewrites those media features to constant ones instead.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use ts_rs::TS;

/// How the preview emulates a dark-mode client.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum DarkEmulation {
    #[default]
    Off,
    /// Colours inverted by the client, images left as they are (Gmail app style).
    Invert,
    /// The template's own dark styles apply (Apple Mail style).
    Scheme,
}

/// Inverts the page (root background included, so transparent parts turn dark) and inverts
/// images back, so photos and the ticket QR keep their colours.
const INVERT_CSS: &str = "<style>html{background:#fff;filter:invert(1) hue-rotate(180deg)}img,video{filter:invert(1) hue-rotate(180deg)}</style>";
/// A dark client's defaults for what the template leaves unstyled; its own rules come after.
const SCHEME_CSS: &str =
    "<meta name=\"color-scheme\" content=\"dark\"><style>:root{color-scheme:dark}html{background:#1c1c1e;color:#f2f2f7}</style>";

/// Always true / always false for any frame that is shown (its width is never 0).
const MATCH: &str = "(min-width:0px)";
const NO_MATCH: &str = "(max-width:0px)";

/// What goes before the body in the preview document for `mode`.
pub fn dark_head(mode: DarkEmulation) -> &'static str {
    match mode {
        DarkEmulation::Off => "",
        DarkEmulation::Invert => INVERT_CSS,
        DarkEmulation::Scheme => SCHEME_CSS,
    }
}

/// `html` as a dark-preferring client evaluates it: every `(prefers-color-scheme: dark)`
/// feature (any case and spacing, in `@media` or a `media=""` attribute) becomes one that
/// always matches, every `(prefers-color-scheme: light)` one that never does.
pub fn prefer_dark(html: &str) -> Cow<'_, str> {
    const FEATURE: &[u8] = b"prefers-color-scheme";
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut copied = 0;
    for (at, _) in lower.match_indices("prefers-color-scheme") {
        if at < copied {
            continue;
        }
        // `(` before the name and `: value )` after it, whitespace allowed around each.
        let Some(open) = lower[..at].trim_end().strip_suffix('(').map(str::len) else {
            continue;
        };
        let rest = &lower[at + FEATURE.len()..];
        let Some(after_colon) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let Some(close) = after_colon.find(')') else {
            continue;
        };
        let replacement = match after_colon[..close].trim() {
            "dark" => MATCH,
            "light" => NO_MATCH,
            _ => continue,
        };
        let end = at + FEATURE.len() + (rest.len() - after_colon.len()) + close + 1;
        out.push_str(&html[copied..open]);
        out.push_str(replacement);
        copied = end;
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_features_always_match_and_light_ones_never() {
        let css = "<style>@media (prefers-color-scheme: dark){.a{color:#fff}}\
                   @media screen and ( PREFERS-COLOR-SCHEME :Dark ){.b{}}\
                   @media (prefers-color-scheme: light){.c{}}</style>\
                   <style media=\"(prefers-color-scheme:dark)\">.d{}</style>";
        let out = prefer_dark(css);
        assert_eq!(
            out,
            "<style>@media (min-width:0px){.a{color:#fff}}\
             @media screen and (min-width:0px){.b{}}\
             @media (max-width:0px){.c{}}</style>\
             <style media=\"(min-width:0px)\">.d{}</style>"
        );
    }

    #[test]
    fn text_without_the_media_feature_is_left_as_it_is() {
        let plain =
            "<p>Our site supports prefers-color-scheme: dark, see (prefers-color-scheme: none)</p>";
        assert!(matches!(prefer_dark(plain), Cow::Borrowed(_)));
        assert!(matches!(prefer_dark("<p>x</p>"), Cow::Borrowed(_)));
        // Unterminated: nothing to replace, no panic.
        assert_eq!(
            prefer_dark("@media (prefers-color-scheme: dark"),
            "@media (prefers-color-scheme: dark"
        );
    }

    #[test]
    fn multibyte_text_around_the_feature_is_kept() {
        let s = "<p>Zoë 😀</p><style>@media (prefers-color-scheme: dark){p{color:#eee}}</style><p>ß</p>";
        assert_eq!(
            prefer_dark(s),
            "<p>Zoë 😀</p><style>@media (min-width:0px){p{color:#eee}}</style><p>ß</p>"
        );
    }

    #[test]
    fn each_mode_has_its_own_head() {
        assert_eq!(dark_head(DarkEmulation::Off), "");
        assert!(dark_head(DarkEmulation::Invert).contains("img,video{filter:invert(1)"));
        assert!(dark_head(DarkEmulation::Scheme).contains("color-scheme:dark"));
    }
}

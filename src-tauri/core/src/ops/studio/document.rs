//! What the preview shows besides the merged HTML: token values, the sandboxed document
//! (strict CSP, remote images blocked by default), remote images, the inbox preheader, and
//! UTF-16 offsets for the editor.

use super::dark::{dark_head, prefer_dark, DarkEmulation};
use super::types::TokenValue;
use crate::merge::{render_str, tokens, MergeContext, TemplateField};

/// Every token (and `V_n` for each custom field, at least `V_1`) with its value for `ctx`.
pub fn token_values(ctx: &MergeContext) -> Vec<TokenValue> {
    let customs = ctx.guest.custom_fields.as_ref().map_or(0, Vec::len).max(1);
    let mut out = Vec::new();
    for info in tokens() {
        let names: Vec<String> = if info.name == "V_1" {
            (1..=customs).map(|n| format!("V_{n}")).collect()
        } else {
            vec![info.name.to_owned()]
        };
        for name in names {
            let src = format!("{{{{{name}}}}}");
            let mut unknown = Vec::new();
            let v = render_str(&src, TemplateField::Subject, ctx, &mut unknown);
            out.push(TokenValue {
                description: info.description.to_owned(),
                value: unknown.is_empty().then_some(v),
                name,
            });
        }
    }
    out
}

/// The CSP of the preview document: nothing may load or run except inline styles and `data:`
/// images (and remote images once the user allows them for this template).
pub fn preview_csp(allow_remote_images: bool) -> String {
    let img = if allow_remote_images {
        "data: https: http:"
    } else {
        "data:"
    };
    format!(
        "default-src 'none'; img-src {img}; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
    )
}

/// The `srcdoc` of the preview iframe: a CSP `<meta>` first (it governs everything after it,
/// whether `body` is a fragment or a whole document), then the rendered HTML. Meant for an
/// iframe with `sandbox=""` (no scripts, opaque origin): two independent locks.
/// `dark` emulates a dark-mode client (see [`DarkEmulation`]).
pub fn preview_document(body: &str, allow_remote_images: bool, dark: DarkEmulation) -> String {
    let mut doc = String::with_capacity(body.len() + 512);
    doc.push_str("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"");
    doc.push_str(&preview_csp(allow_remote_images));
    doc.push_str("\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><base target=\"_self\">");
    doc.push_str("<style>body{margin:8px;font-family:system-ui,sans-serif;overflow-wrap:anywhere}img{max-width:100%}</style>");
    doc.push_str(dark_head(dark));
    if dark == DarkEmulation::Scheme {
        doc.push_str(&prefer_dark(body));
    } else {
        doc.push_str(body);
    }
    doc
}

/// How many remote (`http:`/`https:`/protocol-relative) image sources the HTML has:
/// `src=` attributes and CSS `url(…)`.
pub fn remote_image_count(html: &str) -> u32 {
    // One pass, case-insensitive in place (no lowered copy of the body per keystroke).
    let b = html.as_bytes();
    let mut n = 0u32;
    for i in 0..b.len() {
        let len = match b[i] | 0x20 {
            b's' if at_ci(b, i, b"src=") => 4,
            b'b' if at_ci(b, i, b"background=") => 11,
            b'u' if at_ci(b, i, b"url(") => 4,
            _ => continue,
        };
        let mut j = i + len;
        while b.get(j).is_some_and(|c| matches!(c, b' ' | b'"' | b'\'')) {
            j += 1;
        }
        if at_ci(b, j, b"http://") || at_ci(b, j, b"https://") || at_ci(b, j, b"//") {
            n += 1;
        }
    }
    n
}

/// `pat` (lower-case ASCII) is at byte `at` of `b`, in any case.
fn at_ci(b: &[u8], at: usize, pat: &[u8]) -> bool {
    b.get(at..at + pat.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(pat))
}

/// The inbox preview text: the first `max` characters of the visible text (no tags, no
/// `<style>`/`<script>`/`<head>`/`<title>` content, common entities decoded, whitespace collapsed).
/// Characters of `text` after entity decoding and whitespace collapsing (as `preheader` shows).
fn visible_chars(text: &str) -> usize {
    decode_entities(text)
        .split_whitespace()
        .map(|w| w.chars().count() + 1)
        .sum()
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn preheader(html: &str, max: usize) -> String {
    // Case-insensitive in place: a lowered copy of a 100 KB body per keystroke was most of
    // the keystroke's time in Rust, and only the first few hundred bytes are read.
    let bytes = html.as_bytes();
    let at_ci = |at: usize, pat: &[u8]| at_ci(bytes, at, pat);
    let find = |from: usize, b: u8| memchr::memchr(b, &bytes[from..]).map(|j| from + j);
    // Where `</tag` starts at or after `from`, any case.
    let find_close = |from: usize, close: &[u8]| {
        let mut k = from;
        while let Some(lt) = find(k, b'<') {
            if at_ci(lt, close) {
                return Some(lt);
            }
            k = lt + 1;
        }
        None
    };
    let mut text = String::new();
    let mut i = 0;
    let mut check_at = max.max(16) * 4;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let mut skipped = false;
            for tag in ["style", "script", "head", "title"] {
                if at_ci(i + 1, tag.as_bytes())
                    && bytes
                        .get(i + 1 + tag.len())
                        .is_some_and(|&c| c == b'>' || c.is_ascii_whitespace())
                {
                    let close = format!("</{tag}");
                    i = find_close(i, close.as_bytes()).unwrap_or(bytes.len());
                    skipped = true;
                    break;
                }
            }
            if !skipped {
                i = find(i, b'>').map_or(bytes.len(), |j| j + 1);
                text.push(' ');
            } else if let Some(j) = find(i, b'>') {
                i = j + 1;
            }
            continue;
        }
        let next = find(i, b'<').unwrap_or(bytes.len());
        text.push_str(&html[i..next]);
        i = next;
        // Enough visible text already: the rest of a 100 KB body cannot change the result.
        if text.len() >= check_at {
            if visible_chars(&text) > max {
                break;
            }
            check_at = text.len() * 2;
        }
    }
    let text = decode_entities(&text);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match collapsed.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}

/// A byte offset into `src` as a UTF-16 offset (what the editor counts in). Offsets inside a
/// character are moved back to its start.
pub fn utf16_offset(src: &str, byte: usize) -> usize {
    let mut b = byte.min(src.len());
    while !src.is_char_boundary(b) {
        b -= 1;
    }
    src[..b].encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::render_template;
    use crate::models::{Event, Guest};
    use crate::ops::studio::types::{EdgeCase, TemplateEdit};
    use chrono::NaiveDate;
    use serde_json::json;
    use uuid::Uuid;

    fn ctx(g: Guest) -> MergeContext {
        let event: Event = serde_json::from_value(json!({
            "id": Uuid::nil(), "title": "Tokyo Developer Day",
            "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T17:30:00",
            "timeZoneId": "Asia/Tokyo"
        }))
        .unwrap();
        assert_eq!(
            event.start_time.date(),
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        );
        MergeContext::new(g, event)
    }

    #[test]
    fn html_looking_values_are_escaped_by_the_engine() {
        let c = ctx(EdgeCase::HtmlLooking.guest(Uuid::nil()));
        let edit = TemplateEdit {
            html: "<p>{{firstname}} {{lastname}} {{guestnotes}}</p>".into(),
            ..Default::default()
        };
        let r = render_template(&edit.fields(), &c);
        assert!(
            !r.html.contains("<script") && !r.html.contains("<img") && !r.html.contains("<a "),
            "{}",
            r.html
        );
        assert!(r.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn token_values_cover_every_token_with_no_data_as_none() {
        let c = ctx(EdgeCase::EmptyOptional.guest(Uuid::nil()));
        let v = token_values(&c);
        let get = |n: &str| v.iter().find(|t| t.name == n).unwrap().value.clone();
        assert_eq!(get("firstname").as_deref(), Some("Alex"));
        assert_eq!(get("event").as_deref(), Some("Tokyo Developer Day"));
        assert_eq!(get("date").as_deref(), Some("01 June 2026"));
        assert_eq!(get("guestnotes"), None);
        assert_eq!(get("plusones").as_deref(), Some(""));
        assert!(v.iter().any(|t| t.name == "V_1"));
        assert_eq!(v.len(), tokens().len());
    }

    #[test]
    fn preview_document_starts_with_a_strict_csp() {
        let d = preview_document("<p>x</p>", false, DarkEmulation::Off);
        assert!(d.starts_with("<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:;"), "{d}");
        assert!(
            !d.contains("script-src"),
            "scripts fall under default-src 'none'"
        );
        assert!(preview_document("<p>x</p>", true, DarkEmulation::Off)
            .contains("img-src data: https: http:"));
        assert!(preview_document("<p>x</p>", false, DarkEmulation::Invert).contains("invert(1)"));
        let media = "<style>@media (prefers-color-scheme: dark){p{color:#fff}}</style><p>x</p>";
        assert!(preview_document(media, false, DarkEmulation::Off)
            .contains("(prefers-color-scheme: dark)"));
        let scheme = preview_document(media, false, DarkEmulation::Scheme);
        assert!(
            scheme.contains("@media (min-width:0px){p{color:#fff}}")
                && scheme.contains("color-scheme:dark"),
            "{scheme}"
        );
    }

    #[test]
    fn remote_images_are_counted() {
        assert_eq!(remote_image_count("<img src=\"https://a/b.png\"><img src='data:x'><div style=\"background:url(http://x/y)\"><img SRC=//cdn/x>"), 3);
        assert_eq!(remote_image_count("<a href=\"https://x\">x</a>"), 0);
        assert_eq!(
            remote_image_count(
                "<td BACKGROUND= 'HTTPS://a/b'><img src=\"/local\"><i style=\"x:URL(//c)\">src="
            ),
            2
        );
    }

    #[test]
    fn preheader_is_the_visible_text() {
        let h = "<html><head><title>T</title><style>p{color:red}</style></head><body><h1>Hi Ana &amp; Bo</h1>\n<p>Your   ticket</p><script>x()</script></body></html>";
        assert_eq!(preheader(h, 100), "Hi Ana & Bo Your ticket");
        assert_eq!(preheader("<p>abcdef</p>", 3), "abc…");
        // A long body stops early with the same result as reading it all.
        let long = "<p>Tom &amp; Ana  </p>\n".repeat(5000);
        let want = "Tom & Ana ".repeat(12);
        assert_eq!(preheader(&long, 110), format!("{}…", &want[..110]));
        assert_eq!(preheader("<p>a &amp;</p>", 3), "a &");
        // Tag names in any case; a tag cut off at the end ends the text.
        assert_eq!(preheader("<STYLE type=x>p{}</Style><P>Hi</P>", 10), "Hi");
        assert_eq!(preheader("<Title>T</TITLE>Zoë <scriptx>é</p", 10), "Zoë é");
        assert_eq!(preheader("Hi <b", 10), "Hi");
    }

    #[test]
    fn utf16_offsets_count_code_units() {
        let s = "Zoë 😀 {{x}}";
        let byte = s.find("{{").unwrap();
        assert_eq!(utf16_offset(s, byte), "Zoë 😀 ".encode_utf16().count());
        assert_eq!(utf16_offset(s, 3), 2, "inside ë → its start");
    }
}

//! Template-level checks on the HTML source (positions are the template's): accessibility,
//! client support, scripts, the QR in dark mode, and links without merge tokens.

use crate::merge::lint::{parse_tags, Severity, Tag};
use crate::merge::{MergePlan, TemplateField};

use super::clients::{find_decl, Needle};
use super::clients_data::FEATURES;
use super::contrast::{parse_color, ratio, Rgb, WHITE};
use super::links::{self, decode_attr};
use super::{finding, rules, PreflightFinding};

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
const VAGUE: &[&str] = &[
    "click here",
    "here",
    "read more",
    "more",
    "click",
    "link",
    "this link",
    "learn more",
    "click this link",
    "go",
    "this",
];

/// A URL attribute: value span in the source; `is_link` for `href`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UrlAttr {
    pub start: usize,
    pub end: usize,
    pub is_link: bool,
}

/// One field's HTML, parsed once.
pub(crate) struct Doc {
    tags: Vec<Tag>,
    /// (offset, lowercase name) of closing tags.
    closes: Vec<(usize, String)>,
    /// (offset in the source, lowercase CSS): `style` attributes and `<style>` contents.
    css: Vec<(usize, String)>,
    pub urls: Vec<UrlAttr>,
}

fn attr<'a>(src: &'a str, t: &Tag, name: &str) -> Option<&'a str> {
    t.attrs
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.map_or("", |(s, e)| &src[s..e]))
}

impl Doc {
    pub(crate) fn parse(plan: &MergePlan<'_>) -> Doc {
        let src = plan.src;
        let lower = src.to_ascii_lowercase();
        let mut tags = parse_tags(src);
        // <style>/<script> contents are text, not tags.
        let mut raw: Vec<(usize, usize)> = Vec::new();
        let mut css = Vec::new();
        for t in &tags {
            if (t.name == "style" || t.name == "script")
                && !raw.iter().any(|&(s, e)| s <= t.offset && t.offset < e)
            {
                let close = format!("</{}", t.name);
                let end = lower[t.end..].find(&close).map_or(src.len(), |i| t.end + i);
                if t.name == "style" {
                    css.push((t.end, lower[t.end..end].to_owned()));
                }
                raw.push((t.end, end));
            }
        }
        tags.retain(|t| !raw.iter().any(|&(s, e)| s <= t.offset && t.offset < e));
        let mut urls = Vec::new();
        for t in &tags {
            for a in &t.attrs {
                let Some((s, e)) = a.value else { continue };
                match a.name.as_str() {
                    "style" => css.push((s, lower[s..e].to_owned())),
                    "href" => urls.push(UrlAttr {
                        start: s,
                        end: e,
                        is_link: true,
                    }),
                    "src" | "background" => urls.push(UrlAttr {
                        start: s,
                        end: e,
                        is_link: false,
                    }),
                    _ => {}
                }
            }
        }
        let mut closes = Vec::new();
        for (i, _) in lower.match_indices("</") {
            if raw.iter().any(|&(s, e)| s < i && i < e) {
                continue;
            }
            let name: String = lower[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !name.is_empty() {
                closes.push((i, name));
            }
        }
        Doc {
            tags,
            closes,
            css,
            urls,
        }
    }

    pub(crate) fn image_count(&self) -> u32 {
        self.tags.iter().filter(|t| t.name == "img").count() as u32
    }
}

/// What an open element gives its content.
struct Open {
    name: String,
    color: Option<(Rgb, usize)>,
    bg: Option<Rgb>,
    font_px: Option<f64>,
    bold: bool,
}

/// The inline `prop` of a style attribute (last declaration wins).
fn style_prop<'a>(style: &'a str, prop: &str) -> Option<&'a str> {
    style
        .rsplit(';')
        .filter_map(|d| d.split_once(':'))
        .find(|(p, _)| p.trim().eq_ignore_ascii_case(prop))
        .map(|(_, v)| v.trim())
}

fn background(src: &str, t: &Tag) -> Option<Rgb> {
    let style = attr(src, t, "style").unwrap_or("");
    style_prop(style, "background-color")
        .and_then(parse_color)
        .or_else(|| {
            style_prop(style, "background").and_then(|v| v.split_whitespace().find_map(parse_color))
        })
        .or_else(|| attr(src, t, "bgcolor").and_then(parse_color))
}

pub(crate) fn checks(plan: &MergePlan<'_>, doc: &Doc, out: &mut Vec<PreflightFinding>) {
    let src = plan.src;
    let field = plan.field();
    let f = |rule: &str, sev: Severity, at: usize, msg: String| {
        finding(rule, sev, field, Some(at), msg)
    };

    // lang
    match doc.tags.iter().find(|t| t.name == "html") {
        Some(t) if attr(src, t, "lang").is_none_or(|l| l.trim().is_empty()) => {
            let mut x = f(rules::MISSING_LANG, Severity::Warning, t.offset, "<html> has no lang: screen readers guess the language and may read the email in the wrong voice.".into());
            x.suggestion = Some("<html lang=\"en\">".into());
            out.push(x);
        }
        Some(_) => {}
        None if field == TemplateField::Html => {
            let mut x = finding(
                rules::MISSING_LANG,
                Severity::Info,
                field,
                None,
                "No <html lang=\"…\">: screen readers guess the email's language.".into(),
            );
            x.suggestion = Some("Wrap the template in <html lang=\"en\">…</html>.".into());
            out.push(x);
        }
        None => {}
    }

    for t in &doc.tags {
        if t.name == "img" && attr(src, t, "alt").is_none() {
            let mut x = f(
                rules::IMG_MISSING_ALT,
                Severity::Warning,
                t.offset,
                "Image without alt text: many clients block images, and screen readers need it."
                    .into(),
            );
            x.suggestion = Some("Add alt=\"…\" (alt=\"\" for decorative images).".into());
            out.push(x);
        }
        if t.name == "script" {
            out.push(f(
                rules::SCRIPT_STRIPPED,
                Severity::Error,
                t.offset,
                "<script> never runs in email: every client strips it (and spam filters score it)."
                    .into(),
            ));
        }
        if let Some(a) = t.attrs.iter().find(|a| {
            a.name.len() > 2
                && a.name.starts_with("on")
                && a.name[2..].bytes().all(|b| b.is_ascii_alphabetic())
        }) {
            out.push(f(
                rules::SCRIPT_STRIPPED,
                Severity::Error,
                t.offset,
                format!(
                    "{}= handlers never run in email: every client strips them.",
                    a.name
                ),
            ));
        }
    }

    client_support(src, doc, field, out);

    // Links without merge tokens, or whose scheme and host are literal: checked once, here
    // (tokens there stand as "x"; the others are checked per attendee).
    for u in &doc.urls {
        let slots = plan.slots_in(u.start, u.end);
        let text = if slots.is_empty() {
            decode_attr(&src[u.start..u.end]).into_owned()
        } else if links::fixed_origin(&src[u.start..plan.slots[slots.start].open]) {
            let mut t = String::new();
            let mut lit = u.start;
            for s in &plan.slots[slots] {
                t.push_str(&src[lit..s.open]);
                t.push('x');
                lit = s.end;
            }
            t.push_str(&src[lit..u.end]);
            decode_attr(&t).into_owned()
        } else {
            continue;
        };
        if let Some(p) = links::check(&text, u.is_link) {
            let mut x = f(p.rule, p.severity, u.start, p.message);
            x.suggestion = p.suggestion;
            out.push(x);
        }
    }

    walk(src, doc, field, out);
}

fn client_support(src: &str, doc: &Doc, field: TemplateField, out: &mut Vec<PreflightFinding>) {
    for feat in FEATURES {
        let at = match feat.needle {
            Needle::Decl(p, v) => doc
                .css
                .iter()
                .find_map(|(o, css)| find_decl(css, p, v).map(|i| o + i)),
            Needle::Css(needle) => doc
                .css
                .iter()
                .find_map(|(o, css)| css.find(needle).map(|i| o + i)),
            Needle::Element(name) => doc.tags.iter().find(|t| t.name == name).map(|t| t.offset),
            Needle::Attr(name) => doc
                .tags
                .iter()
                .find(|t| t.attrs.iter().any(|a| a.name == name))
                .map(|t| t.offset),
            Needle::ImgExt(ext) => doc
                .tags
                .iter()
                .find(|t| {
                    t.name == "img"
                        && attr(src, t, "src").is_some_and(|s| {
                            let path = s.split(['?', '#']).next().unwrap_or("");
                            path.to_ascii_lowercase().ends_with(ext)
                        })
                })
                .map(|t| t.offset),
            Needle::ImgData => doc
                .tags
                .iter()
                .find(|t| {
                    t.name == "img"
                        && attr(src, t, "src").is_some_and(|s| {
                            s.trim_start()
                                .to_ascii_lowercase()
                                .starts_with("data:image")
                        })
                })
                .map(|t| t.offset),
        };
        let Some(at) = at else { continue };
        let sev = if feat.is_major() {
            Severity::Warning
        } else {
            Severity::Info
        };
        let mut x = finding(
            rules::CLIENT_UNSUPPORTED,
            sev,
            field,
            Some(at),
            format!(
                "{} is dropped by {} ({}).",
                feat.title,
                feat.dropped_by.join(", "),
                feat.url()
            ),
        );
        x.clients = feat.dropped_by.iter().map(|c| (*c).to_owned()).collect();
        out.push(x);
    }
}

/// Walks the element tree: contrast of text against its nearest inline background, link
/// text, and the QR's background.
fn walk(src: &str, doc: &Doc, field: TemplateField, out: &mut Vec<PreflightFinding>) {
    let mut stack: Vec<Open> = Vec::new();
    let mut reported_colors: Vec<usize> = Vec::new();
    // (offset of <a>, its text so far)
    let mut anchor: Option<(usize, String)> = None;
    let (mut ti, mut ci) = (0, 0);
    let mut text_from = 0;
    loop {
        let next_tag = doc.tags.get(ti).map(|t| t.offset);
        let next_close = doc.closes.get(ci).map(|c| c.0);
        let at = match (next_tag, next_close) {
            (None, None) => src.len(),
            (a, b) => a.unwrap_or(usize::MAX).min(b.unwrap_or(usize::MAX)),
        };
        if text_from < at {
            text(
                &src[text_from..at.min(src.len())],
                &stack,
                &mut reported_colors,
                &mut anchor,
                field,
                out,
            );
        }
        if at >= src.len() {
            break;
        }
        if next_tag == Some(at) {
            let t = &doc.tags[ti];
            ti += 1;
            text_from = t.end;
            if t.name == "a" {
                anchor = Some((t.offset, String::new()));
            }
            if t.name == "img" {
                if let Some(a) = anchor.as_mut() {
                    a.1.push_str(attr(src, t, "alt").unwrap_or(""));
                }
                qr_background(src, t, &stack, field, out);
            }
            if VOID.contains(&t.name.as_str()) || src[..t.end].ends_with("/>") {
                continue;
            }
            let style = attr(src, t, "style").unwrap_or("");
            let color = style_prop(style, "color")
                .or_else(|| (t.name == "font").then(|| attr(src, t, "color")).flatten())
                .and_then(parse_color)
                .map(|c| (c, t.offset));
            let font_px = style_prop(style, "font-size")
                .and_then(|v| v.strip_suffix("px"))
                .and_then(|v| v.trim().parse().ok());
            let weight = style_prop(style, "font-weight").unwrap_or("");
            let bold = matches!(t.name.as_str(), "b" | "strong" | "h1" | "h2" | "h3" | "th")
                || weight == "bold"
                || weight.parse::<u32>().is_ok_and(|w| w >= 700);
            let font_px = font_px.or(match t.name.as_str() {
                "h1" => Some(32.0),
                "h2" => Some(24.0),
                _ => None,
            });
            stack.push(Open {
                name: t.name.clone(),
                color,
                bg: background(src, t),
                font_px,
                bold,
            });
        } else {
            let (off, name) = &doc.closes[ci];
            ci += 1;
            text_from = src[*off..].find('>').map_or(src.len(), |i| off + i + 1);
            if name == "a" {
                if let Some((a_off, txt)) = anchor.take() {
                    vague_link(&txt, a_off, field, out);
                }
            }
            if let Some(i) = stack.iter().rposition(|o| &o.name == name) {
                stack.truncate(i);
            }
        }
    }
}

fn text(
    raw: &str,
    stack: &[Open],
    reported: &mut Vec<usize>,
    anchor: &mut Option<(usize, String)>,
    field: TemplateField,
    out: &mut Vec<PreflightFinding>,
) {
    if raw.trim().is_empty() {
        return;
    }
    if let Some(a) = anchor.as_mut() {
        a.1.push_str(raw);
    }
    let Some((color, color_at)) = stack.iter().rev().find_map(|o| o.color) else {
        return;
    };
    if reported.contains(&color_at) {
        return;
    }
    // The nearest inline background; none given = the client's default white.
    let bg = stack.iter().rev().find_map(|o| o.bg);
    let px = stack.iter().rev().find_map(|o| o.font_px).unwrap_or(16.0);
    let bold = stack.iter().any(|o| o.bold);
    let large = px >= 24.0 || (bold && px >= 18.66);
    let need = if large { 3.0 } else { 4.5 };
    let r = ratio(color, bg.unwrap_or(WHITE));
    if r < need {
        reported.push(color_at);
        let on = if bg.is_some() {
            "its background"
        } else {
            "the default white background"
        };
        out.push(finding(rules::LOW_CONTRAST, Severity::Warning, field, Some(color_at), format!(
            "Text colour rgb{color:?} on {on} has contrast {r:.2}:1, below WCAG AA ({need}:1 for {} text).",
            if large { "large" } else { "normal" }
        )));
    }
}

fn vague_link(text: &str, at: usize, field: TemplateField, out: &mut Vec<PreflightFinding>) {
    let norm = decode_attr(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let norm = norm.trim_matches(|c: char| c.is_ascii_punctuation() || c == '…');
    if VAGUE.contains(&norm) {
        let mut x = finding(rules::VAGUE_LINK_TEXT, Severity::Warning, field, Some(at), format!(
            "Link text \"{norm}\" says nothing out of context: screen-reader users list links by their text."
        ));
        x.suggestion = Some("Name the destination, e.g. \"View your ticket\".".into());
        out.push(x);
    }
}

fn qr_background(
    src: &str,
    t: &Tag,
    stack: &[Open],
    field: TemplateField,
    out: &mut Vec<PreflightFinding>,
) {
    let is_qr = attr(src, t, "src").is_some_and(|s| s.contains("{{barcode_qr}}"));
    if !is_qr || background(src, t).is_some() || stack.iter().any(|o| o.bg.is_some()) {
        return;
    }
    let mut x = finding(rules::QR_DARK_MODE, Severity::Warning, field, Some(t.offset),
        "The ticket QR code sits on a transparent background: in dark mode (Gmail's forced inversion, Apple Mail's dark scheme) the scanner may not read it.".into());
    x.suggestion = Some("<td bgcolor=\"#ffffff\" style=\"background-color:#ffffff;padding:12px\"><img src=\"{{barcode_qr}}\" alt=\"Ticket QR code\"></td>".into());
    out.push(x);
}

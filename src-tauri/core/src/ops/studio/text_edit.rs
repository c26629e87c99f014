//! The in-place text edit the preview frame can apply for a keystroke (no reparse).

use super::types::TextNodeEdit;

const VOID_TAGS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "frame", "basefont", "bgsound",
];
const RAW_TEXT_TAGS: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
];
/// Start tags that close an open `<p>` (HTML parser, "in body"; no-quirks mode).
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "listing",
    "li",
    "dd",
    "dt",
];
const SCOPE_TAGS: &[&str] = &[
    "html", "table", "td", "th", "caption", "marquee", "object", "applet", "template", "button",
    "svg", "math",
];

struct Open {
    tag: String,
    index: u32,
    children: u32,
}

/// The in-place edit for `old` → `new` when the change is inside one text run of the body
/// (the common keystroke); `None` when it touches markup, comments, raw text (style/script/
/// title), an entity the frame would decode differently, or text directly in `<body>`. A
/// lightweight tokenizer, not a parser: the frame verifies `old` before trusting the result.
pub fn text_node_edit(old: &str, new: &str) -> Option<TextNodeEdit> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let (pre, suf) = changed_span(old, new);
    let unsafe_text = |m: &str| m.contains(['<', '&', '\r', '\0']);
    if old == new || unsafe_text(&old[pre..a.len() - suf]) || unsafe_text(&new[pre..b.len() - suf])
    {
        return None;
    }
    let lower = |s: &[u8]| String::from_utf8_lossy(s).to_ascii_lowercase();
    let find = |from: usize, pat: &[u8]| memchr::memmem::find(&a[from..], pat).map(|p| from + p);
    let mut stack: Vec<Open> = Vec::new();
    let mut counts: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut i = 0;
    loop {
        // Text run [i, lt): up to the next '<' that starts markup.
        let mut lt = i;
        loop {
            lt = memchr::memchr(b'<', &a[lt..]).map_or(a.len(), |p| lt + p);
            let starts_markup = a
                .get(lt + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'));
            if lt >= a.len() || starts_markup {
                break;
            }
            lt += 1;
        }
        if pre >= i && pre <= lt {
            let parent = stack.last()?;
            let new_end = lt + b.len() - a.len();
            let (o, n) = (decode_text(&old[i..lt])?, decode_text(&new[i..new_end])?);
            if o.is_empty() || n.is_empty() || new.as_bytes()[new_end..] != a[lt..] {
                return None;
            }
            return Some(TextNodeEdit {
                tag: parent.tag.clone(),
                index: parent.index,
                child: parent.children,
                old: o,
                new: n,
            });
        }
        if lt >= a.len() {
            return None;
        }
        if lt > i {
            if let Some(p) = stack.last_mut() {
                p.children += 1;
            }
        }
        i = lt;
        let end = if a[i..].starts_with(b"<!--") {
            let e = find(i + 4, b"-->")? + 3;
            if let Some(p) = stack.last_mut() {
                p.children += 1;
            }
            e
        } else if a[i + 1] == b'!' || a[i + 1] == b'?' {
            let e = find(i, b">")? + 1;
            if !lower(&a[i..(i + 9).min(a.len())]).starts_with("<!doctype") {
                if let Some(p) = stack.last_mut() {
                    p.children += 1;
                }
            }
            e
        } else if a[i + 1] == b'/' {
            if !a.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
                return None;
            }
            let e = find(i, b">")? + 1;
            let name_end = a[i + 2..e]
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
                .map_or(e, |p| i + 2 + p);
            let name = lower(&a[i + 2..name_end]);
            if let Some(at) = stack.iter().rposition(|o| o.tag == name) {
                stack.truncate(at);
            }
            e
        } else {
            let (name, e, self_closing) = start_tag(a, i)?;
            if pre < e {
                return None;
            }
            open_element(&mut stack, &mut counts, &name, self_closing);
            if RAW_TEXT_TAGS.contains(&name.as_str()) {
                let close = format!("</{name}");
                let content_end = find_ci(&a[e..], close.as_bytes()).map_or(a.len(), |p| e + p);
                if pre < content_end {
                    return None;
                }
                if content_end > e {
                    if let Some(p) = stack.last_mut() {
                        p.children += 1;
                    }
                }
                i = content_end;
                continue;
            }
            if name == "plaintext" {
                return None;
            }
            e
        };
        if pre < end {
            return None;
        }
        i = end;
    }
}

/// The bytes `old` and `new` share at the start and, after that, at the end, both on char
/// boundaries: what lies between is the one range an edit replaced.
pub fn changed_span(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut pre = same_prefix(a, b);
    while !old.is_char_boundary(pre) || !new.is_char_boundary(pre) {
        pre -= 1;
    }
    let mut suf = same_suffix(&a[pre..], &b[pre..]);
    while !old.is_char_boundary(a.len() - suf) || !new.is_char_boundary(b.len() - suf) {
        suf -= 1;
    }
    (pre, suf)
}

/// Equal leading bytes, compared in 4 KB blocks (slice equality is a memcmp).
fn same_prefix(a: &[u8], b: &[u8]) -> usize {
    let max = a.len().min(b.len());
    let mut n = 0;
    while n + 4096 <= max && a[n..n + 4096] == b[n..n + 4096] {
        n += 4096;
    }
    n + a[n..max]
        .iter()
        .zip(&b[n..max])
        .take_while(|(x, y)| x == y)
        .count()
}

fn same_suffix(a: &[u8], b: &[u8]) -> usize {
    let max = a.len().min(b.len());
    let mut n = 0;
    while n + 4096 <= max
        && a[a.len() - n - 4096..a.len() - n] == b[b.len() - n - 4096..b.len() - n]
    {
        n += 4096;
    }
    n + a[..a.len() - n]
        .iter()
        .rev()
        .zip(b[..b.len() - n].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The first ASCII-case-insensitive occurrence of `pat` (lower case) in `hay`.
fn find_ci(hay: &[u8], pat: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'<', &hay[from..]) {
        let at = from + p;
        if hay.len() - at >= pat.len() && hay[at..at + pat.len()].eq_ignore_ascii_case(pat) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A start tag at `i`: its lower-case name, the index after its `>`, and whether it ends `/>`.
fn start_tag(a: &[u8], i: usize) -> Option<(String, usize, bool)> {
    let mut j = i + 1;
    while j < a.len() && !(a[j].is_ascii_whitespace() || a[j] == b'/' || a[j] == b'>') {
        j += 1;
    }
    let name = String::from_utf8_lossy(&a[i + 1..j]).to_ascii_lowercase();
    loop {
        while j < a.len() && a[j].is_ascii_whitespace() {
            j += 1;
        }
        match a.get(j)? {
            b'>' => return Some((name, j + 1, false)),
            b'/' if a.get(j + 1) == Some(&b'>') => return Some((name, j + 2, true)),
            b'/' => j += 1,
            _ => {
                while j < a.len()
                    && !(a[j].is_ascii_whitespace() || matches!(a[j], b'/' | b'>' | b'='))
                {
                    j += 1;
                }
                while j < a.len() && a[j].is_ascii_whitespace() {
                    j += 1;
                }
                if a.get(j) == Some(&b'=') {
                    j += 1;
                    while j < a.len() && a[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    match a.get(j)? {
                        q @ (b'"' | b'\'') => {
                            let q = *q;
                            j += 1 + memchr::memchr(q, &a[j + 1..])? + 1;
                        }
                        _ => {
                            while j < a.len() && !(a[j].is_ascii_whitespace() || a[j] == b'>') {
                                j += 1;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The stack after a start tag, with the parser's common implied end tags.
fn open_element(
    stack: &mut Vec<Open>,
    counts: &mut std::collections::HashMap<String, u32>,
    name: &str,
    self_closing: bool,
) {
    let close_to = |stack: &mut Vec<Open>, target: &[&str], stop: &[&str]| {
        for k in (0..stack.len()).rev() {
            if target.contains(&stack[k].tag.as_str()) {
                stack.truncate(k);
                return;
            }
            if stop.contains(&stack[k].tag.as_str()) {
                return;
            }
        }
    };
    if CLOSES_P.contains(&name) {
        close_to(stack, &["p"], SCOPE_TAGS);
    }
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
            if stack.last().is_some_and(|o| {
                matches!(o.tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
            }) =>
        {
            stack.pop();
        }
        "li" => close_to(stack, &["li"], &["ul", "ol", "table", "td", "th"]),
        "dd" | "dt" => close_to(stack, &["dd", "dt"], &["dl", "table", "td", "th"]),
        "tr" => close_to(stack, &["tr"], &["table", "tbody", "thead", "tfoot"]),
        "td" | "th" => close_to(stack, &["td", "th"], &["tr", "table"]),
        "tbody" | "thead" | "tfoot" => close_to(stack, &["tbody", "thead", "tfoot"], &["table"]),
        _ => {}
    }
    if matches!(name, "html" | "head" | "body") {
        return;
    }
    let n = counts.entry(name.to_owned()).or_insert(0);
    let index = *n;
    *n += 1;
    if let Some(p) = stack.last_mut() {
        p.children += 1;
    }
    let foreign = stack.iter().any(|o| o.tag == "svg" || o.tag == "math");
    if !(VOID_TAGS.contains(&name) || self_closing && foreign) {
        stack.push(Open {
            tag: name.to_owned(),
            index,
            children: 0,
        });
    }
}

/// Text as the parser decodes it, for the entities the merge engine and editors produce;
/// `None` for any other `&` (the frame then reloads the document instead).
fn decode_text(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let semi = rest.find(';').filter(|&k| k <= 10)?;
        let ent = &rest[1..semi];
        let c = match ent {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => {
                let code =
                    if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok()?
                    } else {
                        ent.strip_prefix('#')?.parse::<u32>().ok()?
                    };
                // Controls and surrogates are remapped by the parser: leave them to a reload.
                if code < 0x20 || (0x7f..0xa0).contains(&code) {
                    return None;
                }
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_node_edit_finds_the_text_run_typed_into() {
        let doc = "<!DOCTYPE html><meta charset=\"utf-8\"><style>p{x:1}</style><table><tr><td><h2>Hi {{a}}</h2><p>One &amp; two <b>bold</b> tail</p></td></tr></table><p>Typed: ";
        let typed =
            |old: &str, from: &str, to: &str| text_node_edit(old, &old.replacen(from, to, 1));
        let parts = |e: &TextNodeEdit| {
            (
                e.tag.clone(),
                e.index,
                e.child,
                e.old.clone(),
                e.new.clone(),
            )
        };
        let want = |tag: &str, index, child, old: &str, new: &str| {
            (tag.to_owned(), index, child, old.to_owned(), new.to_owned())
        };
        let e = text_node_edit(doc, &format!("{doc}T")).unwrap();
        assert_eq!(parts(&e), want("p", 1, 0, "Typed: ", "Typed: T"));
        let e = typed(doc, " tail", " tails").unwrap();
        assert_eq!(parts(&e), want("p", 0, 2, " tail", " tails"));
        let e = typed(doc, "One &amp;", "Once &amp;").unwrap();
        assert_eq!(
            (e.tag.as_str(), e.child, e.old.as_str(), e.new.as_str()),
            ("p", 0, "One & two ", "Once & two ")
        );
        let e = typed(doc, "Hi {{a}}", "Hi {{ab}}").unwrap();
        assert_eq!((e.tag.as_str(), e.index, e.child), ("h2", 0, 0));
        // Markup, raw text, attributes, entities and text straight in <body>: a reload.
        assert_eq!(typed(doc, "<b>", "<i>"), None);
        assert_eq!(typed(doc, "p{x:1}", "p{x:2}"), None);
        assert_eq!(typed(doc, "charset=\"utf-8\"", "charset=\"utf-9\""), None);
        assert_eq!(typed(doc, "two", "tw&o"), None);
        assert_eq!(text_node_edit("<p>a</p>b", "<p>a</p>bc"), None);
        assert_eq!(text_node_edit("<p>ab</p>", "<p></p>"), None);
        // Implied end tags: a <p> closed by a <div>, a <td> by the next <td>.
        let e = text_node_edit("<p>x<div>y</div>", "<p>x<div>yz</div>").unwrap();
        assert_eq!((e.tag.as_str(), e.index, e.child), ("div", 0, 0));
        let e = text_node_edit(
            "<table><tr><td>a<td>b<!-- c --> d</table>",
            "<table><tr><td>a<td>b<!-- c --> de</table>",
        )
        .unwrap();
        assert_eq!(
            (e.tag.as_str(), e.index, e.child, e.old.as_str()),
            ("td", 1, 2, " d")
        );
        // Attributes holding '>' and '<' do not end the tag early.
        let e = text_node_edit(
            "<a title='a>b' href=\"<x\">go</a>",
            "<a title='a>b' href=\"<x\">got</a>",
        )
        .unwrap();
        assert_eq!(
            (e.tag.as_str(), e.old.as_str(), e.new.as_str()),
            ("a", "go", "got")
        );
        assert_eq!(
            decode_text("&#233;&#xe9;&nbsp;"),
            Some("éé\u{a0}".to_owned())
        );
        assert_eq!(decode_text("&copy;"), None);
    }
}

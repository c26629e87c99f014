//! The in-place text edit the preview frame can apply for a keystroke (no reparse).

use super::types::{ElementEdit, TextNodeEdit};

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

#[derive(Clone)]
struct Open {
    tag: String,
    index: u32,
    children: u32,
    /// Byte offset where the element's content starts (after its start tag).
    content: usize,
}

/// One step of the tokenizer: a text run or a piece of markup, `start..end`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Text(usize, usize),
    Markup(usize, usize),
}

/// What the next step is, found without changing the walker's state.
enum Token {
    Text(usize),
    /// A comment or declaration; `child`: it becomes a node (a doctype does not).
    Other {
        end: usize,
        child: bool,
    },
    EndTag {
        end: usize,
        name: String,
    },
    /// `end` is past the raw text for raw text elements (style, title…).
    StartTag {
        end: usize,
        name: String,
        self_closing: bool,
        raw: bool,
    },
    /// A tag the document ends inside (the parser drops it).
    Dropped,
}

/// A lightweight HTML tokenizer over a document: text runs and markup in order, with the
/// stack of open elements (the parser's common implied end tags), element counts by tag name
/// (document order) and each open element's child count. Not a parser: the frame checks what
/// it is told against a full parse once typing pauses.
struct Walker<'a> {
    a: &'a [u8],
    state: WalkState,
}

/// Where a walk is and what is open there; depends only on the bytes before `i`, so it stays
/// valid while edits happen after it (the editor's session keeps one: the next keystroke
/// nearby resumes from it instead of walking a megabyte of document again).
#[derive(Clone, Default)]
pub(crate) struct WalkState {
    i: usize,
    stack: Vec<Open>,
    counts: std::collections::HashMap<String, u32>,
}

impl WalkState {
    /// Still valid after bytes from `at` on changed.
    pub(crate) fn valid_after_edit_at(&self, at: usize) -> bool {
        self.i <= at
    }
}

impl<'a> Walker<'a> {
    fn new(a: &'a [u8]) -> Walker<'a> {
        Walker {
            a,
            state: WalkState::default(),
        }
    }

    /// From `from` (valid for `a`) when it does not pass `pre`, else from the start.
    fn resume(a: &'a [u8], from: Option<&WalkState>, pre: usize) -> Walker<'a> {
        match from {
            Some(st) if st.i <= pre && st.i <= a.len() => Walker {
                a,
                state: st.clone(),
            },
            _ => Walker::new(a),
        }
    }

    fn find(&self, from: usize, pat: &[u8]) -> Option<usize> {
        memchr::memmem::find(&self.a[from..], pat).map(|p| from + p)
    }

    fn count_child(&mut self) {
        if let Some(p) = self.state.stack.last_mut() {
            p.children += 1;
        }
    }

    /// The next token; `None` at the end, `Some(Err(()))` for markup this tokenizer does not
    /// follow (the caller then gives up).
    fn peek(&self) -> Option<Result<Token, ()>> {
        let a = self.a;
        let i = self.state.i;
        if i >= a.len() {
            return None;
        }
        // Text run [i, lt): up to the next '<' that starts markup.
        let mut lt = i;
        loop {
            lt = memchr::memchr(b'<', &a[lt..]).map_or(a.len(), |p| lt + p);
            // "</" at the very end is text to the parser (typing an end tag passes there).
            let starts_markup = a.get(lt + 1).is_some_and(|c| {
                c.is_ascii_alphabetic()
                    || matches!(c, b'!' | b'?')
                    || (*c == b'/' && lt + 2 < a.len())
            });
            if lt >= a.len() || starts_markup {
                break;
            }
            lt += 1;
        }
        if lt > i {
            return Some(Ok(Token::Text(lt)));
        }
        Some(self.peek_markup(i))
    }

    fn peek_markup(&self, i: usize) -> Result<Token, ()> {
        let a = self.a;
        let lower = |s: &[u8]| String::from_utf8_lossy(s).to_ascii_lowercase();
        if a[i..].starts_with(b"<!--") {
            let end = self.find(i + 4, b"-->").ok_or(())? + 3;
            Ok(Token::Other { end, child: true })
        } else if a[i + 1] == b'!' || a[i + 1] == b'?' {
            let end = self.find(i, b">").ok_or(())? + 1;
            let doctype = a[i..(i + 9).min(a.len())].eq_ignore_ascii_case(b"<!doctype");
            Ok(Token::Other {
                end,
                child: !doctype,
            })
        } else if a[i + 1] == b'/' {
            if a[i + 2] == b'>' {
                // "</>" is dropped.
                return Ok(Token::Other {
                    end: i + 3,
                    child: false,
                });
            }
            if !a[i + 2].is_ascii_alphabetic() {
                return Err(());
            }
            let Some(end) = self.find(i, b">").map(|e| e + 1) else {
                return Ok(Token::Dropped);
            };
            let name_end = a[i + 2..end]
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
                .map_or(end, |p| i + 2 + p);
            Ok(Token::EndTag {
                end,
                name: lower(&a[i + 2..name_end]),
            })
        } else {
            // Unterminated (the document ends inside the tag, or a quote never closes): dropped.
            let Some((name, e, self_closing)) = start_tag(a, i) else {
                return Ok(Token::Dropped);
            };
            if name == "plaintext" {
                return Err(());
            }
            if RAW_TEXT_TAGS.contains(&name.as_str()) {
                let close = format!("</{name}");
                let end = find_ci(&a[e..], close.as_bytes()).map_or(a.len(), |p| e + p);
                return Ok(Token::StartTag {
                    end,
                    name,
                    self_closing,
                    raw: true,
                });
            }
            Ok(Token::StartTag {
                end: e,
                name,
                self_closing,
                raw: false,
            })
        }
    }

    /// Applies `t` (just peeked) and returns its step.
    fn apply(&mut self, t: Token) -> Step {
        let i = self.state.i;
        let end = match t {
            Token::Text(end) => {
                self.count_child();
                self.state.i = end;
                return Step::Text(i, end);
            }
            Token::Other { end, child } => {
                if child {
                    self.count_child();
                }
                end
            }
            Token::EndTag { end, name } => {
                if let Some(at) = self.state.stack.iter().rposition(|o| o.tag == name) {
                    self.state.stack.truncate(at);
                }
                end
            }
            Token::StartTag {
                end,
                name,
                self_closing,
                raw,
            } => {
                let content = if raw {
                    // The start tag ends at the first '>' outside quotes: found again.
                    start_tag(self.a, i).map_or(end, |(_, e, _)| e)
                } else {
                    end
                };
                let st = &mut self.state;
                open_element(&mut st.stack, &mut st.counts, &name, self_closing, content);
                if raw && end > content {
                    // Raw text (style, title…) is one child; the walk resumes at its end tag.
                    self.count_child();
                }
                end
            }
            Token::Dropped => self.a.len(),
        };
        self.state.i = end;
        Step::Markup(i, end)
    }

    fn step(&mut self) -> Option<Result<Step, ()>> {
        Some(self.peek()?.map(|t| self.apply(t)))
    }

    /// Walks up to the step holding `pre` (a text run holding or ending at it, markup holding
    /// it), leaving that step unapplied: what is open is what holds the change. `None` when
    /// the document ends first; `Some(Err(()))` when the tokenizer cannot follow.
    fn walk_to(&mut self, pre: usize) -> Option<Result<(Token, usize), ()>> {
        loop {
            let t = match self.peek()? {
                Ok(t) => t,
                Err(()) => return Some(Err(())),
            };
            // `open`: the step ends where the document does (a tag cut off there is dropped,
            // raw text runs to it): what is typed after it may change it.
            let (end, text, open) = match &t {
                Token::Text(end) => (*end, true, false),
                Token::Other { end, .. } | Token::EndTag { end, .. } => (*end, false, false),
                Token::StartTag { end, raw, .. } => (*end, false, *raw && *end >= self.a.len()),
                Token::Dropped => (self.a.len(), false, true),
            };
            if pre < end || (text && pre == end) || open {
                return Some(Ok((t, end)));
            }
            self.apply(t);
        }
    }
}

/// The in-place edit for `old` → `new` when the change is inside one text run of the body
/// (the common keystroke); `None` when it touches markup, comments, raw text (style/script/
/// title), an entity the frame would decode differently, or text directly in `<body>`. A
/// lightweight tokenizer, not a parser: the frame verifies `old` before trusting the result.
pub fn text_node_edit(old: &str, new: &str) -> Option<TextNodeEdit> {
    let (pre, suf) = changed_span(old, new);
    text_node_edit_at(old, pre, old.len() - suf, &new[pre..new.len() - suf])
}

/// [`text_node_edit`] for `old` with bytes `pre..old_end` replaced by `insert` (the caller
/// knows the change: no scan of the documents for it).
pub fn text_node_edit_at(
    old: &str,
    pre: usize,
    old_end: usize,
    insert: &str,
) -> Option<TextNodeEdit> {
    in_place_edit(old, pre, old_end, insert, &mut None).0
}

/// How the frame can show the change of `doc`'s bytes `pre..old_end` to `insert` without a
/// reload: in one text node ([`text_node_edit_at`]), else by re-parsing one element's content
/// ([`element_edit_at`]), else not at all. `from` is where a walk of `doc` may resume; it is
/// left where this walk stopped (valid for `doc` with the change made).
pub(crate) fn in_place_edit(
    doc: &str,
    pre: usize,
    old_end: usize,
    insert: &str,
    from: &mut Option<WalkState>,
) -> (Option<TextNodeEdit>, Option<ElementEdit>) {
    if pre == old_end && insert.is_empty() {
        return (None, None);
    }
    let mut w = Walker::resume(doc.as_bytes(), from.as_ref(), pre);
    let reached = w.walk_to(pre);
    // The state before the step holding the change: bytes before it are unchanged.
    *from = Some(w.state.clone());
    let text = match reached {
        Some(Ok((Token::Text(lt), _))) => text_in_run(doc, &w, lt, pre, old_end, insert),
        _ => None,
    };
    if text.is_some() {
        return (text, None);
    }
    (
        None,
        element_edit_at(doc, pre, old_end, insert, Some(&w.state)),
    )
}

/// The text-node edit for a change inside the text run `w.state.i..lt` of `doc`.
fn text_in_run(
    doc: &str,
    w: &Walker,
    lt: usize,
    pre: usize,
    old_end: usize,
    insert: &str,
) -> Option<TextNodeEdit> {
    let unsafe_text = |m: &str| m.contains(['<', '&', '\r', '\0']);
    if unsafe_text(&doc[pre..old_end]) || unsafe_text(insert) || old_end > lt {
        return None;
    }
    let parent = w.state.stack.last()?;
    let i = w.state.i;
    let typed = [&doc[i..pre], insert, &doc[old_end..lt]].concat();
    let (o, n) = (decode_text(&doc[i..lt])?, decode_text(&typed)?);
    if o.is_empty() || n.is_empty() {
        return None;
    }
    Some(TextNodeEdit {
        tag: parent.tag.clone(),
        index: parent.index,
        // The run is the parent's next child (not counted yet: the step is unapplied).
        child: parent.children,
        old: o,
        new: n,
    })
}

/// Containers whose content the frame may replace by parsing it in their context (the
/// fragment parser's result matches the document parser's there; tables, lists of options,
/// foreign content and raw text are left to a reload).
const REPLACEABLE: &[&str] = &[
    "td",
    "th",
    "p",
    "div",
    "span",
    "a",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "small",
    "font",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "address",
    "figure",
    "figcaption",
    "s",
    "sub",
    "sup",
];

/// For a change to markup (a tag typed, an attribute edited): the innermost element holding
/// the whole change in its content, and its new content, for the frame to re-parse just that
/// element (`innerHTML`) instead of the document. `None` when the change is not inside such
/// an element, or when the new content would close it or change where it ends (the frame then
/// reloads the document). The frame checks the element's child count before applying.
pub(crate) fn element_edit_at(
    old: &str,
    pre: usize,
    old_end: usize,
    insert: &str,
    from: Option<&WalkState>,
) -> Option<ElementEdit> {
    if pre == old_end && insert.is_empty() {
        return None;
    }
    element_edit_in(old, pre, old_end, insert, from).or_else(|| {
        // The same change placed earlier: `<i>` typed before `</td>` compares as `i>…<`
        // typed after its `<`, which overlaps the end tag. Slide it back over what it repeats.
        let (mut pre, mut old_end, mut insert) = (pre, old_end, insert.to_owned());
        let a = old.as_bytes();
        // A few positions back at most (each try walks the document).
        for _ in 0..8 {
            if pre == 0 || !a[pre - 1].is_ascii() {
                return None;
            }
            let last = a[pre - 1];
            if pre == old_end && insert.as_bytes().last() == Some(&last) {
                // An insertion: "…x" + "yx" == "…" + "xy" + "x".
                insert.pop();
                insert.insert(0, last as char);
            } else if insert.is_empty() && pre < old_end && a[old_end - 1] == last {
                // A deletion of [pre, old_end) is the deletion of [pre - 1, old_end - 1).
            } else {
                return None;
            }
            pre -= 1;
            old_end -= 1;
            if let Some(e) = element_edit_in(old, pre, old_end, &insert, from) {
                return Some(e);
            }
        }
        None
    })
}

fn element_edit_in(
    old: &str,
    pre: usize,
    old_end: usize,
    insert: &str,
    from: Option<&WalkState>,
) -> Option<ElementEdit> {
    let a = old.as_bytes();
    let mut w = Walker::resume(a, from, pre);
    // The open elements when the walk reaches the change.
    if let Some(Err(())) = w.walk_to(pre) {
        return None;
    }
    // The innermost element first; when the change closes it (an end tag completed), its
    // parent, and so on a few levels out.
    let open = w.state.stack;
    (1..=open.len().min(4))
        .find_map(|up| replace_content(a, old, &open[..open.len() - up + 1], pre, old_end, insert))
}

/// The edit re-parsing the content of `ancestors`' last element, if the change fits in it.
fn replace_content(
    a: &[u8],
    old: &str,
    ancestors: &[Open],
    pre: usize,
    old_end: usize,
    insert: &str,
) -> Option<ElementEdit> {
    let ancestors = ancestors.to_vec();
    let depth = ancestors.len().checked_sub(1)?;
    let container = &ancestors[depth];
    if !REPLACEABLE.contains(&container.tag.as_str())
        || ancestors.iter().any(|o| o.tag == "svg" || o.tag == "math")
        || container.content > pre
    {
        return None;
    }
    // Where the container ends in `old`: the step that closes it (an end tag, or a start tag
    // implying it), or the end of the document.
    let mut from_start = ancestors.clone();
    from_start[depth].children = 0;
    let mut w = Walker {
        a,
        state: WalkState {
            i: container.content,
            stack: from_start,
            counts: std::collections::HashMap::new(),
        },
    };
    let (content_end, close_end, children) = loop {
        let children = w.state.stack.get(depth).map(|o| o.children);
        let at = w.state.i;
        match w.step() {
            None => break (a.len(), a.len(), children?),
            Some(Err(())) => return None,
            Some(Ok(_)) if w.state.stack.len() <= depth => break (at, w.state.i, children?),
            Some(Ok(_)) => {}
        }
    };
    if old_end > content_end {
        return None;
    }
    let html = [
        &old[container.content..pre],
        insert,
        &old[old_end..content_end],
    ]
    .concat();
    // The new content must leave the container open to its end and close it the same way.
    let tail = &old[content_end..close_end];
    let region = [html.as_str(), tail].concat();
    let mut w = Walker {
        a: region.as_bytes(),
        state: WalkState {
            i: 0,
            stack: ancestors.clone(),
            counts: std::collections::HashMap::new(),
        },
    };
    loop {
        let at = w.state.i;
        match w.step() {
            None => {
                if w.state.stack.len() <= depth || close_end != a.len() {
                    return None;
                }
                break;
            }
            Some(Err(())) => return None,
            Some(Ok(_)) if w.state.stack.len() <= depth => {
                if at != html.len() {
                    return None;
                }
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    Some(ElementEdit {
        tag: container.tag.clone(),
        index: container.index,
        children,
        html,
    })
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
    content: usize,
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
            content,
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

    /// `doc` with `from` replaced by `to` (first occurrence), as the element edit sees it.
    fn element_edit(doc: &str, from: &str, to: &str) -> Option<ElementEdit> {
        let (old, new) = (doc, doc.replacen(from, to, 1));
        let (pre, suf) = changed_span(old, &new);
        element_edit_at(old, pre, old.len() - suf, &new[pre..new.len() - suf], None)
    }

    #[test]
    fn element_edit_re_parses_the_innermost_element_holding_a_markup_change() {
        let doc = "<!DOCTYPE html><style>p{}</style><table><tr><td>Hi <span style=\"color:#222\">x</span> <b>y</b></td></tr></table><p>One</p><p>Typed: ";
        let parts = |e: ElementEdit| (e.tag, e.index, e.children, e.html);
        let want = |tag: &str, index, children, html: &str| {
            (tag.to_owned(), index, children, html.to_owned())
        };
        // A tag typed into the paragraph the document ends in, complete or not yet.
        let e = element_edit_at(doc, doc.len(), doc.len(), "<b>", None).unwrap();
        assert_eq!(parts(e), want("p", 1, 1, "Typed: <b>"));
        let e = element_edit_at(doc, doc.len(), doc.len(), "<a href=\"htt", None).unwrap();
        assert_eq!(parts(e), want("p", 1, 1, "Typed: <a href=\"htt"));
        // An end tag half typed at the end ("</" is text there, "</b" is dropped).
        for typed in ["<b>x</", "<b>x</b"] {
            let e = element_edit_at(doc, doc.len(), doc.len(), typed, None).unwrap();
            assert_eq!(parts(e), want("p", 1, 1, &format!("Typed: {typed}")));
        }
        // An end tag completed (it closes the element typed into: its parent is re-parsed),
        // then text after it.
        let open_b = format!("{doc}<b>bold</b");
        let e = element_edit_at(&open_b, open_b.len(), open_b.len(), ">", None).unwrap();
        assert_eq!(parts(e), want("p", 1, 2, "Typed: <b>bold</b>"));
        let closed = format!("{doc}<b>bold</b>");
        let e = element_edit_at(&closed, closed.len(), closed.len(), " ", None).unwrap();
        assert_eq!(parts(e), want("p", 1, 2, "Typed: <b>bold</b> "));
        // An attribute edited: the cell holding the element is re-parsed.
        let e = element_edit(doc, "color:#222", "color:#c00").unwrap();
        assert_eq!(
            parts(e),
            want(
                "td",
                0,
                4,
                "Hi <span style=\"color:#c00\">x</span> <b>y</b>"
            )
        );
        // Inside a closed element, up to its end tag.
        let e = element_edit(doc, "<b>y</b>", "<b>y</b><i>z</i>").unwrap();
        assert_eq!(
            parts(e),
            want(
                "td",
                0,
                4,
                "Hi <span style=\"color:#222\">x</span> <b>y</b><i>z</i>"
            )
        );
        let e = element_edit(doc, "<p>One</p>", "<p>O<br>ne</p>").unwrap();
        assert_eq!(parts(e), want("p", 0, 1, "O<br>ne"));
        // What would close the element or move its end: a reload.
        assert_eq!(element_edit(doc, "<p>One</p>", "<p>O<div>ne</p>"), None);
        assert_eq!(element_edit(doc, "x</span>", "x</td></span>"), None);
        assert_eq!(element_edit(doc, "<b>y</b>", "<b>y</b><!--"), None);
        assert_eq!(
            element_edit(doc, "<b>y</b></td>", "<b>y</b></td><td>"),
            None
        );
        // Containers whose context the fragment parser treats differently, and raw text.
        assert_eq!(
            element_edit(doc, "</td></tr>", "</td><td>z</td></tr>"),
            None
        );
        assert_eq!(element_edit(doc, "p{}", "p{x}"), None);
        assert_eq!(
            element_edit("<svg><g><text>a</text></g></svg>", "a<", "a<b"),
            None
        );
    }
}

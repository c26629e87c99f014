//! The preview's rendered HTML kept in pieces for one open editor, so a keystroke re-renders
//! only the piece it changed (~1 KB of template) instead of the whole template, and the
//! output's change is known without comparing megabytes of output (a 100 KB template full of
//! inline QR codes renders to ~0.75 MB).

use crate::merge::{token_safe_cut_after, Renderer, TemplateField, UnknownReason};

/// Template bytes a piece holds at least (it ends at the next token-safe cut).
const PIECE: usize = 1024;

struct Piece {
    /// Template bytes.
    src_len: usize,
    out: String,
    out_utf16: usize,
    /// Known tokens left literal (no data), in order.
    no_data: Vec<String>,
}

/// The rendered html field as pieces cut at token-safe points; joined, the pieces' outputs
/// are exactly what the merge engine renders for the whole field.
pub(crate) struct RenderedPieces {
    pieces: Vec<Piece>,
}

/// What one edit changed in the output: bytes `from..to` of the old output became `insert`;
/// `from_utf16` is `from` in UTF-16 units.
pub(crate) struct OutputEdit {
    pub from: usize,
    pub to: usize,
    pub from_utf16: usize,
    pub insert: String,
}

impl RenderedPieces {
    pub(crate) fn new(src: &str, r: &Renderer) -> RenderedPieces {
        RenderedPieces {
            pieces: render_pieces(src, r),
        }
    }

    /// The whole rendered field.
    pub(crate) fn text(&self) -> String {
        let mut out = String::with_capacity(self.pieces.iter().map(|p| p.out.len()).sum());
        for p in &self.pieces {
            out.push_str(&p.out);
        }
        out
    }

    /// Known tokens without a value, in order of appearance (repeats included).
    pub(crate) fn no_data(&self) -> impl Iterator<Item = &str> {
        self.pieces
            .iter()
            .flat_map(|p| p.no_data.iter().map(String::as_str))
    }

    /// After template bytes `from..to` were replaced by `inserted` bytes (`src` is the new
    /// template): re-renders the pieces the edit touched and says what changed in the output.
    pub(crate) fn edit(
        &mut self,
        src: &str,
        from: usize,
        to: usize,
        inserted: usize,
        r: &Renderer,
    ) -> OutputEdit {
        // Pieces touching from..=to (closed: an edit at a cut re-renders both sides of it, so
        // a cut whose safe byte was deleted goes away).
        let (mut first, mut last) = (None, 0);
        let (mut src_at, mut start_src, mut out_at, mut out_utf16) = (0, 0, 0, 0);
        let (mut from_out, mut to_out) = (0, 0);
        for (k, p) in self.pieces.iter().enumerate() {
            let end = src_at + p.src_len;
            if end >= from && src_at <= to {
                if first.is_none() {
                    first = Some(k);
                    start_src = src_at;
                    from_out = out_at;
                    out_utf16 = out_utf16_before(&self.pieces[..k]);
                }
                last = k;
                to_out = out_at + p.out.len();
            } else if src_at > to {
                break;
            }
            src_at = end;
            out_at += p.out.len();
        }
        let Some(first) = first else {
            // Nothing to re-render around (an empty template): render it whole.
            let old_len = self.pieces.iter().map(|p| p.out.len()).sum();
            *self = RenderedPieces::new(src, r);
            return OutputEdit {
                from: 0,
                to: old_len,
                from_utf16: 0,
                insert: self.text(),
            };
        };
        let old_src_len: usize = self.pieces[first..=last].iter().map(|p| p.src_len).sum();
        let new_src_len = old_src_len + inserted - (to - from);
        let fresh = render_pieces(&src[start_src..start_src + new_src_len], r);
        let mut insert = String::with_capacity(fresh.iter().map(|p| p.out.len()).sum());
        for p in &fresh {
            insert.push_str(&p.out);
        }
        self.pieces.splice(first..=last, fresh);
        OutputEdit {
            from: from_out,
            to: to_out,
            from_utf16: out_utf16,
            insert,
        }
    }
}

fn out_utf16_before(pieces: &[Piece]) -> usize {
    pieces.iter().map(|p| p.out_utf16).sum()
}

/// `src` cut into pieces of at least [`PIECE`] bytes at token-safe points, each rendered.
fn render_pieces(src: &str, r: &Renderer) -> Vec<Piece> {
    let bytes = src.as_bytes();
    let mut out = Vec::with_capacity(src.len() / PIECE + 1);
    let mut start = 0;
    while start < src.len() {
        let mut end = (start + PIECE).min(src.len());
        while end < src.len() && !token_safe_cut_after(bytes, end - 1) {
            end += 1;
        }
        let mut unknown = Vec::new();
        let text = r.render(&src[start..end], TemplateField::Html, &mut unknown);
        out.push(Piece {
            src_len: end - start,
            out_utf16: utf16_len(&text),
            out: text,
            no_data: unknown
                .into_iter()
                .filter(|u| u.reason == UnknownReason::NoData)
                .map(|u| u.token)
                .collect(),
        });
        start = end;
    }
    out
}

/// UTF-16 length (what the editor counts in); ASCII, the common case, by its byte length.
pub(crate) fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::{render_template, MergeContext, TemplateFields};
    use crate::ops::studio::types::EdgeCase;
    use uuid::Uuid;

    fn ctx() -> MergeContext {
        let event: crate::models::Event = serde_json::from_value(serde_json::json!({
            "id": Uuid::nil(), "title": "Summit & <Expo>",
            "startTime": "2026-06-01T10:00:00", "endTime": "2026-06-01T17:30:00",
            "timeZoneId": "Europe/London"
        }))
        .unwrap();
        MergeContext::new(EdgeCase::HtmlLooking.guest(Uuid::nil()), event)
            .with_barcode_qr_url("data:image/svg+xml;base64,QUJD")
    }

    fn whole(src: &str, c: &MergeContext) -> String {
        render_template(
            &TemplateFields {
                html: src,
                ..Default::default()
            },
            c,
        )
        .html
    }

    /// Rows of markup, tokens (known, unknown, no data), non-ASCII text and long runs
    /// without a safe cut.
    fn template() -> String {
        let mut s = String::new();
        for i in 0..120 {
            s.push_str(&format!(
                "<tr><td>Zoë {i} {{{{firstname}}}} {{{{guestnotes}}}} {{{{nope}}}}</td>\
                 <td>{}{{{{barcode_qr}}}}</td></tr>\n",
                "x{y}z ".repeat(i % 7 * 60)
            ));
        }
        s
    }

    #[test]
    fn pieces_render_exactly_as_the_whole_field() {
        let c = ctx();
        let r = Renderer::new(&c);
        let src = template();
        let p = RenderedPieces::new(&src, &r);
        assert!(p.pieces.len() > 10, "{} pieces", p.pieces.len());
        assert_eq!(p.text(), whole(&src, &c));
        assert_eq!(p.pieces.iter().map(|p| p.src_len).sum::<usize>(), src.len());
    }

    /// Every kind of edit, at every kind of place: the pieces' output after the edit is the
    /// whole render of the new template, and the reported change turns the old output into it.
    #[test]
    fn an_edit_re_renders_to_the_same_output_as_a_full_render() {
        let c = ctx();
        let r = Renderer::new(&c);
        let base = template();
        let at = |needle: &str| base.find(needle).unwrap();
        let edits: Vec<(usize, usize, &str)> = vec![
            (base.len(), base.len(), "x"),
            (0, 0, "<p>"),
            (at("{{firstname}}") + 3, at("{{firstname}}") + 3, "x"),
            // Breaking a token, making one across a former cut, deleting a safe byte.
            (at("{{firstname}}") + 1, at("{{firstname}}") + 2, ""),
            (at("</tr>\n<tr>"), at("</tr>\n<tr>") + 10, "{{fir"),
            (at("\n"), at("\n") + 1, ""),
            (at("x{y}z"), at("x{y}z") + 5, "{{email}}"),
            (0, base.len(), "<p>{{firstname}}</p>"),
            (10, 2000, ""),
            (at("Zoë"), at("Zoë") + 4, "Zoé 😀 {{lastname}}"),
        ];
        for (from, to, insert) in edits {
            let mut p = RenderedPieces::new(&base, &r);
            let old_out = p.text();
            let mut src = base.clone();
            src.replace_range(from..to, insert);
            let e = p.edit(&src, from, to, insert.len(), &r);
            let want = whole(&src, &c);
            assert_eq!(p.text(), want, "edit {from}..{to} {insert:?}");
            let mut patched = old_out.clone();
            patched.replace_range(e.from..e.to, &e.insert);
            assert_eq!(patched, want, "the reported change, edit {from}..{to}");
            assert_eq!(e.from_utf16, old_out[..e.from].encode_utf16().count());
            // Only the pieces around the edit were rendered again.
            if to - from < 100 {
                assert!(
                    e.insert.len() < 20_000,
                    "{} bytes re-rendered",
                    e.insert.len()
                );
            }
        }
    }

    #[test]
    fn no_data_tokens_are_listed_in_order() {
        let c = ctx();
        let r = Renderer::new(&c);
        let p = RenderedPieces::new(
            "{{othernames}} <b>{{nope}} {{firstname}}</b> {{companyname}}",
            &r,
        );
        let listed: Vec<&str> = p.no_data().collect();
        assert_eq!(listed, ["{{othernames}}", "{{companyname}}"]);
    }

    #[test]
    fn an_empty_template_grows_and_shrinks() {
        let c = ctx();
        let r = Renderer::new(&c);
        let mut p = RenderedPieces::new("", &r);
        let e = p.edit("{{firstname}}", 0, 0, 13, &r);
        assert_eq!((e.from, e.to), (0, 0));
        assert_eq!(e.insert, whole("{{firstname}}", &c));
        let e = p.edit("", 0, 13, 0, &r);
        assert_eq!((e.from, e.insert.as_str()), (0, ""));
        assert_eq!(p.text(), "");
    }
}

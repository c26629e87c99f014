//! The merge engine split in two for merging one template against many recipients: the
//! template is scanned once ([`MergePlan`]), then each recipient costs only its values
//! ([`RecipientValues`]) — sizes and token values without building the whole output.
//! Same scanner, token table and values as [`render_template`](super::render_template)
//! (a test holds them equal).

use super::tokens::{self, Tok};
use super::{scan, MergeContext, TemplateField, Values};

/// One `{{…}}` in the source: `open..end` is the token with braces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanSlot {
    pub open: usize,
    pub end: usize,
    tok: Option<Tok>,
}

impl PlanSlot {
    /// Not a token of the guide's table: always sent literally.
    pub fn is_unknown(&self) -> bool {
        self.tok.is_none()
    }
}

/// A template field scanned once.
#[derive(Clone, Debug)]
pub struct MergePlan<'a> {
    pub src: &'a str,
    field: TemplateField,
    html: bool,
    pub slots: Vec<PlanSlot>,
    /// Each known token once: (token, occurrences, bytes of one occurrence with braces).
    distinct: Vec<(Tok, usize, usize)>,
}

impl<'a> MergePlan<'a> {
    pub fn new(src: &'a str, field: TemplateField) -> Self {
        let mut slots = Vec::new();
        let mut pos = 0;
        while let Some(c) = scan::next(src.as_bytes(), pos) {
            pos = c.end;
            slots.push(PlanSlot {
                open: c.open,
                end: c.end,
                tok: tokens::lookup(&src[c.name_start..c.name_end]),
            });
        }
        let mut distinct: Vec<(Tok, usize, usize)> = Vec::new();
        for s in &slots {
            let Some(tok) = s.tok else { continue };
            match distinct.iter_mut().find(|d| d.0 == tok) {
                Some(d) => d.1 += 1,
                None => distinct.push((tok, 1, s.end - s.open)),
            }
        }
        MergePlan {
            src,
            field,
            html: field != TemplateField::Subject,
            slots,
            distinct,
        }
    }

    pub fn field(&self) -> TemplateField {
        self.field
    }

    /// The token's name between the braces.
    pub fn name(&self, slot: &PlanSlot) -> &'a str {
        &self.src[slot.open + 2..slot.end - 2]
    }

    /// What slot `i` becomes for this recipient: `None` = left literal (unknown or no data).
    #[inline]
    pub fn value<'v>(&self, i: usize, v: &'v RecipientValues) -> Option<&'v str> {
        v.0.get(self.slots[i].tok?, self.html)
    }

    /// The rendered length in bytes, without rendering (one lookup per distinct token).
    pub fn rendered_len(&self, v: &RecipientValues) -> usize {
        let mut len = self.src.len();
        for &(tok, n, bytes) in &self.distinct {
            if let Some(value) = v.0.get(tok, self.html) {
                len = len - n * bytes + n * value.len();
            }
        }
        len
    }

    /// `src[start..end]` merged (slots must not straddle the bounds), appended to `out`.
    pub fn render_span(&self, start: usize, end: usize, v: &RecipientValues, out: &mut String) {
        let first = self.slots.partition_point(|s| s.open < start);
        let mut lit = start;
        for (i, s) in self.slots.iter().enumerate().skip(first) {
            if s.end > end {
                break;
            }
            if let Some(value) = self.value(i, v) {
                out.push_str(&self.src[lit..s.open]);
                out.push_str(value);
                lit = s.end;
            }
        }
        out.push_str(&self.src[lit..end]);
    }

    /// Slot indices inside `start..end`.
    pub fn slots_in(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let a = self.slots.partition_point(|s| s.open < start);
        let b = self.slots.partition_point(|s| s.end <= end);
        a..b.max(a)
    }
}

/// One recipient's token values, computed once (both escapings), as the renderer does.
pub struct RecipientValues(Values);

impl RecipientValues {
    pub fn new(ctx: &MergeContext) -> Self {
        RecipientValues(Values::new(ctx))
    }

    /// `ctx`'s event and account values with `guest` (the context's own guest is not read).
    pub fn for_guest(ctx: &MergeContext, guest: &crate::models::Guest) -> Self {
        RecipientValues(Values::with_guest(ctx, guest))
    }

    /// The plain (subject-style, unescaped apart from line breaks) value of a token by name.
    pub fn plain(&self, name: &str) -> Option<&str> {
        self.0.get(tokens::lookup(name)?, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::{render_template, TemplateFields};
    use crate::models::{Event, Guest};

    fn ctx(first: &str, barcode: Option<&str>) -> MergeContext {
        let guest: Guest = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::nil(), "eventId": uuid::Uuid::nil(),
            "firstName": first, "lastName": "O'Brien & Co", "email": "a@example.com",
            "barcode": barcode, "tags": "VIP, ,Press", "customFields": ["x<y", ""]
        }))
        .unwrap();
        let event: Event = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::nil(), "title": "Gala", "startTime": "2026-06-01T18:00:00",
            "endTime": "2026-06-01T23:00:00", "timeZoneId": "Europe/London"
        }))
        .unwrap();
        MergeContext::new(guest, event)
    }

    /// The plan and the renderer agree, byte for byte and in length, whatever the values.
    #[test]
    fn plan_matches_render_template() {
        let html = "<p>{{firstname}} {{lastname}} {{nope}} {{tags}} {{V_1}} {{V_2}} {{V_9}}</p>\
                    <img src=\"{{barcode_qr}}\"> {{ firstname }} {{plusones}} {{date}} {{{x}}}";
        for c in [
            ctx("Ann", Some("B 1/2")),
            ctx("", None),
            ctx("<Zoë>", Some("")),
        ] {
            let r = render_template(
                &TemplateFields {
                    subject: "Hi {{firstname}}",
                    html,
                    ..Default::default()
                },
                &c,
            );
            let plan = MergePlan::new(html, TemplateField::Html);
            let v = RecipientValues::new(&c);
            assert_eq!(plan.rendered_len(&v), r.html.len());
            let mut out = String::new();
            plan.render_span(0, html.len(), &v, &mut out);
            assert_eq!(out, r.html);
            let subject = MergePlan::new("Hi {{firstname}}", TemplateField::Subject);
            let mut s = String::new();
            subject.render_span(0, subject.src.len(), &v, &mut s);
            assert_eq!(s, r.subject);
        }
    }

    #[test]
    fn spans_and_slot_ranges() {
        let html = "<a href=\"https://x.test/?b={{barcode}}\">{{firstname}}</a>";
        let plan = MergePlan::new(html, TemplateField::Html);
        let v = RecipientValues::new(&ctx("Ann", Some("a&b")));
        let (s, e) = (9, 9 + "https://x.test/?b={{barcode}}".len());
        let mut out = String::new();
        plan.render_span(s, e, &v, &mut out);
        assert_eq!(out, "https://x.test/?b=a&amp;b");
        assert_eq!(plan.slots_in(s, e), 0..1);
        assert_eq!(plan.slots_in(0, 5), 0..0);
        assert!(!plan.slots[0].is_unknown());
        assert_eq!(v.plain("firstname"), Some("Ann"));
    }
}

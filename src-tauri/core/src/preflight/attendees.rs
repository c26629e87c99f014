//! The per-attendee pass: every attendee merged with the send path's engine (values only; the
//! HTML is never built), findings grouped by what went wrong, with who.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::merge::lint::Severity;
use crate::merge::{MergeContext, MergePlan, RecipientValues, TemplateField};
use crate::models::Guest;

use super::html::Doc;
use super::links::{self, decode_attr};
use super::{finding, rules, AttendeeRef, PreflightFinding, PreflightOptions, SizeMeter};

/// Attendees merged between two looks at the stop flag (a few microseconds of work each).
const STOP_EVERY: usize = 64;
const NAME_TOKENS: &[&str] = &["firstname", "lastname", "fullname", "othernames"];

/// Unknown tokens are the template's, so they concern everyone.
pub(crate) fn unknown_tokens(
    plans: &[MergePlan<'_>],
    attendees: &[Guest],
    opts: &PreflightOptions,
    out: &mut Vec<PreflightFinding>,
) {
    for plan in plans {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for s in plan.slots.iter().filter(|s| s.is_unknown()) {
            let token = &plan.src[s.open..s.end];
            if seen.insert(token, ()).is_some() {
                continue;
            }
            let suggestion = crate::merge::tokens::suggest(plan.name(s));
            let hint = suggestion
                .as_ref()
                .map(|s| format!(" Did you mean {s}?"))
                .unwrap_or_default();
            // Warning, as in the template linter: it ships, but not as intended.
            let mut x = finding(
                rules::UNKNOWN_TOKEN,
                Severity::Warning,
                plan.field(),
                Some(s.open),
                format!("{token} is not a merge token: every attendee gets it literally.{hint}"),
            );
            x.suggestion = suggestion;
            fill(
                &mut x,
                attendees,
                (0..attendees.len() as u32).collect(),
                opts,
            );
            out.push(x);
        }
    }
}

fn fill(x: &mut PreflightFinding, attendees: &[Guest], who: Vec<u32>, opts: &PreflightOptions) {
    x.attendee_total = who.len() as u32;
    x.attendees = who
        .iter()
        .take(opts.attendee_cap as usize)
        .map(|&i| AttendeeRef::of(&attendees[i as usize]))
        .collect();
}

/// A known token, its first place, one slot to read its value from.
struct TokenGroup<'a> {
    name: &'a str,
    plan: usize,
    slot: usize,
    long_checked: bool,
}

/// A URL attribute holding merge tokens; the same source text elsewhere merges the same, so
/// it is checked once per attendee (`more` = other places with that text).
struct MergedUrl {
    plan: usize,
    start: usize,
    end: usize,
    is_link: bool,
    more: u32,
    /// Scheme and host are literal: only a token left literal can break it, and those
    /// attendees are the token's empty ones (no per-attendee work).
    fixed: bool,
}

/// Who hit what, for a slice of attendees (merged across threads).
#[derive(Default)]
struct Acc {
    largest: Option<(usize, u32)>,
    empty: Vec<Vec<u32>>,
    long: Vec<Vec<u32>>,
    longest: Vec<usize>,
    /// (url index, rule) -> attendees, first problem.
    urls: HashMap<(usize, &'static str), (Vec<u32>, links::Problem, String)>,
    no_email: Vec<u32>,
    no_barcode: Vec<u32>,
}

impl Acc {
    fn merge(&mut self, o: Acc) {
        if o.largest
            .is_some_and(|(b, _)| self.largest.is_none_or(|(a, _)| b > a))
        {
            self.largest = o.largest;
        }
        for (a, b) in self.empty.iter_mut().zip(o.empty) {
            a.extend(b);
        }
        for (a, b) in self.long.iter_mut().zip(o.long) {
            a.extend(b);
        }
        for (a, b) in self.longest.iter_mut().zip(o.longest) {
            *a = (*a).max(b);
        }
        for (k, (who, p, url)) in o.urls {
            match self.urls.get_mut(&k) {
                Some(e) => e.0.extend(who),
                None => {
                    self.urls.insert(k, (who, p, url));
                }
            }
        }
        self.no_email.extend(o.no_email);
        self.no_barcode.extend(o.no_barcode);
    }
}

struct Pass<'a, 'p> {
    plans: &'a [MergePlan<'p>],
    groups: Vec<TokenGroup<'p>>,
    urls: Vec<MergedUrl>,
    sent: Option<usize>,
    uses_barcode: bool,
    name_limit: usize,
}

impl Pass<'_, '_> {
    /// `None` when `stop` was set before the end (checked every [`STOP_EVERY`] attendees).
    fn run(
        &self,
        base: &MergeContext,
        attendees: &[Guest],
        first: u32,
        stop: &AtomicBool,
    ) -> Option<Acc> {
        let mut acc = Acc {
            empty: vec![Vec::new(); self.groups.len()],
            long: vec![Vec::new(); self.groups.len()],
            longest: vec![0; self.groups.len()],
            ..Acc::default()
        };
        let mut buf = String::new();
        for (k, g) in attendees.iter().enumerate() {
            if k % STOP_EVERY == 0 && stop.load(Ordering::Relaxed) {
                return None;
            }
            let idx = first + k as u32;
            let v = RecipientValues::for_guest(base, g);
            if let Some(s) = self.sent {
                let bytes = self.plans[s].rendered_len(&v);
                if acc.largest.is_none_or(|(b, _)| bytes > b) {
                    acc.largest = Some((bytes, idx));
                }
            }
            for (gi, t) in self.groups.iter().enumerate() {
                match self.plans[t.plan].value(t.slot, &v) {
                    None => acc.empty[gi].push(idx),
                    Some(_) if t.long_checked => {
                        let n = v.plain(t.name).map_or(0, |s| s.chars().count());
                        if n > self.name_limit {
                            acc.long[gi].push(idx);
                            acc.longest[gi] = acc.longest[gi].max(n);
                        }
                    }
                    Some(_) => {}
                }
            }
            for (ui, u) in self.urls.iter().enumerate().filter(|(_, u)| !u.fixed) {
                buf.clear();
                self.plans[u.plan].render_span(u.start, u.end, &v, &mut buf);
                if let Some(p) = links::check(&decode_attr(&buf), u.is_link) {
                    acc.urls
                        .entry((ui, p.rule))
                        .or_insert_with(|| (Vec::new(), p, buf.clone()))
                        .0
                        .push(idx);
                }
            }
            if g.email.trim().is_empty() {
                acc.no_email.push(idx);
            }
            if self.uses_barcode && g.barcode.as_deref().is_none_or(|b| b.trim().is_empty()) {
                acc.no_barcode.push(idx);
            }
        }
        Some(acc)
    }
}

/// Merges every attendee; returns the size meter of the sent body (`sent` = index in `plans`),
/// or `None` if `stop` was set meanwhile.
#[allow(clippy::too_many_arguments)]
pub(crate) fn merge_all(
    plans: &[MergePlan<'_>],
    docs: &[Doc],
    sent: Option<usize>,
    base: &MergeContext,
    attendees: &[Guest],
    opts: &PreflightOptions,
    stop: &AtomicBool,
    out: &mut Vec<PreflightFinding>,
) -> Option<SizeMeter> {
    let mut groups: Vec<TokenGroup<'_>> = Vec::new();
    let mut uses_barcode = false;
    for (pi, plan) in plans.iter().enumerate() {
        for (si, s) in plan.slots.iter().enumerate() {
            if s.is_unknown() {
                continue;
            }
            let name = plan.name(s);
            uses_barcode |= name == "barcode" || name == "barcode_qr";
            if !groups.iter().any(|g| g.name == name) {
                groups.push(TokenGroup {
                    name,
                    plan: pi,
                    slot: si,
                    long_checked: NAME_TOKENS.contains(&name),
                });
            }
        }
    }
    let mut urls: Vec<MergedUrl> = Vec::new();
    let mut seen: HashMap<(usize, bool, &str), usize> = HashMap::new();
    for (di, d) in docs.iter().enumerate() {
        let plan = &plans[di + 1];
        for u in &d.urls {
            let slots = plan.slots_in(u.start, u.end);
            if slots.is_empty() {
                continue;
            }
            let fixed = links::fixed_origin(&plan.src[u.start..plan.slots[slots.start].open]);
            let key = (di + 1, u.is_link, &plan.src[u.start..u.end]);
            match seen.get(&key) {
                Some(&m) => urls[m].more += 1,
                None => {
                    seen.insert(key, urls.len());
                    urls.push(MergedUrl {
                        plan: di + 1,
                        start: u.start,
                        end: u.end,
                        is_link: u.is_link,
                        more: 0,
                        fixed,
                    });
                }
            }
        }
    }
    let pass = Pass {
        plans,
        groups,
        urls,
        sent,
        uses_barcode,
        name_limit: opts.name_limit as usize,
    };

    // Two halves on two threads when the list is big enough to pay for it.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let acc = if attendees.len() >= 2_000 && threads > 1 {
        let chunk = attendees.len().div_ceil(threads);
        std::thread::scope(|sc| {
            let handles: Vec<_> = attendees
                .chunks(chunk)
                .enumerate()
                .map(|(n, part)| {
                    let pass = &pass;
                    sc.spawn(move || pass.run(base, part, (n * chunk) as u32, stop))
                })
                .collect();
            let mut all = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Some(Acc::default())));
            let mut acc = all.next().flatten()?;
            for a in all {
                acc.merge(a?);
            }
            Some(acc)
        })?
    } else {
        pass.run(base, attendees, 0, stop)?
    };

    Some(report(&pass, acc, attendees, opts, out))
}

fn report(
    pass: &Pass<'_, '_>,
    acc: Acc,
    attendees: &[Guest],
    opts: &PreflightOptions,
    out: &mut Vec<PreflightFinding>,
) -> SizeMeter {
    let n = attendees.len();
    for (gi, t) in pass.groups.iter().enumerate() {
        let plan = &pass.plans[t.plan];
        let at = plan.slots[t.slot].open;
        let who = &acc.empty[gi];
        if !who.is_empty() {
            let mut x = finding(
                rules::EMPTY_TOKEN,
                Severity::Warning,
                plan.field(),
                Some(at),
                format!(
                "{{{{{}}}}} is empty for {} of {n} attendees: they get the text {{{{{}}}}} as is.",
                t.name, who.len(), t.name
            ),
            );
            x.suggestion = Some("Fill the field for them, or take the token out.".into());
            fill(&mut x, attendees, who.clone(), opts);
            out.push(x);
        }
        let who = &acc.long[gi];
        if !who.is_empty() {
            let mut x = finding(rules::LONG_VALUE, Severity::Warning, plan.field(), Some(at), format!(
                "{{{{{}}}}} is longer than {} characters for {} attendees (longest {}): it may overflow buttons, headings and the subject line.",
                t.name, pass.name_limit, who.len(), acc.longest[gi]
            ));
            fill(&mut x, attendees, who.clone(), opts);
            out.push(x);
        }
    }
    // Literal-origin URLs break exactly for their tokens' empty attendees: one finding per set
    // of tokens, at its first URL.
    let mut by_tokens: Vec<(Vec<usize>, &MergedUrl, u32)> = Vec::new();
    for u in pass.urls.iter().filter(|u| u.fixed) {
        let plan = &pass.plans[u.plan];
        let mut gis: Vec<usize> = plan.slots[plan.slots_in(u.start, u.end)]
            .iter()
            .filter_map(|s| pass.groups.iter().position(|g| g.name == plan.name(s)))
            .filter(|&gi| !acc.empty[gi].is_empty())
            .collect();
        gis.sort_unstable();
        gis.dedup();
        if gis.is_empty() {
            continue;
        }
        match by_tokens.iter_mut().find(|(k, _, _)| *k == gis) {
            Some(e) => e.2 += 1 + u.more,
            None => by_tokens.push((gis, u, u.more)),
        }
    }
    for (gis, u, more) in by_tokens {
        let plan = &pass.plans[u.plan];
        let mut who: Vec<u32> = gis
            .iter()
            .flat_map(|&gi| acc.empty[gi].iter().copied())
            .collect();
        who.sort_unstable();
        who.dedup();
        let list = gis
            .iter()
            .map(|&gi| format!("{{{{{}}}}}", pass.groups[gi].name))
            .collect::<Vec<_>>()
            .join(", ");
        let also = match more {
            0 => String::new(),
            n => format!(" {n} more links hold it too."),
        };
        let mut x = finding(
            rules::LINK_INVALID,
            Severity::Error,
            plan.field(),
            Some(u.start),
            format!(
                "For {} attendees the URL {} keeps {list} literally after merge (no value): the link is broken.{also}",
                who.len(),
                links::short(&plan.src[u.start..u.end])
            ),
        );
        x.suggestion = Some("Fill the field for them, or use a URL without it.".into());
        fill(&mut x, attendees, who, opts);
        out.push(x);
    }
    let mut urls: Vec<_> = acc.urls.into_iter().collect();
    urls.sort_by_key(|((ui, rule), _)| (*ui, *rule));
    for ((ui, _), (who, p, example)) in urls {
        let u = &pass.urls[ui];
        let plan = &pass.plans[u.plan];
        let also = match u.more {
            0 => String::new(),
            n => format!(" The same URL is in {n} more places."),
        };
        let mut x = finding(
            p.rule,
            p.severity,
            plan.field(),
            Some(u.start),
            format!(
                "For {} attendees after merge: {} (e.g. {}){also}",
                who.len(),
                p.message,
                links::short(&example)
            ),
        );
        x.suggestion = p.suggestion;
        fill(&mut x, attendees, who, opts);
        out.push(x);
    }
    if !acc.no_email.is_empty() {
        let mut x = finding(
            rules::NO_EMAIL,
            Severity::Warning,
            TemplateField::Html,
            None,
            format!(
                "{} attendees have no email address: nothing can be sent to them.",
                acc.no_email.len()
            ),
        );
        fill(&mut x, attendees, acc.no_email, opts);
        out.push(x);
    }
    if !acc.no_barcode.is_empty() {
        let mut x = finding(rules::NO_BARCODE, Severity::Warning, TemplateField::Html, None, format!(
            "{} attendees have no barcode in the list, and the template shows one: their ticket has no code.", acc.no_barcode.len()
        ));
        x.suggestion = Some("Reload the guest list (Qflow generates a barcode when an attendee is created), or set one.".into());
        fill(&mut x, attendees, acc.no_barcode, opts);
        out.push(x);
    }
    let (bytes, attendee) = match (acc.largest, pass.sent) {
        (Some((b, i)), _) => (b, Some(AttendeeRef::of(&attendees[i as usize]))),
        (None, Some(s)) => (pass.plans[s].src.len(), None),
        (None, None) => (crate::merge::COURIER_FALLBACK_BODY.len(), None),
    };
    SizeMeter {
        bytes,
        limit: super::GMAIL_CLIP_BYTES,
        attendee,
    }
}

//! Text patches between the editor and Rust: one replaced UTF-16 range (JS string offsets), so
//! a keystroke sends and receives only what changed.

use super::text_edit::changed_span;
use super::types::TextPatch;
use crate::Error;

/// The answer to a patch that does not fit the session's html (or a session that is gone).
pub(crate) fn session_lost() -> Error {
    Error::invalid(
        "htmlPatch",
        "the preview session is gone or out of step: send the full html",
    )
}

/// Byte offset of UTF-16 offset `units` in `s` (None when it is past the end or splits a char).
pub(crate) fn utf16_to_byte(s: &str, units: usize) -> Option<usize> {
    // Fast path: ASCII (std's check is optimized even in debug builds).
    if s.is_ascii() {
        return (units <= s.len()).then_some(units);
    }
    let mut seen = 0;
    for (b, c) in s.char_indices() {
        if seen == units {
            return Some(b);
        }
        if seen > units {
            return None;
        }
        seen += c.len_utf16();
    }
    (seen == units).then_some(s.len())
}

/// UTF-16 length of a 1.5 MB preview per keystroke: `chars().count()` is std's optimized
/// counter (fast in debug builds too, unlike `encode_utf16`); characters outside the BMP
/// (lead bytes F0-F4) count twice.
fn utf16_len(s: &str) -> usize {
    let chars = s.chars().count();
    let astral = (0xF0u8..=0xF4).any(|b| s.as_bytes().contains(&b));
    if astral {
        chars + s.chars().filter(|c| c.len_utf16() == 2).count()
    } else {
        chars
    }
}

/// `patch` applied to `s`, or None when its range does not fit.
pub fn apply_patch(s: &str, patch: &TextPatch) -> Option<String> {
    let from = utf16_to_byte(s, patch.from as usize)?;
    let to = utf16_to_byte(s, patch.to as usize)?;
    if from > to {
        return None;
    }
    let mut out = String::with_capacity(s.len() - (to - from) + patch.insert.len());
    out.push_str(&s[..from]);
    out.push_str(&patch.insert);
    out.push_str(&s[to..]);
    Some(out)
}

/// The one replaced range turning `old` into `new` (common prefix and suffix kept).
pub fn diff_patch(old: &str, new: &str) -> TextPatch {
    let (pre, suf) = changed_span(old, new);
    let from = utf16_len(&old[..pre]);
    TextPatch {
        from: count(from),
        to: count(from + utf16_len(&old[pre..old.len() - suf])),
        insert: new[pre..new.len() - suf].to_owned(),
    }
}

/// A length or offset for the wire (saturating: nothing the editor holds comes near).
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_patch_keeps_prefix_and_suffix_on_whole_characters() {
        let cases = [
            ("", ""),
            ("abc", "abc"),
            ("aaaa", "aa"),
            ("x😀y", "x😁y"),
            ("Zoë", "Zoé"),
        ];
        for (a, b) in cases {
            let p = diff_patch(a, b);
            assert_eq!(apply_patch(a, &p).as_deref(), Some(b), "{a} → {b}");
        }
        let big_a = "<td>x</td>".repeat(2000);
        let mut big_b = big_a.clone();
        big_b.insert(10_001, 'Q');
        let p = diff_patch(&big_a, &big_b);
        assert_eq!((p.from, p.to, p.insert.as_str()), (10_001, 10_001, "Q"));
    }
}

//! The one `{{…}}` scanner, shared by the renderer and the linter.

use memchr::memchr;

/// Longest name we treat as a token candidate; longer `{{…}}` runs are plain text.
pub(crate) const MAX_NAME: usize = 64;

/// A `{{name}}` candidate: `open` is the offset of `{{`, `end` one past `}}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub open: usize,
    pub name_start: usize,
    pub name_end: usize,
    pub end: usize,
}

/// The next candidate at or after `pos`. A candidate's name is 1..=MAX_NAME bytes without
/// braces, angle brackets or line breaks (so CSS/JS braces and `{{{x}}}` find the inner
/// `{{x}}`). Whitespace inside is kept so that `{{ firstname }}` can be reported.
#[inline]
pub(crate) fn next(bytes: &[u8], mut pos: usize) -> Option<Candidate> {
    loop {
        let open = pos + memchr(b'{', bytes.get(pos..)?)?;
        if bytes.get(open + 1) != Some(&b'{') {
            pos = open + 1;
            continue;
        }
        let name_start = open + 2;
        let limit = bytes.len().min(name_start + MAX_NAME + 1);
        let window = &bytes[name_start.min(limit)..limit];
        // memchr to the first '}', then reject names holding a byte that would have ended the
        // candidate earlier (same result as a byte-by-byte scan, faster on typical names).
        let close = memchr(b'}', window).filter(|&j| {
            !window[..j]
                .iter()
                .any(|&b| matches!(b, b'{' | b'<' | b'>' | b'\n' | b'\r'))
        });
        match close {
            Some(j) if j > 0 && bytes.get(name_start + j + 1) == Some(&b'}') => {
                let name_end = name_start + j;
                return Some(Candidate {
                    open,
                    name_start,
                    name_end,
                    end: name_end + 2,
                });
            }
            _ => pos = open + 1,
        }
    }
}

/// Maps increasing byte offsets to 1-based (line, column in chars) in one forward pass.
pub(crate) struct LineIndex<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        LineIndex {
            src,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// `offset` must not decrease between calls (it restarts from the top if it does).
    pub(crate) fn locate(&mut self, offset: usize) -> (u32, u32) {
        if offset < self.pos {
            *self = LineIndex::new(self.src);
        }
        let bytes = self.src.as_bytes();
        for nl in memchr::memchr_iter(b'\n', &bytes[self.pos..offset]) {
            self.line += 1;
            self.line_start = self.pos + nl + 1;
        }
        self.pos = offset;
        let col = self.src[self.line_start..offset].chars().count() as u32 + 1;
        (self.line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<&str> {
        let mut out = vec![];
        let mut pos = 0;
        while let Some(c) = next(s.as_bytes(), pos) {
            out.push(&s[c.name_start..c.name_end]);
            pos = c.end;
        }
        out
    }

    #[test]
    fn finds_candidates() {
        assert_eq!(
            names("Hi {{firstname}} {{ lastname }}!"),
            ["firstname", " lastname "]
        );
        assert_eq!(names("{{{x}}}"), ["x"]);
        assert_eq!(
            names("a { b } {{}} {{a\nb}} {{<b>}} {{x"),
            Vec::<&str>::new()
        );
        assert_eq!(names("{{a}}{{b}}"), ["a", "b"]);
        assert_eq!(names("{ {{a}}"), ["a"]);
        assert_eq!(names(&format!("{{{{{}}}}}", "x".repeat(MAX_NAME))).len(), 1);
        assert_eq!(
            names(&format!("{{{{{}}}}}", "x".repeat(MAX_NAME + 1))).len(),
            0
        );
        assert_eq!(names("{{é}}"), ["é"]);
    }

    #[test]
    fn line_index() {
        let s = "ab\ncdé\n\nxyz";
        let mut ix = LineIndex::new(s);
        assert_eq!(ix.locate(0), (1, 1));
        assert_eq!(ix.locate(1), (1, 2));
        assert_eq!(ix.locate(3), (2, 1));
        assert_eq!(ix.locate(7), (2, 4)); // after "cdé" (é is 2 bytes)
        assert_eq!(ix.locate(9), (4, 1));
        assert_eq!(ix.locate(2), (1, 3)); // going back restarts
    }
}

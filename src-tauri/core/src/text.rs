//! Small text rules shared by modules that must not depend on each other: typo distance
//! (tokens, email domains, CSV columns), tag lists, spreadsheet-safe CSV cells and file names.

/// Edit distance with adjacent transpositions counted as one edit (optimal string alignment),
/// over chars: "gmial" → "gmail" is 1. Small inputs only (token names, domains, headers).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// A CSV cell a spreadsheet will not run: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is prefixed with `'` (shown as text).
pub fn csv_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// A file name stem from a title: letters, digits, `-` and `_` kept, anything else `-`, no
/// leading or trailing `-`; `fallback` when nothing is left.
pub fn file_stem(name: &str, fallback: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    let stem = if stem.is_empty() { fallback } else { stem };
    stem.to_owned()
}

/// The comma-separated `tags` include `tag` (whole tag, ignoring case).
pub fn tags_include(tags: Option<&str>, tag: &str) -> bool {
    let tag = tag.trim();
    tags.unwrap_or("")
        .split(',')
        .any(|t| eq_ignore_case(t.trim(), tag))
}

/// Equal ignoring case (ASCII fast path).
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("gmial.com", "gmail.com"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn tags_are_whole_and_ignore_case() {
        assert!(tags_include(Some("VIP, Speaker"), "speaker"));
        assert!(!tags_include(Some("VIPs"), "vip"));
        assert!(!tags_include(None, "vip"));
    }
}

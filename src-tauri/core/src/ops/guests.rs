//! Attendee search, the same for the CLI's `guests list --search` and the app's filter box.

use crate::models::Guest;

/// Every whitespace-separated word of `query` must occur (ignoring case) in the name, email,
/// barcode, id, tags, tickets or sessions. An empty query matches everything.
pub fn matches(g: &Guest, query: &str) -> bool {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return true;
    }
    let hay = haystack(g);
    words.iter().all(|w| hay.contains(w.as_str()))
}

fn haystack(g: &Guest) -> String {
    let id = g.id.to_string();
    let parts: [&str; 10] = [
        &g.first_name,
        &g.last_name,
        g.other_names.as_deref().unwrap_or(""),
        &g.email,
        g.barcode.as_deref().unwrap_or(""),
        &id,
        g.tags.as_deref().unwrap_or(""),
        g.tickets.as_deref().unwrap_or(""),
        g.sessions.as_deref().unwrap_or(""),
        g.additional_info.as_deref().unwrap_or(""),
    ];
    parts.join("\u{1}").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_anywhere_ignoring_case() {
        let g = Guest {
            first_name: "Zoë".into(),
            last_name: "Ødegård".into(),
            email: "zoe@example.com".into(),
            tags: Some("VIP,Speaker".into()),
            ..Default::default()
        };
        assert!(matches(&g, ""));
        assert!(matches(&g, "zoë"));
        assert!(matches(&g, "ØDEGÅRD vip"));
        assert!(matches(&g, "example.com"));
        assert!(!matches(&g, "zoë smith"));
        // Words do not match across field boundaries.
        assert!(!matches(&g, "ødegårdzoe"));
    }
}

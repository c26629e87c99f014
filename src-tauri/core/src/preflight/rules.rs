//! Rule ids (stable, kebab-case: the UI and `template lint --json` key on them). Rules the
//! template linter also has keep its ids.

use crate::merge::lint::rules as lint;

/// `{{…}}` that is not a merge token: sent literally to everyone.
pub const UNKNOWN_TOKEN: &str = lint::UNKNOWN_TOKEN;
/// A known token with no value for some attendees: they get `{{token}}` literally.
pub const EMPTY_TOKEN: &str = "empty-token";
/// A name longer than the limit (buttons, headings and greetings overflow).
pub const LONG_VALUE: &str = "long-value";
/// Attendee without an email address: nothing can be sent to them.
pub const NO_EMAIL: &str = "attendee-no-email";
/// Attendee without a barcode while the template shows one.
pub const NO_BARCODE: &str = "attendee-no-barcode";
/// The largest attendee's email is over Gmail's clipping limit.
pub const GMAIL_CLIPPED: &str = "gmail-clipped";
/// A link or image URL (after merge) that does not parse, or is relative.
pub const LINK_INVALID: &str = "link-invalid";
/// A link or image over plain `http://`.
pub const LINK_NOT_HTTPS: &str = lint::INSECURE_LINK;
/// A `mailto:` whose address is not an email address.
pub const MAILTO_INVALID: &str = "mailto-invalid";
/// A URL Qflow's safety scan rejects at save time (`spam_check_failed`).
pub const URL_FLAGGED: &str = "url-flagged-unsafe";
/// A URL of a shape safety scanners and mail clients distrust (IP host, user@host).
pub const URL_SUSPICIOUS: &str = "url-suspicious";
/// `<img>` without `alt`.
pub const IMG_MISSING_ALT: &str = lint::IMG_MISSING_ALT;
/// `<html>` without `lang` (or no `<html>` at all).
pub const MISSING_LANG: &str = "missing-lang";
/// Link text that says nothing out of context ("click here").
pub const VAGUE_LINK_TEXT: &str = "vague-link-text";
/// Inline text colour on its background below WCAG AA.
pub const LOW_CONTRAST: &str = "low-contrast";
/// An HTML/CSS feature some major clients drop (caniemail data).
pub const CLIENT_UNSUPPORTED: &str = "client-unsupported";
/// `<script>` or an `on…=` handler: every email client strips them.
pub const SCRIPT_STRIPPED: &str = "script-stripped";
/// The QR code on a transparent background: unscannable once a client darkens it.
pub const QR_DARK_MODE: &str = "qr-dark-mode";

/// Every rule, for docs and tests.
pub const ALL: &[&str] = &[
    UNKNOWN_TOKEN,
    EMPTY_TOKEN,
    LONG_VALUE,
    NO_EMAIL,
    NO_BARCODE,
    GMAIL_CLIPPED,
    LINK_INVALID,
    LINK_NOT_HTTPS,
    MAILTO_INVALID,
    URL_FLAGGED,
    URL_SUSPICIOUS,
    IMG_MISSING_ALT,
    MISSING_LANG,
    VAGUE_LINK_TEXT,
    LOW_CONTRAST,
    CLIENT_UNSUPPORTED,
    SCRIPT_STRIPPED,
    QR_DARK_MODE,
];

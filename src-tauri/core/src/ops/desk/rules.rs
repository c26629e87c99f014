//! The desk's rules, shared by the window, the CLI and the bulk send: which template a resend
//! offers first, whether the same email went to the same person moments ago (the duplicate
//! guard and its one refusal), the one correlation-id scheme, how an atomic create-and-send is
//! logged without ever logging it twice, and the preview document shown in the sandboxed frame.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::api::Client;
use crate::models::{Guest, GuestCreate, Template};
use crate::store::{NewSend, SendLogEntry, SendResult, Store};
use crate::{Error, Result};

/// A resend of the same template to the same attendee within this window asks first.
pub const DUPLICATE_WINDOW_MINUTES: i64 = 10;

/// Did this send (possibly) reach Qflow? Refused sends are not "sent".
fn reached_qflow(s: &SendLogEntry) -> bool {
    matches!(
        s.result,
        SendResult::Queued | SendResult::Pending | SendResult::OutcomeUnknown
    )
}

/// The template this app last sent (or may have sent) to the attendee. `sends` in any order.
pub fn last_sent_template(sends: &[SendLogEntry]) -> Option<Uuid> {
    sends
        .iter()
        .filter(|s| reached_qflow(s))
        .max_by_key(|s| (s.requested_at, s.id))
        .map(|s| s.template_id)
}

/// The template a resend offers first: the one last sent to this attendee from this app if the
/// event still has it, else the event's most recently created template.
pub fn default_template(sends: &[SendLogEntry], templates: &[Template]) -> Option<Uuid> {
    if let Some(last) = last_sent_template(sends) {
        if templates.iter().any(|t| t.id == last) {
            return Some(last);
        }
    }
    // Lists come sorted by `created`; without dates the list order decides (last = newest).
    templates
        .iter()
        .enumerate()
        .max_by_key(|(i, t)| (t.created, *i))
        .map(|(_, t)| t.id)
}

/// A send of `template_id` that (possibly) reached Qflow within the duplicate window before
/// `now`: the newest such entry.
pub fn recent_duplicate(
    sends: &[SendLogEntry],
    template_id: Uuid,
    now: DateTime<Utc>,
) -> Option<&SendLogEntry> {
    let since = now - Duration::minutes(DUPLICATE_WINDOW_MINUTES);
    sends
        .iter()
        .filter(|s| s.template_id == template_id && reached_qflow(s) && s.requested_at >= since)
        .max_by_key(|s| (s.requested_at, s.id))
}

pub use crate::errors::DUPLICATE_FIELD;

/// The guard's answer to a resend of the same template within the window: refused until the
/// person confirms. `status` is what became of the earlier send (`delivered`, `queued`…).
pub fn duplicate_refusal(minutes_ago: u32, status: &str) -> Error {
    Error::invalid(
        DUPLICATE_FIELD,
        format!(
            "this template was already sent to this attendee {minutes_ago} minute(s) ago ({status}); confirm to send it again"
        ),
    )
}

/// The guard's answer while the same template is being sent to the same attendee in this
/// session (a second click before the first send finished). Confirming does not help: the
/// first send has not been logged yet.
pub fn send_in_flight() -> Error {
    Error::invalid(
        DUPLICATE_FIELD,
        "this template is being sent to this attendee right now; wait for that send to finish",
    )
}

/// Whether `e` is the duplicate guard saying no (a check, not bad input: the CLI exits 1).
pub fn is_duplicate_refusal(e: &Error) -> bool {
    matches!(e, Error::Invalid { field, .. } if field == DUPLICATE_FIELD)
}

/// Every send carries a correlation id (echoed in Qflow's webhooks, shown in the timeline):
/// the caller's, checked, else one from [`resend_correlation_id`] / [`atomic_correlation_id`].
/// One scheme for the window and the CLI: `<what>-<uuid>`.
pub fn correlation_id_or(given: Option<&str>, generate: impl FnOnce() -> String) -> Result<String> {
    match given {
        Some(c) => crate::validate::correlation_id("correlationId", c),
        None => Ok(generate()),
    }
}

/// Prefix of a generated resend correlation id.
pub const RESEND_CORRELATION_PREFIX: &str = "resend-";

/// A new correlation id for a resend (`resend-<uuid>`): unique per send.
pub fn resend_correlation_id() -> String {
    format!("{RESEND_CORRELATION_PREFIX}{}", Uuid::new_v4())
}

/// The correlation id of an atomic create-and-send (`add-<attendee id>`): derived from the new
/// attendee's id, so a retry carries the same one and the log recognises it.
pub fn atomic_correlation_id(guest_id: Uuid) -> String {
    format!("add-{guest_id}")
}

/// `POST /api/guest` with `commsTemplateId` (when given), logged like a two-step send: the row
/// is written before the request and finished after. A retry with the same guest id reuses
/// the row (Qflow returns the existing attendee and sends nothing the second time), so the
/// log never shows two sends for one add. The guest must carry a client-generated id.
pub async fn create_guest_logged(
    client: &Client,
    store: &Store,
    profile: &str,
    create: &GuestCreate,
) -> Result<Guest> {
    if create.guest.id.is_nil() {
        return Err(Error::invalid(
            "id",
            "must be a client-generated GUID so a retry cannot create a second attendee",
        ));
    }
    let Some(template_id) = create.comms_template_id else {
        return client.guest_create(create).await;
    };
    let correlation = create.correlation_id.clone();
    let earlier = store
        .sends_for_attendee(create.guest.id)?
        .into_iter()
        .find(|s| s.template_id == template_id && s.correlation_id == correlation);
    let log_id = match &earlier {
        // Already confirmed: the retry only fetches the record; nothing new to log.
        Some(s) if s.result == SendResult::Queued => None,
        Some(s) => Some(s.id),
        None => Some(store.begin_send(&NewSend {
            profile: profile.to_owned(),
            attendee_id: create.guest.id,
            template_id,
            correlation_id: correlation,
        })?),
    };
    // An unreadable 2xx or a 5xx may come after the email was queued: say so, as for a send.
    let answer = client
        .guest_create(create)
        .await
        .map_err(|e| e.into_outcome_unknown("POST /api/guest"));
    if let Some(id) = log_id {
        let logged = match &answer {
            Ok(_) => store.finish_send_accepted(id),
            Err(e) => store.finish_send(id, &crate::store::SendOutcome::from_error(e)),
        };
        if let Err(e) = logged {
            tracing::warn!(code = e.code(), "could not finish send-log row {id}");
        }
    }
    answer
}

/// The document for the preview frame: the email's body with a strict CSP of its own (no
/// scripts, no remote loads: only inline styles and `data:` images) and links made inert. The
/// frame is also `sandbox=""`; this is the second lock.
pub fn preview_document(body_html: &str) -> String {
    const HEAD: &str = concat!(
        "<!doctype html>",
        "<meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ",
        "img-src data:; style-src 'unsafe-inline'; font-src data:\">",
        "<style>a{pointer-events:none!important;cursor:default!important}</style>",
    );
    let mut out = String::with_capacity(HEAD.len() + body_html.len());
    out.push_str(HEAD);
    out.push_str(body_html);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SendOutcome;

    fn entry(id: i64, template: Uuid, mins_ago: i64, result: SendResult) -> SendLogEntry {
        SendLogEntry {
            id,
            profile: "p".into(),
            attendee_id: Uuid::nil(),
            template_id: template,
            correlation_id: None,
            attendee_invitation_id: None,
            requested_at: Utc::now() - Duration::minutes(mins_ago),
            finished_at: None,
            result,
            error_code: None,
            error_message: None,
        }
    }

    fn template(id: Uuid, created_days_ago: Option<i64>) -> Template {
        Template {
            id,
            event_id: Uuid::nil(),
            name: "t".into(),
            subject: None,
            html: "<p>x</p>".into(),
            from_address: None,
            from_name: None,
            reply_to: None,
            attach_pdf: false,
            email_body: None,
            created: created_days_ago.map(|d| Utc::now() - Duration::days(d)),
            extra: Default::default(),
        }
    }

    #[test]
    fn last_sent_ignores_refused_sends() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(last_sent_template(&[]), None);
        let sends = [
            entry(1, a, 60, SendResult::Queued),
            entry(2, b, 5, SendResult::Error),
        ];
        assert_eq!(last_sent_template(&sends), Some(a));
        let sends = [
            entry(1, a, 60, SendResult::Queued),
            entry(2, b, 5, SendResult::OutcomeUnknown),
        ];
        assert_eq!(last_sent_template(&sends), Some(b));
    }

    #[test]
    fn default_is_last_sent_else_newest_template() {
        let (old, new, gone) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let templates = [template(new, Some(1)), template(old, Some(30))];
        assert_eq!(default_template(&[], &templates), Some(new));
        let sent_old = [entry(1, old, 100, SendResult::Queued)];
        assert_eq!(default_template(&sent_old, &templates), Some(old));
        // A template deleted since: fall back to the newest.
        let sent_gone = [entry(1, gone, 1, SendResult::Queued)];
        assert_eq!(default_template(&sent_gone, &templates), Some(new));
        // No dates: the last in the list.
        let undated = [template(old, None), template(new, None)];
        assert_eq!(default_template(&[], &undated), Some(new));
        assert_eq!(default_template(&[], &[]), None);
    }

    #[test]
    fn duplicates_only_within_ten_minutes_and_same_template() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let now = Utc::now();
        let sends = [
            entry(1, a, 30, SendResult::Queued),
            entry(2, a, 9, SendResult::Queued),
            entry(3, b, 1, SendResult::Error),
        ];
        assert_eq!(recent_duplicate(&sends, a, now).map(|s| s.id), Some(2));
        // A refused send is not a duplicate.
        assert!(recent_duplicate(&sends, b, now).is_none());
        let later = now + Duration::minutes(2);
        assert!(recent_duplicate(&sends, a, later).is_none());
        let unknown = [entry(4, b, 2, SendResult::OutcomeUnknown)];
        assert_eq!(recent_duplicate(&unknown, b, now).map(|s| s.id), Some(4));
    }

    #[test]
    fn preview_document_locks_down_the_frame() {
        let doc = preview_document(
            "<html><head><title>T</title></head><body><a href=\"https://x\">x</a></body></html>",
        );
        let csp = doc.find("Content-Security-Policy").unwrap();
        assert!(csp < doc.find("<html>").unwrap(), "CSP first");
        assert!(doc.contains("default-src 'none'"));
        assert!(doc.contains("img-src data:;"));
        assert!(!doc.contains("script-src"));
        assert!(doc.contains("pointer-events:none"));
    }

    #[test]
    fn generated_correlation_ids_follow_one_scheme() {
        let a = resend_correlation_id();
        assert!(a.starts_with(RESEND_CORRELATION_PREFIX));
        assert_ne!(a, resend_correlation_id(), "unique per send");
        assert_eq!(
            correlation_id_or(Some(" mine "), resend_correlation_id).unwrap(),
            "mine"
        );
        assert!(correlation_id_or(None, resend_correlation_id)
            .unwrap()
            .starts_with(RESEND_CORRELATION_PREFIX));
        let e = correlation_id_or(Some(""), resend_correlation_id).unwrap_err();
        assert_eq!(e.body().field.as_deref(), Some("correlationId"));
    }

    #[test]
    fn the_guard_refuses_with_one_message() {
        let e = duplicate_refusal(3, "delivered");
        assert!(is_duplicate_refusal(&e) && is_duplicate_refusal(&send_in_flight()));
        assert_eq!(
            e.body().message,
            "confirmDuplicate: this template was already sent to this attendee 3 minute(s) ago (delivered); confirm to send it again"
        );
        assert!(!is_duplicate_refusal(&Error::invalid("email", "x")));
    }

    #[test]
    fn atomic_correlation_is_stable_per_guest() {
        let id = Uuid::new_v4();
        assert_eq!(atomic_correlation_id(id), atomic_correlation_id(id));
        assert_ne!(
            atomic_correlation_id(id),
            atomic_correlation_id(Uuid::new_v4())
        );
    }

    #[test]
    fn accepted_atomic_send_is_queued_without_invitation() {
        let s = Store::open_in_memory().unwrap();
        let a = Uuid::new_v4();
        let id = s
            .begin_send(&NewSend {
                profile: "p".into(),
                attendee_id: a,
                template_id: Uuid::new_v4(),
                correlation_id: Some(atomic_correlation_id(a)),
            })
            .unwrap();
        s.finish_send_accepted(id).unwrap();
        let row = s.send_log_entry(id).unwrap().unwrap();
        assert_eq!(row.result, SendResult::Queued);
        assert!(row.attendee_invitation_id.is_none() && row.finished_at.is_some());
        let lost = s.begin_send(&NewSend {
            profile: "p".into(),
            attendee_id: a,
            template_id: Uuid::new_v4(),
            correlation_id: None,
        });
        let e = Error::OutcomeUnknown {
            endpoint: "POST /api/guest".into(),
            message: "reset".into(),
        };
        s.finish_send(lost.unwrap(), &SendOutcome::from_error(&e))
            .unwrap();
        assert_eq!(
            s.sends_for_attendee(a).unwrap()[1].result,
            SendResult::OutcomeUnknown
        );
    }
}

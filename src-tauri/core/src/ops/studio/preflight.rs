//! Pre-flight over the session: the template (saved, or the editor's current fields) merged
//! against every attendee of the event from the session's guest list, by [`crate::preflight`].

use super::types::{PreflightRequest, TemplateEdit};
use crate::merge::{MergeContext, TemplateFields};
use crate::models::Template;
use crate::ops::ctx::Ctx;
use crate::preflight::{preflight as run, PreflightOptions, PreflightReport};
use crate::validate::guid;
use crate::{Error, Result};

/// Longest name limit a user may set (a limit above it checks nothing useful).
const MAX_NAME_LIMIT: u32 = 1_000;
/// Most attendees a finding may name (the rest are counted, not listed).
const MAX_ATTENDEE_CAP: u32 = 1_000;

pub async fn preflight(cx: &Ctx, req: PreflightRequest) -> Result<PreflightReport> {
    let event_id = guid("eventId", &req.event_id)?;
    let mut opts = PreflightOptions::default();
    if let Some(n) = req.name_limit {
        if n == 0 || n > MAX_NAME_LIMIT {
            return Err(Error::invalid(
                "nameLimit",
                format!("must be between 1 and {MAX_NAME_LIMIT} characters"),
            ));
        }
        opts.name_limit = n;
    }
    if let Some(n) = req.attendee_cap {
        if n == 0 || n > MAX_ATTENDEE_CAP {
            return Err(Error::invalid(
                "attendeeCap",
                format!("must be between 1 and {MAX_ATTENDEE_CAP} attendees"),
            ));
        }
        opts.attendee_cap = n;
    }
    let source = match (&req.fields, req.template_id.as_deref()) {
        (Some(edit), _) => Source::Edit(edit.clone()),
        (None, Some(id)) => Source::Saved(cx.template(guid("templateId", id)?).await?),
        (None, None) => {
            return Err(Error::invalid(
                "templateId",
                "give a template id or the editor's fields",
            ))
        }
    };
    let event = cx.event(event_id).await?;
    let list = cx.guests(event_id, false, false).await?;
    // CPU work (up to tens of thousands of merges): off the async workers.
    tokio::task::spawn_blocking(move || {
        let attendees = list.to_guests();
        let base = MergeContext::new(attendees.first().cloned().unwrap_or_default(), event);
        run(&source.fields(), &base, &attendees, &opts)
    })
    .await
    .map_err(|e| Error::internal(format!("pre-flight stopped: {e}")))
}

pub(crate) enum Source {
    Edit(TemplateEdit),
    Saved(Template),
}

impl Source {
    fn fields(&self) -> TemplateFields<'_> {
        match self {
            Source::Edit(e) => e.fields(),
            Source::Saved(t) => TemplateFields::from(t),
        }
    }
}

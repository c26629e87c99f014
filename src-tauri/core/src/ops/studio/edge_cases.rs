//! Built-in preview attendees for the cases that break templates.

use uuid::Uuid;

use super::types::EdgeCase;
use crate::models::Guest;

pub const EDGE_CASES: [EdgeCase; 6] = [
    EdgeCase::LongestName,
    EdgeCase::NonAscii,
    EdgeCase::EmptyOptional,
    EdgeCase::ZeroPlusOnes,
    EdgeCase::SeveralTags,
    EdgeCase::HtmlLooking,
];

impl EdgeCase {
    pub fn label(self) -> &'static str {
        match self {
            EdgeCase::LongestName => "Longest name",
            EdgeCase::NonAscii => "Non-ASCII name",
            EdgeCase::EmptyOptional => "Empty optional fields",
            EdgeCase::ZeroPlusOnes => "0 plus-ones",
            EdgeCase::SeveralTags => "Several tags",
            EdgeCase::HtmlLooking => "HTML-looking values",
        }
    }

    /// A made-up attendee of `event_id` showing this case.
    pub fn guest(self, event_id: Uuid) -> Guest {
        let mut g = Guest {
            id: Uuid::nil(),
            event_id,
            first_name: "Alex".into(),
            last_name: "Example".into(),
            other_names: None,
            email: "alex.example@example.com".into(),
            barcode: Some("4GA6965Q1G5EZ0FB".into()),
            plus_ones: Some(1),
            additional_info: Some("Vegetarian".into()),
            tags: Some("VIP".into()),
            tickets: Some("Full pass".into()),
            sessions: None,
            custom_fields: Some(vec!["Acme Ltd".into()]),
            checked_in: None,
            check_in_time: None,
            extra: Default::default(),
        };
        match self {
            EdgeCase::LongestName => {
                g.first_name = "Maximiliana-Alexandrina Josephine".into();
                g.last_name = "Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh".into();
                g.other_names = Some("Bartholomew Constantine Percival".into());
                g.email = "maximiliana.wolfeschlegelsteinhausenbergerdorff@subdomain.example.co.uk"
                    .into();
            }
            EdgeCase::NonAscii => {
                g.first_name = "Zoë".into();
                g.last_name = "Łukasiewicz-Ångström 山田".into();
                g.email = "zoe.lukasiewicz@example.com".into();
                g.additional_info = Some("Café crème ☕ — naïve".into());
            }
            EdgeCase::EmptyOptional => {
                g.other_names = None;
                g.plus_ones = None;
                g.additional_info = None;
                g.tags = None;
                g.tickets = None;
                g.sessions = None;
                g.custom_fields = None;
            }
            EdgeCase::ZeroPlusOnes => g.plus_ones = Some(0),
            EdgeCase::SeveralTags => {
                g.tags = Some("VIP, Speaker, Press, Early bird".into());
                g.tickets = Some("Full pass, Workshop A".into());
                g.sessions = Some("Keynote, Panel 2, Closing".into());
            }
            EdgeCase::HtmlLooking => {
                g.first_name = "<script>document.title='pwned-guest'</script>".into();
                g.last_name = "<img src=x onerror=\"document.title='pwned-guest'\">".into();
                g.additional_info = Some("<a href=\"javascript:alert(1)\">click</a>".into());
                g.tags = Some("<b>bold</b>, \"quoted\" & 'single'".into());
            }
        }
        g
    }
}

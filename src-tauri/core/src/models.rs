//! The API's objects as the guide shows them: camelCase on the wire, unknown fields tolerated
//! **and kept** in `extra`, so that a PUT sends back what this version does not know.
//!
//! Where the guide is silent about a field (check-in state, custom fields), the choice is written
//! here and implemented the same way by the sandbox.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use crate::secrets::Secret;

/// Fields this version does not know, kept verbatim.
pub type Extra = Map<String, Value>;

/// An attendee ("guest" in the API).
///
/// Guide-named fields: id, eventId, firstName, lastName, email, tags. The merge tokens imply
/// otherNames ({{othernames}}), barcode, plusOnes, additionalInfo ({{guestnotes}}), tickets,
/// sessions and custom fields ({{V_1}}…). Our choices where the guide is silent:
/// `customFields` is an array whose element n-1 is {{V_n}}; `checkedIn` is a bool plus
/// `checkInTime` (UTC). Tag groups (`tags`, `tickets`, `sessions`) are comma-separated strings
/// on the wire (the guide's example is `"tags": "VIP"`); an array is accepted and kept as one.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct Guest {
    pub id: Uuid,
    pub event_id: Uuid,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_names: Option<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plus_ones: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<String>,
    #[serde(
        default,
        deserialize_with = "tag_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub tags: Option<String>,
    #[serde(
        default,
        deserialize_with = "tag_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub tickets: Option<String>,
    #[serde(
        default,
        deserialize_with = "tag_list",
        skip_serializing_if = "Option::is_none"
    )]
    pub sessions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in_time: Option<DateTime<Utc>>,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// Accepts `"VIP"`, `"VIP,Speaker"`, `["VIP","Speaker"]` or null.
fn tag_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
        Some(other) => Some(other.to_string()),
    })
}

/// Body of `POST /api/guest`: a guest plus the optional atomic-send fields.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct GuestCreate {
    #[serde(flatten)]
    pub guest: Guest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comms_template_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// An event. `startTime`/`endTime` carry no offset: they are the event's local time in
/// `timeZoneId` (an IANA zone), as in the guide's examples.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Absent on create: the server assigns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub title: String,
    #[ts(type = "string")]
    pub start_time: NaiveDateTime,
    #[ts(type = "string")]
    pub end_time: NaiveDateTime,
    pub time_zone_id: String,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// A stored email template as the API returns it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Template {
    pub id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub subject: Option<String>,
    pub html: String,
    #[serde(default)]
    pub from_address: Option<String>,
    #[serde(default)]
    pub from_name: Option<String>,
    #[serde(default)]
    pub reply_to: Option<String>,
    #[serde(default)]
    pub attach_pdf: bool,
    #[serde(default)]
    pub email_body: Option<String>,
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// Body of `POST /api/comms/template`, with the guide's partial-update rules in its types:
/// for `fromAddress`, `fromName`, `replyTo`, `emailBody`: `None` = omit (keep), `Some("")` =
/// clear, `Some(v)` = set. `attachPdf`: `None` = keep. `name`, `subject`, `html` are always sent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateUpsert {
    pub id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub subject: String,
    pub html: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attach_pdf: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_body: Option<String>,
}

/// Body of `POST /api/comms/send`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct SendRequest {
    pub attendee_id: Uuid,
    pub template_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// Response of `POST /api/comms/send`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct SendResponse {
    pub attendee_invitation_id: Uuid,
    pub status: String,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// `GET /api/comms/webhook` (no secret).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct WebhookConfig {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// `POST /api/comms/webhook` and `/rotate`: the secret is shown once. Never serialized: it goes
/// straight to the keychain.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSecretResponse {
    #[serde(default)]
    pub url: Option<String>,
    pub secret: Secret,
}

/// A delivery event's JSON body (the guide's "Body shape").
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    #[serde(default)]
    pub attendee_id: Option<Uuid>,
    #[serde(default)]
    pub template_id: Option<Uuid>,
    #[serde(default)]
    pub attendee_invitation_id: Option<Uuid>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// One DNS record Qflow asks the user to publish.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct DnsRecord {
    #[serde(rename = "type")]
    pub record_type: String,
    pub host: String,
    pub data: String,
    #[serde(default)]
    pub valid: bool,
}

/// `GET/POST /api/comms/domain`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    #[ts(type = "number")]
    pub id: i64,
    pub domain: String,
    #[serde(default)]
    pub verified: bool,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub dns_records: Vec<DnsRecord>,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// One entry of `reasons` from `/domain/verify`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReason {
    pub name: String,
    #[serde(default)]
    pub valid: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/comms/domain/verify` (and activate/deactivate, which answer the same flags).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
pub struct DomainStatus {
    #[serde(default)]
    pub verified: bool,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub reasons: Vec<VerifyReason>,
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Extra,
}

/// The token endpoint's answer. Tokens are `Secret`s from the moment they are parsed.
#[derive(Deserialize, Debug)]
pub struct TokenResponse {
    pub access_token: Secret,
    #[serde(default = "default_expires_in")]
    pub expires_in: u64,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    #[serde(default)]
    pub scope: Option<String>,
}

fn default_expires_in() -> u64 {
    3600
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn guest_keeps_unknown_fields_on_round_trip() {
        let wire = json!({
            "id": "f9804be1-4d31-4dc2-917c-ff3e9b6a9a41",
            "eventId": "00890adf-1a80-4b1f-87ce-620feb9bec12",
            "firstName": "Zoë", "lastName": "Ødegård", "email": "z@example.com",
            "tags": ["VIP", "Speaker"],
            "seatNumber": "A12", "loyalty": {"tier": 3}
        });
        let g: Guest = serde_json::from_value(wire).unwrap();
        assert_eq!(g.tags.as_deref(), Some("VIP,Speaker"));
        let back = serde_json::to_value(&g).unwrap();
        assert_eq!(back["seatNumber"], "A12");
        assert_eq!(back["loyalty"]["tier"], 3);
    }

    #[test]
    fn template_upsert_omits_untouched_and_sends_cleared_as_empty() {
        let u = TemplateUpsert {
            id: Uuid::nil(),
            event_id: Uuid::nil(),
            name: "n".into(),
            subject: "s".into(),
            html: "<p>h</p>".into(),
            from_address: None,
            from_name: Some(String::new()),
            reply_to: Some("r@x.com".into()),
            attach_pdf: None,
            email_body: None,
        };
        let v = serde_json::to_value(&u).unwrap();
        assert!(v.get("fromAddress").is_none());
        assert_eq!(v["fromName"], "");
        assert_eq!(v["replyTo"], "r@x.com");
        assert!(v.get("attachPdf").is_none());
    }
}

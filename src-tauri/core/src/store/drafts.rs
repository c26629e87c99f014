//! Template drafts (unsaved editor state, one per template id) and saved versions (history).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use super::{db, parse_ts, parse_uuid, ts, Store};
use crate::{Error, Result};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Draft {
    pub template_id: Uuid,
    #[ts(type = "unknown")]
    pub json: Value,
    pub saved_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateVersion {
    #[ts(type = "number")]
    pub id: i64,
    pub template_id: Uuid,
    pub saved_at: DateTime<Utc>,
    #[ts(type = "unknown")]
    pub json: Value,
}

fn json_of(text: &str) -> rusqlite::Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn draft(r: &Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        template_id: parse_uuid(r.get(0)?).unwrap_or_default(),
        json: json_of(&r.get::<_, String>(1)?)?,
        saved_at: parse_ts(&r.get::<_, String>(2)?),
    })
}

fn version(r: &Row<'_>) -> rusqlite::Result<TemplateVersion> {
    Ok(TemplateVersion {
        id: r.get(0)?,
        template_id: parse_uuid(r.get(1)?).unwrap_or_default(),
        saved_at: parse_ts(&r.get::<_, String>(2)?),
        json: json_of(&r.get::<_, String>(3)?)?,
    })
}

fn to_text(v: &Value) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Storage(e.to_string()))
}

impl Store {
    /// Save (replace) the draft of a template.
    pub fn draft_save(&self, template_id: Uuid, json: &Value) -> Result<Draft> {
        let now = Utc::now();
        self.conn()
            .execute(
                "INSERT INTO drafts (template_id, json, saved_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(template_id) DO UPDATE SET json = excluded.json, saved_at = excluded.saved_at",
                params![template_id.to_string(), to_text(json)?, ts(now)],
            )
            .map_err(db)?;
        Ok(Draft {
            template_id,
            json: json.clone(),
            saved_at: parse_ts(&ts(now)),
        })
    }

    pub fn draft(&self, template_id: Uuid) -> Result<Option<Draft>> {
        self.conn()
            .query_row(
                "SELECT template_id, json, saved_at FROM drafts WHERE template_id = ?1",
                [template_id.to_string()],
                draft,
            )
            .optional()
            .map_err(db)
    }

    /// Newest first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let c = self.conn();
        let mut st = c
            .prepare("SELECT template_id, json, saved_at FROM drafts ORDER BY saved_at DESC")
            .map_err(db)?;
        let rows = st.query_map([], draft).map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    pub fn draft_delete(&self, template_id: Uuid) -> Result<bool> {
        Ok(self
            .conn()
            .execute(
                "DELETE FROM drafts WHERE template_id = ?1",
                [template_id.to_string()],
            )
            .map_err(db)?
            > 0)
    }

    /// Record a saved version. If it equals the latest version, that one is returned instead of
    /// storing a duplicate.
    pub fn template_version_save(
        &self,
        template_id: Uuid,
        json: &Value,
    ) -> Result<TemplateVersion> {
        let text = to_text(json)?;
        let c = self.conn();
        let latest = c
            .query_row(
                "SELECT id, template_id, saved_at, json FROM template_versions WHERE template_id = ?1 ORDER BY id DESC LIMIT 1",
                [template_id.to_string()],
                version,
            )
            .optional()
            .map_err(db)?;
        if let Some(v) = latest.filter(|v| &v.json == json) {
            return Ok(v);
        }
        let now = Utc::now();
        c.execute(
            "INSERT INTO template_versions (template_id, saved_at, json) VALUES (?1, ?2, ?3)",
            params![template_id.to_string(), ts(now), text],
        )
        .map_err(db)?;
        Ok(TemplateVersion {
            id: c.last_insert_rowid(),
            template_id,
            saved_at: parse_ts(&ts(now)),
            json: json.clone(),
        })
    }

    /// Newest first.
    pub fn template_versions(&self, template_id: Uuid) -> Result<Vec<TemplateVersion>> {
        let c = self.conn();
        let mut st = c
            .prepare("SELECT id, template_id, saved_at, json FROM template_versions WHERE template_id = ?1 ORDER BY id DESC")
            .map_err(db)?;
        let rows = st
            .query_map([template_id.to_string()], version)
            .map_err(db)?;
        rows.collect::<rusqlite::Result<_>>().map_err(db)
    }

    pub fn template_version(&self, id: i64) -> Result<Option<TemplateVersion>> {
        self.conn()
            .query_row(
                "SELECT id, template_id, saved_at, json FROM template_versions WHERE id = ?1",
                [id],
                version,
            )
            .optional()
            .map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drafts_replace_and_delete() {
        let s = Store::open_in_memory().unwrap();
        let t = Uuid::new_v4();
        assert!(s.draft(t).unwrap().is_none());
        s.draft_save(t, &json!({"html": "<p>1</p>"})).unwrap();
        s.draft_save(t, &json!({"html": "<p>2</p>", "unknownField": [1, 2]}))
            .unwrap();
        let d = s.draft(t).unwrap().unwrap();
        assert_eq!(d.json["html"], "<p>2</p>");
        assert_eq!(d.json["unknownField"][1], 2);
        assert_eq!(s.drafts().unwrap().len(), 1);
        assert!(s.draft_delete(t).unwrap());
        assert!(!s.draft_delete(t).unwrap());
    }

    #[test]
    fn versions_newest_first_without_duplicates() {
        let s = Store::open_in_memory().unwrap();
        let t = Uuid::new_v4();
        let v1 = s
            .template_version_save(t, &json!({"subject": "a"}))
            .unwrap();
        let again = s
            .template_version_save(t, &json!({"subject": "a"}))
            .unwrap();
        assert_eq!(again.id, v1.id);
        let v2 = s
            .template_version_save(t, &json!({"subject": "b"}))
            .unwrap();
        let all = s.template_versions(t).unwrap();
        assert_eq!(all.iter().map(|v| v.id).collect::<Vec<_>>(), [v2.id, v1.id]);
        assert_eq!(
            s.template_version(v1.id).unwrap().unwrap().json["subject"],
            "a"
        );
        assert!(s.template_versions(Uuid::new_v4()).unwrap().is_empty());
    }
}

//! Users' inbox entries (migration `0004_inbox`): one row per entry, indexed by user.

use patungan_core::inbox::InboxEntry;
use patungan_core::{SessionId, UserId};
use tokio_postgres::Row;

use super::Table;
use crate::codec::{get, get_json, Jsonb, Param};
use patungan_ports::store::StoreError;

pub(crate) const INBOX: Table = Table {
    name: "user_inbox",
    columns: "id, user_id, session_id, kind, body, created_at, read_at, delivered_at",
    key: "id",
};

pub(crate) fn encode_inbox(e: &InboxEntry) -> Result<Vec<Param>, StoreError> {
    Ok(vec![
        Box::new(e.id),
        Box::new(*e.user.as_uuid()),
        Box::new(*e.session.as_uuid()),
        Box::new(e.notification.kind().to_owned()),
        Box::new(Jsonb::encode(&e.notification, "notification")?),
        Box::new(e.created_at),
        Box::new(e.read_at),
        Box::new(e.delivered_at),
    ])
}

pub(crate) fn decode_inbox(row: &Row) -> Result<InboxEntry, StoreError> {
    const W: &str = "inbox entry";
    Ok(InboxEntry {
        id: get(row, 0, W)?,
        user: UserId::from_uuid(get(row, 1, W)?),
        session: SessionId::from_uuid(get(row, 2, W)?),
        notification: get_json(row, 4, W)?,
        created_at: get(row, 5, W)?,
        read_at: get(row, 6, W)?,
        delivered_at: get(row, 7, W)?,
    })
}

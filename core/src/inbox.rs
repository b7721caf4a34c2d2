//! Users' inboxes (docs/domain.md §11): each `notify` effect of a session becomes one
//! entry per user it concerns, kept until read and delivered (at least once) through
//! a notification port. Entry ids are derived from the effect's key and the user,
//! so replaying an effect or a delivery never makes a second entry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{SessionId, UserId};
use crate::ledger::derive_uuid;
use crate::session::{Notification, ParticipantStatus, SessionState};

/// The purpose number of inbox entry ids ("inbox" in ASCII).
const INBOX: u64 = 0x69_6e62_6f78;

/// Who a notification concerns: the payer of a payment; for news of the whole
/// session, every user who joined it and did not leave (once each, in joining order).
pub fn recipients(state: &SessionState, notification: &Notification) -> Vec<UserId> {
    if let Notification::PaymentReceived { user, .. } = notification {
        return vec![*user];
    }
    let mut users: Vec<UserId> = Vec::new();
    for p in state.participants() {
        if p.status != ParticipantStatus::Left && !users.contains(&p.user) {
            users.push(p.user);
        }
    }
    users
}

/// The id of the entry of notification `key` in `user`'s inbox.
pub fn entry_id(key: Uuid, user: UserId) -> Uuid {
    let user = user.as_uuid().as_u128().rotate_left(64);
    derive_uuid(Uuid::from_u128(key.as_u128() ^ user), INBOX)
}

/// One notification in one user's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    /// Derived from the notification's key and the user ([`entry_id`]); delivery
    /// deduplicates by it.
    pub id: Uuid,
    /// Whose inbox.
    pub user: UserId,
    /// The session it is about.
    pub session: SessionId,
    /// What to tell.
    pub notification: Notification,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When the user marked it read.
    pub read_at: Option<DateTime<Utc>>,
    /// When the notification port first took it.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl InboxEntry {
    /// The entries notification `key` of `session` makes, one per user of
    /// `recipients`, unread and not yet delivered.
    pub fn for_recipients(
        key: Uuid,
        session: SessionId,
        notification: &Notification,
        recipients: &[UserId],
        now: DateTime<Utc>,
    ) -> Vec<InboxEntry> {
        recipients
            .iter()
            .map(|&user| InboxEntry {
                id: entry_id(key, user),
                user,
                session,
                notification: notification.clone(),
                created_at: now,
                read_at: None,
                delivered_at: None,
            })
            .collect()
    }

    /// Marks it read at `now`; returns whether that changed it (reading it again
    /// keeps the first time).
    pub fn mark_read(&mut self, now: DateTime<Utc>) -> bool {
        if self.read_at.is_some() {
            return false;
        }
        self.read_at = Some(now);
        true
    }

    /// Records that the notification port took it at `now`; returns whether that
    /// changed it (a repeated delivery keeps the first time).
    pub fn mark_delivered(&mut self, now: DateTime<Utc>) -> bool {
        if self.delivered_at.is_some() {
            return false;
        }
        self.delivered_at = Some(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_differ_per_user_and_per_key_and_repeat_for_the_same_pair() {
        let (a, b) = (UserId::from_u128(1), UserId::from_u128(2));
        let (k1, k2) = (Uuid::from_u128(10), Uuid::from_u128(11));
        assert_eq!(entry_id(k1, a), entry_id(k1, a));
        assert_ne!(entry_id(k1, a), entry_id(k1, b));
        assert_ne!(entry_id(k1, a), entry_id(k2, a));
    }

    #[test]
    fn reading_and_delivering_again_keep_the_first_time() {
        let t = |s| DateTime::<Utc>::from_timestamp(s, 0).unwrap_or_default();
        let notification = Notification::SessionCancelled;
        let mut entry = InboxEntry::for_recipients(
            Uuid::from_u128(1),
            SessionId::from_u128(2),
            &notification,
            &[UserId::from_u128(3)],
            t(0),
        )
        .remove(0);
        assert!(entry.mark_read(t(5)) && !entry.mark_read(t(9)));
        assert!(entry.mark_delivered(t(6)) && !entry.mark_delivered(t(8)));
        assert_eq!(
            (entry.read_at, entry.delivered_at),
            (Some(t(5)), Some(t(6)))
        );
    }
}

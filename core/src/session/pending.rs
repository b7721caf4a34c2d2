//! The index of pending (unpaid) participants: when each payment window closes,
//! and how many unpaid joins each user holds (docs/domain.md §8, payment window).
//!
//! Derived data like the other aggregates: never serialised, rebuilt on load.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::ids::UserId;
use crate::ledger::hashing::IdBuildHasher;
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::participant::Participant;
use crate::session::state::SessionState;
use crate::session::totals::variant_slot;

/// Pending participants by window end, and per user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PendingIndex {
    /// `(invoice_expires_at, participant index)`, soonest first.
    by_deadline: BTreeSet<(DateTime<Utc>, usize)>,
    /// Unpaid joins per user (users with none are absent).
    per_user: HashMap<UserId, u32, IdBuildHasher>,
}

impl PendingIndex {
    /// Pending participants.
    pub(crate) fn len(&self) -> u64 {
        self.by_deadline.len() as u64
    }

    /// Participant `index` (`p`) became pending.
    pub(crate) fn insert(&mut self, p: &Participant, index: usize) {
        if self.by_deadline.insert((p.invoice_expires_at, index)) {
            *self.per_user.entry(p.user).or_insert(0) += 1;
        }
    }

    /// Participant `index` (`p`) stopped being pending (paid, failed, expired, left).
    pub(crate) fn remove(&mut self, p: &Participant, index: usize) {
        if self.by_deadline.remove(&(p.invoice_expires_at, index)) {
            if let Some(n) = self.per_user.get_mut(&p.user) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.per_user.remove(&p.user);
                }
            }
        }
    }

    /// Nobody is pending any more (settlement, cancellation).
    pub(crate) fn clear(&mut self) {
        self.by_deadline.clear();
        self.per_user.clear();
    }

    /// Unpaid joins `user` holds.
    pub(crate) fn of_user(&self, user: UserId) -> u32 {
        self.per_user.get(&user).copied().unwrap_or(0)
    }

    /// The soonest window end.
    pub(crate) fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.by_deadline.first().map(|&(at, _)| at)
    }

    /// Indexes of the participants whose window has closed at `now`, soonest first.
    pub(crate) fn closed_at(&self, now: DateTime<Utc>) -> impl Iterator<Item = usize> + '_ {
        self.by_deadline
            .iter()
            .take_while(move |&&(at, _)| at <= now)
            .map(|&(_, index)| index)
    }
}

impl SessionState {
    /// Indexes of the pending participants whose payment window closed at `now`.
    pub(crate) fn windows_closed_at(&self, now: DateTime<Utc>) -> Vec<usize> {
        self.totals.pending.closed_at(now).collect()
    }

    /// How many of the participants at `indexes` belong to `user`.
    pub(crate) fn count_of_user(&self, indexes: &[usize], user: UserId) -> u32 {
        let mine = indexes
            .iter()
            .filter_map(|&i| self.participants.get(i))
            .filter(|p| p.user == user)
            .count();
        u32::try_from(mine).unwrap_or(u32::MAX)
    }

    /// Units held per variant once the participants at `indexes` let go of theirs.
    pub(crate) fn held_without(&self, indexes: &[usize]) -> Result<Cow<'_, [u64]>, SessionError> {
        if indexes.is_empty() {
            return Ok(Cow::Borrowed(&self.totals.held));
        }
        let mut held = self.totals.held.clone();
        for p in indexes.iter().filter_map(|&i| self.participants.get(i)) {
            if let Some(h) = variant_slot(&self.config, p)?.and_then(|s| held.get_mut(s)) {
                *h = h.saturating_sub(p.quantity);
            }
        }
        Ok(Cow::Owned(held))
    }

    /// A [`Event::PaymentWindowClosed`] for each participant at `indexes`.
    pub(crate) fn window_events(&self, indexes: &[usize], now: DateTime<Utc>) -> Vec<Event> {
        indexes
            .iter()
            .filter_map(|&i| self.participants.get(i))
            .map(|p| Event::PaymentWindowClosed {
                participant: p.id,
                payment: p.payment,
                at: now,
            })
            .collect()
    }
}

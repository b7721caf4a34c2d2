//! The [`Session`] state machine: inputs in, events and effects out, no I/O.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::grosir::Availability;
use crate::ids::{SessionId, VariantId};
use crate::session::config::SessionConfig;
use crate::session::effect::Effect;
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::state::{SessionState, SessionStatus};
use crate::tier::Preview;

/// What an accepted input did.
///
/// Inputs are idempotent: replaying one that was already processed (the same
/// webhook twice, a timer that has nothing due, a join retried with the same
/// participant id and the same details) returns `Ok(Outcome::Unchanged)` and
/// queues no event and no effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "SessionOutcome")
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// New events (and possibly effects) were queued.
    Applied,
    /// Nothing new: the input was already reflected in the state, or nothing was due.
    Unchanged,
}

/// A group-buying session as a sans-IO state machine (docs/domain.md §5), in the style
/// of quinn-proto: the host feeds inputs (`join`, payment results, `leave`,
/// `handle_timeout`, `stock_received`, `cancel`), then drains the queued
/// [`Event`]s (to persist) and [`Effect`]s (to perform) and arms a timer for
/// [`Session::poll_timeout`]. Time, ids and stock levels are always inputs.
///
/// Every input runs as *validate → produce events → for each event: derive its
/// effects, apply it*. Replaying the persisted events with [`Session::replay`]
/// runs the same `apply`, so it rebuilds exactly the live state.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use patungan_core::session::{JoinRequest, Session, SessionConfig, SessionStatus};
/// use patungan_core::{Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId};
///
/// let ladder = TierLadder::with_default_thresholds(
///     Money::idr(200_000),
///     [Money::idr(180_000), Money::idr(165_000), Money::idr(155_000), Money::idr(150_000)],
/// )?;
/// let start = Utc.with_ymd_and_hms(2025, 1, 1, 1, 0, 0).unwrap();
/// let end = Utc.with_ymd_and_hms(2025, 1, 1, 17, 0, 0).unwrap(); // midnight in Jakarta
/// let config = SessionConfig::new(ProductId::from_u128(1), Moq::new(100)?, ladder, start, end, Money::idr(500_000));
/// let mut session = Session::create(SessionId::from_u128(1), config, start)?;
///
/// let receipt = session.join(&JoinRequest {
///     participant: ParticipantId::from_u128(10),
///     user: UserId::from_u128(20),
///     payment: PaymentId::from_u128(30),
///     variant: None,
///     quantity: 20,
///     expected_unit_price: Money::idr(200_000),
///     courier_price: Money::idr(15_000),
/// }, start)?;
/// session.payment_confirmed(PaymentId::from_u128(30), receipt.cost.total, start)?;
///
/// // The bot check tops the 20 paid units up to 25 % of the MOQ …
/// let check = session.poll_timeout().unwrap();
/// session.handle_timeout(check, &[])?;
/// assert_eq!(session.state().bot_quantity(), 5);
/// // … so the session succeeds at the 25 % rung at `end`.
/// session.handle_timeout(end, &[])?;
/// assert_eq!(session.status(), SessionStatus::Confirmed);
/// let kinds: Vec<&str> = session.drain_effects().iter().map(|e| e.kind()).collect();
/// assert!(kinds.contains(&"credit_cashback") && kinds.contains(&"renew_session"));
///
/// // The persisted events rebuild the same state.
/// let log = session.drain_events();
/// assert_eq!(Session::replay(&log)?.state(), session.state());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    state: SessionState,
    #[serde(default)]
    pending_events: VecDeque<Event>,
    #[serde(default)]
    pending_effects: VecDeque<Effect>,
}

impl Session {
    /// Creates an open session with a caller-chosen id at `now`. Queues the
    /// [`Event::Created`] that starts its log. The config is validated
    /// ([`SessionConfig::validate_at`]: its dates within 5 years of `now`) and `now`
    /// must be before `end`.
    pub fn create(
        id: SessionId,
        config: SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<Session, SessionError> {
        config.validate_at(now)?;
        if now >= config.end {
            return Err(SessionError::CreatedAfterEnd {
                now,
                end: config.end,
            });
        }
        let created = Event::Created {
            session: id,
            config: config.clone(),
            at: now,
        };
        Ok(Session {
            state: SessionState::new(id, config, now),
            pending_events: VecDeque::from([created]),
            pending_effects: VecDeque::new(),
        })
    }

    /// Rebuilds a session from its event log (first event: [`Event::Created`]).
    /// No effects are produced: they were performed when the events happened.
    pub fn replay<'a, I>(events: I) -> Result<Session, SessionError>
    where
        I: IntoIterator<Item = &'a Event>,
    {
        let mut events = events.into_iter();
        let state = match events.next() {
            Some(Event::Created {
                session,
                config,
                at,
            }) => {
                config.validate()?;
                SessionState::new(*session, config.clone(), *at)
            }
            _ => {
                return Err(SessionError::InconsistentEvent {
                    event: "created",
                    reason: "a log must start with the created event",
                })
            }
        };
        let mut session = Session {
            state,
            pending_events: VecDeque::new(),
            pending_effects: VecDeque::new(),
        };
        for event in events {
            session.apply(event)?;
        }
        Ok(session)
    }

    /// Applies one stored event to the state (event sourcing); no effects are
    /// produced. An event that does not fit the state is an error and changes nothing.
    pub fn apply(&mut self, event: &Event) -> Result<(), SessionError> {
        self.state.apply(event)
    }

    /// Derives each event's effects, applies it, and queues both.
    ///
    /// Every input validates before building its events, so deriving and
    /// applying them cannot fail except on a broken internal invariant; even
    /// then the events already applied stay queued, so the log always matches
    /// the state.
    pub(crate) fn commit<I>(&mut self, events: I) -> Result<Outcome, SessionError>
    where
        I: IntoIterator<Item = Event>,
    {
        let mut outcome = Outcome::Unchanged;
        for event in events {
            let before = self.pending_effects.len();
            let applied = self
                .state
                .derive_effects(&event, &mut self.pending_effects)
                .and_then(|()| self.state.apply(&event));
            if let Err(e) = applied {
                self.pending_effects.truncate(before);
                return Err(e);
            }
            self.pending_events.push_back(event);
            outcome = Outcome::Applied;
        }
        Ok(outcome)
    }

    /// The next queued event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.pending_events.pop_front()
    }

    /// The next queued effect, oldest first.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.pending_effects.pop_front()
    }

    /// Every queued event, oldest first.
    pub fn drain_events(&mut self) -> Vec<Event> {
        Vec::from(std::mem::take(&mut self.pending_events))
    }

    /// Every queued effect, oldest first.
    pub fn drain_effects(&mut self) -> Vec<Effect> {
        Vec::from(std::mem::take(&mut self.pending_effects))
    }

    /// Queued events not yet polled.
    pub fn pending_events(&self) -> &VecDeque<Event> {
        &self.pending_events
    }

    /// Queued effects not yet polled.
    pub fn pending_effects(&self) -> &VecDeque<Effect> {
        &self.pending_effects
    }

    /// The next instant at which [`Session::handle_timeout`] has work: the soonest
    /// closing payment window of a pending join, the bot check at `end − window`
    /// (while it has not run and the bot is enabled), and `end`, whichever comes
    /// first. `None` once the session has settled or been cancelled.
    pub fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        if self.state.status != SessionStatus::Open {
            return None;
        }
        let config = &self.state.config;
        let mut next = config.end;
        if config.bot.enabled() && !self.state.bot_window_checked {
            next = next.min(config.bot_check_at());
        }
        if let Some(window) = self.state.totals.pending.next_deadline() {
            next = next.min(window);
        }
        Some(next)
    }

    /// Makes room for `additional` more participants (the participant list and
    /// both id indexes) so that joins do not pay for growing them. A performance
    /// hint for hosts expecting a large session; the state is unchanged.
    pub fn reserve(&mut self, additional: usize) {
        self.state.participants.reserve(additional);
        self.state.by_id.reserve(additional);
        self.state.by_payment.reserve(additional);
    }

    /// The state.
    pub fn state(&self) -> &SessionState {
        &self.state
    }

    /// The session's id.
    pub fn id(&self) -> SessionId {
        self.state.id
    }

    /// The lifecycle status.
    pub fn status(&self) -> SessionStatus {
        self.state.status
    }

    /// The tier preview at the current fill plus `extra` units. O(1) in participants.
    pub fn preview(&self, extra: u64) -> Result<Preview, SessionError> {
        self.state.preview(extra)
    }

    /// The grosir availability of `variant` (`None` without a bundle). O(variants).
    pub fn availability(&self, variant: VariantId) -> Result<Option<Availability>, SessionError> {
        self.state.availability(variant)
    }
}

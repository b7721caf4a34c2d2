//! The session state machine (docs/domain.md §5). Inputs take UUID strings, `Date`s or
//! RFC 3339 strings, money objects and records; drained events and effects are
//! lazy lists whose items (plain objects in the core's JSON form, discriminated by
//! `type`) are built when read.

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Null, Unknown};
use napi::{Either, Env};
use napi_derive::napi;
use patungan_core::session as core;

use crate::compact::{effect_slice, EffectSlice};
use crate::errors::{invalid_arg, IntoJsResult, Result};
use crate::ids::{id, string};
use crate::json::{core_value, js, parse, text};
use crate::money::Money;
use crate::numbers::{number, quantity};
use crate::tier::{nullable, Preview};
use crate::time::{utc, Instant};

/// The snake_case name of an outcome.
pub fn outcome(o: core::Outcome) -> &'static str {
    match o {
        core::Outcome::Applied => "applied",
        core::Outcome::Unchanged => "unchanged",
    }
}

fn at(len: usize, index: f64) -> Result<usize> {
    let i = if index < 0.0 {
        len as f64 + index
    } else {
        index
    };
    if i.fract() == 0.0 && i >= 0.0 && i < len as f64 {
        Ok(i as usize)
    } else {
        Err(invalid_arg(format!(
            "index {index} is out of range (length {len})"
        )))
    }
}

macro_rules! record_list {
    ($(#[$doc:meta])* $list:ident, $ty:ty, $ts:literal) => {
        $(#[$doc])*
        #[napi]
        pub struct $list {
            items: Vec<$ty>,
        }

        #[napi]
        impl $list {
            /// How many items.
            #[napi(getter)]
            pub fn length(&self) -> u32 {
                self.items.len() as u32
            }

            /// The item at `index` (negative counts from the end).
            #[napi(ts_return_type = $ts)]
            pub fn at<'env>(&self, env: Env, index: f64) -> Result<Unknown<'env>> {
                match self.items.get(at(self.items.len(), index)?) {
                    Some(item) => js(&env, item),
                    None => Err(invalid_arg(format!("index {index} is out of range"))),
                }
            }

            /// The `type` of every item, in order (no objects are built).
            #[napi]
            pub fn kinds(&self) -> Vec<&'static str> {
                self.items.iter().map(|x| x.kind()).collect()
            }

            /// The JSON text of the items `start..end` (clamped to the list); the
            /// iterator and `toArray()` (index.js) parse it with `JSON.parse`, which
            /// builds plain objects faster than one native call per item.
            #[napi]
            pub fn slice_json(&self, start: u32, end: u32) -> Result<String> {
                let len = self.items.len();
                let end = (end as usize).min(len);
                let start = (start as usize).min(end);
                text(&self.items.get(start..end).unwrap_or_default())
            }

            /// The items' JSON text (a JSON array, the core's serde form).
            #[napi]
            pub fn to_json(&self) -> Result<String> {
                text(&self.items)
            }
        }
    };
}

record_list!(
    /// Events drained from a session, oldest first (iterable; items are `Event` objects).
    EventList,
    core::Event,
    "Event"
);
record_list!(
    /// Effects drained from a session, oldest first (iterable; items are `Effect` objects).
    EffectList,
    core::Effect,
    "Effect"
);

#[napi]
impl EffectList {
    /// The items `start..end` (clamped to the list) in the compact form that the
    /// iterator and `toArray()` (index.js) turn into plain objects: the
    /// per-participant effects of a settlement cross as numbers and shared strings
    /// rather than JSON text.
    #[napi]
    pub fn slice_compact(&self, start: u32, end: u32) -> Result<EffectSlice> {
        let len = self.items.len();
        let end = (end as usize).min(len);
        let start = (start as usize).min(end);
        effect_slice(self.items.get(start..end).unwrap_or_default())
    }
}

/// A group-buying session as a sans-IO state machine: feed inputs, drain the
/// queued events (to persist) and effects (to perform), call `handleTimeout` at
/// `pollTimeout()`. A refused input throws a `SessionError` (or the subclass of its
/// code) and changes nothing.
#[napi]
pub struct Session {
    inner: core::Session,
}

#[napi]
impl Session {
    /// Creates an open session at `now`; queues its `created` event.
    #[napi(
        factory,
        ts_args_type = "id: string, config: SessionConfig, now: Date | string"
    )]
    pub fn create(env: Env, id: String, config: Unknown<'_>, now: Instant) -> Result<Self> {
        let config: core::SessionConfig = core_value(&env, config)?;
        let inner = core::Session::create(self::id(&id)?, config, utc(now)?).js()?;
        Ok(Session { inner })
    }

    /// Loads a session from its JSON form (`toJson`): state and queued output.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(Session {
            inner: parse(&json)?,
        })
    }

    /// The whole session as JSON: state, queued events and queued effects.
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        text(&self.inner)
    }

    /// Rebuilds a session from its event log (an array of events, an `EventList`, or
    /// its JSON text).
    #[napi(factory, ts_args_type = "events: Event[] | EventList | string")]
    pub fn replay(env: Env, events: Unknown<'_>) -> Result<Self> {
        let events: Vec<core::Event> = core_value(&env, events)?;
        let inner = core::Session::replay(&events).js()?;
        Ok(Session { inner })
    }

    /// Applies one stored event (event sourcing); no effects are produced.
    #[napi(ts_args_type = "event: Event")]
    pub fn apply(&mut self, env: Env, event: Unknown<'_>) -> Result<()> {
        let event: core::Event = core_value(&env, event)?;
        self.inner.apply(&event).js()
    }

    /// A shopper joins: the receipt carries the amount due and the invoice expiry.
    #[napi(
        ts_args_type = "request: JoinRequest, now: Date | string",
        ts_return_type = "JoinReceipt"
    )]
    pub fn join<'env>(
        &mut self,
        env: Env,
        request: Unknown<'_>,
        now: Instant,
    ) -> Result<Unknown<'env>> {
        let request: core::JoinRequest = core_value(&env, request)?;
        let receipt = self.inner.join(&request, utc(now)?).js()?;
        js(&env, &receipt)
    }

    /// The gateway reports `payment` paid with `amount`.
    #[napi(ts_return_type = "SessionOutcome")]
    pub fn payment_confirmed(
        &mut self,
        payment: String,
        amount: Money,
        now: Instant,
    ) -> Result<&'static str> {
        let amount = amount.to_core()?;
        let now = utc(now)?;
        self.inner
            .payment_confirmed(id(&payment)?, amount, now)
            .js()
            .map(outcome)
    }

    /// The gateway reports `payment` failed.
    #[napi(ts_return_type = "SessionOutcome")]
    pub fn payment_failed(&mut self, payment: String, now: Instant) -> Result<&'static str> {
        let now = utc(now)?;
        self.inner
            .payment_failed(id(&payment)?, now)
            .js()
            .map(outcome)
    }

    /// The gateway reports the invoice of `payment` expired.
    #[napi(ts_return_type = "SessionOutcome")]
    pub fn payment_expired(&mut self, payment: String, now: Instant) -> Result<&'static str> {
        let now = utc(now)?;
        self.inner
            .payment_expired(id(&payment)?, now)
            .js()
            .map(outcome)
    }

    /// A pending or paid participant leaves.
    #[napi(ts_return_type = "SessionOutcome")]
    pub fn leave(&mut self, participant: String, now: Instant) -> Result<&'static str> {
        let now = utc(now)?;
        self.inner.leave(id(&participant)?, now).js().map(outcome)
    }

    /// Runs what is due at `now`: the bot check, then settlement at `end` (with the
    /// warehouse `stock`, read at settlement).
    #[napi(
        ts_args_type = "now: Date | string, stock?: StockLevel[]",
        ts_return_type = "SessionOutcome"
    )]
    pub fn handle_timeout(
        &mut self,
        env: Env,
        now: Instant,
        stock: Option<Unknown<'_>>,
    ) -> Result<&'static str> {
        let now = utc(now)?;
        let stock: Vec<patungan_core::StockLevel> = match stock {
            Some(s) => core_value(&env, s)?,
            None => Vec::new(),
        };
        self.inner.handle_timeout(now, &stock).js().map(outcome)
    }

    /// The purchase order's stock has arrived.
    #[napi(ts_return_type = "SessionOutcome")]
    pub fn stock_received(&mut self, now: Instant) -> Result<&'static str> {
        let now = utc(now)?;
        self.inner.stock_received(now).js().map(outcome)
    }

    /// An admin cancels the session.
    #[napi(ts_return_type = "SessionOutcome")]
    pub fn cancel(&mut self, now: Instant) -> Result<&'static str> {
        let now = utc(now)?;
        self.inner.cancel(now).js().map(outcome)
    }

    /// Runs one input given in its JSON form (an object with a `type`, or JSON text).
    #[napi(
        ts_args_type = "input: SessionInput | string",
        ts_return_type = "SessionOutcome"
    )]
    pub fn handle(&mut self, env: Env, input: Unknown<'_>) -> Result<&'static str> {
        let input: core::Input = core_value(&env, input)?;
        self.inner.handle(&input).js().map(outcome)
    }

    /// Every queued event, oldest first (a lazy list).
    #[napi]
    pub fn drain_events(&mut self) -> EventList {
        EventList {
            items: self.inner.drain_events(),
        }
    }

    /// Every queued effect, oldest first (a lazy list).
    #[napi]
    pub fn drain_effects(&mut self) -> EffectList {
        EffectList {
            items: self.inner.drain_effects(),
        }
    }

    /// The next queued event, or `null`.
    #[napi(ts_return_type = "Event | null")]
    pub fn poll_event<'env>(&mut self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.poll_event())
    }

    /// The next queued effect, or `null`.
    #[napi(ts_return_type = "Effect | null")]
    pub fn poll_effect<'env>(&mut self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.poll_effect())
    }

    /// How many events are queued.
    #[napi(getter)]
    pub fn pending_event_count(&self) -> u32 {
        self.inner.pending_events().len() as u32
    }

    /// How many effects are queued.
    #[napi(getter)]
    pub fn pending_effect_count(&self) -> u32 {
        self.inner.pending_effects().len() as u32
    }

    /// The next instant at which `handleTimeout` has work, or `null`.
    #[napi]
    pub fn poll_timeout(&self) -> Either<DateTime<Utc>, Null> {
        nullable(self.inner.poll_timeout())
    }

    /// Makes room for `additional` participants (a performance hint).
    #[napi]
    pub fn reserve(&mut self, additional: f64) -> Result<()> {
        let n = quantity("additional", additional)?;
        self.inner
            .reserve(usize::try_from(n).map_err(|e| invalid_arg(e.to_string()))?);
        Ok(())
    }

    /// The session's id.
    #[napi(getter)]
    pub fn id(&self) -> String {
        string(self.inner.id())
    }

    /// The lifecycle status.
    #[napi(getter, ts_return_type = "SessionStatus")]
    pub fn status(&self) -> &'static str {
        self.inner.status().as_str()
    }

    /// The tier preview at the current fill plus `extra` (default 0) units.
    #[napi]
    pub fn preview(&self, extra: Option<f64>) -> Result<Preview> {
        let extra = quantity("extra", extra.unwrap_or(0.0))?;
        self.inner.preview(extra).js().map(Preview::from)
    }

    /// The grosir availability of `variant` (`null` without a bundle).
    #[napi(ts_return_type = "Availability | null")]
    pub fn availability<'env>(&self, env: Env, variant: String) -> Result<Unknown<'env>> {
        let a = self.inner.availability(id(&variant)?).js()?;
        js(&env, &a)
    }

    /// The whole state (participants in join order).
    #[napi(ts_return_type = "SessionState")]
    pub fn state<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, self.inner.state())
    }

    /// The state's JSON text (without the queued output).
    #[napi]
    pub fn state_json(&self) -> Result<String> {
        text(self.inner.state())
    }

    /// The configuration.
    #[napi(getter, ts_return_type = "SessionConfig")]
    pub fn config<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, self.inner.state().config())
    }

    /// A participant by id, or `null`.
    #[napi(ts_return_type = "Participant | null")]
    pub fn participant<'env>(&self, env: Env, participant: String) -> Result<Unknown<'env>> {
        js(&env, &self.inner.state().participant(id(&participant)?))
    }

    /// The participant a payment belongs to, or `null`.
    #[napi(ts_return_type = "Participant | null")]
    pub fn participant_by_payment<'env>(&self, env: Env, payment: String) -> Result<Unknown<'env>> {
        js(
            &env,
            &self.inner.state().participant_by_payment(id(&payment)?),
        )
    }

    /// How many participants joined (every status).
    #[napi(getter)]
    pub fn participant_count(&self) -> f64 {
        self.inner.state().participants().len() as f64
    }

    /// Bot units (fill only).
    #[napi(getter)]
    pub fn bot_quantity(&self) -> f64 {
        number(self.inner.state().bot_quantity())
    }

    /// Units paid by real participants who still count.
    #[napi(getter)]
    pub fn paid_real_quantity(&self) -> f64 {
        number(self.inner.state().paid_real_quantity())
    }

    /// Paid real participants who still count.
    #[napi(getter)]
    pub fn paid_count(&self) -> f64 {
        number(self.inner.state().paid_count())
    }

    /// Participants whose payment is pending.
    #[napi(getter)]
    pub fn pending_count(&self) -> f64 {
        number(self.inner.state().pending_count())
    }

    /// Units counted toward fill: paid real units + bot units.
    #[napi(getter)]
    pub fn fill_quantity(&self) -> f64 {
        number(self.inner.state().fill_quantity())
    }

    /// Units held per variant (pending + paid), in bundle order.
    #[napi(getter)]
    pub fn held_units(&self) -> Vec<f64> {
        self.inner
            .state()
            .held_units()
            .iter()
            .copied()
            .map(number)
            .collect()
    }

    /// Money held in escrow for the paid participants who still count.
    #[napi]
    pub fn escrow_total(&self) -> Result<Money> {
        self.inner.state().escrow_total().js().map(Money::from)
    }
}

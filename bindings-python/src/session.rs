//! The session state machine (docs/domain.md §5): a native `Session` holding the core
//! session; inputs take UUIDs, aware datetimes, `Money` and records; queued events
//! and effects are drained into lazy sequences whose items are typed records of
//! `patungan.session` (converted when read, so a settlement queuing 200 000 effects
//! costs no Python objects until they are looked at).

use chrono::{DateTime, Utc};
use patungan_core::session as core;
use pyo3::exceptions::{PyIndexError, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use uuid::Uuid;

use crate::errors::{json_error, IntoPyResult};
use crate::ids::id;
use crate::json::{core_value, record};
use crate::money::Money;
use crate::records;
use crate::tier::Preview;
use crate::time::utc_datetime;

/// The snake_case name of an outcome (`"applied"` or `"unchanged"`).
pub fn outcome(o: core::Outcome) -> &'static str {
    match o {
        core::Outcome::Applied => "applied",
        core::Outcome::Unchanged => "unchanged",
    }
}

fn index(len: usize, i: isize) -> PyResult<usize> {
    let resolved = if i < 0 { len as isize + i } else { i };
    usize::try_from(resolved)
        .ok()
        .filter(|&r| r < len)
        .ok_or_else(|| PyIndexError::new_err("index out of range"))
}

macro_rules! record_list {
    ($(#[$doc:meta])* $list:ident, $iter:ident, $ty:ty, $convert:path) => {
        $(#[$doc])*
        #[pyclass(module = "patungan", frozen, sequence)]
        pub struct $list(pub Vec<$ty>);

        #[pymethods]
        impl $list {
            fn __len__(&self) -> usize {
                self.0.len()
            }

            fn __getitem__<'py>(&self, py: Python<'py>, i: isize) -> PyResult<Bound<'py, PyAny>> {
                match self.0.get(index(self.0.len(), i)?) {
                    Some(item) => $convert(py, item),
                    None => Err(PyIndexError::new_err("index out of range")),
                }
            }

            fn __iter__(slf: Py<Self>) -> $iter {
                $iter { list: slf, next: std::sync::atomic::AtomicUsize::new(0) }
            }

            /// The `type` of every item, in order (no records are built).
            fn kinds(&self) -> Vec<&'static str> {
                self.0.iter().map(|x| x.kind()).collect()
            }

            /// Every item as typed records, in order.
            fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
                let list = PyList::empty(py);
                for item in &self.0 {
                    list.append($convert(py, item)?)?;
                }
                Ok(list)
            }

            /// The items' JSON form (a JSON array, the core's serde form).
            fn to_json(&self) -> PyResult<String> {
                serde_json::to_string(&self.0).map_err(json_error)
            }

            fn __repr__(&self) -> String {
                format!("{}({} items)", stringify!($list), self.0.len())
            }
        }

        /// Iterates a list, building each record when it is reached.
        #[pyclass(module = "patungan", frozen)]
        pub struct $iter {
            list: Py<$list>,
            next: std::sync::atomic::AtomicUsize,
        }

        #[pymethods]
        impl $iter {
            fn __iter__(slf: Py<Self>) -> Py<Self> {
                slf
            }

            fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                match self.list.get().0.get(i) {
                    Some(item) => $convert(py, item),
                    None => Err(PyStopIteration::new_err(())),
                }
            }
        }
    };
}

record_list!(
    /// Events drained from a session, oldest first; items are `patungan.session` event records.
    EventList,
    EventIter,
    core::Event,
    records::event
);
record_list!(
    /// Effects drained from a session, oldest first; items are `patungan.session` effect records.
    EffectList,
    EffectIter,
    core::Effect,
    records::effect
);

fn stock_levels(stock: Option<Vec<Bound<'_, PyAny>>>) -> PyResult<Vec<patungan_core::StockLevel>> {
    stock.unwrap_or_default().iter().map(core_value).collect()
}

fn events_in(events: &Bound<'_, PyAny>) -> PyResult<Vec<core::Event>> {
    if let Ok(list) = events.cast::<EventList>() {
        return Ok(list.get().0.clone());
    }
    if events.is_instance_of::<PyString>() {
        return core_value(events);
    }
    events.try_iter()?.map(|e| core_value(&e?)).collect()
}

/// A group-buying session (docs/domain.md §5) as a sans-IO state machine: feed inputs,
/// then drain the queued events (to persist) and effects (to perform), and call
/// `handle_timeout` at `poll_timeout()`. Every refused input raises a
/// `patungan.Error` and changes nothing.
#[pyclass(module = "patungan")]
pub struct Session(pub core::Session);

#[pymethods]
impl Session {
    /// Creates an open session (`SessionConfig` record, dict or JSON text) at `now`;
    /// queues its `Created` event.
    #[staticmethod]
    fn create(id: Uuid, config: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<Self> {
        let config: core::SessionConfig = core_value(config)?;
        core::Session::create(self::id(id), config, utc_datetime(now)?)
            .py()
            .map(Session)
    }

    /// Loads a session from its JSON form (`to_json`): state and queued output.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        serde_json::from_str(json).map(Session).map_err(json_error)
    }

    /// The whole session as JSON: state, queued events and queued effects.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// Rebuilds a session from its event log (records, dicts, an `EventList` or JSON text).
    #[staticmethod]
    fn replay(events: &Bound<'_, PyAny>) -> PyResult<Self> {
        let events = events_in(events)?;
        core::Session::replay(&events).py().map(Session)
    }

    /// Applies one stored event (event sourcing); no effects are produced.
    fn apply(&mut self, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let event: core::Event = core_value(event)?;
        self.0.apply(&event).py()
    }

    /// A shopper joins (`JoinRequest` record or dict): returns a `JoinReceipt`.
    fn join<'py>(
        &mut self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request: core::JoinRequest = core_value(request)?;
        let receipt = self.0.join(&request, utc_datetime(now)?).py()?;
        record(py, "JoinReceipt", &receipt)
    }

    /// The gateway reports `payment` paid with `amount`.
    fn payment_confirmed(
        &mut self,
        payment: Uuid,
        amount: &Money,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        self.0
            .payment_confirmed(id(payment), amount.0, now)
            .py()
            .map(outcome)
    }

    /// The gateway reports `payment` failed.
    fn payment_failed(&mut self, payment: Uuid, now: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        self.0.payment_failed(id(payment), now).py().map(outcome)
    }

    /// The gateway reports the invoice of `payment` expired.
    fn payment_expired(&mut self, payment: Uuid, now: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        self.0.payment_expired(id(payment), now).py().map(outcome)
    }

    /// A pending or paid participant leaves.
    fn leave(&mut self, participant: Uuid, now: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        self.0.leave(id(participant), now).py().map(outcome)
    }

    /// Runs what is due at `now`: the bot check, then settlement at `end` (with the
    /// warehouse `stock`, a list of `StockLevel`, read at settlement).
    #[pyo3(signature = (now, stock = None))]
    fn handle_timeout(
        &mut self,
        now: &Bound<'_, PyAny>,
        stock: Option<Vec<Bound<'_, PyAny>>>,
    ) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        let stock = stock_levels(stock)?;
        self.0.handle_timeout(now, &stock).py().map(outcome)
    }

    /// The purchase order's stock has arrived.
    fn stock_received(&mut self, now: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        self.0.stock_received(now).py().map(outcome)
    }

    /// An admin cancels the session.
    fn cancel(&mut self, now: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let now = utc_datetime(now)?;
        self.0.cancel(now).py().map(outcome)
    }

    /// Runs one input given in its JSON form (an input record such as `JoinInput`,
    /// a dict with a `"type"`, or JSON text).
    fn handle(&mut self, input: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let input: core::Input = core_value(input)?;
        self.0.handle(&input).py().map(outcome)
    }

    /// Every queued event, oldest first (a lazy sequence of event records).
    fn drain_events(&mut self) -> EventList {
        EventList(self.0.drain_events())
    }

    /// Every queued effect, oldest first (a lazy sequence of effect records).
    fn drain_effects(&mut self) -> EffectList {
        EffectList(self.0.drain_effects())
    }

    /// The next queued event, or `None`.
    fn poll_event<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .poll_event()
            .map(|e| record(py, "Event", &e))
            .transpose()
    }

    /// The next queued effect, or `None`.
    fn poll_effect<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .poll_effect()
            .map(|e| records::effect(py, &e))
            .transpose()
    }

    /// How many events are queued.
    #[getter]
    fn pending_event_count(&self) -> usize {
        self.0.pending_events().len()
    }

    /// How many effects are queued.
    #[getter]
    fn pending_effect_count(&self) -> usize {
        self.0.pending_effects().len()
    }

    /// The next instant at which `handle_timeout` has work, or `None`.
    fn poll_timeout(&self) -> Option<DateTime<Utc>> {
        self.0.poll_timeout()
    }

    /// Makes room for `additional` participants (a performance hint).
    fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    /// The session's id.
    #[getter]
    fn id(&self) -> Uuid {
        *self.0.id().as_uuid()
    }

    /// The lifecycle status: `"open"`, `"awaiting_stock"`, `"confirmed"`, `"failed"`
    /// or `"cancelled"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status().as_str()
    }

    /// The tier preview at the current fill plus `extra` units.
    #[pyo3(signature = (extra = 0))]
    fn preview(&self, extra: u64) -> PyResult<Preview> {
        self.0.preview(extra).py().map(Preview)
    }

    /// The grosir availability of `variant` (`None` without a bundle).
    fn availability<'py>(
        &self,
        py: Python<'py>,
        variant: Uuid,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .availability(id(variant))
            .py()?
            .map(|a| record(py, "Availability", &a))
            .transpose()
    }

    /// The whole state as a `SessionState` record.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record(py, "SessionState", self.0.state())
    }

    /// The state's JSON form (without the queued output).
    fn state_json(&self) -> PyResult<String> {
        serde_json::to_string(self.0.state()).map_err(json_error)
    }

    /// The configuration (a `SessionConfig` record).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record(py, "SessionConfig", self.0.state().config())
    }

    /// A participant by id (a `Participant` record), or `None`.
    fn participant<'py>(
        &self,
        py: Python<'py>,
        participant: Uuid,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .state()
            .participant(id(participant))
            .map(|p| record(py, "Participant", p))
            .transpose()
    }

    /// The participant a payment belongs to, or `None`.
    fn participant_by_payment<'py>(
        &self,
        py: Python<'py>,
        payment: Uuid,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .state()
            .participant_by_payment(id(payment))
            .map(|p| record(py, "Participant", p))
            .transpose()
    }

    /// How many participants joined (every status).
    #[getter]
    fn participant_count(&self) -> usize {
        self.0.state().participants().len()
    }

    /// Bot units (fill only).
    #[getter]
    fn bot_quantity(&self) -> u64 {
        self.0.state().bot_quantity()
    }

    /// Units paid by real participants who still count.
    #[getter]
    fn paid_real_quantity(&self) -> u64 {
        self.0.state().paid_real_quantity()
    }

    /// Paid real participants who still count.
    #[getter]
    fn paid_count(&self) -> u64 {
        self.0.state().paid_count()
    }

    /// Participants whose payment is pending.
    #[getter]
    fn pending_count(&self) -> u64 {
        self.0.state().pending_count()
    }

    /// Units counted toward fill: paid real units + bot units.
    #[getter]
    fn fill_quantity(&self) -> u64 {
        self.0.state().fill_quantity()
    }

    /// Units held per variant (pending + paid), in bundle order.
    #[getter]
    fn held_units(&self) -> Vec<u64> {
        self.0.state().held_units().to_vec()
    }

    /// Money held in escrow for the paid participants who still count.
    fn escrow_total(&self) -> PyResult<Money> {
        self.0.state().escrow_total().py().map(Money)
    }

    fn __repr__(&self) -> String {
        format!(
            "Session(id={}, status={}, participants={})",
            self.0.id(),
            self.0.status(),
            self.0.state().participants().len()
        )
    }
}

/// A session's JSON form is validated by loading it; the records of its parts are
/// built with the same codec as everything else.
#[pyfunction]
pub fn session_state_from_json<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    let state: core::SessionState = serde_json::from_str(json).map_err(json_error)?;
    record(py, "SessionState", &state)
}

/// The JSON value of an input record (for hosts that log inputs).
#[pyfunction]
pub fn input_json(input: &Bound<'_, PyAny>) -> PyResult<String> {
    let input: core::Input = core_value(input)?;
    serde_json::to_string(&input).map_err(json_error)
}

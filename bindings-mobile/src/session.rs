//! A session from its JSON state, for offline apps: load it, preview, check
//! availability and apply inputs given as JSON; events and effects come back as
//! JSON arrays (the core's serde form). Behaviour stays in the core.

use std::sync::{Arc, Mutex, MutexGuard};

use patungan_core::session as core;

use crate::errors::{IntoFfiResult, PatunganError};
use crate::grosir::Availability;
use crate::json::{id, instant, instant_text, parse, text};
use crate::Preview;

/// A session (the core's state machine) behind a lock; every method is thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct SessionHandle {
    inner: Mutex<core::Session>,
}

impl SessionHandle {
    fn wrap(session: core::Session) -> Arc<Self> {
        Arc::new(SessionHandle {
            inner: Mutex::new(session),
        })
    }

    fn lock(&self) -> MutexGuard<'_, core::Session> {
        // A panic while holding the lock cannot leave a half-applied input: every
        // core input validates before it changes anything.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[uniffi::export]
impl SessionHandle {
    /// Creates an open session (config in its JSON form) at `now` (RFC 3339).
    #[uniffi::constructor]
    pub fn create(
        session_id: String,
        config_json: String,
        now: String,
    ) -> Result<Arc<Self>, PatunganError> {
        let config: core::SessionConfig = parse(&config_json)?;
        let session = core::Session::create(id(&session_id)?, config, instant(&now)?).ffi()?;
        Ok(Self::wrap(session))
    }

    /// Loads a session from its JSON form (state and queued output, as `toJson` writes it).
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, PatunganError> {
        Ok(Self::wrap(parse(&json)?))
    }

    /// Rebuilds a session from its event log (a JSON array of events).
    #[uniffi::constructor]
    pub fn replay(events_json: String) -> Result<Arc<Self>, PatunganError> {
        let events: Vec<core::Event> = parse(&events_json)?;
        Ok(Self::wrap(core::Session::replay(&events).ffi()?))
    }

    /// The whole session as JSON (state and queued output).
    pub fn to_json(&self) -> Result<String, PatunganError> {
        text(&*self.lock())
    }

    /// The state as JSON (without the queued output).
    pub fn state_json(&self) -> Result<String, PatunganError> {
        text(self.lock().state())
    }

    /// Runs one input in its JSON form (`{"type": "join", ...}`): `"applied"` or
    /// `"unchanged"`. A refused input throws and changes nothing.
    pub fn handle(&self, input_json: String) -> Result<String, PatunganError> {
        let input: core::Input = parse(&input_json)?;
        let outcome = self.lock().handle(&input).ffi()?;
        Ok(match outcome {
            core::Outcome::Applied => "applied",
            core::Outcome::Unchanged => "unchanged",
        }
        .to_owned())
    }

    /// Every queued event, oldest first, as a JSON array.
    pub fn drain_events_json(&self) -> Result<String, PatunganError> {
        text(&self.lock().drain_events())
    }

    /// Every queued effect, oldest first, as a JSON array.
    pub fn drain_effects_json(&self) -> Result<String, PatunganError> {
        text(&self.lock().drain_effects())
    }

    /// The next instant at which a timeout input has work (RFC 3339), or none.
    pub fn poll_timeout(&self) -> Option<String> {
        self.lock().poll_timeout().map(instant_text)
    }

    /// The lifecycle status (`"open"`, `"awaiting_stock"`, `"confirmed"`, `"failed"`, `"cancelled"`).
    pub fn status(&self) -> String {
        self.lock().status().as_str().to_owned()
    }

    /// The tier preview at the current fill plus `extra` units.
    pub fn preview(&self, extra: u64) -> Result<Preview, PatunganError> {
        self.lock().preview(extra).ffi().map(Preview::from)
    }

    /// The grosir availability of `variant` (none without a bundle).
    pub fn availability(&self, variant: String) -> Result<Option<Availability>, PatunganError> {
        let a = self.lock().availability(id(&variant)?).ffi()?;
        Ok(a.map(Availability::from))
    }
}

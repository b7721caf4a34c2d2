//! The bot top-up policy (docs/domain.md §4).

use patungan_core::bot as core;
use patungan_core::BasisPoints;
use pyo3::prelude::*;
use pyo3::types::PyAny;

use chrono::{DateTime, Utc};

use crate::errors::{json_error, IntoPyResult};
use crate::tier::moq;
use crate::time::utc_datetime;

// The literal defaults above keep the Python signature readable; they must be the core's.
const _: () = assert!(core::BotPolicy::DEFAULT_TARGET.get() == 2500);
const _: () = assert!(core::BotPolicy::DEFAULT_WINDOW_SECONDS == 600);

/// When and how far the platform bot tops a weak session up.
///
/// `BotPolicy()` is the default: enabled, target 2 500 bp, window 600 s.
#[pyclass(module = "patungan", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BotPolicy(pub core::BotPolicy);

#[pymethods]
impl BotPolicy {
    #[new]
    #[pyo3(signature = (enabled = true, target_bp = 2500, window_seconds = 600))]
    fn new(enabled: bool, target_bp: u32, window_seconds: u32) -> PyResult<Self> {
        core::BotPolicy::new(enabled, BasisPoints::new(target_bp), window_seconds)
            .py()
            .map(BotPolicy)
    }

    /// A policy under which the bot never tops up.
    #[staticmethod]
    fn disabled() -> Self {
        BotPolicy(core::BotPolicy::disabled())
    }

    /// Reads a policy from its JSON form (text, or the parsed dict).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        crate::json::core_value(json).map(BotPolicy)
    }

    /// The policy's JSON form.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// Whether the bot may top up at all.
    #[getter]
    fn enabled(&self) -> bool {
        self.0.enabled()
    }

    /// The fill, in basis points of the MOQ, the bot tops up to.
    #[getter]
    fn target_bp(&self) -> u32 {
        self.0.target().get()
    }

    /// How long before the end the bot check runs, in seconds.
    #[getter]
    fn window_seconds(&self) -> u32 {
        self.0.window_seconds()
    }

    /// The instant of the bot check for a session ending at `end` (aware datetime).
    fn check_at(&self, end: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
        Ok(self.0.check_at(utc_datetime(end)?))
    }

    /// The units of fill the target stands for: `ceil(moq × target / 10 000)`.
    fn target_quantity(&self, moq: u64) -> PyResult<u64> {
        Ok(self.0.target_quantity(self::moq(moq)?))
    }

    /// The bot quantity after a check; never shrinks.
    #[pyo3(signature = (moq, paid_real, existing_bot = 0))]
    fn top_up(&self, moq: u64, paid_real: u64, existing_bot: u64) -> PyResult<u64> {
        Ok(self.0.top_up(self::moq(moq)?, paid_real, existing_bot))
    }

    fn __repr__(&self) -> String {
        format!(
            "BotPolicy(enabled={}, target_bp={}, window_seconds={})",
            if self.0.enabled() { "True" } else { "False" },
            self.0.target().get(),
            self.0.window_seconds()
        )
    }
}

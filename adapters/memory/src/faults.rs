//! Deterministic fault injection for the in-memory providers.

use std::time::Duration;

use patungan_core::seeded::splitmix;
use patungan_ports::PortError;

/// Which failures a simulated provider injects, and how often (parts per million),
/// drawn from a seeded sequence so that a run is reproducible from its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultConfig {
    /// Seed of the draw sequence.
    pub seed: u64,
    /// Calls that fail with a retryable error before doing anything (ppm).
    pub error_ppm: u32,
    /// Calls that do their work but lose the response: a retryable `TIMEOUT` (ppm).
    pub lost_response_ppm: u32,
    /// Delay added to every call.
    pub latency: Duration,
}

/// What a draw decided for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Behave.
    None,
    /// Fail before doing anything.
    Error,
    /// Do the work, then report a timeout.
    LostResponse,
}

/// A seeded draw sequence.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    config: FaultConfig,
    counter: u64,
}

impl FaultPlan {
    /// A plan from its configuration.
    pub fn new(config: FaultConfig) -> Self {
        FaultPlan { config, counter: 0 }
    }

    /// The configuration.
    pub fn config(&self) -> FaultConfig {
        self.config
    }

    /// Draws the fault of the next call.
    pub fn draw(&mut self) -> Fault {
        self.counter = self.counter.wrapping_add(1);
        let roll =
            u32::try_from(splitmix(self.config.seed ^ self.counter) % 1_000_000).unwrap_or(0);
        if roll < self.config.error_ppm {
            Fault::Error
        } else if roll
            < self
                .config
                .error_ppm
                .saturating_add(self.config.lost_response_ppm)
        {
            Fault::LostResponse
        } else {
            Fault::None
        }
    }
}

/// The error a fault produces.
pub(crate) fn fault_error(fault: Fault, operation: &'static str) -> PortError {
    match fault {
        Fault::LostResponse => {
            PortError::retryable("memory", operation, "TIMEOUT", "simulated lost response")
        }
        _ => PortError::retryable(
            "memory",
            operation,
            "SERVER_ERROR",
            "simulated server error",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_faults_and_rates_hold() {
        let config = FaultConfig {
            seed: 7,
            error_ppm: 100_000,
            lost_response_ppm: 100_000,
            latency: Duration::ZERO,
        };
        let mut a = FaultPlan::new(config);
        let mut b = FaultPlan::new(config);
        let draws: Vec<Fault> = (0..10_000).map(|_| a.draw()).collect();
        assert_eq!(draws, (0..10_000).map(|_| b.draw()).collect::<Vec<_>>());
        let errors = draws.iter().filter(|f| **f == Fault::Error).count();
        let lost = draws.iter().filter(|f| **f == Fault::LostResponse).count();
        assert!((800..1200).contains(&errors), "{errors}");
        assert!((800..1200).contains(&lost), "{lost}");
        let mut calm = FaultPlan::new(FaultConfig::default());
        assert!((0..1000).all(|_| calm.draw() == Fault::None));
    }
}

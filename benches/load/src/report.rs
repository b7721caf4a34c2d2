//! The figures of a run.

use std::time::Duration;

use crate::client::Tally;

/// A run's figures, computed from the merged tallies.
#[derive(Debug)]
pub struct Summary {
    /// Requests that got a response or failed in transport.
    pub requests: u64,
    /// Successful joins (2xx with a receipt).
    pub joined: u64,
    /// 4xx answers (refusals: rate limit, stale price, …).
    pub refused: u64,
    /// 5xx answers, transport errors and 2xx answers without a receipt.
    pub failed: u64,
    /// Successful joins per second of the run.
    pub rate: f64,
    /// Median latency of the successful joins, ms.
    pub p50_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Slowest successful join, ms.
    pub max_ms: f64,
}

impl Summary {
    /// Summarises `tally` over `elapsed`.
    pub fn new(tally: &mut Tally, elapsed: Duration) -> Self {
        tally.latencies.sort_unstable();
        let answered: u64 = tally.statuses.values().sum();
        let refused: u64 = tally.statuses.range(400..500).map(|(_, n)| n).sum();
        let server_errors: u64 = tally.statuses.range(500..).map(|(_, n)| n).sum();
        let joined = tally.latencies.len() as u64;
        Summary {
            requests: answered + tally.transport_errors,
            joined,
            refused,
            failed: server_errors + tally.transport_errors + tally.bad_bodies,
            rate: joined as f64 / elapsed.as_secs_f64().max(1e-9),
            p50_ms: percentile(&tally.latencies, 0.50),
            p99_ms: percentile(&tally.latencies, 0.99),
            max_ms: tally.latencies.last().map_or(0.0, millis),
        }
    }
}

/// The latency at fraction `p` of `sorted` (nearest rank), in ms; 0 when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let rank = ((last as f64) * p).round() as usize;
    sorted.get(rank.min(last)).map_or(0.0, millis)
}

fn millis(d: &Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `201=12 429=3`: the responses by status.
pub fn statuses(tally: &Tally) -> String {
    let parts: Vec<String> = tally
        .statuses
        .iter()
        .map(|(status, n)| format!("{status}={n}"))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_counts() {
        let ms = |n: u64| Duration::from_millis(n);
        assert_eq!(percentile(&[], 0.5), 0.0);
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.5), 51.0);
        assert_eq!(percentile(&sorted, 0.99), 99.0);
        assert_eq!(percentile(&sorted, 1.0), 100.0);
        let mut tally = Tally {
            latencies: vec![ms(3), ms(1), ms(2)],
            transport_errors: 1,
            bad_bodies: 1,
            ..Tally::default()
        };
        tally
            .statuses
            .extend([(201, 4), (429, 2), (409, 1), (503, 1)]);
        let summary = Summary::new(&mut tally, Duration::from_secs(1));
        assert_eq!(summary.requests, 9);
        assert_eq!((summary.joined, summary.refused, summary.failed), (3, 3, 3));
        assert_eq!(summary.max_ms, 3.0);
        assert_eq!(statuses(&tally), "201=4 409=1 429=2 503=1");
    }
}

//! The renewal window (docs/domain.md §5): the next calendar day in Asia/Jakarta.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;

use crate::session::error::SessionError;

const OUT_OF_RANGE: SessionError = SessionError::TimeOutOfRange {
    what: "the renewal window",
};

/// The instant of local midnight starting `date` in Asia/Jakarta.
fn jakarta_midnight(date: NaiveDate) -> Result<DateTime<Utc>, SessionError> {
    Jakarta
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or(OUT_OF_RANGE)
}

/// The first Asia/Jakarta midnight strictly after `t`.
pub fn next_jakarta_midnight_after(t: DateTime<Utc>) -> Result<DateTime<Utc>, SessionError> {
    let date = t.with_timezone(&Jakarta).date_naive();
    jakarta_midnight(date.succ_opt().ok_or(OUT_OF_RANGE)?)
}

/// The first Asia/Jakarta midnight at or after `t`.
pub fn jakarta_midnight_at_or_after(t: DateTime<Utc>) -> Result<DateTime<Utc>, SessionError> {
    let today = jakarta_midnight(t.with_timezone(&Jakarta).date_naive())?;
    if today == t {
        Ok(t)
    } else {
        next_jakarta_midnight_after(t)
    }
}

/// The window of the renewal of a session that ended at `previous_end`, decided
/// at `now`: `[M, next midnight after M)` where `M` is the first Jakarta midnight
/// at or after `previous_end` (no gap for a session ending exactly at midnight);
/// if that window has already ended at `now`, `[now, next midnight after now)`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use patungan_core::session::renewal_window;
///
/// // Ends 20:00 WIB on 1 Jan → renewal covers 2 Jan WIB (17:00 UTC to 17:00 UTC).
/// let end = Utc.with_ymd_and_hms(2025, 1, 1, 13, 0, 0).unwrap();
/// let (start, stop) = renewal_window(end, end)?;
/// assert_eq!(start, Utc.with_ymd_and_hms(2025, 1, 1, 17, 0, 0).unwrap());
/// assert_eq!(stop, Utc.with_ymd_and_hms(2025, 1, 2, 17, 0, 0).unwrap());
/// # Ok::<(), patungan_core::session::SessionError>(())
/// ```
pub fn renewal_window(
    previous_end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), SessionError> {
    let start = jakarta_midnight_at_or_after(previous_end)?;
    let end = next_jakarta_midnight_after(start)?;
    if end > now {
        Ok((start, end))
    } else {
        Ok((now, next_jakarta_midnight_after(now)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, d, h, m, 0).unwrap()
    }

    #[test]
    fn ending_exactly_at_midnight_has_no_gap() {
        // 17:00 UTC is 00:00 WIB.
        assert_eq!(
            renewal_window(utc(1, 17, 0), utc(1, 17, 0)).unwrap(),
            (utc(1, 17, 0), utc(2, 17, 0))
        );
    }

    #[test]
    fn processed_late_covers_now_to_next_midnight() {
        // Ended 1 Jan 20:00 WIB; processed 3 Jan 10:00 WIB, after the 2 Jan window.
        let (s, e) = renewal_window(utc(1, 13, 0), utc(3, 3, 0)).unwrap();
        assert_eq!((s, e), (utc(3, 3, 0), utc(3, 17, 0)));
        // Processed exactly when the window ends: that window is over.
        let (s, e) = renewal_window(utc(1, 13, 0), utc(2, 17, 0)).unwrap();
        assert_eq!((s, e), (utc(2, 17, 0), utc(3, 17, 0)));
        // Processed late but within the window: the window stands.
        let (s, e) = renewal_window(utc(1, 13, 0), utc(2, 3, 0)).unwrap();
        assert_eq!((s, e), (utc(1, 17, 0), utc(2, 17, 0)));
    }

    #[test]
    fn just_after_midnight_goes_to_the_next_day() {
        let end = utc(1, 17, 0) + chrono::TimeDelta::nanoseconds(1);
        assert_eq!(
            renewal_window(end, end).unwrap(),
            (utc(2, 17, 0), utc(3, 17, 0))
        );
    }
}

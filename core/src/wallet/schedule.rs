//! When withdrawal batches run: chosen weekdays at a local time in an IANA zone.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::ScheduleError;

/// The payout schedule: `weekdays` at `local_time` in `zone`. [`Default`] is docs/domain.md §9:
/// Tuesday and Friday, 10:00 Asia/Jakarta (03:00 UTC).
///
/// A local time that does not exist (a daylight-saving gap) is taken with the offset in
/// force before the gap; an ambiguous one (a fold) is its earlier instant.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use patungan_core::wallet::WithdrawalSchedule;
/// let schedule = WithdrawalSchedule::default();
/// // Monday 2025-01-06 23:30 UTC is already Tuesday 06:30 in Jakarta.
/// let now = Utc.with_ymd_and_hms(2025, 1, 6, 23, 30, 0).unwrap();
/// assert_eq!(schedule.next_after(now), Some(Utc.with_ymd_and_hms(2025, 1, 7, 3, 0, 0).unwrap()));
/// assert_eq!(
///     schedule.last_instant_at_or_before(now),
///     Some(Utc.with_ymd_and_hms(2025, 1, 3, 3, 0, 0).unwrap()), // Friday 10:00 WIB
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScheduleRepr")]
pub struct WithdrawalSchedule {
    weekdays: Vec<Weekday>,
    local_time: NaiveTime,
    zone: Tz,
}

#[derive(Deserialize)]
struct ScheduleRepr {
    weekdays: Vec<Weekday>,
    local_time: NaiveTime,
    zone: String,
}

impl TryFrom<ScheduleRepr> for WithdrawalSchedule {
    type Error = ScheduleError;

    fn try_from(repr: ScheduleRepr) -> Result<Self, Self::Error> {
        let zone: Tz = repr
            .zone
            .parse()
            .map_err(|_| ScheduleError::UnknownZone(repr.zone.clone()))?;
        WithdrawalSchedule::new(repr.weekdays, repr.local_time, zone)
    }
}

impl Default for WithdrawalSchedule {
    fn default() -> Self {
        WithdrawalSchedule {
            weekdays: vec![Weekday::Tue, Weekday::Fri],
            local_time: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN),
            zone: chrono_tz::Asia::Jakarta,
        }
    }
}

/// How many days to look back or ahead: a whole week plus one day covers any weekday set.
const SEARCH_DAYS: u64 = 8;

impl WithdrawalSchedule {
    /// A schedule on `weekdays` (order and repeats do not matter) at `local_time` in `zone`.
    pub fn new(
        weekdays: impl IntoIterator<Item = Weekday>,
        local_time: NaiveTime,
        zone: Tz,
    ) -> Result<Self, ScheduleError> {
        let mut weekdays: Vec<Weekday> = weekdays.into_iter().collect();
        weekdays.sort_by_key(|d| d.num_days_from_monday());
        weekdays.dedup();
        if weekdays.is_empty() {
            return Err(ScheduleError::NoWeekdays);
        }
        Ok(WithdrawalSchedule {
            weekdays,
            local_time,
            zone,
        })
    }

    /// Parses an IANA zone name, e.g. `"Asia/Jakarta"`.
    pub fn parse_zone(name: &str) -> Result<Tz, ScheduleError> {
        name.parse()
            .map_err(|_| ScheduleError::UnknownZone(name.to_owned()))
    }

    /// The weekdays, Monday first.
    pub fn weekdays(&self) -> &[Weekday] {
        &self.weekdays
    }

    /// The local time of day.
    pub fn local_time(&self) -> NaiveTime {
        self.local_time
    }

    /// The time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The scheduled instant on local `date`, if `date` is a scheduled weekday.
    pub fn instant_on(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        use chrono::Datelike;
        if !self.weekdays.contains(&date.weekday()) {
            return None;
        }
        let local = date.and_time(self.local_time);
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(earliest, _) => Some(earliest.with_timezone(&Utc)),
            LocalResult::None => {
                let before_gap = local.checked_sub_days(Days::new(1))?;
                let offset = self
                    .zone
                    .offset_from_local_datetime(&before_gap)
                    .earliest()?;
                Some(local.checked_sub_offset(offset.fix())?.and_utc())
            }
        }
    }

    fn local_date(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.zone).date_naive()
    }

    /// The most recent scheduled instant at or before `now` (`None` only at the edge of
    /// the representable calendar).
    pub fn last_instant_at_or_before(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = self.local_date(now);
        (0..=SEARCH_DAYS)
            .filter_map(|back| today.checked_sub_days(Days::new(back)))
            .filter_map(|date| self.instant_on(date))
            .find(|t| *t <= now)
    }

    /// The first scheduled instant strictly after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = self.local_date(now);
        (0..=SEARCH_DAYS)
            .filter_map(|ahead| today.checked_add_days(Days::new(ahead)))
            .filter_map(|date| self.instant_on(date))
            .find(|t| *t > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_tuesday_and_friday_ten_in_jakarta() {
        let s = WithdrawalSchedule::default();
        assert_eq!(s.weekdays(), &[Weekday::Tue, Weekday::Fri]);
        assert_eq!(s.local_time(), NaiveTime::from_hms_opt(10, 0, 0).unwrap());
        assert_eq!(s.zone(), chrono_tz::Asia::Jakarta);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"weekdays":["Tue","Fri"],"local_time":"10:00:00","zone":"Asia/Jakarta"}"#
        );
        assert_eq!(
            serde_json::from_str::<WithdrawalSchedule>(&json).unwrap(),
            s
        );
        assert!(serde_json::from_str::<WithdrawalSchedule>(
            r#"{"weekdays":[],"local_time":"10:00:00","zone":"Asia/Jakarta"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<WithdrawalSchedule>(
            r#"{"weekdays":["Tue"],"local_time":"10:00:00","zone":"Mars/Base"}"#
        )
        .is_err());
    }

    #[test]
    fn daylight_saving_gap_and_fold() {
        let ny = WithdrawalSchedule::parse_zone("America/New_York").unwrap();
        // 2025-03-09 (Sunday) 02:30 does not exist in New York: taken at the pre-gap
        // offset (-05:00), i.e. 07:30 UTC (03:30 EDT).
        let s = WithdrawalSchedule::new(
            [Weekday::Sun],
            NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
            ny,
        )
        .unwrap();
        let gap = s
            .instant_on(NaiveDate::from_ymd_opt(2025, 3, 9).unwrap())
            .unwrap();
        assert_eq!(gap, Utc.with_ymd_and_hms(2025, 3, 9, 7, 30, 0).unwrap());
        // 2025-11-02 01:30 happens twice: the earlier (EDT, 05:30 UTC) is used.
        let s = WithdrawalSchedule::new(
            [Weekday::Sun],
            NaiveTime::from_hms_opt(1, 30, 0).unwrap(),
            ny,
        )
        .unwrap();
        let fold = s
            .instant_on(NaiveDate::from_ymd_opt(2025, 11, 2).unwrap())
            .unwrap();
        assert_eq!(fold, Utc.with_ymd_and_hms(2025, 11, 2, 5, 30, 0).unwrap());
    }
}

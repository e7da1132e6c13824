//! The 公示 period: how long the proposed winners of a challenge are on public notice
//! before the award, so that anyone may object.
//!
//! The notice lasts a number of working days, counted in China Standard Time:
//!
//! - The notice starts at `start`. The day it starts on is not counted, as for every
//!   period of days under the Civil Code (民法典 art. 201): a notice published at
//!   17:00 must not lose a day.
//! - Working days are Monday to Friday, minus the extra non-working days of a
//!   [`WorkCalendar`] (public holidays), plus its extra working days (调休 weekends).
//!   So a notice that starts on a Saturday is counted from Monday.
//! - The period ends at the end (24:00 CST) of the Nth working day, that is at
//!   00:00 CST of the following calendar day.
//!
//! China has had no daylight saving time since 1991, so a fixed offset of eight
//! hours is exact and no time zone database is needed. Public holidays are decided
//! by the State Council every year; they are not built in: whoever knows them passes
//! them in a [`WorkCalendar`] (a settings page or a yearly list), and without them
//! only weekends are skipped.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};

use crate::{CoreError, CoreResult, t};

/// The usual length of a 公示 for 揭榜挂帅 results.
pub const DEFAULT_PUBLICITY_WORKING_DAYS: u32 = 5;

/// The longest notice accepted, about three months: longer is a typing mistake,
/// and the bound keeps date arithmetic far from the end of the calendar.
pub const MAX_PUBLICITY_WORKING_DAYS: u32 = 60;

const CST_OFFSET_SECONDS: i32 = 8 * 3600;

/// China Standard Time, UTC+8 all year.
pub fn china_standard_time() -> FixedOffset {
    FixedOffset::east_opt(CST_OFFSET_SECONDS).expect("eight hours is a valid offset")
}

/// A moment as people in China read it: Beijing time, to the minute.
pub fn beijing_minute(at: DateTime<Utc>) -> String {
    at.with_timezone(&china_standard_time())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A moment as a `datetime-local` input shows it, in Beijing time.
pub fn beijing_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&china_standard_time())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The Beijing date of a moment, as a `date` input shows it.
pub fn beijing_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&china_standard_time())
        .format("%Y-%m-%d")
        .to_string()
}

/// A moment typed in Beijing time: `2026-03-15T14:30` as a `datetime-local` input sends
/// it, or `2026-03-15 14:30`, with or without seconds.
pub fn parse_beijing(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().replacen(' ', "T", 1);
    let naive = chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    naive
        .and_local_timezone(china_standard_time())
        .single()
        .map(|at| at.with_timezone(&Utc))
}

/// Which days are working days: Monday to Friday, except the `holidays`, plus the
/// `working_weekends` (调休: a Saturday or Sunday worked to bridge a holiday). The
/// default knows no holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// A calendar where only Saturdays and Sundays are not working days.
    pub fn weekends_only() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// A calendar with extra non-working and extra working days; either may be
    /// empty. A holiday that falls on a weekend and a working day that falls on a
    /// weekday change nothing and are accepted, since official lists contain them.
    ///
    /// # Errors
    /// `Invalid` for a date in both lists: the day cannot be both.
    pub fn new(holidays: &[NaiveDate], working_weekends: &[NaiveDate]) -> CoreResult<WorkCalendar> {
        let holidays: BTreeSet<NaiveDate> = holidays.iter().copied().collect();
        let working_weekends: BTreeSet<NaiveDate> = working_weekends.iter().copied().collect();
        if let Some(date) = holidays.intersection(&working_weekends).next() {
            return Err(CoreError::invalid(
                "holidays",
                t!(
                    "calendar-date-both-holiday-and-working",
                    date = date.format("%Y-%m-%d").to_string()
                ),
            ));
        }
        Ok(WorkCalendar {
            holidays,
            working_weekends,
        })
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.holidays.contains(&date) {
            return false;
        }
        self.working_weekends.contains(&date)
            || !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }
}

/// Checks a configured length of the notice: 1 to [`MAX_PUBLICITY_WORKING_DAYS`]
/// working days. A notice of no days would end before anyone could read it.
///
/// # Errors
/// `Invalid` for 0 and for more than the maximum.
pub fn check_working_days(working_days: u32) -> CoreResult<u32> {
    if working_days == 0 {
        return Err(CoreError::invalid(
            "working_days",
            t!("calendar-working-days-zero"),
        ));
    }
    if working_days > MAX_PUBLICITY_WORKING_DAYS {
        return Err(CoreError::invalid(
            "working_days",
            t!(
                "calendar-working-days-too-many",
                max = MAX_PUBLICITY_WORKING_DAYS,
                days = working_days
            ),
        ));
    }
    Ok(working_days)
}

/// When a notice that starts at `start` and lasts `working_days` working days ends:
/// 24:00 CST of the `working_days`-th working day after the day (in CST) of `start`.
/// See the module documentation for the rules.
///
/// # Errors
/// `Invalid` when `working_days` is refused by [`check_working_days`].
pub fn publicity_ends(
    start: DateTime<Utc>,
    working_days: u32,
    calendar: &WorkCalendar,
) -> CoreResult<DateTime<Utc>> {
    check_working_days(working_days)?;
    let cst = china_standard_time();
    let out_of_range =
        || CoreError::Internal(format!("publicity end after {start} is out of range"));
    let mut day = start.with_timezone(&cst).date_naive();
    let mut left = working_days;
    // Ends: at most `working_days` weekdays plus one step per listed holiday.
    while left > 0 {
        day = day.succ_opt().ok_or_else(out_of_range)?;
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    let midnight_after = day
        .succ_opt()
        .ok_or_else(out_of_range)?
        .and_time(NaiveTime::MIN)
        .and_local_timezone(cst)
        .single()
        .ok_or_else(out_of_range)?;
    Ok(midnight_after.with_timezone(&Utc))
}

/// Whether a notice ending at `ends` is still open at `now`. The end is exclusive:
/// at 24:00 sharp the notice is over.
pub fn is_open(now: DateTime<Utc>, ends: DateTime<Utc>) -> bool {
    now < ends
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Timelike};

    use super::*;

    #[test]
    fn a_moment_typed_in_beijing_time_reads_back_the_same() {
        let at = super::parse_beijing("2026-03-15T14:30").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-03-15T06:30:00+00:00");
        assert_eq!(super::parse_beijing(" 2026-03-15 14:30:00 "), Some(at));
        assert_eq!(super::beijing_minute(at), "2026-03-15 14:30");
        assert_eq!(super::beijing_input(at), "2026-03-15T14:30");
        assert_eq!(super::beijing_date(at), "2026-03-15");
        assert_eq!(super::parse_beijing("15/03/2026 14:30"), None);
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An instant given as wall-clock time in Beijing.
    fn beijing(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        china_standard_time()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    /// The end of day `d` in Beijing (24:00 CST).
    fn end_of(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        beijing(y, m, d, 0, 0) + Duration::days(1)
    }

    fn ends(start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        publicity_ends(start, days, &WorkCalendar::weekends_only()).unwrap()
    }

    fn reason(error: CoreError) -> String {
        match error {
            CoreError::Invalid { reason, .. } => reason,
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn the_default_is_five_working_days() {
        assert_eq!(DEFAULT_PUBLICITY_WORKING_DAYS, 5);
        assert!(check_working_days(DEFAULT_PUBLICITY_WORKING_DAYS).is_ok());
    }

    #[test]
    fn the_end_is_midnight_in_beijing() {
        // Monday 2026-03-02: Tuesday to Friday, then Monday.
        let end = ends(beijing(2026, 3, 2, 10, 0), 5);
        assert_eq!(end, end_of(2026, 3, 9));
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 3, 9, 16, 0, 0).unwrap());
        let local = end.with_timezone(&china_standard_time());
        assert_eq!(
            (local.date_naive(), local.hour(), local.minute()),
            (date(2026, 3, 10), 0, 0)
        );
    }

    #[test]
    fn the_start_day_is_never_counted() {
        assert_eq!(date(2026, 3, 2).weekday(), Weekday::Mon);
        // Early or late on Monday makes no difference.
        for (h, min) in [(0, 0), (0, 1), (9, 0), (17, 30), (23, 59)] {
            assert_eq!(
                ends(beijing(2026, 3, 2, h, min), 1),
                end_of(2026, 3, 3),
                "{h}:{min}"
            );
            assert_eq!(
                ends(beijing(2026, 3, 2, h, min), 5),
                end_of(2026, 3, 9),
                "{h}:{min}"
            );
        }
    }

    #[test]
    fn every_weekday_start() {
        // The week of Monday 2026-03-02, five working days.
        let expected = [
            (2, 9),  // Mon → next Mon
            (3, 10), // Tue → next Tue
            (4, 11),
            (5, 12),
            (6, 13), // Fri → next Fri
            (7, 13), // Sat → Mon..Fri
            (8, 13), // Sun → Mon..Fri
        ];
        for (start, end) in expected {
            assert_eq!(
                ends(beijing(2026, 3, start, 12, 0), 5),
                end_of(2026, 3, end),
                "start {start}"
            );
        }
    }

    #[test]
    fn friday_and_weekend_starts_count_from_monday() {
        assert_eq!(date(2026, 3, 6).weekday(), Weekday::Fri);
        for start in [6, 7, 8] {
            assert_eq!(
                ends(beijing(2026, 3, start, 15, 0), 1),
                end_of(2026, 3, 9),
                "start {start}"
            );
            assert_eq!(
                ends(beijing(2026, 3, start, 15, 0), 2),
                end_of(2026, 3, 10),
                "start {start}"
            );
        }
        // Six days from a Friday cross a second weekend.
        assert_eq!(ends(beijing(2026, 3, 6, 15, 0), 6), end_of(2026, 3, 16));
    }

    #[test]
    fn days_are_counted_in_beijing_not_in_utc() {
        assert_eq!(date(2026, 3, 5).weekday(), Weekday::Thu);
        // 15:59 UTC Thursday is 23:59 Thursday in Beijing: Friday is day one.
        let thursday = Utc.with_ymd_and_hms(2026, 3, 5, 15, 59, 0).unwrap();
        assert_eq!(ends(thursday, 5), end_of(2026, 3, 12));
        // 16:00 UTC Thursday is already Friday in Beijing: Monday is day one.
        let friday = Utc.with_ymd_and_hms(2026, 3, 5, 16, 0, 0).unwrap();
        assert_eq!(ends(friday, 5), end_of(2026, 3, 13));
        // 16:00 UTC Friday is Saturday in Beijing, the same as Friday in the notice.
        let saturday = Utc.with_ymd_and_hms(2026, 3, 6, 16, 0, 0).unwrap();
        assert_eq!(ends(saturday, 5), end_of(2026, 3, 13));
        // 16:00 UTC Sunday is Monday 00:00 in Beijing: the Monday is not counted.
        let monday = Utc.with_ymd_and_hms(2026, 3, 8, 16, 0, 0).unwrap();
        assert_eq!(ends(monday, 1), end_of(2026, 3, 10));
        let sunday = Utc.with_ymd_and_hms(2026, 3, 8, 15, 59, 59).unwrap();
        assert_eq!(ends(sunday, 1), end_of(2026, 3, 9));
    }

    #[test]
    fn month_and_year_boundaries() {
        assert_eq!(date(2026, 1, 29).weekday(), Weekday::Thu);
        // Fri 30 Jan, then Mon 2 to Thu 5 Feb.
        assert_eq!(ends(beijing(2026, 1, 29, 9, 0), 5), end_of(2026, 2, 5));
        // From Wednesday 31 December: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 January.
        assert_eq!(date(2025, 12, 31).weekday(), Weekday::Wed);
        assert_eq!(ends(beijing(2025, 12, 31, 18, 0), 5), end_of(2026, 1, 7));
        // The last day of a month as the last day of the notice: 24:00 on 31 March
        // is 00:00 on 1 April.
        assert_eq!(date(2026, 3, 31).weekday(), Weekday::Tue);
        let end = ends(beijing(2026, 3, 24, 9, 0), 5);
        assert_eq!(end, end_of(2026, 3, 31));
        assert_eq!(
            end.with_timezone(&china_standard_time()).date_naive(),
            date(2026, 4, 1)
        );
        // New Year's Eve as the last day ends at 00:00 on 1 January.
        let end = ends(beijing(2026, 12, 30, 9, 0), 1);
        assert_eq!(end, end_of(2026, 12, 31));
        assert_eq!(
            end.with_timezone(&china_standard_time()).date_naive(),
            date(2027, 1, 1)
        );
        // Leap year: Monday 28 February 2028 is followed by Tuesday 29 February.
        assert_eq!(date(2028, 2, 28).weekday(), Weekday::Mon);
        assert_eq!(ends(beijing(2028, 2, 28, 9, 0), 1), end_of(2028, 2, 29));
        assert_eq!(ends(beijing(2028, 2, 25, 9, 0), 5), end_of(2028, 3, 3));
    }

    #[test]
    fn no_daylight_saving_anywhere() {
        // Across the European (29 March 2026) and American (8 March 2026) changes
        // and a whole year of starts, every end is 16:00 UTC sharp.
        assert_eq!(
            ends(beijing(2026, 3, 27, 9, 0), 5),
            Utc.with_ymd_and_hms(2026, 4, 3, 16, 0, 0).unwrap()
        );
        assert_eq!(
            ends(beijing(2026, 3, 6, 9, 0), 5),
            Utc.with_ymd_and_hms(2026, 3, 13, 16, 0, 0).unwrap()
        );
        assert_eq!(
            ends(beijing(2026, 10, 23, 9, 0), 5),
            Utc.with_ymd_and_hms(2026, 10, 30, 16, 0, 0).unwrap()
        );
        let mut start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        while start.year() == 2026 {
            let end = ends(start, 3);
            assert_eq!(
                (end.hour(), end.minute(), end.second()),
                (16, 0, 0),
                "{start}"
            );
            start += Duration::hours(7);
        }
    }

    #[test]
    fn the_end_day_is_the_nth_working_day_after_the_start_day() {
        // The rule restated as a count, over every start day of two years (crossing
        // a leap day) and every length up to twelve, with holidays and 调休.
        let calendar = WorkCalendar::new(
            &[date(2027, 10, 1), date(2027, 10, 4), date(2028, 2, 29)],
            &[date(2027, 10, 9)],
        )
        .unwrap();
        let cst = china_standard_time();
        let mut start_day = date(2027, 1, 1);
        while start_day < date(2029, 1, 1) {
            let start = beijing(start_day.year(), start_day.month(), start_day.day(), 11, 0);
            for days in 1..=12 {
                let end = publicity_ends(start, days, &calendar).unwrap();
                let last_day = end.with_timezone(&cst).date_naive().pred_opt().unwrap();
                assert!(calendar.is_working_day(last_day), "{start_day} {days}");
                let counted = start_day
                    .iter_days()
                    .skip(1)
                    .take_while(|d| *d <= last_day)
                    .filter(|d| calendar.is_working_day(*d))
                    .count();
                assert_eq!(counted, days as usize, "{start_day} {days}");
            }
            start_day = start_day.succ_opt().unwrap();
        }
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_count() {
        // A National Day week: Thursday 1 to Wednesday 7 October off, Saturday 10
        // October worked (调休).
        assert_eq!(date(2026, 10, 1).weekday(), Weekday::Thu);
        assert_eq!(date(2026, 10, 10).weekday(), Weekday::Sat);
        let holidays: Vec<NaiveDate> = (1..=7).map(|d| date(2026, 10, d)).collect();
        let calendar = WorkCalendar::new(&holidays, &[date(2026, 10, 10)]).unwrap();
        // From Wednesday 30 September: Thu 8, Fri 9, Sat 10, Mon 12, Tue 13.
        let start = beijing(2026, 9, 30, 10, 0);
        assert_eq!(
            publicity_ends(start, 5, &calendar).unwrap(),
            end_of(2026, 10, 13)
        );
        assert_eq!(ends(start, 5), end_of(2026, 10, 7));
        // The make-up Saturday alone: from Friday 9 it is day one.
        let only_makeup = WorkCalendar::new(&[], &[date(2026, 10, 10)]).unwrap();
        let friday = beijing(2026, 10, 9, 10, 0);
        assert_eq!(
            publicity_ends(friday, 1, &only_makeup).unwrap(),
            end_of(2026, 10, 10)
        );
        assert_eq!(ends(friday, 1), end_of(2026, 10, 12));
        // Starting on the make-up Saturday: the start day is still not counted.
        let saturday = beijing(2026, 10, 10, 10, 0);
        assert_eq!(
            publicity_ends(saturday, 1, &only_makeup).unwrap(),
            end_of(2026, 10, 12)
        );
        // New Year's Day as a holiday.
        let new_year = WorkCalendar::new(&[date(2026, 1, 1)], &[]).unwrap();
        assert_eq!(
            publicity_ends(beijing(2025, 12, 31, 18, 0), 5, &new_year).unwrap(),
            end_of(2026, 1, 8)
        );
    }

    #[test]
    fn redundant_entries_change_nothing() {
        // A holiday on a Sunday and a "working day" on a Tuesday, listed twice.
        let calendar = WorkCalendar::new(
            &[date(2026, 3, 8), date(2026, 3, 8)],
            &[date(2026, 3, 3), date(2026, 3, 3)],
        )
        .unwrap();
        for start in 1..=10 {
            let start = beijing(2026, 3, start, 8, 0);
            assert_eq!(publicity_ends(start, 5, &calendar).unwrap(), ends(start, 5));
        }
        assert_eq!(
            WorkCalendar::new(&[], &[]).unwrap(),
            WorkCalendar::weekends_only()
        );
    }

    #[test]
    fn a_day_cannot_be_both_holiday_and_working_day() {
        let error = WorkCalendar::new(
            &[date(2026, 10, 1), date(2026, 10, 10)],
            &[date(2026, 10, 10)],
        )
        .unwrap_err();
        assert!(matches!(
            error,
            CoreError::Invalid {
                field: "holidays",
                ..
            }
        ));
        let reason = reason(error);
        assert!(
            reason.contains("2026-10-10") && reason.contains("调休"),
            "{reason}"
        );
    }

    #[test]
    fn working_days_are_checked() {
        let start = beijing(2026, 3, 2, 10, 0);
        let calendar = WorkCalendar::weekends_only();
        let error = publicity_ends(start, 0, &calendar).unwrap_err();
        assert!(matches!(
            error,
            CoreError::Invalid {
                field: "working_days",
                ..
            }
        ));
        assert!(reason(error).contains("至少为 1 个工作日"));
        let error = publicity_ends(start, MAX_PUBLICITY_WORKING_DAYS + 1, &calendar).unwrap_err();
        assert!(reason(error).contains("最多 60 个工作日，实为 61 个"));
        assert!(publicity_ends(start, u32::MAX, &calendar).is_err());
        // Sixty working days are twelve full weeks: Monday 2 March to Monday 25 May.
        assert_eq!(
            publicity_ends(start, MAX_PUBLICITY_WORKING_DAYS, &calendar).unwrap(),
            end_of(2026, 5, 25)
        );
        assert_eq!(check_working_days(1).unwrap(), 1);
    }

    #[test]
    fn open_until_the_end_exclusive() {
        let end = ends(beijing(2026, 3, 2, 10, 0), 5);
        assert!(is_open(beijing(2026, 3, 2, 10, 0), end));
        assert!(is_open(beijing(2026, 3, 9, 23, 59), end));
        assert!(is_open(end - Duration::seconds(1), end));
        assert!(!is_open(end, end));
        assert!(!is_open(end + Duration::seconds(1), end));
        assert!(!is_open(beijing(2026, 3, 10, 0, 0), end));
    }
}

//! A small proleptic-Gregorian calendar date, enough for end-of-life arithmetic.
//!
//! Dates are stored as year, month and day and converted to a day count (days since
//! 1970-01-01) for comparisons and arithmetic. Years are limited to `0..=9999`, the range
//! `YYYY-MM-DD` can spell; arithmetic saturates at [`Date::MIN`] and [`Date::MAX`].

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

/// A calendar date (`YYYY-MM-DD`), always valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    year: u16,
    month: u8,
    day: u8,
}

/// Why a `YYYY-MM-DD` string is not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as YYYY-MM-DD")]
    Format,
    #[error("month must be 01 to 12")]
    Month,
    #[error("day is not in that month")]
    Day,
}

/// Days from 0000-03-01 to 1970-01-01 in the era-based day count used below.
const UNIX_EPOCH_SHIFT: i64 = 719_468;

impl Date {
    /// 0000-01-01.
    pub const MIN: Date = Date {
        year: 0,
        month: 1,
        day: 1,
    };
    /// 9999-12-31.
    pub const MAX: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// The date, if `year` is in `0..=9999` and the month and day exist.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let year = u16::try_from(year).ok().filter(|y| *y <= 9999)?;
        let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        let day = u8::try_from(day).ok()?;
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Format);
        }
        let num = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
            let digits = &b[range];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(DateError::Format);
            }
            Ok(digits
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
        };
        let year = num(0..4)?;
        let month = num(5..7)?;
        let day = num(8..10)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::Month);
        }
        let year = i32::try_from(year).map_err(|_| DateError::Format)?;
        Date::new(year, month, day).ok_or(DateError::Day)
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> Date {
        let days = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs() / 86_400).unwrap_or(i64::MAX),
            // A clock before 1970: count backwards, rounding towards the earlier day.
            Err(before) => {
                let secs = i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX);
                -(secs.saturating_add(86_399) / 86_400)
            }
        };
        Date::from_days(days)
    }

    pub const fn year(self) -> i32 {
        self.year as i32
    }

    pub const fn month(self) -> u32 {
        self.month as u32
    }

    pub const fn day(self) -> u32 {
        self.day as u32
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Count years from March so that the leap day is the last day of a year.
        let m = i64::from(self.month);
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y.rem_euclid(400);
        let month_from_march = (m + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - UNIX_EPOCH_SHIFT
    }

    /// The date `days` after 1970-01-01, saturating at [`Date::MIN`] and [`Date::MAX`].
    pub fn from_days(days: i64) -> Date {
        if days <= Date::MIN.to_days() {
            return Date::MIN;
        }
        if days >= Date::MAX.to_days() {
            return Date::MAX;
        }
        let z = days + UNIX_EPOCH_SHIFT;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = era * 400 + year_of_era + i64::from(month <= 2);
        // The range checks above keep every component in range.
        Date {
            year: u16::try_from(year).unwrap_or(9999),
            month: u8::try_from(month).unwrap_or(12),
            day: u8::try_from(day).unwrap_or(31),
        }
    }

    /// The date `days` later (earlier when negative), or `None` outside `0..=9999`.
    pub fn checked_add_days(self, days: i64) -> Option<Date> {
        let target = self.to_days().checked_add(days)?;
        if target < Date::MIN.to_days() || target > Date::MAX.to_days() {
            return None;
        }
        Some(Date::from_days(target))
    }

    /// The date `days` later (earlier when negative), saturating at the ends of the range.
    #[must_use]
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days().saturating_add(days))
    }

    /// Days from `self` to `other`: positive when `other` is later, 0 on the same day.
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }
}

const fn is_leap(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_and_displays() {
        let date = d("2026-11-29");
        assert_eq!((date.year(), date.month(), date.day()), (2026, 11, 29));
        assert_eq!(date.to_string(), "2026-11-29");
        assert_eq!(d("0000-01-01"), Date::MIN);
        assert_eq!(d("9999-12-31"), Date::MAX);
        assert_eq!(
            "2024-02-29".parse::<Date>(),
            Ok(Date::new(2024, 2, 29).unwrap())
        );
        assert_eq!(Date::new(7, 3, 4).unwrap().to_string(), "0007-03-04");
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "",
            "2026-1-29",
            "2026-01-9",
            "26-01-09",
            "2026/01/09",
            "2026-01-09 ",
            " 2026-01-09",
            "2026-0a-09",
            "+026-01-09",
            "2026-01-09T00",
            "２０２６-01-09",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError::Format), "{bad:?}");
        }
        assert_eq!(Date::parse("2026-13-01"), Err(DateError::Month));
        assert_eq!(Date::parse("2026-00-01"), Err(DateError::Month));
        assert_eq!(Date::parse("2026-02-29"), Err(DateError::Day));
        assert_eq!(Date::parse("1900-02-29"), Err(DateError::Day));
        assert_eq!(Date::parse("2026-04-31"), Err(DateError::Day));
        assert_eq!(Date::parse("2026-04-00"), Err(DateError::Day));
        assert!(Date::parse("2000-02-29").is_ok());
        assert_eq!(Date::new(10_000, 1, 1), None);
        assert_eq!(Date::new(-1, 1, 1), None);
    }

    #[test]
    fn orders_chronologically() {
        assert!(d("2024-06-30") < d("2024-07-01"));
        assert!(d("2024-12-31") < d("2025-01-01"));
        assert!(d("2025-01-02") > d("2025-01-01"));
        let mut v = vec![d("2030-01-01"), d("1999-12-31"), d("2024-02-29")];
        v.sort();
        assert_eq!(v, vec![d("1999-12-31"), d("2024-02-29"), d("2030-01-01")]);
    }

    #[test]
    fn day_counts_match_known_values() {
        assert_eq!(d("1970-01-01").to_days(), 0);
        assert_eq!(d("1970-01-02").to_days(), 1);
        assert_eq!(d("1969-12-31").to_days(), -1);
        assert_eq!(d("2000-03-01").to_days(), 11_017);
        // 2026-11-29 00:00:00 UTC is Unix time 1_795_910_400.
        assert_eq!(d("2026-11-29").to_days(), 1_795_910_400 / 86_400);
        assert_eq!(Date::from_days(20_786), d("2026-11-29"));
    }

    #[test]
    fn day_count_round_trips_every_day_of_four_centuries() {
        let start = d("1900-01-01").to_days();
        let mut prev = Date::from_days(start - 1);
        for n in start..start + 146_097 {
            let date = Date::from_days(n);
            assert_eq!(date.to_days(), n);
            assert!(date > prev);
            assert_eq!(Date::parse(&date.to_string()), Ok(date));
            prev = date;
        }
    }

    #[test]
    fn adds_days_across_months_years_and_leap_days() {
        assert_eq!(d("2024-02-28").add_days(1), d("2024-02-29"));
        assert_eq!(d("2024-02-28").add_days(2), d("2024-03-01"));
        assert_eq!(d("2023-02-28").add_days(1), d("2023-03-01"));
        assert_eq!(d("2026-12-31").add_days(1), d("2027-01-01"));
        assert_eq!(d("2027-01-01").add_days(-1), d("2026-12-31"));
        assert_eq!(d("2026-11-29").add_days(90), d("2027-02-27"));
        assert_eq!(d("2026-11-29").add_days(0), d("2026-11-29"));
        assert_eq!(d("2000-01-01").add_days(366), d("2001-01-01"));
        assert_eq!(d("9999-12-30").add_days(5), Date::MAX);
        assert_eq!(d("0000-01-02").add_days(-5), Date::MIN);
        assert_eq!(d("2026-01-01").add_days(i64::MAX), Date::MAX);
        assert_eq!(d("2026-01-01").add_days(i64::MIN), Date::MIN);
        assert_eq!(d("9999-12-30").checked_add_days(5), None);
        assert_eq!(d("9999-12-30").checked_add_days(1), Some(Date::MAX));
        assert_eq!(d("2026-01-01").checked_add_days(i64::MAX), None);
    }

    #[test]
    fn days_until_is_signed() {
        assert_eq!(d("2026-11-29").days_until(d("2026-11-29")), 0);
        assert_eq!(d("2026-11-29").days_until(d("2026-11-30")), 1);
        assert_eq!(d("2026-11-29").days_until(d("2026-11-28")), -1);
        assert_eq!(d("2024-06-30").days_until(d("2026-11-29")), 882);
        assert_eq!(d("2024-01-01").days_until(d("2025-01-01")), 366);
        assert_eq!(d("2025-01-01").days_until(d("2026-01-01")), 365);
    }

    #[test]
    fn today_is_plausible() {
        let today = Date::today_utc();
        assert!(today >= d("2024-01-01"));
        assert!(today < d("2200-01-01"));
    }

    #[test]
    fn serializes_as_a_string() {
        assert_eq!(
            serde_json::to_string(&d("2026-08-22")).unwrap(),
            "\"2026-08-22\""
        );
    }
}

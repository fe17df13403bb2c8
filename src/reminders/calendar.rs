//! When reminders may go: send windows in the shop's time zone, opening later
//! on weekends and public holidays, with China's make-up workdays (调休) from
//! the holiday data (`holidays.rs`) and the shop's own days from the config.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, RwLock};

use super::holidays::Holidays;

/// A daily send window, local time, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Window {
    /// Parses "HH:MM-HH:MM".
    pub fn parse(text: &str) -> Option<Window> {
        let (a, b) = text.split_once('-')?;
        let start = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
        let end = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
        (start < end).then_some(Window { start, end })
    }
}

/// A window on one day, as UTC instants: (opens, closes).
type Span = (DateTime<Utc>, DateTime<Utc>);

pub struct Calendar {
    pub tz: Tz,
    pub windows: Vec<Window>,
    /// How much later windows open on a day off.
    pub day_off_delay: Duration,
    pub extra_days_off: BTreeSet<NaiveDate>,
    pub extra_workdays: BTreeSet<NaiveDate>,
    pub holidays: Holidays,
    /// Years already warned about (missing holiday data): warn once each.
    warned: Mutex<HashSet<i32>>,
    /// Minute -> the first window ending after it. Windows start and end on
    /// whole minutes, so every instant of a minute has the same answer. A
    /// read-write lock: the plan's two workers read it for every order.
    next_window: RwLock<HashMap<i64, Option<Span>>>,
}

impl Calendar {
    pub fn new(tz: Tz, mut windows: Vec<Window>, day_off_delay: Duration) -> Calendar {
        windows.sort_by_key(|w| w.start);
        Calendar {
            tz,
            windows,
            day_off_delay,
            extra_days_off: BTreeSet::new(),
            extra_workdays: BTreeSet::new(),
            holidays: Holidays::builtin(),
            warned: Mutex::new(HashSet::new()),
            next_window: RwLock::new(HashMap::new()),
        }
    }

    /// Whether `date` is a day off: the shop's own days first, then the
    /// public-holiday data (with make-up workdays), then plain weekends when
    /// the data does not cover the year.
    /// A few set lookups, no lock: the plan asks for every order.
    pub fn is_day_off(&self, date: NaiveDate) -> bool {
        if self.extra_workdays.contains(&date) {
            return false;
        }
        if self.extra_days_off.contains(&date) {
            return true;
        }
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        if let Some(off) = self.holidays.special(date) {
            return off;
        }
        let year = date.year();
        let shop_lists_year = self
            .extra_days_off
            .iter()
            .chain(&self.extra_workdays)
            .any(|d| d.year() == year);
        if !self.holidays.covers(year)
            && !shop_lists_year
            && self
                .warned
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(year)
        {
            tracing::warn!(
                year,
                "no public-holiday data for this year: treating only weekends as days off (put the year's holiday-cn file in reminders.holidays_dir, see the README)"
            );
        }
        weekend
    }

    /// The windows of `date` as UTC instants, shifted on days off.
    fn windows_on(&self, date: NaiveDate) -> Vec<Span> {
        let delay = if self.is_day_off(date) {
            self.day_off_delay
        } else {
            Duration::zero()
        };
        self.windows
            .iter()
            .filter_map(|w| {
                let start = self
                    .tz
                    .from_local_datetime(&date.and_time(w.start))
                    .earliest()?
                    + delay;
                let end = self
                    .tz
                    .from_local_datetime(&date.and_time(w.end))
                    .earliest()?;
                (start < end).then(|| (start.with_timezone(&Utc), end.with_timezone(&Utc)))
            })
            .collect()
    }

    /// The earliest instant at or after `t` inside a send window.
    pub fn next_open(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let minute = t.timestamp().div_euclid(60);
        let cached = self
            .next_window
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&minute)
            .copied();
        let window = cached.unwrap_or_else(|| {
            let first = t.with_timezone(&self.tz).date_naive();
            let found = (0..60)
                .map(|d| first + Duration::days(d))
                .find_map(|date| self.windows_on(date).into_iter().find(|(_, end)| t < *end));
            let mut memo = self.next_window.write().unwrap_or_else(|p| p.into_inner());
            // Bounded: a long-running bot asks about a new minute every
            // minute, and `orders serve` about every order's creation time.
            // A plan's orders fall on far fewer distinct minutes than this.
            if memo.len() >= 20_000 {
                memo.clear();
            }
            memo.insert(minute, found);
            found
        });
        window.map(|(start, _)| start.max(t))
    }

    /// The report's time slot for `t`: the configured window it fell in,
    /// e.g. `09:30-12:00`, marked `(day off)` on weekends and holidays.
    pub fn slot_of(&self, t: DateTime<Utc>) -> String {
        let local = t.with_timezone(&self.tz);
        let time = local.time();
        let Some(window) = self
            .windows
            .iter()
            .find(|w| w.start <= time && time < w.end)
        else {
            return "outside send windows".into();
        };
        format!(
            "{}-{}{}",
            window.start.format("%H:%M"),
            window.end.format("%H:%M"),
            if self.is_day_off(local.date_naive()) {
                " (day off)"
            } else {
                ""
            }
        )
    }

    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        self.next_open(t) == Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> Calendar {
        let windows = vec![
            Window::parse("09:30-12:00").unwrap(),
            Window::parse("14:30-21:00").unwrap(),
        ];
        Calendar::new(chrono_tz::Asia::Shanghai, windows, Duration::hours(1))
    }

    #[test]
    fn the_window_memo_stays_bounded_in_a_long_run() {
        let c = calendar();
        let start = at("2026-11-30 10:00");
        // A month of minutes, as a bot asks over a month of ticks.
        for minute in 0..45_000 {
            let t = start + Duration::minutes(minute);
            assert!(c.next_open(t).is_some());
        }
        let memo = c.next_window.read().unwrap().len();
        assert!(memo <= 20_000, "{memo} minutes remembered");
    }

    fn at(text: &str) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai
            .from_local_datetime(
                &chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
            )
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn windows_and_day_off_shift() {
        let c = calendar();
        // Monday 2025-11-17 12:10 -> 14:30 the same day.
        assert_eq!(
            c.next_open(at("2025-11-17 12:10")),
            Some(at("2025-11-17 14:30"))
        );
        assert_eq!(
            c.next_open(at("2025-11-17 10:00")),
            Some(at("2025-11-17 10:00"))
        );
        // Friday 21:20 -> Saturday, a day off: 10:30.
        assert_eq!(
            c.next_open(at("2025-11-14 21:20")),
            Some(at("2025-11-15 10:30"))
        );
        // National Day holiday 2025-10-01 (Wednesday) opens late.
        assert_eq!(
            c.next_open(at("2025-10-01 08:00")),
            Some(at("2025-10-01 10:30"))
        );
        // Saturday 2025-10-11 is a make-up workday (调休): normal hours.
        assert!(!c.is_day_off(NaiveDate::from_ymd_opt(2025, 10, 11).unwrap()));
        assert_eq!(
            c.next_open(at("2025-10-11 08:00")),
            Some(at("2025-10-11 09:30"))
        );
    }

    #[test]
    fn national_day_2026_and_its_make_up_workday_need_no_config() {
        let c = calendar();
        // Thursday 2026-10-01 (国庆) opens late, like a Sunday.
        assert_eq!(
            c.next_open(at("2026-10-01 08:00")),
            Some(at("2026-10-01 10:30"))
        );
        // Saturday 2026-10-10 is a make-up workday (调休): normal hours.
        assert_eq!(
            c.next_open(at("2026-10-10 08:00")),
            Some(at("2026-10-10 09:30"))
        );
    }

    #[test]
    fn a_year_without_data_falls_back_to_weekends() {
        let c = calendar();
        assert!(c.is_day_off(NaiveDate::from_ymd_opt(2099, 1, 3).unwrap())); // a Saturday
        assert!(!c.is_day_off(NaiveDate::from_ymd_opt(2099, 1, 5).unwrap())); // a Monday
        let mut c = calendar();
        c.extra_days_off
            .insert(NaiveDate::from_ymd_opt(2099, 1, 5).unwrap());
        assert!(c.is_day_off(NaiveDate::from_ymd_opt(2099, 1, 5).unwrap()));
    }

    #[test]
    fn window_parsing() {
        assert!(Window::parse("21:00-09:00").is_none());
        assert!(Window::parse("9am-5pm").is_none());
    }
}

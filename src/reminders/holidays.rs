//! China's public holidays and make-up workdays (调休), read from files in
//! the format of NateScarlet/holiday-cn (`holidays/<year>.json`, from the
//! State Council's notices). The years in the repository are compiled in; a
//! shop can put newer files in `reminders.holidays_dir` without waiting for
//! a release (the next year's notice comes out around November).

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

mod assets {
    include!(concat!(env!("OUT_DIR"), "/holidays.rs"));
}

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    days: Vec<Day>,
}

#[derive(Deserialize)]
struct Day {
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

/// Per year the data covers: the dates that differ from an ordinary week
/// (`true`: a day off on a weekday, `false`: a make-up workday).
#[derive(Debug, Clone, Default)]
pub struct Holidays {
    years: HashMap<i32, HashMap<NaiveDate, bool>>,
}

impl Holidays {
    /// The years shipped in `holidays/`.
    pub fn builtin() -> Holidays {
        let mut holidays = Holidays::default();
        for (name, text) in assets::HOLIDAYS {
            holidays
                .add(text, name)
                .unwrap_or_else(|e| unreachable!("shipped holiday data is checked by tests: {e}"));
        }
        holidays
    }

    /// The shipped years, each replaced by the shop's file for it when `dir`
    /// has one (`2027.json`, ...).
    pub fn with_dir(dir: &Path) -> Result<Holidays, String> {
        let mut holidays = Holidays::builtin();
        let entries = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "reminders.holidays_dir {}: {e}\nhint: point it at a folder of holiday-cn files such as 2027.json",
                dir.display()
            )
        })?;
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for path in files {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            holidays.add(&text, &path.display().to_string())?;
        }
        Ok(holidays)
    }

    /// Reads one year's file; a year without days (as holiday-cn publishes
    /// before the notice) covers nothing.
    fn add(&mut self, text: &str, source: &str) -> Result<(), String> {
        let file: YearFile = serde_json::from_str(text)
            .map_err(|e| format!("{source}: not a holiday-cn year file ({e})"))?;
        let mut days = HashMap::new();
        for day in &file.days {
            let date: NaiveDate = day
                .date
                .parse()
                .map_err(|_| format!("{source}: {:?} is not a date \"YYYY-MM-DD\"", day.date))?;
            if date.year() != file.year {
                return Err(format!("{source}: {date} is not in the year {}", file.year));
            }
            days.insert(date, day.is_off_day);
        }
        if days.is_empty() {
            self.years.remove(&file.year);
        } else {
            self.years.insert(file.year, days);
        }
        Ok(())
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// `Some(true)` for a holiday, `Some(false)` for a make-up workday,
    /// `None` for a date the notice leaves as an ordinary day (or a year
    /// it does not cover).
    pub fn special(&self, date: NaiveDate) -> Option<bool> {
        self.years.get(&date.year())?.get(&date).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_shipped_years_include_2026() {
        let h = Holidays::builtin();
        for year in [2024, 2025, 2026] {
            assert!(h.covers(year), "{year}");
        }
        assert_eq!(h.special(date("2026-10-01")), Some(true));
        assert_eq!(h.special(date("2026-10-10")), Some(false));
        assert_eq!(h.special(date("2026-02-14")), Some(false));
        assert_eq!(h.special(date("2026-10-12")), None);
    }

    #[test]
    fn a_shops_file_adds_a_year_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("2027.json"),
            r#"{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
        )
        .unwrap();
        let h = Holidays::with_dir(dir.path()).unwrap();
        assert!(h.covers(2027) && h.covers(2026));
        assert_eq!(h.special(date("2027-01-01")), Some(true));

        std::fs::write(dir.path().join("2028.json"), "{\"year\": 2028}").unwrap();
        let err = Holidays::with_dir(dir.path()).unwrap_err();
        assert!(
            err.contains("2028.json") && err.contains("holiday-cn"),
            "{err}"
        );
        let err = Holidays::with_dir(&dir.path().join("missing")).unwrap_err();
        assert!(err.contains("reminders.holidays_dir"), "{err}");
    }
}

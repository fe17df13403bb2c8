//! When the buyer says they will pay: "in 10 minutes", "tonight at 8",
//! "明天中午", "周五发工资后", "下班路上再付".
//!
//! Why: a reminder at the moment the buyer named is welcome, one before it is
//! nagging and one long after it loses the sale. So the engine remembers that
//! moment, resolved in the shop's time zone, and reminds then.
//!
//! A handful of regexes, not a grammar. Missing a phrase only costs the usual
//! reminder schedule; misreading one (an order number taken for a clock time)
//! costs a wrong reminder. So a number counts only with a unit ("10 min",
//! "3小时") or a clock marker ("at 8", "8:30", "8pm", "8点").

use chrono::{DateTime, Datelike, Days, NaiveDate, Offset, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use regex::Regex;
use std::sync::LazyLock;

/// Delays beyond three days are jokes or typos ("in 500 hours"); the cap also
/// keeps every computation far from overflow whatever the buyer types.
const MAX_MINUTES: f64 = (24 * 60 * 3) as f64;

/// Compiles a built-in pattern. `\b` is made ASCII-only: in Unicode every Han
/// character is a word character, so "tomorrow付" would have no boundary.
fn re(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)"))
        .unwrap_or_else(|e| unreachable!("built-in pattern {pattern}: {e}"))
}

macro_rules! patterns {
    ($($name:ident = $re:expr;)*) => {
        $(static $name: LazyLock<Regex> = LazyLock::new(|| re($re));)*
    };
}

patterns! {
    // Relative delays. Spelled-out numbers need a space before the unit, so
    // "8 am" is not read as "a m(inute)".
    EN_REL = r"\b(?:([0-9]{1,3}(?:\.[0-9]{1,2})?)\s*|(an?|one|two|three|four|five|ten|fifteen|twenty|thirty|forty|half an?|a couple of|couple of|a few|few)\s+)(hours?|hrs?|h|minutes?|mins?|m)\b(\s+and\s+a\s+half)?(?:\s*(?:and\s+)?([0-9]{1,2})\s*(?:minutes?|mins?|m)\b)?(\s+ago\b)?";
    ZH_REL = r"(半|[0-9]{1,3}(?:\.[0-9])?|[零一二两三四五六七八九十]{1,4})\s*个?\s*(半)?\s*(小时|钟头|分钟)(?:\s*零?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*分钟?)?\s*(前)?";
    // Clock times. English needs a marker (checked in code): a preposition,
    // minutes, am/pm/o'clock, or a day word right after ("9 tonight").
    EN_CLOCK = r"(?:\b(at|around|about|by|after)\s+|(@)\s*)?\b([0-9]{1,2})(?::([0-5][0-9]))?(?:\s*(a\.?m\b\.?|p\.?m\b\.?|o['’]?\s?clock\b))?(\s+(?:tonight|today|tomorrow|this evening|in the (?:morning|afternoon|evening)))?";
    ZH_CLOCK = r"([0-9]{1,2}|[零一二两三四五六七八九十]{1,3})\s*点\s*钟?\s*(半|一刻|三刻|过?(?:[0-9]{1,2}|[零一二三四五六七八九十]{1,3})分?)?";
    // What follows a number that is a count, not a clock time: "after 2 days".
    NOT_TIME = r"^\s*(?:days?|weeks?|months?|years?|items?|pcs|pieces|orders?|yuan|rmb|dollars?|bucks|usd|percent|%|元|块|个|件|天)";
    // Parts of the day (morning, noon, afternoon, evening); the first one said wins.
    PART = r"(早上|早晨|上午|清晨|凌晨|明早|\bmorning\b)|(中午|\bnoon\b|\blunch)|(下午|\bafternoon\b)|(晚上|今晚|明晚|傍晚|夜里|\btonight\b|\bevening\b|\bnight\b)";
    // Day words.
    AFTER_TOMORROW = r"后天|\bday after tomorrow\b";
    TOMORROW = r"明天|明日|明早|明晚|明儿|\btomorrow\b|\btmrw?\b|\btmw\b";
    ZH_WEEKDAY = r"(下个?|这个?|本)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])";
    EN_WEEKDAY = r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b";
    WEEKEND = r"(下个?)?周末|\b(next\s+)?weekend\b";
    NEXT_WEEK = r"下个?(?:周|星期|礼拜)|\bnext week\b";
    MONTH_END = r"月底|月末|\bend of (?:the |this )?month\b|\bmonth end\b";
    TODAY = r"今天|今日|今晚|\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b";
    // Events: one whose time the shop knows, two whose time nobody knows.
    AFTER_WORK = r"下班|收工|放工|\b(?:after|off|finish|finishing|leave|leaving) work\b|\bget off\b";
    PAYDAY = r"发工资|发薪|工资到|工资发|领工资|出粮|\bpay ?day\b|\bget paid\b|\bsalary\b|\bpaycheck\b|\bwages?\b";
    HOME = r"回家|到家|\b(?:get|go|back|i'?m) home\b";
    // Vague soon-ness.
    SOON = r"一会|待会|等下|等一下|等会|稍后|过会|\bin a (?:bit|while|little while)\b|\bshortly\b|\bsoon\b";
    NOW = r"马上|现在|立刻|立即|这就|即刻|稍等|\bright (?:now|away)\b|\bnow\b|\basap\b|\bimmediately\b|\bat once\b|\bin a (?:sec|second|minute|moment)\b";
    NOT_NOW = r"现在不|现在没|\bnot (?:right )?now\b";
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Morning,
    Noon,
    Afternoon,
    Evening,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Day {
    /// No day word: today, or tomorrow once today's time has passed.
    Implied,
    /// Said "today"/"tonight": only today makes sense.
    Today,
    Offset(u64),
    /// Day of the week (0 is Monday) and whether of next week: (4, false) is
    /// the next Friday, today included while its time is ahead; (2, true) 下周三.
    Weekday(u32, bool),
    /// Saturday, or Sunday once Saturday's time has passed; or next week's.
    Weekend(bool),
    MonthEnd,
}

struct Clock {
    hour: u32,
    minute: u32,
    /// Some(true) for pm, Some(false) for am, None when not said.
    pm: Option<bool>,
}

/// The moment the buyer says they will pay, resolved in the shop's zone `tz`,
/// or `None` when the message names no time. `text` is already normalised:
/// lower case, NFKC (full-width folded), Traditional Chinese turned Simplified.
/// `after_work` is the shop's idea of "after work" as minutes after midnight (e.g. 18*60+30).
pub fn pay_time(text: &str, now: DateTime<Utc>, tz: Tz, after_work: u32) -> Option<DateTime<Utc>> {
    if let Some(minutes) = relative_minutes(text) {
        return now.checked_add_signed(TimeDelta::minutes(minutes));
    }
    let day = day_word(text);
    // We do not know when payday is; "payday is friday" names the day itself.
    if day.is_none() && PAYDAY.is_match(text) {
        return None;
    }
    let part = part_of_day(text);
    let clock = zh_clock(text).or_else(|| en_clock(text));
    let work = AFTER_WORK
        .is_match(text)
        .then_some(after_work.min(24 * 60 - 1));
    if day.is_none() && part.is_none() && clock.is_none() && work.is_none() {
        // "回家再付" names an event, not a time; guessing "soon" would nag.
        if HOME.is_match(text) {
            return None;
        }
        return vague_minutes(text).and_then(|m| now.checked_add_signed(TimeDelta::minutes(m)));
    }
    let later_day = day.is_some_and(|d| d != Day::Today);
    let minutes = match (clock, work, part) {
        (Some(c), _, _) => clock_minutes(c, part, later_day),
        (None, Some(w), _) => vec![w],
        (None, None, Some(Part::Morning)) => vec![9 * 60],
        (None, None, Some(Part::Noon)) => vec![12 * 60],
        (None, None, Some(Part::Afternoon)) => vec![15 * 60],
        (None, None, Some(Part::Evening)) => vec![20 * 60],
        // "today" alone: the evening, when people are free; other days: mid-morning.
        (None, None, None) if day == Some(Day::Today) => vec![20 * 60],
        (None, None, None) => vec![10 * 60],
    };
    // Not `with_timezone`: it panics at the edge of chrono's range.
    let offset = tz.offset_from_utc_datetime(&now.naive_utc()).fix();
    let today = now.naive_utc().checked_add_offset(offset)?.date();
    // Candidates in time order; the first one still ahead is the answer.
    dates(day.unwrap_or(Day::Implied), today)
        .into_iter()
        .flat_map(|d| minutes.iter().map(move |m| (d, *m)))
        .filter_map(|(d, m)| at_local(tz, d, m))
        .find(|t| *t > now)
}

fn part_of_day(t: &str) -> Option<Part> {
    let c = PART.captures(t)?;
    let i = (1..=4).find(|i| c.get(*i).is_some())?;
    [Part::Morning, Part::Noon, Part::Afternoon, Part::Evening]
        .get(i - 1)
        .copied()
}

fn relative_minutes(t: &str) -> Option<i64> {
    let en = EN_REL.captures_iter(t).find_map(|c| {
        if c.get(6).is_some() {
            return None; // "2 hours ago" is the past
        }
        let amount = match (c.get(1), c.get(2)) {
            (Some(d), _) => d.as_str().parse::<f64>().ok()?,
            (_, Some(w)) => en_amount(w.as_str())?,
            _ => return None,
        };
        let hours = c.get(3)?.as_str().starts_with('h');
        let half = if c.get(4).is_some() { 0.5 } else { 0.0 };
        let extra = c.get(5).and_then(|m| m.as_str().parse::<f64>().ok());
        Some(to_minutes(amount + half, hours, extra.unwrap_or(0.0)))
    });
    let zh = || {
        ZH_REL.captures_iter(t).find_map(|c| {
            if c.get(5).is_some() {
                return None; // "十分钟前" is the past
            }
            let amount = match c.get(1)?.as_str() {
                "半" => 0.5,
                n if n.starts_with(|ch: char| ch.is_ascii_digit()) => n.parse::<f64>().ok()?,
                n => f64::from(number(n)?),
            };
            let half = if c.get(2).is_some() { 0.5 } else { 0.0 };
            let hours = c.get(3)?.as_str() != "分钟";
            let extra = c.get(4).and_then(|m| number(m.as_str())).unwrap_or(0);
            Some(to_minutes(amount + half, hours, f64::from(extra)))
        })
    };
    en.or_else(zh).flatten()
}

fn to_minutes(amount: f64, hours: bool, extra: f64) -> Option<i64> {
    let minutes = if hours { amount * 60.0 } else { amount } + extra;
    // "0 minutes" names no time; the cap makes the cast exact and the addition safe.
    (1.0..=MAX_MINUTES)
        .contains(&minutes)
        .then(|| minutes.round() as i64)
}

fn en_amount(w: &str) -> Option<f64> {
    Some(match w {
        "half a" | "half an" => 0.5,
        "a" | "an" | "one" => 1.0,
        "two" | "a couple of" | "couple of" => 2.0,
        "three" | "a few" | "few" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "ten" => 10.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        _ => return None,
    })
}

/// Digits or a Chinese numeral up to 九十九 ("十二", "二十", "两", "零五").
fn number(s: &str) -> Option<u32> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return if s.len() <= 3 { s.parse().ok() } else { None };
    }
    let (mut total, mut unit) = (0u32, None::<u32>);
    for ch in s.chars() {
        if ch == '十' {
            total = total.checked_add(unit.take().unwrap_or(1).checked_mul(10)?)?;
        } else if unit.is_some_and(|u| u != 0) {
            return None; // "一二" is not a number
        } else {
            let d = "零一二三四五六七八九两".chars().position(|c| c == ch)?;
            unit = u32::try_from(if d == 10 { 2 } else { d }).ok();
        }
    }
    total.checked_add(unit.unwrap_or(0))
}

fn zh_clock(t: &str) -> Option<Clock> {
    ZH_CLOCK.captures_iter(t).find_map(|c| {
        let (whole, n) = (c.get(0)?, c.get(1)?.as_str());
        let before = t[..whole.start()].chars().next_back();
        if before.is_some_and(|b| b.is_ascii_digit()) {
            return None; // the tail of a longer number
        }
        // "快一点", "便宜一点点": 一点 there is "a bit", not one o'clock.
        let a_bit = before.is_some_and(|b| "快晚早慢多少有差好大小等再宜".contains(b))
            || t[whole.end()..].starts_with('点');
        if n == "一" && c.get(2).is_none() && a_bit {
            return None;
        }
        let minute = match c.get(2).map(|m| m.as_str()) {
            None => 0,
            Some("半") => 30,
            Some("一刻") => 15,
            Some("三刻") => 45,
            Some(m) => number(m.trim_start_matches('过').trim_end_matches('分'))?,
        };
        valid(number(n)?, minute, None)
    })
}

fn en_clock(t: &str) -> Option<Clock> {
    EN_CLOCK.captures_iter(t).find_map(|c| {
        let (whole, n) = (c.get(0)?, c.get(3)?);
        // "at 100", "a-10", "¥12": part of a longer number or an amount.
        let before = t[..n.start()].chars().next_back();
        if t[n.end()..].starts_with(|ch: char| ch.is_ascii_digit())
            || before.is_some_and(|b| b.is_ascii_digit() || "-.¥$#".contains(b))
        {
            return None;
        }
        let suffix = c.get(5).map(|m| m.as_str());
        let marked = [1, 2, 4, 5, 6].iter().any(|i| c.get(*i).is_some());
        if !marked || NOT_TIME.is_match(&t[whole.end()..]) {
            return None;
        }
        let minute = c.get(4).map_or(Some(0), |m| m.as_str().parse().ok())?;
        let pm = match suffix.and_then(|s| s.chars().next()) {
            Some('a') => Some(false),
            Some('p') => Some(true),
            _ => None,
        };
        valid(n.as_str().parse().ok()?, minute, pm)
    })
}

fn valid(hour: u32, minute: u32, pm: Option<bool>) -> Option<Clock> {
    (hour <= 23 && minute <= 59).then_some(Clock { hour, minute, pm })
}

/// Minutes after the day's midnight the clock may mean, earliest first; 24*60
/// is the midnight that ends the day. `later_day`: a day after today was named.
fn clock_minutes(c: Clock, part: Option<Part>, later_day: bool) -> Vec<u32> {
    let h = c.hour;
    let hours = match (c.pm, part) {
        (Some(pm), _) => vec![h % 12 + if pm { 12 } else { 0 }],
        (None, _) if h == 0 || h > 12 => vec![h],
        (None, Some(Part::Morning)) => vec![h],
        // 中午1点 is 13:00; 中午11点 and 12点 are as said.
        (None, Some(Part::Noon)) => vec![if h <= 2 { h + 12 } else { h }],
        (None, Some(Part::Afternoon)) => vec![if h < 12 { h + 12 } else { h }],
        // 晚上12点 is the midnight that ends the day.
        (None, Some(Part::Evening)) => vec![h + 12],
        // Nobody plans to pay at 1 am tomorrow: "明天一点" is 13:00.
        (None, None) if later_day && h <= 6 => vec![h + 12],
        // A bare "8点": whichever of 8:00 and 20:00 comes first.
        (None, None) => vec![h, h + 12],
    };
    hours.into_iter().map(|h| h * 60 + c.minute).collect()
}

fn day_word(t: &str) -> Option<Day> {
    let simple = |re: &Regex, day| re.is_match(t).then_some(day);
    simple(&AFTER_TOMORROW, Day::Offset(2))
        .or_else(|| simple(&TOMORROW, Day::Offset(1)))
        .or_else(|| weekday(t))
        .or_else(|| simple(&NEXT_WEEK, Day::Weekday(0, true)))
        .or_else(|| simple(&MONTH_END, Day::MonthEnd))
        .or_else(|| simple(&TODAY, Day::Today))
}

fn weekday(t: &str) -> Option<Day> {
    if let Some(c) = ZH_WEEKDAY.captures(t) {
        let day = match c.get(2)?.as_str() {
            "日" | "天" => 6,
            d => number(d)?.checked_sub(1)?.min(6),
        };
        let next_week = c.get(1).is_some_and(|p| p.as_str().starts_with('下'));
        return Some(Day::Weekday(day, next_week));
    }
    if let Some(c) = EN_WEEKDAY.captures(t) {
        // "next friday" is ambiguous in English; the nearer Friday errs early.
        let day = c.get(1)?.as_str().parse::<Weekday>().ok()?;
        return Some(Day::Weekday(day.num_days_from_monday(), false));
    }
    let c = WEEKEND.captures(t)?;
    Some(Day::Weekend(c.get(1).is_some() || c.get(2).is_some()))
}

/// The dates `day` may mean, earliest first.
fn dates(day: Day, today: NaiveDate) -> Vec<NaiveDate> {
    let plus = |n: u32| today.checked_add_days(Days::new(u64::from(n)));
    let dow = today.weekday().num_days_from_monday();
    let found = match day {
        Day::Implied => vec![plus(0), plus(1)],
        Day::Today => vec![plus(0)],
        Day::Offset(n) => vec![today.checked_add_days(Days::new(n))],
        Day::Weekday(d, false) => vec![plus((d + 7 - dow) % 7), plus((d + 7 - dow) % 7 + 7)],
        Day::Weekday(d, true) => vec![plus(7 - dow + d)],
        Day::Weekend(false) => (0..=7).filter(|k| (dow + k) % 7 >= 5).map(plus).collect(),
        Day::Weekend(true) => vec![plus(7 - dow + 5)],
        Day::MonthEnd => {
            let (y, m) = match today.month() {
                12 => (today.year().checked_add(1), 1),
                m => (Some(today.year()), m + 1),
            };
            let first = y.and_then(|y| NaiveDate::from_ymd_opt(y, m, 1));
            vec![first.and_then(|d| d.pred_opt())]
        }
    };
    found.into_iter().flatten().collect()
}

/// `minute` minutes after local midnight of `date` in `tz`, as UTC.
fn at_local(tz: Tz, date: NaiveDate, minute: u32) -> Option<DateTime<Utc>> {
    let midnight = date.and_hms_opt(0, 0, 0)?;
    let naive = midnight.checked_add_signed(TimeDelta::minutes(i64::from(minute)))?;
    // A time inside a spring-forward gap does not exist; an hour later does.
    let local = tz.from_local_datetime(&naive).earliest().or_else(|| {
        let later = naive.checked_add_signed(TimeDelta::hours(1))?;
        tz.from_local_datetime(&later).earliest()
    })?;
    Some(local.with_timezone(&Utc))
}

/// "一会儿", "in a bit": half an hour; "马上", "right now": five minutes.
fn vague_minutes(t: &str) -> Option<i64> {
    if SOON.is_match(t) {
        Some(30)
    } else {
        (NOW.is_match(t) && !NOT_NOW.is_match(t)).then_some(5)
    }
}

#[cfg(test)]
mod tests {
    use super::pay_time;
    use chrono::{DateTime, TimeZone, Utc};
    use chrono_tz::Tz;

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;
    const AFTER_WORK: u32 = 18 * 60 + 30;

    /// `message | expected local time` (or `-` for None), now Tuesday 2026-12-01 10:00.
    const AT_TEN: &str = "
        in 10 minutes | 2026-12-01 10:10
        in 10 mins | 2026-12-01 10:10
        10 min | 2026-12-01 10:10
        in half an hour | 2026-12-01 10:30
        in an hour and a half | 2026-12-01 11:30
        in an hour | 2026-12-01 11:00
        in 2 hours | 2026-12-01 12:00
        in 3 hrs | 2026-12-01 13:00
        i'll be home in 3 hours | 2026-12-01 13:00
        一个小时后 | 2026-12-01 11:00
        十分钟后 | 2026-12-01 10:10
        半小时后 | 2026-12-01 10:30
        两个小时后 | 2026-12-01 12:00
        3小时后 | 2026-12-01 13:00
        10分钟之后 | 2026-12-01 10:10
        一个半小时 | 2026-12-01 11:30
        过一会 | 2026-12-01 10:30
        now | 2026-12-01 10:05
        ok paying right away | 2026-12-01 10:05
        马上付 | 2026-12-01 10:05
        一会儿付 | 2026-12-01 10:30
        待会 | 2026-12-01 10:30
        等下 | 2026-12-01 10:30
        in a bit | 2026-12-01 10:30
        2 hours ago | -
        not now | -
        at 8 | 2026-12-01 20:00
        at 8pm | 2026-12-01 20:00
        at 9am | 2026-12-02 09:00
        at 11 | 2026-12-01 11:00
        around 7:30pm | 2026-12-01 19:30
        8:30 | 2026-12-01 20:30
        20:00 | 2026-12-01 20:00
        8点 | 2026-12-01 20:00
        八点半 | 2026-12-01 20:30
        三点一刻 | 2026-12-01 15:15
        晚上8点 | 2026-12-01 20:00
        下午3点 | 2026-12-01 15:00
        中午1点 | 2026-12-01 13:00
        9 tonight | 2026-12-01 21:00
        tonight at 9 | 2026-12-01 21:00
        tonight | 2026-12-01 20:00
        今晚 | 2026-12-01 20:00
        tomorrow | 2026-12-02 10:00
        明天中午 | 2026-12-02 12:00
        明早 | 2026-12-02 09:00
        明天8点 | 2026-12-02 08:00
        明天一点 | 2026-12-02 13:00
        tomorrow at 8pm | 2026-12-02 20:00
        明天晚上8点 | 2026-12-02 20:00
        后天 | 2026-12-03 10:00
        on friday | 2026-12-04 10:00
        星期五 | 2026-12-04 10:00
        礼拜五 | 2026-12-04 10:00
        周五下午3点 | 2026-12-04 15:00
        周二 | 2026-12-08 10:00
        this weekend | 2026-12-05 10:00
        周末 | 2026-12-05 10:00
        下周末 | 2026-12-12 10:00
        next week | 2026-12-07 10:00
        下周 | 2026-12-07 10:00
        下周三 | 2026-12-09 10:00
        月底 | 2026-12-31 10:00
        end of the month | 2026-12-31 10:00
        after work | 2026-12-01 18:30
        下班后 | 2026-12-01 18:30
        下班路上再付 | 2026-12-01 18:30
        等下班了付 | 2026-12-01 18:30
        明天下班后 | 2026-12-02 18:30
        周五发工资后 | 2026-12-04 10:00
        payday is friday | 2026-12-04 10:00
        发工资再付 | -
        after payday | -
        when i get home | -
        回家再付 | -
        my order a-10023 | -
        phone 13800138000 | -
        7 days | -
        after 2 days | -
        ¥129 | -
        2 items | -
        i paid 99 | -
        验证码123456 | -
        能便宜一点吗 | -
        in 500 hours | -
        in 0 minutes | -
        | -
    ";

    /// The same at 21:00: times already past roll to tomorrow, or make no sense.
    const AT_NINE_PM: &str = "
        8点 | 2026-12-02 08:00
        after work | 2026-12-02 18:30
        12点 | 2026-12-02 00:00
        tonight at 8 | -
    ";

    fn local(tz: Tz, (y, mo, d, h, mi): (i32, u32, u32, u32, u32)) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn check(now: DateTime<Utc>, table: &str) {
        let wrong: Vec<String> = (table.lines().filter_map(|l| l.split_once('|')))
            .map(|(text, want)| (text.trim(), Some(want.trim()).filter(|w| *w != "-")))
            .filter_map(|(text, want)| {
                let got = pay_time(text, now, SHANGHAI, AFTER_WORK).map(|t| {
                    t.with_timezone(&SHANGHAI)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                });
                (got.as_deref() != want).then(|| format!("{text:?}: want {want:?}, got {got:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn resolves_in_the_shops_zone() {
        check(local(SHANGHAI, (2026, 12, 1, 10, 0)), AT_TEN);
        check(local(SHANGHAI, (2026, 12, 1, 21, 0)), AT_NINE_PM);
    }

    #[test]
    fn dst_gap_moves_forward() {
        // 2026-03-08 02:30 does not exist in New York.
        let ny = chrono_tz::America::New_York;
        let t = pay_time(
            "tomorrow at 2:30am",
            local(ny, (2026, 3, 7, 22, 0)),
            ny,
            AFTER_WORK,
        );
        assert_eq!(
            t.map(|t| t.with_timezone(&ny).format("%H:%M").to_string())
                .as_deref(),
            Some("03:30")
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let now = local(SHANGHAI, (2026, 12, 1, 10, 0));
        for text in [
            "99999999999 hours",
            "十十十十点",
            "999点",
            "at 99",
            "一二点",
            "零零零小时",
            "半半半",
            "@",
        ] {
            let _ = pay_time(text, now, SHANGHAI, u32::MAX);
        }
        let _ = pay_time("月底", DateTime::<Utc>::MAX_UTC, SHANGHAI, AFTER_WORK);
    }
}

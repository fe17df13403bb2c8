//! `paynudge report --html FILE`: the report as one self-contained page.
//!
//! Operators look at pictures, not tables, so every table comes with a bar
//! chart, drawn here as inline SVG: no script, no stylesheet or font from
//! elsewhere, so the page opens offline, from a mail attachment, anywhere.
//! Every label is data (strategy names, blockers, a channel's error text),
//! so all of it is escaped.

use super::report::{Rate, Report};
use crate::html::escape;
use std::fmt::Write;

const BAR_WIDTH: f64 = 420.0;
const ROW_HEIGHT: usize = 26;
const LABEL_WIDTH: usize = 260;

/// Horizontal bars, one per row: each bar's length is `value / max`, and
/// its caption says what it stands for.
fn bars(title: &str, rows: &[(String, f64, String)], max: f64) -> String {
    let height = rows.len().max(1) * ROW_HEIGHT + 8;
    let width = LABEL_WIDTH + BAR_WIDTH as usize + 300;
    let mut svg = format!(
        r#"<svg role="img" aria-label="{title}" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#,
        title = escape(title)
    );
    if rows.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="0" y="18" class="muted">nothing yet</text>"#
        );
    }
    for (i, (label, value, caption)) in rows.iter().enumerate() {
        let y = i * ROW_HEIGHT + 4;
        let length = if max > 0.0 {
            (value / max * BAR_WIDTH).clamp(0.0, BAR_WIDTH)
        } else {
            0.0
        };
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect x="{bx}" y="{y}" width="{length:.1}" height="{bh}" rx="3"/><text x="{cx:.1}" y="{ty}" class="muted">{caption}</text>"#,
            lx = LABEL_WIDTH - 8,
            ty = y + 15,
            bx = LABEL_WIDTH,
            bh = ROW_HEIGHT - 8,
            cx = LABEL_WIDTH as f64 + length + 6.0,
            label = escape(&shorten(label, 38)),
            caption = escape(caption),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut short: String = text.chars().take(chars - 1).collect();
    short.push('…');
    short
}

/// A table's rates as bars on one 0-100% scale.
fn rate_bars(title: &str, rows: &[(String, Rate)]) -> String {
    let rows: Vec<(String, f64, String)> = rows
        .iter()
        .map(|(label, rate)| {
            (
                label.clone(),
                rate.percent().unwrap_or(0.0),
                format!("{} ({} of {})", rate.percent_text(), rate.paid, rate.of),
            )
        })
        .collect();
    bars(title, &rows, 100.0)
}

fn table(rows: &[(String, Rate)]) -> String {
    let mut html = String::from(
        r#"<table><thead><tr><th></th><th>of</th><th>paid</th><th>rate</th></tr></thead><tbody>"#,
    );
    for (label, rate) in rows {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(label),
            rate.of,
            rate.paid,
            rate.percent_text()
        );
    }
    html.push_str("</tbody></table>");
    html
}

impl Report {
    /// The whole page. `heading` names the shop and the period.
    pub fn to_html(&self, heading: &str) -> String {
        let mut body = String::new();
        // The funnel: every order, those reminded, those paid after a reminder.
        let funnel = [
            ("orders".to_string(), self.orders),
            ("reminded".to_string(), self.conversion.of),
            ("paid within 24 h".to_string(), self.conversion.paid),
        ];
        let rows: Vec<(String, f64, String)> = funnel
            .iter()
            .map(|(label, n)| {
                let share = Rate {
                    of: self.orders,
                    paid: *n,
                };
                (
                    label.clone(),
                    *n as f64,
                    format!("{n} ({})", share.percent_text()),
                )
            })
            .collect();
        let _ = write!(
            body,
            "<section><h2>Conversion funnel</h2>{}</section>",
            bars("conversion funnel", &rows, self.orders as f64)
        );
        // Reminded vs holdout, with the lift and its interval.
        let lift = match self.lift() {
            Some(l) => format!(
                "Lift {:+.1} percentage points (95% interval {:+.1} to {:+.1}){}.",
                l.points,
                l.low,
                l.high,
                if l.low > 0.0 {
                    ": reminders help"
                } else if l.high < 0.0 {
                    ": reminders hurt"
                } else {
                    ": not yet distinguishable from no effect"
                }
            ),
            None => "Lift: n/a until both groups have orders.".to_string(),
        };
        let lift_rows = [
            ("reminded".to_string(), self.reminded_paid),
            ("holdout (never reminded)".to_string(), self.holdout_paid),
        ];
        let _ = write!(
            body,
            "<section><h2>Reminded vs holdout (paid at all)</h2>{}<p>{}</p>{}</section>",
            rate_bars("reminded vs holdout", &lift_rows),
            escape(&lift),
            table(&lift_rows)
        );
        // The day trend: orders of each day, and how many reminders converted.
        let days: Vec<(String, f64, String)> = self
            .by_day
            .iter()
            .map(|(date, day)| {
                let rate = day.conversion();
                (
                    date.clone(),
                    day.orders as f64,
                    format!(
                        "{} orders, {} paid; {} of {} reminded paid in 24 h",
                        day.orders, day.paid, rate.paid, rate.of
                    ),
                )
            })
            .collect();
        let busiest = self.by_day.values().map(|d| d.orders).max().unwrap_or(0);
        let _ = write!(
            body,
            "<section><h2>By day of order</h2>{}</section>",
            bars("orders by day", &days, busiest as f64)
        );
        // The lift's table is drawn above, with its interval.
        for (title, rows) in self
            .tables()
            .into_iter()
            .filter(|(t, _)| !t.starts_with("lift"))
        {
            let _ = write!(
                body,
                "<section><h2>{}</h2>{}{}</section>",
                escape(title),
                rate_bars(title, &rows),
                table(&rows)
            );
        }
        if !self.undeliverable.is_empty() {
            body.push_str("<section><h2>Reminders that could not be delivered</h2><table><tbody>");
            for (reason, count) in &self.undeliverable {
                let _ = write!(body, "<tr><td>{count}</td><td>{}</td></tr>", escape(reason));
            }
            body.push_str("</tbody></table></section>");
        }
        let median = self
            .median_minutes_to_pay
            .map_or("n/a".to_string(), |m| format!("{m} min"));
        let _ = write!(
            body,
            "<p>Median time to pay after the first reminder: {}.</p>",
            escape(&median)
        );
        format!(
            r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paynudge report</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2933; background: #fff; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }} h2 {{ font-size: 17px; margin: 28px 0 8px; }}
svg {{ display: block; max-width: 100%; height: auto; font-size: 13px; }}
svg rect {{ fill: #2f80ed; }} svg text {{ fill: #1f2933; }} svg .muted, .muted {{ fill: #52606d; color: #52606d; }}
table {{ border-collapse: collapse; margin-top: 8px; }} td, th {{ padding: 2px 10px; text-align: right; border-bottom: 1px solid #e4e7eb; }}
td:first-child, th:first-child {{ text-align: left; }}
</style></head>
<body><h1>paynudge: what reminding converts</h1><p class="muted">{heading}</p>
{body}
</body></html>
"#,
            heading = escape(heading),
        )
    }
}

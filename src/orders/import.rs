//! `paynudge orders import`: order events from a file, as JSON lines or as
//! CSV (one item per row; columns named like the JSON fields, with `item`
//! and `quantity`). Events are read one at a time, so a file of a million
//! orders is never in memory whole.

use super::Event;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};

/// One line of the file: its number, and the event or why it is bad.
pub type Line = (usize, Result<Event, String>);

/// The events of a JSON-lines file; blank lines are skipped.
pub fn json_lines(reader: impl Read) -> impl Iterator<Item = Line> {
    BufReader::new(reader)
        .lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let parsed = match line {
                Err(e) => Err(format!("unreadable: {e}")),
                Ok(line) if line.trim().is_empty() => return None,
                Ok(line) => serde_json::from_str::<Value>(&line)
                    .map_err(|e| format!("not JSON: {e}"))
                    .and_then(|v| Event::parse(&v).map_err(|e| e.to_string())),
            };
            Some((n + 1, parsed))
        })
}

/// The events of a CSV file with a header row.
pub fn csv(reader: impl Read) -> Result<impl Iterator<Item = Line>, String> {
    let mut reader = csv::Reader::from_reader(reader);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    Ok(reader.into_records().enumerate().map(move |(n, record)| {
        let parsed = record
            .map_err(|e| e.to_string())
            .and_then(|r| Event::parse(&row_to_json(&headers, &r)).map_err(|e| e.to_string()));
        // Line 1 is the header.
        (n + 2, parsed)
    }))
}

/// A CSV row as the JSON event it stands for: numbers as numbers, empty
/// cells left out, `item` and `quantity` as the one item.
fn row_to_json(headers: &csv::StringRecord, row: &csv::StringRecord) -> Value {
    let mut object = Map::new();
    for (name, field) in headers
        .iter()
        .zip(row.iter())
        .filter(|(_, f)| !f.is_empty())
    {
        let value = field
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| field.into());
        object.insert(name.to_string(), value);
    }
    if let Some(item) = object.remove("item") {
        let quantity = object.remove("quantity").unwrap_or(1.into());
        object.insert(
            "items".into(),
            serde_json::json!([{"name": item, "quantity": quantity}]),
        );
    }
    Value::Object(object)
}

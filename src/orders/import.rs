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

/// The events of a CSV file with a header row. An order of several items
/// is several rows in a row with the same `event` and `order_id`, one item
/// each: they make one event (its other columns from the first row).
pub fn csv(reader: impl Read) -> Result<impl Iterator<Item = Line>, String> {
    let mut reader = csv::Reader::from_reader(reader);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    // Line 1 is the header.
    let mut rows = reader
        .into_records()
        .enumerate()
        .map(move |(n, record)| {
            (
                n + 2,
                record
                    .map(|r| row_to_json(&headers, &r))
                    .map_err(|e| e.to_string()),
            )
        })
        .peekable();
    Ok(std::iter::from_fn(move || {
        let (line, row) = rows.next()?;
        let mut event = match row {
            Ok(event) => event,
            Err(e) => return Some((line, Err(e))),
        };
        while let Some((_, Ok(next))) = rows.peek() {
            if !same_order_event(&event, next) {
                break;
            }
            let Some((_, Ok(next))) = rows.next() else {
                break;
            };
            if let (Some(Value::Array(items)), Some(Value::Array(more))) =
                (event.get_mut("items"), next.get("items"))
            {
                items.extend(more.iter().cloned());
            }
        }
        Some((line, Event::parse(&event).map_err(|e| e.to_string())))
    }))
}

/// Whether two CSV rows are items of one order's event.
fn same_order_event(a: &Value, b: &Value) -> bool {
    let key = |v: &Value| (v.get("event").cloned(), v.get("order_id").cloned());
    a.get("items").is_some() && b.get("items").is_some() && key(a) == key(b)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_item_csv_order_keeps_every_item() {
        let file = "event,order_id,buyer,amount,at,item,quantity\n\
            created,A-1,tg:1,90,1763860000,Scarf,2\n\
            created,A-1,tg:1,90,1763860000,Hat,1\n\
            created,A-2,tg:2,10,1763860000,Tea,1\n\
            paid,A-1,,,1763863600,,\n";
        let events: Vec<Line> = csv(file.as_bytes()).unwrap().collect();
        let lines: Vec<usize> = events.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines, [2, 4, 5]);
        let first = events[0].1.as_ref().unwrap();
        let items = &first.order.as_ref().unwrap().items;
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Scarf", "Hat"]);
        assert_eq!(items[0].quantity, 2);
        assert!(events[2].1.is_ok());
    }
}

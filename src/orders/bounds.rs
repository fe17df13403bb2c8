//! What an order event may carry: times a calendar can handle, a real
//! currency, and item lists a reminder can quote. Anything outside is
//! rejected at the door (400 naming the field, or `file:line`), because a
//! value stored once is met again by every scheduler tick and plan.

use super::{EventError, Item, bad};

/// 2000-01-01T00:00:00Z: older times are a unit mix-up (milliseconds read
/// as seconds go the other way, past the upper bound).
const EARLIEST: i64 = 946_684_800;
/// 2100-01-01T00:00:00Z: far enough for any order, and far from chrono's edge.
const LATEST: i64 = 4_102_444_800;

/// At most this many items on one order.
pub const MAX_ITEMS: usize = 500;
/// An item name longer than this is a data error, not a product.
pub const MAX_ITEM_NAME_CHARS: usize = 300;
pub const MAX_QUANTITY: u32 = 1_000_000;

/// Active ISO 4217 currency codes.
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// Unix seconds between 2000 and 2100, or why not.
pub fn time(field: &str, at: i64) -> Result<i64, EventError> {
    if (EARLIEST..LATEST).contains(&at) {
        Ok(at)
    } else {
        Err(bad(
            field,
            format!("{at} is not a time between 2000 and 2100 (Unix seconds, not milliseconds)"),
        ))
    }
}

/// An ISO 4217 code such as CNY or USD (case-insensitive in, upper case out).
pub fn currency(code: &str) -> Result<String, EventError> {
    let upper = code.trim().to_ascii_uppercase();
    if CURRENCIES.binary_search(&upper.as_str()).is_ok() {
        Ok(upper)
    } else {
        let shown: String = code.chars().take(12).collect();
        Err(bad(
            "currency",
            format!("{shown:?} is not an ISO 4217 code such as CNY, USD or EUR"),
        ))
    }
}

pub fn items(items: &[Item]) -> Result<(), EventError> {
    if items.is_empty() {
        return Err(bad("items", "must name at least one item"));
    }
    if items.len() > MAX_ITEMS {
        return Err(bad("items", format!("at most {MAX_ITEMS} items per order")));
    }
    for (n, item) in items.iter().enumerate() {
        let chars = item.name.chars().count();
        if item.name.trim().is_empty() || chars > MAX_ITEM_NAME_CHARS {
            return Err(bad(
                "items",
                format!("item {n}: a name of 1 to {MAX_ITEM_NAME_CHARS} characters"),
            ));
        }
        if item.name.chars().any(char::is_control) {
            return Err(bad(
                "items",
                format!("item {n}: the name has control characters"),
            ));
        }
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(bad(
                "items",
                format!("item {n}: quantity from 1 to {MAX_QUANTITY}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_currency_list_is_sorted_for_binary_search() {
        assert!(CURRENCIES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(currency(" usd").unwrap(), "USD");
        assert_eq!(currency("XXXXXXXXXXXX").unwrap_err().field, "currency");
    }

    #[test]
    fn times_at_chronos_edge_are_refused() {
        assert!(time("at", 8_210_266_876_799).is_err());
        assert!(time("at", 1_763_000_000_000).is_err());
        assert!(time("at", -1).is_err());
        assert!(time("at", 1_763_000_000).is_ok());
    }
}

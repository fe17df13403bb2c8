//! What an agent's call for a large order achieved.

use super::{Reminders, RemindersError, put, store_err, stored};
use crate::orders::Order;
use sled::Transactional;

/// A fixed list, so the report can group calls and the support group can
/// offer one button each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    WillPay,
    Paid,
    NotInterested,
    NoAnswer,
    WrongNumber,
    Other,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 6] = [
        CallOutcome::WillPay,
        CallOutcome::Paid,
        CallOutcome::NotInterested,
        CallOutcome::NoAnswer,
        CallOutcome::WrongNumber,
        CallOutcome::Other,
    ];

    /// As typed after `/outcome`, stored on the order and shown in the report.
    pub fn key(self) -> &'static str {
        match self {
            CallOutcome::WillPay => "will-pay",
            CallOutcome::Paid => "paid",
            CallOutcome::NotInterested => "not-interested",
            CallOutcome::NoAnswer => "no-answer",
            CallOutcome::WrongNumber => "wrong-number",
            CallOutcome::Other => "other",
        }
    }

    /// In any case: agents type `Will-Pay` too.
    pub fn parse(text: &str) -> Option<CallOutcome> {
        Self::ALL
            .into_iter()
            .find(|o| o.key().eq_ignore_ascii_case(text.trim()))
    }

    /// Whether the task is done. Nobody answering means calling again
    /// after the per-buyer gap.
    pub fn closes_task(self) -> bool {
        self != CallOutcome::NoAnswer
    }

    /// `will-pay, paid, ...`, for usage messages.
    pub fn list() -> String {
        Self::ALL.map(CallOutcome::key).join(", ")
    }
}

impl Reminders {
    /// Records what the agent's call for `order_id` achieved; `None` if
    /// there is no such order.
    pub fn record_call(
        &self,
        order_id: &str,
        outcome: CallOutcome,
    ) -> Result<Option<Order>, RemindersError> {
        let order = (&self.orders, &self.by_buyer)
            .transaction(|(orders, by_buyer)| {
                let Some(mut order) = stored(orders, order_id)? else {
                    return Ok(None);
                };
                order.call_outcome = Some(outcome.key().to_string());
                put(orders, by_buyer, &order, None)?;
                Ok(Some(order))
            })
            .map_err(|e| store_err(format!("{e:?}")))?;
        self.flush()?;
        Ok(order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_parse_in_any_case_and_only_no_answer_keeps_the_task() {
        for outcome in CallOutcome::ALL {
            assert_eq!(CallOutcome::parse(outcome.key()), Some(outcome));
        }
        assert_eq!(CallOutcome::parse(" Will-Pay "), Some(CallOutcome::WillPay));
        assert_eq!(CallOutcome::parse("会付款"), None);
        let open: Vec<_> = CallOutcome::ALL
            .into_iter()
            .filter(|o| !o.closes_task())
            .collect();
        assert_eq!(open, [CallOutcome::NoAnswer]);
    }
}

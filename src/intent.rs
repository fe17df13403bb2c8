//! The intent catalogue: the fixed labels every buyer message maps to.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! intents {
    ($($variant:ident => $label:literal,)*) => {
        /// One label of `intents.md`. The set and the spelling are a contract
        /// with the tools that read `classify` and `chat --json` output.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Intent { $($variant,)* }

        impl Intent {
            pub const ALL: &'static [Intent] = &[$(Intent::$variant,)*];

            pub fn label(self) -> &'static str {
                match self { $(Intent::$variant => $label,)* }
            }
        }

        impl FromStr for Intent {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($label => Ok(Intent::$variant),)*
                    other => Err(format!("unknown intent `{other}`")),
                }
            }
        }
    };
}

intents! {
    InsufficientBalance => "insufficient_balance",
    ForgotPassword => "forgot_password",
    VerificationFailed => "verification_failed",
    SlowNetwork => "slow_network",
    ThinksPaid => "thinks_paid",
    NoPaymentMethod => "no_payment_method",
    FriendPay => "friend_pay",
    OutOfStock => "out_of_stock",
    CombineOrder => "combine_order",
    Hesitant => "hesitant",
    CancelOrder => "cancel_order",
    WrongItem => "wrong_item",
    NotMyOrder => "not_my_order",
    WillPay => "will_pay",
    ReturnPolicy => "return_policy",
    HumanAgent => "human_agent",
    Greeting => "greeting",
    ThanksBye => "thanks_bye",
    Unknown => "unknown",
}

impl Intent {
    /// Intents that are about the payment itself (everything but small talk,
    /// a request for a human, and out-of-scope messages).
    pub fn is_payment_intent(self) -> bool {
        !matches!(
            self,
            Intent::Greeting | Intent::ThanksBye | Intent::Unknown | Intent::HumanAgent
        )
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_match_the_catalogue() {
        assert_eq!(Intent::ALL.len(), 19);
        for (i, intent) in Intent::ALL.iter().enumerate() {
            assert_eq!(intent.index(), i);
            assert_eq!(intent.label().parse::<Intent>(), Ok(*intent));
        }
        assert!("Unknown".parse::<Intent>().is_err());
    }
}

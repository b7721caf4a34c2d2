//! Core errors → [`PatunganError`], one variant per code prefix.
//!
//! Every core error implements the core's [`ErrorCode`] trait; a new code prefix
//! (session, ledger, wallet …) adds a variant and a line in [`PatunganError::new`].

/// Why a call was refused. `code` is the core's stable code (e.g. `"money.negative"`),
/// `reason` the core's message. Kotlin: `PatunganException.Money` …; Swift: `PatunganError.Money` ….
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PatunganError {
    /// A money rule failed (`money.*`).
    #[error("{reason}")]
    Money {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// The MOQ is not usable (`moq.*`).
    #[error("{reason}")]
    Moq {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A tier ladder is invalid or a pricing question cannot be answered (`tier.*`).
    #[error("{reason}")]
    Tier {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A bot policy is invalid (`bot.*`).
    #[error("{reason}")]
    BotPolicy {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A join's cost breakdown was refused (`cost.*`).
    #[error("{reason}")]
    Cost {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A grosir bundle or availability question was refused (`grosir.*`).
    #[error("{reason}")]
    Grosir {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A session input or configuration was refused (`session.*`, `session_config.*`).
    #[error("{reason}")]
    Session {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// The ledger refused an account, transfer or recipe (`ledger.*`, `recipe.*`).
    #[error("{reason}")]
    Ledger {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A wallet or withdrawal operation was refused (`wallet.*`, `withdrawal.*`).
    #[error("{reason}")]
    Wallet {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A withdrawal schedule is invalid (`schedule.*`).
    #[error("{reason}")]
    Schedule {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A piece of text was refused: a control character, or too long (`text.*`).
    #[error("{reason}")]
    Text {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A paid callback does not match its invoice (`payment.*`).
    #[error("{reason}")]
    Payment {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// A refund transition was refused (`refund.*`).
    #[error("{reason}")]
    Refund {
        /// The core's stable code.
        code: String,
        /// The core's message.
        reason: String,
    },
    /// Any other code: `json.invalid`, `argument.invalid`, or a prefix this build
    /// does not know yet.
    #[error("{reason}")]
    Other {
        /// The stable code.
        code: String,
        /// The message.
        reason: String,
    },
}

impl PatunganError {
    /// The error for `code`, its variant chosen by the code's prefix.
    pub fn new(code: &str, reason: String) -> Self {
        let code_owned = code.to_owned();
        match code.split('.').next().unwrap_or_default() {
            "money" => PatunganError::Money {
                code: code_owned,
                reason,
            },
            "moq" => PatunganError::Moq {
                code: code_owned,
                reason,
            },
            "tier" => PatunganError::Tier {
                code: code_owned,
                reason,
            },
            "bot" => PatunganError::BotPolicy {
                code: code_owned,
                reason,
            },
            "cost" => PatunganError::Cost {
                code: code_owned,
                reason,
            },
            "grosir" => PatunganError::Grosir {
                code: code_owned,
                reason,
            },
            "session" | "session_config" => PatunganError::Session {
                code: code_owned,
                reason,
            },
            "ledger" | "recipe" => PatunganError::Ledger {
                code: code_owned,
                reason,
            },
            "wallet" | "withdrawal" => PatunganError::Wallet {
                code: code_owned,
                reason,
            },
            "schedule" => PatunganError::Schedule {
                code: code_owned,
                reason,
            },
            "text" => PatunganError::Text {
                code: code_owned,
                reason,
            },
            "payment" => PatunganError::Payment {
                code: code_owned,
                reason,
            },
            "refund" => PatunganError::Refund {
                code: code_owned,
                reason,
            },
            _ => PatunganError::Other {
                code: code_owned,
                reason,
            },
        }
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            PatunganError::Money { code, .. }
            | PatunganError::Moq { code, .. }
            | PatunganError::Tier { code, .. }
            | PatunganError::BotPolicy { code, .. }
            | PatunganError::Cost { code, .. }
            | PatunganError::Grosir { code, .. }
            | PatunganError::Session { code, .. }
            | PatunganError::Ledger { code, .. }
            | PatunganError::Wallet { code, .. }
            | PatunganError::Schedule { code, .. }
            | PatunganError::Text { code, .. }
            | PatunganError::Payment { code, .. }
            | PatunganError::Refund { code, .. }
            | PatunganError::Other { code, .. } => code,
        }
    }

    /// JSON that does not describe a valid value (code `json.invalid`).
    pub fn from_json(error: serde_json::Error) -> Self {
        PatunganError::new("json.invalid", error.to_string())
    }

    /// An argument outside what the call accepts (code `argument.invalid`).
    pub fn invalid_argument(reason: String) -> Self {
        PatunganError::new("argument.invalid", reason)
    }
}

pub use patungan_core::ErrorCode;

impl<E: ErrorCode> From<E> for PatunganError {
    fn from(error: E) -> Self {
        PatunganError::new(error.code(), error.to_string())
    }
}

/// Extension for `Result`s of core calls: `.ffi()?` maps the error.
pub trait IntoFfiResult<T> {
    /// Maps a core error into a [`PatunganError`].
    fn ffi(self) -> Result<T, PatunganError>;
}

impl<T, E: ErrorCode> IntoFfiResult<T> for Result<T, E> {
    fn ffi(self) -> Result<T, PatunganError> {
        self.map_err(PatunganError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patungan_core::{Money, Moq, TierLadder};

    #[test]
    fn variant_follows_the_code_prefix_and_keeps_code_and_message() {
        let err: PatunganError = Moq::new(1).unwrap_err().into();
        assert_eq!(err.code(), "moq.too_small");
        assert!(
            matches!(err, PatunganError::Moq { ref reason, .. } if reason.contains("at least 2"))
        );
        let err: PatunganError = TierLadder::new(Money::idr(1), vec![]).unwrap_err().into();
        assert!(matches!(err, PatunganError::Tier { .. }));
        for (code, text, payment, refund) in [
            ("text.control_character", true, false, false),
            ("payment.amount_mismatch", false, true, false),
            ("refund.not_awaiting_operator", false, false, true),
        ] {
            let err = PatunganError::new(code, "m".into());
            assert_eq!(err.code(), code);
            assert_eq!(matches!(err, PatunganError::Text { .. }), text);
            assert_eq!(matches!(err, PatunganError::Payment { .. }), payment);
            assert_eq!(matches!(err, PatunganError::Refund { .. }), refund);
        }
        let err = PatunganError::new("someday.new_rule", "x".into());
        assert!(matches!(err, PatunganError::Other { .. }));
        assert_eq!(err.to_string(), "x");
    }
}

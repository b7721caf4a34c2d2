//! The one trait every core error implements: a stable machine-readable code that
//! hosts and bindings map to their own error types, and whether repeating the same
//! call may succeed.

/// A core error with a stable code (`"session.not_open"`, `"money.negative"` …).
/// The part before the first dot names the error family; bindings pick their error
/// class from it.
pub trait ErrorCode: std::error::Error {
    /// The stable machine-readable code.
    fn code(&self) -> &'static str;

    /// Whether the same call may succeed later without changing the input. Core
    /// errors describe the input and the state, so none is.
    fn is_retryable(&self) -> bool {
        false
    }
}

macro_rules! error_codes {
    ($($ty:ty),* $(,)?) => {
        $(impl ErrorCode for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
        })*
    };
}

error_codes!(
    crate::money::MoneyError,
    crate::moq::MoqError,
    crate::tier::TierError,
    crate::bot::BotPolicyError,
    crate::cost::CostError,
    crate::grosir::GrosirError,
    crate::session::SessionError,
    crate::session::ConfigError,
    crate::ledger::LedgerError,
    crate::ledger::RecipeError,
    crate::wallet::WalletError,
    crate::wallet::ScheduleError,
    crate::text::TextError,
    crate::refunds::RefundError,
    crate::stock::StockError,
    crate::purchasing::PurchasingError,
    crate::orders::OrderError,
    crate::factory_payouts::FactoryPayoutError,
    crate::steps::StepError,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(e: &dyn ErrorCode) -> &'static str {
        e.code()
    }

    #[test]
    fn every_family_answers_through_the_trait() {
        let e = crate::session::SessionError::ZeroQuantity;
        assert_eq!(code_of(&e), "session.zero_quantity");
        assert!(!e.is_retryable());
        let e = crate::text::TextError::ControlCharacter {
            field: "x",
            position: 0,
            code_point: 0,
        };
        assert!(code_of(&e).starts_with("text."));
    }
}

//! Refunds (docs/domain.md §8) as a sans-IO book: each attempt is a record whose status moves
//! pending → processing → completed | failed on the gateway's answers. A failed attempt
//! is followed by the next one after a backoff, up to the policy's attempt budget;
//! then the refund waits for an operator, who retries it or credits the payer's
//! wallet instead — exactly once either way. Every step returns the ledger posting
//! it needs; the host persists the records and performs the gateway calls.

mod attempt;
mod policy;

pub use attempt::{
    OperatorAction, RefundAttempt, RefundError, RefundNext, RefundOutcome, RefundSource,
    RefundStatus, Settled,
};
pub use policy::RefundPolicy;

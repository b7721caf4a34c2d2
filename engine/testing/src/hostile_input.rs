//! Hostile input through the engine: refused with a typed error before anything is
//! written, on every store (a NUL byte must never reach PostgreSQL's text columns).

use std::sync::Arc;

use patungan_core::wallet::{BankAccount, WithdrawalRequest};
use patungan_core::{Money, UserId, WithdrawalId};

use super::{at, Fixture, World};
use patungan_engine::EngineError;

/// A NUL byte in a holder name reached PostgreSQL and answered 500 `store.corrupt`.
pub async fn a_nul_byte_in_a_holder_name_is_refused_and_holds_nothing(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    let user = UserId::from_u128(1);
    w.engine
        .deposit(user, Money::idr(500_000), uuid::Uuid::from_u128(1))
        .await
        .unwrap();
    let request = WithdrawalRequest {
        id: WithdrawalId::from_u128(9),
        user,
        amount: Money::idr(100_000),
        destination: BankAccount {
            bank_code: "BCA".into(),
            account_number: "1234567890".into(),
            holder_name: "Siti\0Aminah".into(),
        },
        requested_at: at(1, 0),
    };
    let err = w.engine.request_withdrawal(request).await.unwrap_err();
    assert_eq!(err.code(), "withdrawal.control_character", "{err}");
    assert!(matches!(
        w.engine.withdrawal(WithdrawalId::from_u128(9)).await,
        Err(EngineError::UnknownWithdrawal(_))
    ));
    let balance = w.engine.wallet_balance(user).await.unwrap();
    assert_eq!(balance.available, Money::idr(500_000));
}

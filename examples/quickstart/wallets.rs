//! Part 3 of the quickstart: a withdrawal, the Tuesday batch, its payout, reconciliation.

use std::error::Error;

use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_core::wallet::{BankAccount, WithdrawalRequest};
use patungan_core::{Money, WithdrawalId};

use crate::session::{utc, wib, World};

/// Runs part 3 on the world of part 2.
pub async fn run(world: &World) -> Result<(), Box<dyn Error>> {
    println!("\n== 3. Wallets and the Tuesday withdrawal batch ==");
    let engine = &world.engine;
    let (name, user) = world
        .buyers
        .iter()
        .find(|(name, _)| name == "Budi")
        .cloned()
        .ok_or("Budi did not join")?;
    let requested = utc(23, 5, 0)?;
    let request = WithdrawalRequest {
        id: WithdrawalId::from_u128(1),
        user,
        amount: Money::idr(200_000),
        destination: BankAccount {
            bank_code: "BCA".into(),
            account_number: "0123456789".into(),
            holder_name: "Budi Santoso".into(),
        },
        requested_at: requested,
    };
    engine.request_withdrawal(request).await?;
    let balance = engine.wallet_balance(user).await?;
    println!(
        "{}  {name} withdraws {} to BCA (fee {} inside) → available {}, held {}",
        wib(requested),
        Money::idr(200_000),
        engine.config().withdrawal_policy.fee,
        balance.available,
        balance.held
    );
    let run_at = engine
        .next_withdrawal_run(requested)
        .ok_or("no withdrawal run scheduled")?;
    let tick = engine.tick(run_at).await?;
    engine.run_effects(run_at).await?;
    println!(
        "{}  batch run: {} batch(es) submitted",
        wib(run_at),
        tick.payout_batches
    );
    for payout in world.disburser.payouts() {
        println!(
            "          payout {}: {} to {} ({})",
            payout.item.external_id,
            payout.item.amount,
            payout.item.bank_account.account_number,
            payout.item.bank_account.holder_name
        );
        let done = world
            .disburser
            .resolve(&payout.item.external_id, PayoutEvent::Completed, None)
            .ok_or("payout already resolved")?;
        engine
            .handle_notification(&ProviderNotification::Payout(done), run_at)
            .await?;
    }
    let balance = engine.wallet_balance(user).await?;
    println!(
        "{}  bank confirms → {name}'s wallet: {}",
        wib(run_at),
        balance.available
    );

    println!("\nReconciliation");
    let report = engine.reconcile(run_at).await?;
    print!("{report}");
    println!(
        "ledger balanced and every settled session's escrow empty: {}",
        if report.is_clean() { "yes" } else { "NO" }
    );
    if !report.is_clean() {
        return Err("reconciliation found a difference".into());
    }
    Ok(())
}

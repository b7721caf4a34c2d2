//! Quickstart: Patungan end to end on the embedded in-memory default.
//!
//! 1. The tier table and the cashback of the 45 % example (docs/domain.md §3).
//! 2. One whole group-buying session through the engine, printed as a timeline:
//!    joins with grosir availability, payments, the bot top-up, settlement, the
//!    warehouse plan, stock arriving, orders and cashback.
//! 3. Wallets: a withdrawal, the Tuesday 10:00 batch, its payout, reconciliation.
//!
//! Run with `cargo run --release --example quickstart`.

mod fulfilment;
mod pricing;
mod session;
mod wallets;

use std::error::Error;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    println!("Patungan quickstart\n");
    pricing::run()?;
    let world = session::run().await?;
    wallets::run(&world).await?;
    Ok(())
}

//! Part 1 of the quickstart: pure pricing from the core.

use std::error::Error;

use patungan_core::{BotPolicy, Money, Moq, TierLadder};

/// Part 1: the tier table, the progression as buyers join, and their cashback.
pub fn run() -> Result<(), Box<dyn Error>> {
    let moq = Moq::new(100)?;
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(150_000),
            Money::idr(135_000),
            Money::idr(120_000),
            Money::idr(105_000),
        ],
    )?;

    println!("== 1. Tier pricing (the 45 % example) ==");
    println!(
        "Session: MOQ {moq} units, group price {} per unit\n",
        ladder.group_price()
    );
    println!("Tier ladder");
    println!(
        "  {:>7}  {:>6}  {:>14}  {:>14}",
        "fill", "units", "unit price", "saving/unit"
    );
    for rung in ladder.rungs() {
        let units = rung.threshold.quantity_to_reach(moq.get());
        let saving = ladder.group_price().checked_sub(rung.unit_price)?;
        println!(
            "  {:>7}  {:>6}  {:>14}  {:>14}",
            rung.threshold.to_string(),
            units,
            rung.unit_price.to_string(),
            saving.to_string()
        );
    }

    let buyers = [("Ayu", 10u64), ("Budi", 15), ("Citra", 20)];
    println!("\nTier progression as buyers join");
    let mut filled = 0;
    for (name, quantity) in buyers {
        let preview = ladder.preview(moq, filled, quantity)?;
        filled += quantity;
        let next = match (preview.next_rung, preview.units_to_next_rung) {
            (Some(rung), Some(units)) => format!("{units} more units unlock {}", rung.unit_price),
            _ => "top rung reached".to_owned(),
        };
        println!(
            "  {name:<6} joins with {quantity:>2} → {filled:>3} units ({}), price if closed now {}; {next}",
            preview.projected_fill_bp, preview.price_if_closed_now
        );
    }

    let final_price = ladder.final_price(moq, filled);
    println!(
        "\nSession closes at {filled} units ({}): everyone pays {final_price} per unit",
        TierLadder::fill_bp(moq, filled)
    );
    println!(
        "  {:<6}  {:>4}  {:>16}  {:>16}  {:>16}",
        "buyer", "qty", "paid up front", "final cost", "cashback"
    );
    for (name, quantity) in buyers {
        let paid = ladder.group_price().checked_mul_qty(quantity)?;
        let cost = final_price.checked_mul_qty(quantity)?;
        let cashback = ladder.cashback(moq, filled, quantity)?;
        println!(
            "  {name:<6}  {quantity:>4}  {:>16}  {:>16}  {:>16}",
            paid.to_string(),
            cost.to_string(),
            cashback.to_string()
        );
    }

    let bot = BotPolicy::default();
    println!(
        "\nBot guarantee: a session with only 20 paid units gets {} bot units {} minutes before its end",
        bot.top_up(moq, 20, 0),
        bot.window().num_minutes()
    );
    Ok(())
}

//! Timers: the bot check at `end − window` and settlement at `end` (docs/domain.md §4, §5).

use chrono::{DateTime, Utc};

use crate::grosir::{StockLevel, WarehousePlan};
use crate::session::error::SessionError;
use crate::session::event::{Event, Failure, FailureReason, Renewal, Success};
use crate::session::machine::{Outcome, Session};
use crate::session::renewal::renewal_window;
use crate::session::state::SessionStatus;
use crate::tier::TierLadder;

impl Session {
    /// Runs whatever is due at `now` (see [`Session::poll_timeout`]):
    ///
    /// - before `end`: every pending join whose payment window has closed stops
    ///   holding availability ([`Event::PaymentWindowClosed`], its invoice expired);
    /// - at `end − bot window` (once): the bot check tops the fill up (docs/domain.md §4);
    /// - at `end`: the bot check runs again (it covers a missed window and payments
    ///   that expired since), then settlement: success iff at least one real
    ///   participant paid and fill ≥ the success threshold. Success computes the
    ///   warehouse plan from paid real demand and `stock` and goes to `Confirmed`
    ///   at once, or to `AwaitingStock` when a purchase order is needed; failure
    ///   refunds every paid participant. Pending invoices are expired either way,
    ///   and a renewal is due when the config asks for one.
    ///
    /// `stock` is the warehouse's on-hand units of the product's variants, read
    /// only when the call settles a session with a grosir bundle (variants not
    /// listed have none; a variant outside the bundle is an error). Pass `&[]`
    /// otherwise. Calls with nothing due, or after settlement, are unchanged.
    pub fn handle_timeout(
        &mut self,
        now: DateTime<Utc>,
        stock: &[StockLevel],
    ) -> Result<Outcome, SessionError> {
        let state = self.state();
        if state.status() != SessionStatus::Open {
            return Ok(Outcome::Unchanged);
        }
        let config = state.config();
        let settle = now >= config.end;
        let window_due =
            config.bot.enabled() && !state.bot_window_checked() && now >= config.bot_check_at();
        // Settlement expires every unpaid invoice itself; before it, each payment
        // window that closed frees its participant's availability.
        let closing = if settle {
            Vec::new()
        } else {
            state.windows_closed_at(now)
        };
        if !settle && !window_due && closing.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        let mut events = state.window_events(&closing, now);
        if !settle && !window_due {
            return self.commit(events);
        }
        let paid = state.paid_real_quantity();
        let mut bot = state.bot_quantity();
        if config.bot.enabled() {
            let topped = config.bot.top_up(config.moq, paid, bot);
            events.push(Event::BotChecked {
                paid_real_quantity: paid,
                previous_bot_quantity: bot,
                bot_quantity: topped,
                at_expiry: settle,
                at: now,
            });
            bot = topped;
        }
        if settle {
            self.settlement_events(now, bot, stock, &mut events)?;
        }
        self.commit(events)
    }

    fn settlement_events(
        &self,
        now: DateTime<Utc>,
        bot: u64,
        stock: &[StockLevel],
        events: &mut Vec<Event>,
    ) -> Result<(), SessionError> {
        let state = self.state();
        let config = state.config();
        let paid = state.paid_real_quantity();
        let fill_bp = TierLadder::fill_bp(config.moq, paid.saturating_add(bot));
        let success_threshold = config.success_threshold();
        if state.paid_count() > 0 && fill_bp >= success_threshold {
            let ladder = &config.ladder;
            let final_unit_price = ladder.price_at(fill_bp);
            let plan = match &config.grosir {
                None => None,
                Some(g) => {
                    let stock = g
                        .bundle
                        .stock_in_config_order(stock)
                        .map_err(SessionError::InvalidStock)?;
                    Some(WarehousePlan::compute(
                        state.paid_units_by_variant(),
                        &stock,
                        &g.bundle,
                        g.factory_unit_cost,
                        config.bulk_shipping_cost,
                    )?)
                }
            };
            let success = Success {
                at: now,
                paid_real_quantity: paid,
                bot_quantity: bot,
                fill_bp,
                final_rung: ladder.rung_at(fill_bp),
                final_unit_price,
                cashback_per_unit: config.group_price().checked_sub(final_unit_price)?,
                plan,
            };
            let awaits_stock = success.awaits_stock();
            events.push(Event::Succeeded(success));
            if !awaits_stock {
                events.push(Event::Confirmed { at: now });
            }
        } else {
            events.push(Event::Failed(Failure {
                at: now,
                reason: if state.paid_count() == 0 {
                    FailureReason::NoPaidParticipants
                } else {
                    FailureReason::BelowSuccessThreshold
                },
                paid_real_quantity: paid,
                bot_quantity: bot,
                fill_bp,
                success_threshold,
            }));
        }
        if config.renewal {
            let (start, end) = renewal_window(config.end, now)?;
            events.push(Event::RenewalDue(Renewal {
                at: now,
                start,
                end,
            }));
        }
        Ok(())
    }
}

//! Test support for store backends, compiled only with the `testing` feature: one
//! conformance suite and the seeded simulation, both generic over the
//! [`Store`](patungan_engine::store::Store).
//!
//! A backend implements [`StoreFactory`] (a fresh, empty data set per test) and
//! [`Fixture`] (open that data set as a new process would), then runs the whole
//! suite, one `#[test]` per suite function:
//!
//! ```ignore
//! patungan_testing::store_conformance_tests!(MyFactory::new());
//! ```
//!
//! and the simulation with [`sim::run_seeds_on`]. The in-memory store's factory is
//! [`MemoryFactory`]. Depend on it from dev-dependencies only:
//!
//! ```toml
//! [dev-dependencies]
//! patungan-testing = "0.1"
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod concurrency;
mod factory;
pub mod flow;
pub mod hostile_input;
pub mod inbox;
pub mod listing;
pub mod money_safety;
pub mod payouts;
pub mod purchasing;
pub mod quotes;
pub mod regressions;
pub mod shipments;
pub mod sim;
mod world;

pub use factory::{run_test, Fixture, MemoryFactory, StoreFactory};
pub use world::{at, config, join, World, SESSION};

/// Expands to one `#[test]` per function of the store conformance suite
/// ([`flow`], [`concurrency`], [`hostile_input`], [`money_safety`], [`payouts`] and
/// [`regressions`]), each on a fresh data set from
/// the given [`StoreFactory`] expression (evaluated once per test).
#[macro_export]
macro_rules! store_conformance_tests {
    ($factory:expr) => {
        $crate::store_conformance_tests!(@each $factory;
            flow::success_settles_escrow_credits_cashback_and_renews,
            flow::failure_refunds_every_payer_once_through_the_gateway,
            flow::lost_responses_are_retried_under_the_same_idempotency_key,
            flow::withdrawal_fails_with_invalid_destination_and_the_balance_returns,
            flow::refused_inputs_change_nothing,
            flow::a_small_session_cache_evicts_and_every_session_stays_right,
            flow::a_runner_pass_stores_its_created_invoices_in_one_commit,
            flow::created_invoices_are_stored_one_by_one_when_their_shared_commit_fails,
            flow::outbox_entries_and_invoices_are_read_by_list,
            hostile_input::a_nul_byte_in_a_holder_name_is_refused_and_holds_nothing,
            concurrency::a_crash_between_commit_and_effect_performs_the_effect_once,
            concurrency::sixty_four_joiners_on_a_hot_session_never_oversell_and_lose_nothing,
            concurrency::mixed_refusals_inside_a_group_commit_answer_each_join_on_its_own,
            concurrency::a_webhook_delivered_100_times_concurrently_changes_state_once,
            money_safety::a_wrong_amount_callback_does_not_poison_the_genuine_payment,
            money_safety::a_callback_naming_another_invoice_after_the_genuine_one_is_an_anomaly,
            money_safety::a_callback_in_another_currency_is_held_in_that_currency_and_refunded,
            money_safety::a_paid_callback_ahead_of_the_invoice_record_is_deferred_not_lost,
            money_safety::a_payment_for_an_invoice_abandoned_before_its_record_is_refunded,
            money_safety::an_exhausted_refund_waits_for_an_operator_who_credits_the_wallet_once,
            money_safety::an_operator_retry_goes_through_the_gateway_again,
            money_safety::failed_refunds_back_off_before_the_next_attempt,
            regressions::stock_reserved_by_one_session_is_not_planned_again_for_the_next,
            regressions::stock_counted_on_by_a_session_awaiting_its_order_is_not_planned_twice,
            regressions::cancelling_a_session_awaiting_stock_frees_the_units_it_counted_on,
            regressions::units_received_under_an_open_purchase_order_are_not_planned_for_another_session,
            regressions::a_refund_is_retried_through_an_outage_until_the_gateway_takes_it,
            regressions::a_payout_batch_is_retried_through_an_outage_until_the_disburser_takes_it,
            regressions::no_invoice_is_created_for_a_participant_who_is_no_longer_pending,
            regressions::a_provider_asking_to_wait_is_not_called_again_before_then,
            payouts::a_batch_rejected_with_a_permanent_code_makes_every_wallet_whole,
            payouts::a_batch_rejected_with_a_temporary_code_is_paid_in_the_next_batch,
            payouts::a_silent_batch_is_queried_after_48_hours_and_settles_as_the_disburser_says,
            payouts::a_batch_still_being_submitted_is_not_queried,
            purchasing::a_purchase_order_received_in_parts_owes_the_factory_its_goods_cost_once,
            purchasing::received_goods_are_paid_to_the_factory_once_and_a_failed_payout_is_retried,
            purchasing::an_over_tolerance_purchase_order_waits_for_approval_under_the_hold_policy,
            purchasing::a_reversed_factory_payout_is_owed_again_until_it_is_sent_again,
            inbox::each_user_is_told_once_in_their_own_inbox,
            listing::sessions_list_in_pages_and_purchase_orders_by_whether_open,
            quotes::a_join_pays_the_quoted_courier_price_and_misused_quotes_are_refused,
            shipments::a_confirmed_order_is_booked_and_delivered_and_its_courier_paid,
            shipments::refused_bookings_go_to_an_operator_and_a_returned_parcel_is_refunded,
            shipments::a_cancelled_order_releases_its_units_and_refunds_goods_and_courier,
            shipments::a_booking_the_provider_refuses_for_good_is_booked_again,
            shipments::a_booking_answered_after_its_order_was_cancelled_is_cancelled_at_the_provider,
            shipments::an_order_of_a_product_without_bundle_is_delivered,
            shipments::reports_ahead_of_their_booking_are_kept_and_applied_once_it_is_recorded,
        );
    };
    (@each $factory:expr; $($module:ident :: $name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::run_test(
                    &$factory,
                    stringify!($name),
                    $crate::$module::$name,
                );
            }
        )*
    };
}

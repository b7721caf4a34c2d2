//! What the rules say should happen, computed independently of the engine from the
//! committed state (docs/domain.md §5, §6, §9), so a refusal or an acceptance can be checked.

use chrono::{DateTime, Utc};
use patungan_core::session::{JoinRequest, Participant, ParticipantStatus, Session, SessionStatus};
use patungan_core::wallet::{WithdrawalPolicy, WithdrawalRequest, Withdrawals};
use patungan_core::{GrosirConfig, Money, ParticipantId};
use patungan_engine::PurchaseOrderRecord;

/// A predicted result: `Ok(true)` changes state, `Ok(false)` is an idempotent no-op,
/// `Err(code)` is the refusal's error code.
pub type Verdict = Result<bool, &'static str>;

/// Units held per variant (config order) by pending and paid participants.
pub fn held_units(session: &Session) -> Vec<u64> {
    held_units_at(session, None)
}

/// Whether `p` is pending with a payment window closed at `now` (a join closes
/// such windows first: they neither hold availability nor count as unpaid).
fn window_closed(p: &Participant, now: DateTime<Utc>) -> bool {
    p.status == ParticipantStatus::Pending && p.invoice_expires_at <= now
}

/// [`held_units`], leaving out the windows closed at `now` if given.
pub fn held_units_at(session: &Session, now: Option<DateTime<Utc>>) -> Vec<u64> {
    let Some(bundle) = session.state().config().bundle() else {
        return Vec::new();
    };
    let mut held = vec![0u64; bundle.len()];
    for p in session.state().participants() {
        if !p.status.holds_availability() || now.is_some_and(|now| window_closed(p, now)) {
            continue;
        }
        if let Some(i) = p.variant.and_then(|v| bundle.position(v)) {
            held[i] += p.quantity;
        }
    }
    held
}

/// available(r) = max(0, B*(r) × u[r] − o[r]) with B*(r) = min over the other
/// variants w of floor((o[w] + t[w]) / u[w]); `None` when unbounded (one variant).
pub fn available(bundle: &GrosirConfig, held: &[u64], index: usize) -> Option<u64> {
    let variants = bundle.variants();
    let bound = variants
        .iter()
        .zip(held)
        .enumerate()
        .filter(|(w, _)| *w != index)
        .map(|(_, (v, o))| (o + v.tolerance) / v.units_per_bundle)
        .min()?;
    let target = &variants[index];
    Some((bound * target.units_per_bundle).saturating_sub(held[index]))
}

/// The verdict on a join (the rule order of docs/domain.md §6).
pub fn join(session: &Session, request: &JoinRequest, now: DateTime<Utc>) -> Verdict {
    let state = session.state();
    if let Some(p) = state.participant(request.participant) {
        let same = p.user == request.user
            && p.payment == request.payment
            && p.variant == request.variant
            && p.quantity == request.quantity
            && p.cost.leg2 == request.courier_price;
        return if same {
            Ok(false)
        } else {
            Err("session.duplicate_participant")
        };
    }
    if state.participant_by_payment(request.payment).is_some() {
        return Err("session.duplicate_payment");
    }
    if state.status() != SessionStatus::Open {
        return Err("session.not_open");
    }
    let config = state.config();
    if now < config.start {
        return Err("session.not_started");
    }
    if now >= config.end {
        return Err("session.ended");
    }
    if request.quantity == 0 {
        return Err("session.zero_quantity");
    }
    if request.quantity > config.per_join_limit {
        return Err("session.quantity_above_limit");
    }
    if request.expected_unit_price != config.group_price() {
        return Err("session.stale_price");
    }
    let unpaid = state
        .participants()
        .iter()
        .filter(|p| p.user == request.user && p.status == ParticipantStatus::Pending)
        .filter(|p| !window_closed(p, now))
        .count();
    if unpaid >= config.pending_joins_per_user as usize {
        return Err("session.pending_join_limit");
    }
    if let Some(bundle) = config.bundle() {
        let Some(variant) = request.variant else {
            return Err("session.variant_required");
        };
        let Some(index) = bundle.position(variant) else {
            return Err("session.unknown_variant");
        };
        let held = held_units_at(session, Some(now));
        if available(bundle, &held, index).is_some_and(|a| request.quantity > a) {
            return Err("session.not_enough_available");
        }
    } else if request.variant.is_some() {
        return Err("session_config.variant_without_grosir");
    }
    Ok(true)
}

/// The verdict on a participant leaving.
pub fn leave(session: &Session, participant: ParticipantId, now: DateTime<Utc>) -> Verdict {
    let state = session.state();
    let Some(p) = state.participant(participant) else {
        return Err("session.unknown_participant");
    };
    if p.status == ParticipantStatus::Left {
        return Ok(false);
    }
    if state.status() != SessionStatus::Open {
        return Err("session.not_open");
    }
    if now >= state.config().end {
        return Err("session.ended");
    }
    if !p.status.holds_availability() {
        return Err("session.participant_not_active");
    }
    Ok(true)
}

/// The verdict on an admin cancel (`order`: the session's purchase order, if any;
/// once goods arrived under it the session can no longer be cancelled).
pub fn cancel(session: &Session, order: Option<&PurchaseOrderRecord>) -> Verdict {
    let received = order.is_some_and(|o| !o.received().is_empty());
    match session.status() {
        SessionStatus::Cancelled => Ok(false),
        SessionStatus::AwaitingStock if received => Err("purchase_order.already_received"),
        SessionStatus::Open | SessionStatus::AwaitingStock => Ok(true),
        _ => Err("session.wrong_state"),
    }
}

/// The verdict on the warehouse reporting stock received.
pub fn stock_received(session: &Session) -> Verdict {
    match session.status() {
        SessionStatus::Confirmed => Ok(false),
        SessionStatus::AwaitingStock => Ok(true),
        _ => Err("session.wrong_state"),
    }
}

/// The verdict on a withdrawal request given the wallet's available balance.
pub fn withdrawal(
    book: &Withdrawals,
    policy: &WithdrawalPolicy,
    request: &WithdrawalRequest,
    available: Money,
) -> Verdict {
    if let Some(existing) = book.get(request.id) {
        return if *existing.request() == *request {
            Ok(false)
        } else {
            Err("withdrawal.exists")
        };
    }
    if request.amount.amount() < policy.minimum.amount() {
        return Err("withdrawal.below_minimum");
    }
    if request.destination.validate(policy).is_err() {
        return Err("withdrawal.invalid_destination");
    }
    if request.amount.amount() > available.amount() {
        return Err("wallet.insufficient_balance");
    }
    Ok(true)
}

/// Whether an engine error code matches a predicted one (destination errors share
/// one predicted code).
pub fn code_matches(predicted: &str, actual: &str) -> bool {
    predicted == actual
        || (predicted == "withdrawal.invalid_destination"
            && matches!(
                actual,
                "withdrawal.missing_bank_code"
                    | "withdrawal.invalid_account_number"
                    | "withdrawal.holder_name_too_short"
            ))
}

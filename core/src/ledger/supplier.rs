//! Paying suppliers and refunding orders after fulfilment (docs/domain.md §11): a
//! courier is paid from the courier payable when its shipment is delivered or
//! returned, a factory from the factory payable once its disbursement succeeded, and
//! an order that will not reach its buyer is refunded to the buyer's wallet.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::chart::{Chart, ChartAccount};
use super::derive::{derive_uuid, purpose};
use super::transfer::{Posting, Transfer, TransferCode};
use crate::ids::{OrderId, SessionId, TransferId, UserId};
use crate::money::{Money, MoneyError};

const COURIER_PAID: u32 = 0xB601;
const FACTORY_PAID: u32 = 0xB602;
const REFUND_FROM_WAREHOUSE: u32 = 0xB603;
const REFUND_FROM_PLATFORM: u32 = 0xB604;
const REFUND_FROM_COURIER: u32 = 0xB605;
const FACTORY_PAID_REVERSED: u32 = 0xB606;

/// How much of `amount` the warehouse pays out of `available` (what its account holds,
/// never below zero) and how much platform funding covers.
pub(super) fn warehouse_share(
    amount: Money,
    available: Money,
) -> Result<(Money, Money), MoneyError> {
    available.ensure_currency(amount.currency())?;
    let from_warehouse = if available.amount() >= amount.amount() {
        amount
    } else if available.amount().is_sign_positive() {
        available
    } else {
        Money::zero(amount.currency())
    };
    Ok((from_warehouse, amount.checked_sub(from_warehouse)?))
}

/// The base of a factory payout attempt's transfer ids: the receipt, then the attempt.
fn receipt_attempt(session: SessionId, received_before: u64, attempt: u32) -> Uuid {
    derive_uuid(
        derive_uuid(*session.as_uuid(), received_before),
        u64::from(attempt),
    )
}

fn transfer_id(base: Uuid, tag: u32) -> TransferId {
    TransferId::from_uuid(derive_uuid(base, purpose(tag, 0)))
}

/// The refund of an order that will not be delivered: its goods (from the warehouse,
/// which holds their price) and, when no courier carried it, its courier price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRefund {
    /// The order.
    pub order: OrderId,
    /// The buyer, whose wallet is credited.
    pub user: UserId,
    /// The goods' price the buyer paid (final unit price × units).
    pub goods: Money,
    /// The courier price given back (zero when a courier carried the parcel).
    pub courier: Money,
}

impl OrderRefund {
    /// The transfer ids: goods from the warehouse, goods funded by the platform,
    /// courier price from the courier payable.
    pub fn transfer_ids(&self) -> [TransferId; 3] {
        let base = *self.order.as_uuid();
        [
            REFUND_FROM_WAREHOUSE,
            REFUND_FROM_PLATFORM,
            REFUND_FROM_COURIER,
        ]
        .map(|tag| transfer_id(base, tag))
    }
}

impl Chart {
    /// The id of the transfer paying the courier of `order`.
    pub fn courier_paid_id(&self, order: OrderId) -> TransferId {
        transfer_id(*order.as_uuid(), COURIER_PAID)
    }

    /// The courier of `order` is paid `amount` (the courier price held for it) from
    /// the courier payable. Nothing to post for a zero amount.
    pub fn courier_paid(&self, order: OrderId, amount: Money) -> Posting {
        self.payout(
            ChartAccount::CourierPayable,
            self.courier_paid_id(order),
            amount,
            TransferCode::CourierPaid,
        )
    }

    /// The id of the transfer paying the factory, under `attempt`, for the receipt under
    /// the purchase order of `session` that found `received_before` units received.
    pub fn factory_paid_id(
        &self,
        session: SessionId,
        received_before: u64,
        attempt: u32,
    ) -> TransferId {
        transfer_id(
            receipt_attempt(session, received_before, attempt),
            FACTORY_PAID,
        )
    }

    /// The id of the transfer taking back the payment of `attempt` the bank reversed.
    pub fn factory_paid_reversal_id(
        &self,
        session: SessionId,
        received_before: u64,
        attempt: u32,
    ) -> TransferId {
        transfer_id(
            receipt_attempt(session, received_before, attempt),
            FACTORY_PAID_REVERSED,
        )
    }

    /// The factory is paid `amount` for one receipt from the factory payable (the
    /// payout of `attempt` succeeded). Nothing to post for a zero amount.
    pub fn factory_paid(
        &self,
        purchase_order: SessionId,
        received_before: u64,
        attempt: u32,
        amount: Money,
    ) -> Posting {
        self.payout(
            ChartAccount::FactoryPayable,
            self.factory_paid_id(purchase_order, received_before, attempt),
            amount,
            TransferCode::FactoryPaid,
        )
    }

    /// The bank reversed the factory payout of `attempt`: its `amount` comes back from
    /// supplier payouts and is owed to the factory again.
    pub fn factory_paid_reversed(
        &self,
        purchase_order: SessionId,
        received_before: u64,
        attempt: u32,
        amount: Money,
    ) -> Posting {
        let from = self.spec(ChartAccount::SupplierPayouts);
        let to = self.spec(ChartAccount::FactoryPayable);
        let id = self.factory_paid_reversal_id(purchase_order, received_before, attempt);
        let transfers = if amount.is_zero() {
            Vec::new()
        } else {
            vec![Transfer::posted(id, from.id, to.id, amount)
                .with_code(TransferCode::FactoryPaidReversal)]
        };
        Posting {
            accounts: vec![from, to],
            transfers,
        }
    }

    fn payout(
        &self,
        from: ChartAccount,
        id: TransferId,
        amount: Money,
        code: TransferCode,
    ) -> Posting {
        let from = self.spec(from);
        let to = self.spec(ChartAccount::SupplierPayouts);
        let transfers = if amount.is_zero() {
            Vec::new()
        } else {
            vec![Transfer::posted(id, from.id, to.id, amount).with_code(code)]
        };
        Posting {
            accounts: vec![from, to],
            transfers,
        }
    }

    /// `refund` credited to the buyer's wallet: the goods from the warehouse account
    /// up to `warehouse_available` (what it holds now) and from platform funding for
    /// the rest, the courier price from the courier payable. Legs of zero are left out.
    ///
    /// ```
    /// use patungan_core::ledger::{Chart, OrderRefund};
    /// use patungan_core::{Currency, Money, OrderId, UserId};
    /// let chart = Chart::new(Currency::IDR);
    /// let refund = OrderRefund {
    ///     order: OrderId::from_u128(1),
    ///     user: UserId::from_u128(2),
    ///     goods: Money::idr(100_000),
    ///     courier: Money::idr(9_000),
    /// };
    /// let posting = chart.order_refund(&refund, Money::idr(60_000))?;
    /// assert_eq!(posting.transfers.len(), 3); // 60 000 + 40 000 funded + 9 000
    /// # Ok::<(), patungan_core::MoneyError>(())
    /// ```
    pub fn order_refund(
        &self,
        refund: &OrderRefund,
        warehouse_available: Money,
    ) -> Result<Posting, MoneyError> {
        refund.courier.ensure_currency(refund.goods.currency())?;
        let (from_warehouse, from_platform) = warehouse_share(refund.goods, warehouse_available)?;
        let wallet = self.spec(ChartAccount::Wallet(refund.user));
        let [warehouse_id, platform_id, courier_id] = refund.transfer_ids();
        let mut posting = Posting {
            accounts: vec![wallet],
            transfers: Vec::new(),
        };
        for (source, id, amount) in [
            (ChartAccount::Warehouse, warehouse_id, from_warehouse),
            (ChartAccount::PlatformFunding, platform_id, from_platform),
            (ChartAccount::CourierPayable, courier_id, refund.courier),
        ] {
            if !amount.is_zero() {
                let from = self.spec(source);
                posting.accounts.push(from);
                posting.transfers.push(
                    Transfer::posted(id, from.id, wallet.id, amount)
                        .with_code(TransferCode::Refund),
                );
            }
        }
        Ok(posting)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::ledger::Ledger;
    use crate::money::Currency;
    use rust_decimal::Decimal;

    fn ledger(chart: &Chart, user: UserId) -> Ledger {
        let mut ledger = Ledger::new();
        for spec in chart.platform_accounts() {
            ledger.open(spec).unwrap();
        }
        ledger.open(chart.spec(ChartAccount::Wallet(user))).unwrap();
        ledger
    }

    fn fund(ledger: &mut Ledger, chart: &Chart, account: ChartAccount, amount: u64, tag: u128) {
        let from = chart.id(ChartAccount::PlatformFunding);
        let transfer = Transfer::posted(
            TransferId::from_u128(tag),
            from,
            chart.id(account),
            Money::idr(amount),
        );
        ledger
            .execute(&Posting {
                accounts: vec![],
                transfers: vec![transfer],
            })
            .unwrap();
    }

    fn net(ledger: &Ledger, chart: &Chart, account: ChartAccount) -> Decimal {
        ledger
            .account(chart.id(account))
            .unwrap()
            .balances()
            .posted_net()
    }

    #[test]
    fn a_courier_is_paid_once_from_the_courier_payable() {
        let chart = Chart::new(Currency::IDR);
        let user = UserId::from_u128(2);
        let mut ledger = ledger(&chart, user);
        fund(&mut ledger, &chart, ChartAccount::CourierPayable, 9_000, 1);
        let posting = chart.courier_paid(OrderId::from_u128(5), Money::idr(9_000));
        ledger.execute(&posting).unwrap();
        ledger.execute(&posting).unwrap();
        assert_eq!(
            net(&ledger, &chart, ChartAccount::CourierPayable),
            Decimal::ZERO
        );
        assert_eq!(
            net(&ledger, &chart, ChartAccount::SupplierPayouts),
            Decimal::from(9_000)
        );
        assert!(chart
            .courier_paid(OrderId::from_u128(5), Money::zero(Currency::IDR))
            .transfers
            .is_empty());
    }

    #[test]
    fn a_refund_takes_what_the_warehouse_holds_and_the_platform_funds_the_rest() {
        let chart = Chart::new(Currency::IDR);
        let user = UserId::from_u128(2);
        let mut ledger = ledger(&chart, user);
        fund(&mut ledger, &chart, ChartAccount::Warehouse, 60_000, 1);
        fund(&mut ledger, &chart, ChartAccount::CourierPayable, 9_000, 2);
        let refund = OrderRefund {
            order: OrderId::from_u128(5),
            user,
            goods: Money::idr(100_000),
            courier: Money::idr(9_000),
        };
        let posting = chart.order_refund(&refund, Money::idr(60_000)).unwrap();
        ledger.execute(&posting).unwrap();
        assert_eq!(
            net(&ledger, &chart, ChartAccount::Wallet(user)),
            Decimal::from(109_000)
        );
        assert_eq!(net(&ledger, &chart, ChartAccount::Warehouse), Decimal::ZERO);
        assert_eq!(
            net(&ledger, &chart, ChartAccount::CourierPayable),
            Decimal::ZERO
        );
        let all_from_warehouse = chart.order_refund(&refund, Money::idr(500_000)).unwrap();
        assert_eq!(all_from_warehouse.transfers.len(), 2);
    }
}

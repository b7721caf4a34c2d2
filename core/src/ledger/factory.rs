//! Goods received from a factory (docs/domain.md §11): the goods cost of the units in a
//! receipt becomes owed to the factory (factory payable), paid from what the warehouse
//! account holds; what it cannot cover (units no buyer paid for: the bot's and the
//! bundle surplus kept as stock) is funded by the platform.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::chart::{Chart, ChartAccount};
use super::derive::{derive_uuid, purpose};
use super::supplier::warehouse_share;
use super::transfer::{Posting, Transfer, TransferCode};
use crate::ids::{SessionId, TransferId};
use crate::money::{Money, MoneyError};

const FROM_WAREHOUSE: u32 = 0xB501;
const FROM_PLATFORM: u32 = 0xB502;

/// The goods cost of one receipt under a purchase order, as the purchase order book
/// computes it ([`crate::purchasing::PurchaseOrderRecord::receive`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FactoryGoods {
    /// The session whose purchase order the goods arrived under.
    pub purchase_order: SessionId,
    /// Units received under the order before this receipt: tells receipts apart, so
    /// replaying one books nothing twice.
    pub received_before: u64,
    /// Unit cost × the units of this receipt.
    pub amount: Money,
}

impl FactoryGoods {
    /// The base of this receipt's transfer ids.
    fn base(&self) -> Uuid {
        derive_uuid(*self.purchase_order.as_uuid(), self.received_before)
    }

    /// The transfer ids: from the warehouse, from platform funding.
    pub fn transfer_ids(&self) -> [TransferId; 2] {
        let base = self.base();
        [FROM_WAREHOUSE, FROM_PLATFORM]
            .map(|tag| TransferId::from_uuid(derive_uuid(base, purpose(tag, 0))))
    }
}

impl Chart {
    /// The goods of `goods` arrived: their cost moves to the factory payable, from the
    /// warehouse account up to `warehouse_available` (what it holds now) and from
    /// platform funding for the rest. Legs of zero are left out.
    ///
    /// ```
    /// use patungan_core::ledger::{Chart, ChartAccount, FactoryGoods, Ledger};
    /// use patungan_core::{Currency, Money, SessionId};
    /// let chart = Chart::new(Currency::IDR);
    /// let goods = FactoryGoods {
    ///     purchase_order: SessionId::from_u128(1),
    ///     received_before: 0,
    ///     amount: Money::idr(1_000_000),
    /// };
    /// let posting = chart.factory_goods(&goods, Money::idr(800_000))?;
    /// assert_eq!(posting.transfers.len(), 2); // 800 000 from the warehouse, 200 000 funded
    /// # Ok::<(), patungan_core::MoneyError>(())
    /// ```
    pub fn factory_goods(
        &self,
        goods: &FactoryGoods,
        warehouse_available: Money,
    ) -> Result<Posting, MoneyError> {
        let zero = Money::zero(goods.amount.currency());
        let (from_warehouse, from_platform) = warehouse_share(goods.amount, warehouse_available)?;
        let payable = self.spec(ChartAccount::FactoryPayable);
        let [warehouse_id, platform_id] = goods.transfer_ids();
        let mut posting = Posting {
            accounts: vec![payable],
            transfers: Vec::new(),
        };
        for (source, id, amount) in [
            (ChartAccount::Warehouse, warehouse_id, from_warehouse),
            (ChartAccount::PlatformFunding, platform_id, from_platform),
        ] {
            if amount.amount() > zero.amount() {
                let from = self.spec(source);
                posting.accounts.push(from);
                posting.transfers.push(
                    Transfer::posted(id, from.id, payable.id, amount)
                        .with_code(TransferCode::FactoryGoods),
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

    fn goods(received_before: u64, amount: u64) -> FactoryGoods {
        FactoryGoods {
            purchase_order: SessionId::from_u128(9),
            received_before,
            amount: Money::idr(amount),
        }
    }

    fn net(ledger: &Ledger, chart: &Chart, account: ChartAccount) -> Decimal {
        ledger
            .account(chart.id(account))
            .map_or(Decimal::ZERO, |a| a.balances().posted_net())
    }

    #[test]
    fn the_warehouse_pays_what_it_holds_and_the_platform_the_rest() {
        let chart = Chart::new(Currency::IDR);
        let mut ledger = Ledger::new();
        let posting = chart
            .factory_goods(&goods(0, 500), Money::idr(300))
            .unwrap();
        for spec in chart.platform_accounts() {
            ledger.open(spec).unwrap();
        }
        // Fund the warehouse with 300 first, as a success split would.
        let funding = chart.spec(ChartAccount::PlatformFunding);
        let warehouse = chart.spec(ChartAccount::Warehouse);
        ledger
            .execute(&Posting {
                accounts: vec![],
                transfers: vec![Transfer::posted(
                    TransferId::from_u128(1),
                    funding.id,
                    warehouse.id,
                    Money::idr(300),
                )],
            })
            .unwrap();
        ledger.execute(&posting).unwrap();
        assert_eq!(net(&ledger, &chart, ChartAccount::Warehouse), Decimal::ZERO);
        assert_eq!(
            net(&ledger, &chart, ChartAccount::FactoryPayable),
            Decimal::from(500)
        );
        // Replaying the receipt books nothing twice.
        ledger.execute(&posting).unwrap();
        assert_eq!(
            net(&ledger, &chart, ChartAccount::FactoryPayable),
            Decimal::from(500)
        );
    }

    #[test]
    fn a_warehouse_holding_enough_pays_alone_and_receipts_have_their_own_ids() {
        let chart = Chart::new(Currency::IDR);
        let posting = chart
            .factory_goods(&goods(0, 500), Money::idr(900))
            .unwrap();
        assert_eq!(posting.transfers.len(), 1);
        assert_ne!(goods(0, 500).transfer_ids(), goods(4, 500).transfer_ids());
        assert!(chart
            .factory_goods(&goods(0, 500), Money::zero(Currency::USD))
            .is_err());
    }
}

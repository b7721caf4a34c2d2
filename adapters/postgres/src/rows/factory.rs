//! Factory payouts (migration `0007_factory_payouts`).

use patungan_core::factory_payouts::{FactoryPayout, FactoryPayoutStatus};
use patungan_core::SessionId;
use patungan_ports::store::StoreError;
use tokio_postgres::Row;

use super::Table;
use crate::codec::{currency, from_name, get, money, to_i64, to_u64, Param};

pub(crate) const FACTORY_PAYOUTS: Table = Table {
    name: "factory_payouts",
    columns: "id, session_id, received_before, amount, currency, status, attempt, failure_code, \
        sent_at",
    key: "id",
};

pub(crate) fn encode_factory_payout(p: &FactoryPayout) -> Result<Vec<Param>, StoreError> {
    Ok(vec![
        Box::new(p.id()),
        Box::new(*p.purchase_order.as_uuid()),
        Box::new(to_i64(p.received_before, "units received before")?),
        Box::new(p.amount.amount()),
        Box::new(p.amount.currency().code().to_owned()),
        Box::new(p.status.as_str().to_owned()),
        Box::new(i64::from(p.attempt)),
        Box::new(p.failure_code.clone()),
        Box::new(p.sent_at),
    ])
}

pub(crate) fn decode_factory_payout(row: &Row) -> Result<FactoryPayout, StoreError> {
    const W: &str = "factory payout";
    let cur = currency(get(row, 4, W)?)?;
    let status: FactoryPayoutStatus = from_name(get(row, 5, W)?, "factory payout status")?;
    let attempt = u32::try_from(get::<i64>(row, 6, W)?)
        .map_err(|_| StoreError::Corrupt("factory payout attempt out of range".to_owned()))?;
    Ok(FactoryPayout {
        purchase_order: SessionId::from_uuid(get(row, 1, W)?),
        received_before: to_u64(get(row, 2, W)?, "units received before")?,
        amount: money(get(row, 3, W)?, cur, W)?,
        status,
        attempt,
        failure_code: get(row, 7, W)?,
        sent_at: get(row, 8, W)?,
    })
}

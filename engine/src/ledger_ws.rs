//! Ledger work inside a store transaction: load a working set (the accounts and
//! transfers a posting touches, locked), run the core ledger on it, write back the diff.

use std::collections::{HashMap, HashSet};

use patungan_core::ledger::{AccountSpec, Ledger, Posting, TransferOp};
use patungan_core::{AccountId, TransferId};

use crate::error::EngineError;
use crate::store::{LedgerDiff, StoreTx};

/// Loads the working set for `specs` and `transfers`, opens the missing accounts of
/// `specs`, runs `f` on it, and writes what changed.
pub(crate) async fn with_ledger<R>(
    tx: &mut dyn StoreTx,
    specs: &[AccountSpec],
    transfers: &[TransferId],
    f: impl FnOnce(&mut Ledger) -> Result<R, EngineError>,
) -> Result<R, EngineError> {
    let mut ledger = tx.ledger(specs, transfers).await?;
    let stored: HashSet<AccountId> = ledger.accounts().iter().map(|a| a.id()).collect();
    for spec in specs {
        if ledger.account(spec.id).is_none() {
            ledger.open(*spec)?;
        }
    }
    let accounts: HashMap<_, _> = ledger.accounts().iter().map(|a| (a.id(), *a)).collect();
    let records: HashMap<_, _> = ledger.transfers().iter().map(|r| (r.id(), *r)).collect();
    let result = f(&mut ledger)?;
    let mut diff = LedgerDiff::default();
    for account in ledger.accounts() {
        let unchanged =
            stored.contains(&account.id()) && accounts.get(&account.id()) == Some(account);
        if !unchanged {
            diff.accounts.push(*account);
        }
    }
    for record in ledger.transfers() {
        match records.get(&record.id()) {
            None => diff.inserted.push(*record),
            Some(before) if before != record => diff.updated.push(*record),
            Some(_) => {}
        }
    }
    if !diff.is_empty() {
        tx.put_ledger(&diff).await?;
    }
    Ok(result)
}

/// Runs a linked posting: its accounts are opened if missing, the pending transfers
/// it posts or voids are loaded, and the whole batch commits or nothing does.
pub(crate) async fn execute(
    tx: &mut dyn StoreTx,
    posting: &Posting,
    extra_specs: &[AccountSpec],
) -> Result<(), EngineError> {
    let mut ids: Vec<TransferId> = posting.transfers.iter().map(|t| t.id).collect();
    ids.extend(posting.transfers.iter().filter_map(|t| match t.op {
        TransferOp::PostPending { pending_id, .. } | TransferOp::VoidPending { pending_id } => {
            Some(pending_id)
        }
        _ => None,
    }));
    let mut specs = posting.accounts.clone();
    specs.extend_from_slice(extra_specs);
    with_ledger(tx, &specs, &ids, |ledger| {
        ledger.execute(posting)?;
        Ok(())
    })
    .await
}

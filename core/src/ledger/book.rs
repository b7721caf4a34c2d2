//! The in-memory double-entry ledger: accounts, the transfer journal, and the rules
//! that keep Σ debits = Σ credits at all times.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::account::{Account, AccountSpec, BalanceLimit, Balances};
use super::error::LedgerError;
use super::hashing::{IdBuildHasher, IdMap};
use super::transfer::{Outcome, PendingStatus, Posting, Transfer, TransferOp, TransferRecord};
use crate::ids::{AccountId, TransferId};
use crate::money::{Currency, Money};

/// What to do with an open pending transfer.
#[derive(Clone, Copy)]
enum Resolve {
    Post(Option<Money>),
    Void,
}

/// How to restore state if a linked batch fails part-way.
#[derive(Debug, Clone, Copy)]
enum Undo {
    Balances {
        account: usize,
        previous: Balances,
    },
    Pending {
        record: usize,
        previous: PendingStatus,
    },
}

/// A double-entry ledger with TigerBeetle semantics (docs/domain.md §8).
///
/// - Accounts have caller-chosen ids, one currency and an optional [`BalanceLimit`].
/// - Transfers have caller-chosen ids that double as idempotency keys: the identical
///   transfer submitted again reports [`Outcome::AlreadyExists`] and changes nothing; a
///   different transfer under a used id is [`LedgerError::TransferExists`].
/// - A pending transfer holds its amount until it is posted (fully or partly; the rest is
///   released) or voided — at most once.
/// - [`Ledger::apply`] commits a linked batch all-or-nothing; any error leaves the
///   ledger exactly as it was.
/// - Σ debits = Σ credits per currency, for pending and for posted totals, always.
///
/// The journal keeps commit order, so iteration and serialisation are deterministic.
///
/// ```
/// use patungan_core::ledger::{AccountKind, AccountSpec, BalanceLimit, Entity, Ledger, Outcome, Transfer};
/// use patungan_core::{AccountId, Currency, Money, TransferId, UserId};
///
/// let mut ledger = Ledger::new();
/// let bank = AccountId::from_u128(1);
/// let wallet = AccountId::from_u128(2);
/// ledger.open(AccountSpec::new(bank, Entity::External, AccountKind::Bank, Currency::IDR))?;
/// ledger.open(
///     AccountSpec::new(wallet, Entity::User(UserId::from_u128(9)), AccountKind::Wallet, Currency::IDR)
///         .with_limit(BalanceLimit::DebitsMustNotExceedCredits),
/// )?;
/// let deposit = Transfer::posted(TransferId::from_u128(1), bank, wallet, Money::idr(50_000));
/// assert_eq!(ledger.apply_one(&deposit)?, Outcome::Created);
/// assert_eq!(ledger.apply_one(&deposit)?, Outcome::AlreadyExists); // replay: no-op
///
/// // A hold, then a partial post: 20 000 moves, the other 10 000 is released.
/// let hold = Transfer::pending(TransferId::from_u128(2), wallet, bank, Money::idr(30_000));
/// let post = Transfer::post(TransferId::from_u128(3), hold.id, Some(Money::idr(20_000)));
/// ledger.apply(&[hold, post])?;
/// assert_eq!(ledger.account(wallet).unwrap().available()?, Money::idr(30_000));
///
/// // Overdraft: refused, nothing changes.
/// let too_much = Transfer::posted(TransferId::from_u128(4), wallet, bank, Money::idr(30_001));
/// assert_eq!(ledger.apply_one(&too_much).unwrap_err().code(), "ledger.exceeds_credits");
/// ledger.verify()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    accounts: Vec<Account>,
    account_index: IdMap<AccountId>,
    journal: Vec<TransferRecord>,
    transfer_index: IdMap<TransferId>,
    undo: Vec<Undo>,
}

impl PartialEq for Ledger {
    fn eq(&self, other: &Self) -> bool {
        self.accounts == other.accounts && self.journal == other.journal
    }
}

impl Eq for Ledger {}

fn add(
    value: Decimal,
    x: Decimal,
    transfer: TransferId,
    account: AccountId,
) -> Result<Decimal, LedgerError> {
    value
        .checked_add(x)
        .ok_or(LedgerError::Overflow { transfer, account })
}

fn release(value: Decimal, x: Decimal, transfer: TransferId) -> Result<Decimal, LedgerError> {
    match value.checked_sub(x) {
        Some(v) if !v.is_sign_negative() || v.is_zero() => Ok(v),
        _ => Err(LedgerError::Corrupt {
            reason: format!("pending total below zero while resolving with transfer {transfer}"),
        }),
    }
}

fn check_limit(
    balances: &Balances,
    limit: BalanceLimit,
    transfer: TransferId,
    account: AccountId,
) -> Result<(), LedgerError> {
    if balances.satisfies(limit) {
        return Ok(());
    }
    Err(match limit {
        BalanceLimit::CreditsMustNotExceedDebits => {
            LedgerError::ExceedsDebits { transfer, account }
        }
        BalanceLimit::None | BalanceLimit::DebitsMustNotExceedCredits => {
            LedgerError::ExceedsCredits { transfer, account }
        }
    })
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// An empty ledger with room for `accounts` accounts and `transfers` transfers.
    pub fn with_capacity(accounts: usize, transfers: usize) -> Self {
        Ledger {
            accounts: Vec::with_capacity(accounts),
            account_index: IdMap::with_capacity_and_hasher(accounts, Default::default()),
            journal: Vec::with_capacity(transfers),
            transfer_index: IdMap::with_capacity_and_hasher(transfers, Default::default()),
            undo: Vec::new(),
        }
    }

    /// Opens an account. Opening the identical account again is a no-op
    /// ([`Outcome::AlreadyExists`]); a different definition under a used id is an error.
    pub fn open(&mut self, spec: AccountSpec) -> Result<Outcome, LedgerError> {
        if let Some(account) = self.account(spec.id) {
            return if *account.spec() == spec {
                Ok(Outcome::AlreadyExists)
            } else {
                Err(LedgerError::AccountExists { account: spec.id })
            };
        }
        self.account_index.insert(spec.id, self.accounts.len());
        self.accounts.push(Account::open(spec));
        Ok(Outcome::Created)
    }

    /// Commits one transfer (the allocation-free fast path of [`Ledger::apply`]).
    pub fn apply_one(&mut self, transfer: &Transfer) -> Result<Outcome, LedgerError> {
        let start = self.journal.len();
        // Each transfer is fully validated before it mutates anything, so a single
        // transfer needs no undo log.
        self.stage(transfer, start, false)
    }

    /// Commits a linked batch: every transfer or none. On error the ledger is unchanged
    /// and the error names the transfer at fault. Later transfers see the effects of
    /// earlier ones (a batch may create a pending transfer and post it).
    pub fn apply(&mut self, transfers: &[Transfer]) -> Result<Vec<Outcome>, LedgerError> {
        if let [single] = transfers {
            return self.apply_one(single).map(|o| vec![o]);
        }
        let start = self.journal.len();
        self.undo.clear();
        let mut outcomes = Vec::with_capacity(transfers.len());
        for transfer in transfers {
            match self.stage(transfer, start, true) {
                Ok(outcome) => outcomes.push(outcome),
                Err(error) => {
                    self.rollback(start);
                    return Err(error);
                }
            }
        }
        self.undo.clear();
        Ok(outcomes)
    }

    /// Opens the posting's missing accounts and commits its transfers, all or nothing
    /// (accounts opened by a posting that fails are closed again).
    pub fn execute(&mut self, posting: &Posting) -> Result<Vec<Outcome>, LedgerError> {
        let accounts_before = self.accounts.len();
        for spec in &posting.accounts {
            if let Err(error) = self.open(*spec) {
                self.close_accounts_from(accounts_before);
                return Err(error);
            }
        }
        self.apply(&posting.transfers).inspect_err(|_| {
            self.close_accounts_from(accounts_before);
        })
    }

    /// The account with this id.
    pub fn account(&self, id: AccountId) -> Option<&Account> {
        self.account_index
            .get(&id)
            .and_then(|&i| self.accounts.get(i))
    }

    /// Every account, in opening order.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The committed transfer with this id.
    pub fn transfer(&self, id: TransferId) -> Option<&TransferRecord> {
        self.transfer_index
            .get(&id)
            .and_then(|&i| self.journal.get(i))
    }

    /// Every committed transfer, in commit order.
    pub fn transfers(&self) -> &[TransferRecord] {
        &self.journal
    }

    /// Sums of the four totals over all accounts, per currency (ascending). In a
    /// consistent ledger debits equal credits, pending and posted.
    pub fn totals(&self) -> BTreeMap<Currency, Balances> {
        let mut totals: BTreeMap<Currency, Balances> = BTreeMap::new();
        for account in &self.accounts {
            let t = totals.entry(account.currency()).or_default();
            let b = account.balances();
            t.debits_pending = t.debits_pending.saturating_add(b.debits_pending);
            t.debits_posted = t.debits_posted.saturating_add(b.debits_posted);
            t.credits_pending = t.credits_pending.saturating_add(b.credits_pending);
            t.credits_posted = t.credits_posted.saturating_add(b.credits_posted);
        }
        totals
    }

    /// Re-derives every balance from the journal and checks the invariants: balances
    /// match, Σ debits = Σ credits (pending and posted) per currency, every account
    /// satisfies its limit, and every pending transfer is resolved at most once and
    /// consistently. Used when restoring state and by tests.
    pub fn verify(&self) -> Result<(), LedgerError> {
        let corrupt = |reason: String| LedgerError::Corrupt { reason };
        let mut replayed = vec![Balances::default(); self.accounts.len()];
        let mut resolved: HashSet<TransferId, IdBuildHasher> = HashSet::default();
        for (position, record) in self.journal.iter().enumerate() {
            let id = record.id();
            let di = self.index_of(record.debit_account, id)?;
            let ci = self.index_of(record.credit_account, id)?;
            for i in [di, ci] {
                let account = self
                    .accounts
                    .get(i)
                    .ok_or_else(|| corrupt(format!("account index {i}")))?;
                if account.currency() != record.amount.currency() {
                    return Err(corrupt(format!(
                        "transfer {id} currency differs from account {}",
                        account.id()
                    )));
                }
            }
            let x = record.amount.amount();
            let (dpend, dpost, cpend, cpost): (Decimal, Decimal, Decimal, Decimal) =
                match record.transfer.op {
                    TransferOp::Posted {
                        debit_account,
                        credit_account,
                        amount,
                    }
                    | TransferOp::Pending {
                        debit_account,
                        credit_account,
                        amount,
                    } => {
                        if (debit_account, credit_account, amount)
                            != (record.debit_account, record.credit_account, record.amount)
                        {
                            return Err(corrupt(format!(
                                "transfer {id} record differs from its request"
                            )));
                        }
                        let pending = matches!(record.transfer.op, TransferOp::Pending { .. });
                        if pending != record.pending.is_some() {
                            return Err(corrupt(format!(
                                "transfer {id} pending status is inconsistent"
                            )));
                        }
                        if pending {
                            (x, Decimal::ZERO, x, Decimal::ZERO)
                        } else {
                            (Decimal::ZERO, x, Decimal::ZERO, x)
                        }
                    }
                    TransferOp::PostPending { pending_id, .. }
                    | TransferOp::VoidPending { pending_id } => {
                        let target = self
                            .transfer_index
                            .get(&pending_id)
                            .and_then(|&j| (j < position).then(|| self.journal.get(j)).flatten())
                            .ok_or_else(|| {
                                corrupt(format!(
                                    "transfer {id} resolves unknown or later {pending_id}"
                                ))
                            })?;
                        if !resolved.insert(pending_id) {
                            return Err(corrupt(format!(
                                "pending transfer {pending_id} resolved twice"
                            )));
                        }
                        let held = target.amount.amount();
                        let expected = match record.transfer.op {
                            TransferOp::PostPending { .. } => PendingStatus::Posted {
                                by: id,
                                amount: record.amount,
                            },
                            _ => PendingStatus::Voided { by: id },
                        };
                        if target.pending != Some(expected)
                            || (target.debit_account, target.credit_account)
                                != (record.debit_account, record.credit_account)
                        {
                            return Err(corrupt(format!(
                                "pending transfer {pending_id} status does not match {id}"
                            )));
                        }
                        let neg = Decimal::ZERO
                            .checked_sub(held)
                            .ok_or_else(|| corrupt("overflow".into()))?;
                        match record.transfer.op {
                            TransferOp::PostPending { .. } => (neg, x, neg, x),
                            _ => (neg, Decimal::ZERO, neg, Decimal::ZERO),
                        }
                    }
                };
            let overflow = || corrupt(format!("overflow replaying transfer {id}"));
            let d = replayed.get_mut(di).ok_or_else(overflow)?;
            d.debits_pending = d.debits_pending.checked_add(dpend).ok_or_else(overflow)?;
            d.debits_posted = d.debits_posted.checked_add(dpost).ok_or_else(overflow)?;
            let c = replayed.get_mut(ci).ok_or_else(overflow)?;
            c.credits_pending = c.credits_pending.checked_add(cpend).ok_or_else(overflow)?;
            c.credits_posted = c.credits_posted.checked_add(cpost).ok_or_else(overflow)?;
        }
        for record in &self.journal {
            if let Some(status) = record.pending {
                if (status == PendingStatus::Open) == resolved.contains(&record.id()) {
                    return Err(corrupt(format!(
                        "pending transfer {} status is inconsistent",
                        record.id()
                    )));
                }
            }
        }
        for (account, expected) in self.accounts.iter().zip(&replayed) {
            if account.balances() != expected {
                return Err(corrupt(format!(
                    "account {} balances do not match the journal",
                    account.id()
                )));
            }
            if !account.balances().satisfies(account.limit()) {
                return Err(corrupt(format!(
                    "account {} breaks its balance limit",
                    account.id()
                )));
            }
        }
        for (currency, t) in self.totals() {
            if t.debits_pending != t.credits_pending || t.debits_posted != t.credits_posted {
                return Err(corrupt(format!("{currency}: debits and credits differ")));
            }
        }
        Ok(())
    }

    /// Rebuilds a ledger from its accounts and journal, checking every invariant.
    pub fn restore(
        accounts: Vec<Account>,
        transfers: Vec<TransferRecord>,
    ) -> Result<Self, LedgerError> {
        let ledger = Ledger::working_set(accounts, transfers)?;
        ledger.verify()?;
        Ok(ledger)
    }

    /// A working set: some accounts with their stored balances and some transfer
    /// records, for a store that keeps the ledger in rows and runs one posting on
    /// the part it locked. Unlike [`Ledger::restore`] the journal is not replayed
    /// (it is partial); only duplicate accounts or records are refused. Compare
    /// [`Ledger::accounts`] and [`Ledger::transfers`] before and
    /// after to learn what to write back.
    pub fn working_set(
        accounts: Vec<Account>,
        transfers: Vec<TransferRecord>,
    ) -> Result<Self, LedgerError> {
        let mut ledger = Ledger::with_capacity(accounts.len(), transfers.len());
        for account in accounts {
            if ledger
                .account_index
                .insert(account.id(), ledger.accounts.len())
                .is_some()
            {
                return Err(LedgerError::Corrupt {
                    reason: format!("account {} appears twice", account.id()),
                });
            }
            ledger.accounts.push(account);
        }
        for record in transfers {
            if ledger
                .transfer_index
                .insert(record.id(), ledger.journal.len())
                .is_some()
            {
                return Err(LedgerError::Corrupt {
                    reason: format!("transfer {} appears twice", record.id()),
                });
            }
            ledger.journal.push(record);
        }
        Ok(ledger)
    }

    fn index_of(&self, account: AccountId, transfer: TransferId) -> Result<usize, LedgerError> {
        self.account_index
            .get(&account)
            .copied()
            .ok_or(LedgerError::UnknownAccount { transfer, account })
    }

    fn balances_at(
        &self,
        index: usize,
        transfer: TransferId,
        account: AccountId,
    ) -> Result<&Account, LedgerError> {
        self.accounts
            .get(index)
            .ok_or(LedgerError::UnknownAccount { transfer, account })
    }

    fn set_balances(&mut self, index: usize, balances: Balances, track: bool) {
        if let Some(account) = self.accounts.get_mut(index) {
            if track {
                self.undo.push(Undo::Balances {
                    account: index,
                    previous: *account.balances(),
                });
            }
            account.set_balances(balances);
        }
    }

    /// Validates one transfer completely, then commits it.
    fn stage(
        &mut self,
        transfer: &Transfer,
        batch_start: usize,
        track: bool,
    ) -> Result<Outcome, LedgerError> {
        let id = transfer.id;
        if let Some(&existing) = self.transfer_index.get(&id) {
            if existing >= batch_start {
                return Err(LedgerError::DuplicateInBatch { transfer: id });
            }
            return match self.journal.get(existing) {
                Some(record) if record.transfer == *transfer => Ok(Outcome::AlreadyExists),
                _ => Err(LedgerError::TransferExists { transfer: id }),
            };
        }
        match transfer.op {
            TransferOp::Posted {
                debit_account,
                credit_account,
                amount,
            } => self.stage_move(
                transfer,
                debit_account,
                credit_account,
                amount,
                false,
                track,
            ),
            TransferOp::Pending {
                debit_account,
                credit_account,
                amount,
            } => self.stage_move(transfer, debit_account, credit_account, amount, true, track),
            TransferOp::PostPending { pending_id, amount } => {
                self.stage_resolve(transfer, pending_id, Resolve::Post(amount), track)
            }
            TransferOp::VoidPending { pending_id } => {
                self.stage_resolve(transfer, pending_id, Resolve::Void, track)
            }
        }
    }

    fn stage_move(
        &mut self,
        transfer: &Transfer,
        debit: AccountId,
        credit: AccountId,
        amount: Money,
        pending: bool,
        track: bool,
    ) -> Result<Outcome, LedgerError> {
        let id = transfer.id;
        if amount.is_zero() {
            return Err(LedgerError::ZeroAmount { transfer: id });
        }
        if debit == credit {
            return Err(LedgerError::SameAccount {
                transfer: id,
                account: debit,
            });
        }
        let di = self.index_of(debit, id)?;
        let ci = self.index_of(credit, id)?;
        let d = self.balances_at(di, id, debit)?;
        let c = self.balances_at(ci, id, credit)?;
        for account in [d, c] {
            if account.currency() != amount.currency() {
                return Err(LedgerError::CurrencyMismatch {
                    transfer: id,
                    account: account.id(),
                    expected: account.currency(),
                    found: amount.currency(),
                });
            }
        }
        let x = amount.amount();
        let mut nd = *d.balances();
        let mut nc = *c.balances();
        if pending {
            nd.debits_pending = add(nd.debits_pending, x, id, debit)?;
            nc.credits_pending = add(nc.credits_pending, x, id, credit)?;
        } else {
            nd.debits_posted = add(nd.debits_posted, x, id, debit)?;
            nc.credits_posted = add(nc.credits_posted, x, id, credit)?;
        }
        check_limit(&nd, d.limit(), id, debit)?;
        check_limit(&nc, c.limit(), id, credit)?;
        self.set_balances(di, nd, track);
        self.set_balances(ci, nc, track);
        self.push_record(TransferRecord {
            transfer: *transfer,
            debit_account: debit,
            credit_account: credit,
            amount,
            pending: pending.then_some(PendingStatus::Open),
        });
        Ok(Outcome::Created)
    }

    fn stage_resolve(
        &mut self,
        transfer: &Transfer,
        pending_id: TransferId,
        resolve: Resolve,
        track: bool,
    ) -> Result<Outcome, LedgerError> {
        let id = transfer.id;
        let not_found = LedgerError::PendingNotFound {
            transfer: id,
            pending: pending_id,
        };
        let pi = *self
            .transfer_index
            .get(&pending_id)
            .ok_or(not_found.clone())?;
        let target = self.journal.get(pi).ok_or(not_found)?;
        match target.pending {
            None => {
                return Err(LedgerError::NotPending {
                    transfer: id,
                    pending: pending_id,
                })
            }
            Some(PendingStatus::Posted { .. }) => {
                return Err(LedgerError::PendingAlreadyPosted {
                    transfer: id,
                    pending: pending_id,
                })
            }
            Some(PendingStatus::Voided { .. }) => {
                return Err(LedgerError::PendingAlreadyVoided {
                    transfer: id,
                    pending: pending_id,
                })
            }
            Some(PendingStatus::Open) => {}
        }
        let held = target.amount;
        let (debit, credit) = (target.debit_account, target.credit_account);
        let moved = match resolve {
            Resolve::Post(amount) => {
                let amount = amount.unwrap_or(held);
                if amount.is_zero() {
                    return Err(LedgerError::ZeroAmount { transfer: id });
                }
                if amount.currency() != held.currency() {
                    return Err(LedgerError::CurrencyMismatch {
                        transfer: id,
                        account: debit,
                        expected: held.currency(),
                        found: amount.currency(),
                    });
                }
                if amount.amount() > held.amount() {
                    return Err(LedgerError::ExceedsPendingAmount {
                        transfer: id,
                        pending: pending_id,
                        amount,
                        pending_amount: held,
                    });
                }
                Some(amount)
            }
            Resolve::Void => None,
        };
        let di = self.index_of(debit, id)?;
        let ci = self.index_of(credit, id)?;
        let d = self.balances_at(di, id, debit)?;
        let c = self.balances_at(ci, id, credit)?;
        let mut nd = *d.balances();
        let mut nc = *c.balances();
        nd.debits_pending = release(nd.debits_pending, held.amount(), id)?;
        nc.credits_pending = release(nc.credits_pending, held.amount(), id)?;
        if let Some(amount) = moved {
            nd.debits_posted = add(nd.debits_posted, amount.amount(), id, debit)?;
            nc.credits_posted = add(nc.credits_posted, amount.amount(), id, credit)?;
        }
        check_limit(&nd, d.limit(), id, debit)?;
        check_limit(&nc, c.limit(), id, credit)?;
        self.set_balances(di, nd, track);
        self.set_balances(ci, nc, track);
        if let Some(record) = self.journal.get_mut(pi) {
            if let Some(previous) = record.pending {
                if track {
                    self.undo.push(Undo::Pending {
                        record: pi,
                        previous,
                    });
                }
            }
            record.pending = Some(match moved {
                Some(amount) => PendingStatus::Posted { by: id, amount },
                None => PendingStatus::Voided { by: id },
            });
        }
        self.push_record(TransferRecord {
            transfer: *transfer,
            debit_account: debit,
            credit_account: credit,
            amount: moved.unwrap_or(held),
            pending: None,
        });
        Ok(Outcome::Created)
    }

    fn push_record(&mut self, record: TransferRecord) {
        self.transfer_index.insert(record.id(), self.journal.len());
        self.journal.push(record);
    }

    /// Undoes everything a failed batch did since `journal_start`.
    fn rollback(&mut self, journal_start: usize) {
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Balances { account, previous } => {
                    if let Some(a) = self.accounts.get_mut(account) {
                        a.set_balances(previous);
                    }
                }
                Undo::Pending { record, previous } => {
                    if let Some(r) = self.journal.get_mut(record) {
                        r.pending = Some(previous);
                    }
                }
            }
        }
        if let Some(added) = self.journal.get(journal_start..) {
            for record in added {
                self.transfer_index.remove(&record.id());
            }
        }
        self.journal.truncate(journal_start);
    }

    fn close_accounts_from(&mut self, start: usize) {
        if let Some(added) = self.accounts.get(start..) {
            for account in added {
                self.account_index.remove(&account.id());
            }
        }
        self.accounts.truncate(start);
    }
}

#[derive(Serialize)]
struct LedgerStateRef<'a> {
    accounts: &'a [Account],
    transfers: &'a [TransferRecord],
}

#[derive(Deserialize)]
struct LedgerState {
    accounts: Vec<Account>,
    transfers: Vec<TransferRecord>,
}

/// Serialises as `{"accounts": [...], "transfers": [...]}` in opening and commit order.
impl Serialize for Ledger {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        LedgerStateRef {
            accounts: &self.accounts,
            transfers: &self.journal,
        }
        .serialize(serializer)
    }
}

/// Restores with [`Ledger::restore`]: inconsistent state is rejected.
impl<'de> Deserialize<'de> for Ledger {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = LedgerState::deserialize(deserializer)?;
        Ledger::restore(state.accounts, state.transfers).map_err(serde::de::Error::custom)
    }
}

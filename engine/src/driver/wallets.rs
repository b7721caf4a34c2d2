//! Wallets and withdrawals: balances, deposits, withdrawal requests, reconciliation.

use chrono::{DateTime, Utc};
use patungan_core::audit::{OperationsReport, SuspenseBalance};
use patungan_core::ledger::{
    Account, AccountKind, AccountSpec, ChartAccount, CreditReason, Ledger, WalletCredit,
};
use patungan_core::wallet::{
    WalletBalance, Wallets, Withdrawal, WithdrawalRequest, WithdrawalStatus, Withdrawals,
};
use patungan_core::{Money, SessionId, UserId, WithdrawalId};

use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::store::{PayoutSchedule, RowQuery, StoreError, StoreTx};

/// Which withdrawals an operation loads into its working set of the book.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BookRows {
    /// One withdrawal (a request, a payout result, a reversal).
    One(WithdrawalId),
    /// The withdrawals waiting for a payout result (a rejected batch).
    InFlight,
    /// The queued withdrawals and the last planned run (batch planning).
    Planning,
}

/// A working set of the withdrawal book, and the same set as loaded: only what an
/// operation changed is written back.
pub(crate) struct BookWork {
    pub(crate) book: Withdrawals,
    loaded: Withdrawals,
}

impl Engine {
    /// Locks and loads the rows of the withdrawal book an operation needs.
    pub(crate) async fn load_book(
        &self,
        tx: &mut dyn StoreTx,
        rows: BookRows,
    ) -> Result<BookWork, EngineError> {
        let (withdrawals, last_planned) = match rows {
            BookRows::One(id) => (tx.get::<Withdrawal>(id).await?.into_iter().collect(), None),
            BookRows::InFlight => {
                let query = RowQuery::WithdrawalsWithStatus(WithdrawalStatus::InBatch);
                (tx.find(query).await?, None)
            }
            BookRows::Planning => {
                let schedule = tx.get::<PayoutSchedule>(self.config.currency).await?;
                let query = RowQuery::WithdrawalsWithStatus(WithdrawalStatus::Queued);
                (tx.find(query).await?, schedule.and_then(|s| s.last_planned))
            }
        };
        let book = self.working_set(last_planned, withdrawals)?;
        Ok(BookWork {
            loaded: book.clone(),
            book,
        })
    }

    pub(crate) fn working_set(
        &self,
        last_planned: Option<DateTime<Utc>>,
        withdrawals: Vec<Withdrawal>,
    ) -> Result<Withdrawals, EngineError> {
        let policy = self.config.withdrawal_policy.clone();
        Ok(Withdrawals::working_set(
            self.chart,
            policy,
            last_planned,
            withdrawals,
        )?)
    }

    /// Writes back the withdrawals an operation changed (and the planning cutoff).
    pub(crate) async fn save_book(
        &self,
        tx: &mut dyn StoreTx,
        work: &BookWork,
    ) -> Result<(), EngineError> {
        for changed in work.book.changed_since(&work.loaded) {
            tx.put(changed.clone()).await?;
        }
        if work.book.last_planned() != work.loaded.last_planned() {
            let schedule = PayoutSchedule {
                currency: self.config.currency,
                last_planned: work.book.last_planned(),
            };
            tx.put(schedule).await?;
        }
        Ok(())
    }

    pub(crate) fn withdrawal_accounts(&self, user: UserId) -> Vec<AccountSpec> {
        vec![
            self.chart.spec(ChartAccount::Wallet(user)),
            self.chart.spec(ChartAccount::BankPayouts),
            self.chart.spec(ChartAccount::WithdrawalFeeRevenue),
        ]
    }

    /// A user asks to withdraw: validated, and the amount is held at once. The same
    /// request again is a no-op.
    pub async fn request_withdrawal(&self, request: WithdrawalRequest) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        let mut work = self.load_book(&mut *tx, BookRows::One(request.id)).await?;
        let specs = self.withdrawal_accounts(request.user);
        let holds = Withdrawals::hold_ids(request.id);
        ledger_ws::with_ledger(&mut *tx, &specs, &holds, |ledger| {
            work.book.request(ledger, request)?;
            Ok(())
        })
        .await?;
        self.save_book(&mut *tx, &work).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A withdrawal as the book keeps it.
    pub async fn withdrawal(
        &self,
        id: WithdrawalId,
    ) -> Result<patungan_core::wallet::Withdrawal, EngineError> {
        self.store
            .read::<Withdrawal>(id)
            .await?
            .ok_or(EngineError::UnknownWithdrawal(id))
    }

    /// Every withdrawal, as one book (a read that locks nothing).
    pub async fn withdrawals(&self) -> Result<Withdrawals, EngineError> {
        let schedule = self
            .store
            .read::<PayoutSchedule>(self.config.currency)
            .await?;
        let all = self.store.read_all(RowQuery::Withdrawals).await?;
        self.working_set(schedule.and_then(|s| s.last_planned), all)
    }

    /// An admin deposit into a user's wallet; `reference` makes it idempotent.
    pub async fn deposit(
        &self,
        user: UserId,
        amount: Money,
        reference: uuid::Uuid,
    ) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        let posting = self.chart.wallet_credit(&WalletCredit {
            reference,
            user,
            amount,
            reason: CreditReason::Deposit,
        });
        ledger_ws::execute(&mut *tx, &posting, &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's wallet balance.
    pub async fn wallet_balance(&self, user: UserId) -> Result<WalletBalance, EngineError> {
        let mut tx = self.store.begin().await?;
        let ledger = tx
            .ledger(&[self.chart.spec(ChartAccount::Wallet(user))], &[])
            .await?;
        let mut ledger = ledger;
        if ledger.account(self.chart.wallet(user)).is_none() {
            ledger.open(self.chart.spec(ChartAccount::Wallet(user)))?;
        }
        Ok(Wallets::new(self.chart).balance(&ledger, user)?)
    }

    /// The whole ledger, rebuilt and verified from the store.
    pub async fn ledger(&self) -> Result<Ledger, EngineError> {
        let (accounts, records): (Vec<Account>, _) = self.store.ledger_dump().await?;
        Ledger::restore(accounts, records)
            .map_err(|e| EngineError::Store(StoreError::Corrupt(e.to_string())))
    }

    /// The operations report at `now`: the ledger's reconciliation over every
    /// terminal session, suspense balances, open payment anomalies, refunds waiting
    /// for an operator and withdrawals held in a batch silent for longer than the
    /// configured limit. Clean only when all of them are.
    pub async fn reconcile(&self, now: DateTime<Utc>) -> Result<OperationsReport, EngineError> {
        let terminal: Vec<SessionId> = self
            .store
            .sessions()
            .await?
            .into_iter()
            .filter(|(_, status)| status.is_terminal())
            .map(|(id, _)| id)
            .collect();
        let ledger = self.ledger().await?;
        let suspense = ledger
            .accounts()
            .iter()
            .filter(|a| a.spec().kind == AccountKind::Suspense)
            .map(|a| SuspenseBalance {
                currency: a.spec().currency,
                balances: *a.balances(),
            })
            .collect();
        let open_anomalies = self
            .anomalies()
            .await?
            .into_iter()
            .filter(|a| a.status.is_open())
            .collect();
        Ok(OperationsReport {
            ledger: ledger.reconcile(&terminal),
            suspense,
            open_anomalies,
            refunds_awaiting_operator: self.refunds_awaiting_operator().await?,
            withdrawals_held_too_long: self.withdrawals_held_too_long(now).await?,
        })
    }

    /// Withdrawals held in a batch that has not reported for the silence limit.
    async fn withdrawals_held_too_long(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<WithdrawalId>, EngineError> {
        let book = self.withdrawals().await?;
        let mut held: Vec<WithdrawalId> = book
            .silent(now, self.config.payout_silence)
            .into_iter()
            .map(|s| s.item.withdrawal)
            .collect();
        held.dedup();
        Ok(held)
    }

    /// When the next withdrawal batch runs after `now`.
    pub fn next_withdrawal_run(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.config.withdrawal_schedule.next_after(now)
    }
}

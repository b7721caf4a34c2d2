//! Wallets and withdrawals: balances, deposits, withdrawal requests, reconciliation.

use chrono::{DateTime, Utc};
use patungan_core::audit::{OperationsReport, SuspenseBalance};
use patungan_core::ledger::{
    Account, AccountKind, AccountSpec, ChartAccount, CreditReason, Ledger, WalletCredit,
};
use patungan_core::wallet::{WalletBalance, Wallets, WithdrawalRequest, Withdrawals};
use patungan_core::{Money, SessionId, UserId, WithdrawalId};

use super::records;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::store::{RecordKind, StoreError, StoreTx};

impl Engine {
    pub(crate) async fn withdrawal_book(
        &self,
        tx: &mut dyn StoreTx,
    ) -> Result<Withdrawals, EngineError> {
        let key = self.config.currency.code();
        match records::get(tx, RecordKind::Withdrawals, key).await? {
            Some(book) => Ok(book),
            None => Ok(Withdrawals::new(
                self.chart,
                self.config.withdrawal_policy.clone(),
            )?),
        }
    }

    pub(crate) async fn save_withdrawal_book(
        &self,
        tx: &mut dyn StoreTx,
        book: &Withdrawals,
    ) -> Result<(), EngineError> {
        records::put(
            tx,
            RecordKind::Withdrawals,
            self.config.currency.code(),
            book,
        )
        .await
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
        let mut book = self.withdrawal_book(&mut *tx).await?;
        let specs = self.withdrawal_accounts(request.user);
        let holds = Withdrawals::hold_ids(request.id);
        ledger_ws::with_ledger(&mut *tx, &specs, &holds, |ledger| {
            book.request(ledger, request)?;
            Ok(())
        })
        .await?;
        self.save_withdrawal_book(&mut *tx, &book).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A withdrawal as the book keeps it.
    pub async fn withdrawal(
        &self,
        id: WithdrawalId,
    ) -> Result<patungan_core::wallet::Withdrawal, EngineError> {
        let mut tx = self.store.begin().await?;
        let book = self.withdrawal_book(&mut *tx).await?;
        book.get(id)
            .cloned()
            .ok_or(EngineError::UnknownWithdrawal(id))
    }

    /// Every withdrawal.
    pub async fn withdrawals(&self) -> Result<Withdrawals, EngineError> {
        let mut tx = self.store.begin().await?;
        self.withdrawal_book(&mut *tx).await
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

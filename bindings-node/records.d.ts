// ---- Records: the core's JSON form, generated from the JSON Schema of the Rust types
// ---- (`cargo run -p patungan-records-dts -- --write`; do not edit). Instants are
// ---- RFC 3339 strings (a Date inside a record argument is converted by
// ---- JSON.stringify); ids are UUID strings; decimals are exact strings.

// ---- pricing
/** A validated tier ladder with its group price. */
export interface TierLadderJson { group_price: Money; rungs: { threshold: number; unit_price: Money }[]; allow_above_moq?: boolean }
/** When and how far the bot tops a session up (docs/domain.md §4). */
export interface BotPolicyJson { enabled: boolean; target_bp: number; window_seconds: number }
/** The amount due at join, part by part. */
export interface CostBreakdownRecord { quantity: number; product: Money; leg1_per_unit: Money; leg1: Money; leg2: Money; gateway_fee: Money; total: Money }
/** A rung together with its position in the ladder (0 = lowest threshold). */
export interface RungViewRecord { index: number; threshold: number; unit_price: Money }

// ---- grosir
/** A validated grosir bundle (docs/domain.md §1, §6): at least one variant, each with ≥ 1 unit per bundle, no variant twice. The order of the variants is the *config order* used to break ties and to lay out per-variant lists. */
export interface GrosirConfigJson { variants: VariantBundle[] }
/** One variant's place in the bundle. */
export interface VariantBundle { variant: string; units_per_bundle: number; tolerance: number }
/** The answer to "how many more units of this variant may be ordered?". */
export interface Availability { variant: string; ordered: number; max_bundles: number | null; available: number | null; locked: boolean; constraining_variant: string | null; bundles_needed: number }
/** One variant of a `Production`. */
export interface ProductionLine { variant: string; ordered: number; produced: number; excess: number; over_tolerance: boolean }
/** What producing every current order in whole bundles takes (no stock on hand). */
export interface Production { bundles: number; lines: ProductionLine[] }
/** Units of one variant on hand in the warehouse. */
export interface StockLevel { variant: string; units: number }
/** One variant of a `WarehousePlan`. */
export interface PlanLine { variant: string; demand: number; stock: number; stock_used: number; net: number; to_receive: number; leftover: number; tolerance: number; over_tolerance: boolean }
/** One variant of a purchase order. */
export interface PurchaseOrderLine { variant: string; units: number }
/** What the warehouse buys from the factory. */
export interface PurchaseOrder { bundles: number; lines: PurchaseOrderLine[]; total_units: number; unit_cost: Money; goods_cost: Money; leg1_shipping: Money; total_cost: Money }
/** The warehouse plan computed from paid real demand and stock on hand. */
export interface WarehousePlan { bundles: number; total_units: number; lines: PlanLine[]; purchase_order: PurchaseOrder | null; over_tolerance: boolean }

// ---- session
/** What an accepted input did. */
export type SessionOutcome = 'applied' | 'unchanged'
/** Where a session is in its lifecycle (docs/domain.md §5). */
export type SessionStatus = 'open' | 'awaiting_stock' | 'confirmed' | 'failed' | 'cancelled'
/** Where a participant stands. Only `Pending` and `Paid` hold availability; only `Paid` counts toward fill. */
export type ParticipantStatus = 'pending' | 'paid' | 'payment_failed' | 'payment_expired' | 'left' | 'refunded'
/** Why a payment is refunded. A payment is refunded at most once. */
export type RefundReason = 'session_failed' | 'session_cancelled' | 'left' | 'late_payment'
/** Why a session failed at settlement. */
export type FailureReason = 'no_paid_participants' | 'below_success_threshold'
/** The product's factory bundle and what the warehouse pays the factory per unit. */
export interface SessionGrosir { bundle: GrosirConfigJson; factory_unit_cost: Money }
/** The parcel one unit of a product makes. */
export interface ParcelSpec { weight_grams: number; dimensions_cm?: number[] | null }
/** Everything that defines a session (docs/domain.md §1, §5). Fields are public so that callers can use struct-update syntax; `SessionConfig::validate` (run when a state is deserialised) checks the rules, and `SessionConfig::validate_at` (run by `Session::create`) adds the bounds of the dates around `now`. */
export interface SessionConfig { product: string; moq: number; ladder: TierLadderJson; start: string; end: string; bulk_shipping_cost: Money; grosir?: SessionGrosir | null; bot?: BotPolicyJson; renewal?: boolean; success_threshold?: number | null; per_join_limit?: number; gateway_fee_rate?: number; invoice_ttl_seconds?: number; pending_joins_per_user?: number; parcel?: ParcelSpec | null }
/** A shopper's request to join. Ids are chosen by the caller. */
export interface JoinRequest { participant: string; user: string; payment: string; variant?: string | null; quantity: number; expected_unit_price: Money; courier_price: Money }
/** What an accepted join gives back. */
export interface JoinReceipt { participant: string; payment: string; cost: CostBreakdownRecord; invoice_expires_at: string; outcome: SessionOutcome }
/** `Session::join`. */
export interface JoinInput { type: 'join'; now: string; request: JoinRequest }
/** `Session::payment_confirmed`. */
export interface PaymentConfirmedInput { type: 'payment_confirmed'; now: string; payment: string; amount: Money }
/** `Session::payment_failed`. */
export interface PaymentFailedInput { type: 'payment_failed'; now: string; payment: string }
/** `Session::payment_expired`. */
export interface PaymentExpiredInput { type: 'payment_expired'; now: string; payment: string }
/** `Session::leave`. */
export interface LeaveInput { type: 'leave'; now: string; participant: string }
/** `Session::handle_timeout`. */
export interface TimeoutInput { type: 'timeout'; now: string; stock?: StockLevel[] }
/** `Session::stock_received`. */
export interface StockReceivedInput { type: 'stock_received'; now: string }
/** `Session::cancel`. */
export interface CancelInput { type: 'cancel'; now: string }
/** One input to a session, serialised with a `"type"` tag in snake_case. `Session::handle` dispatches it to the matching method. */
export type SessionInput = JoinInput | PaymentConfirmedInput | PaymentFailedInput | PaymentExpiredInput | LeaveInput | TimeoutInput | StockReceivedInput | CancelInput
/** The session was created; always the first event of a log. */
export interface Created { type: 'created'; session: string; config: SessionConfig; at: string }
/** A join was accepted; its payment is pending. */
export interface Joined { type: 'joined'; participant: string; user: string; variant: string | null; quantity: number; payment: string; cost: CostBreakdownRecord; invoice_expires_at: string; at: string }
/** A pending payment was received while the session was open. */
export interface PaymentConfirmed { type: 'payment_confirmed'; participant: string; payment: string; amount: Money; at: string }
/** A pending payment failed; the participant's availability is freed. */
export interface PaymentFailed { type: 'payment_failed'; participant: string; payment: string; at: string }
/** A pending invoice expired at the gateway; the participant's availability is freed. */
export interface PaymentExpired { type: 'payment_expired'; participant: string; payment: string; at: string }
/** The payment window of a pending join closed unpaid (docs/domain.md §8): the participant stops holding availability and its invoice is expired. */
export interface PaymentWindowClosed { type: 'payment_window_closed'; participant: string; payment: string; at: string }
/** A payment arrived too late (after settlement, or for an expired, failed or departed participant) and is refunded in full. */
export interface LatePaymentRefunded { type: 'late_payment_refunded'; participant: string; payment: string; amount: Money; at: string }
/** A pending or paid participant left while the session was open. */
export interface Left { type: 'left'; participant: string; at: string }
/** The bot check ran (at `end − window`, or at expiry). */
export interface BotChecked { type: 'bot_checked'; paid_real_quantity: number; previous_bot_quantity: number; bot_quantity: number; at_expiry: boolean; at: string }
/** The session settled at `end` and succeeded. */
export interface Succeeded { type: 'succeeded'; at: string; paid_real_quantity: number; bot_quantity: number; fill_bp: number; final_rung: RungViewRecord | null; final_unit_price: Money; cashback_per_unit: Money; plan: WarehousePlan | null }
/** The session settled at `end` and failed. */
export interface Failed { type: 'failed'; at: string; reason: FailureReason; paid_real_quantity: number; bot_quantity: number; fill_bp: number; success_threshold: number }
/** Stock for every order is in hand: orders are created and escrow released. */
export interface Confirmed { type: 'confirmed'; at: string }
/** An admin cancelled the session. */
export interface Cancelled { type: 'cancelled'; at: string }
/** A renewal of the session is due for this window. */
export interface RenewalDue { type: 'renewal_due'; at: string; start: string; end: string }
/** Something that happened to a session. Serialised with a `"type"` tag in snake_case. */
export type Event = Created | Joined | PaymentConfirmed | PaymentFailed | PaymentExpired | PaymentWindowClosed | LatePaymentRefunded | Left | BotChecked | Succeeded | Failed | Confirmed | Cancelled | RenewalDue
/** A participant's payment was received. */
export interface PaymentReceivedNotice { kind: 'payment_received'; participant: string; user: string }
/** The session succeeded at this price (orders follow once stock is in). */
export interface SessionSucceededNotice { kind: 'session_succeeded'; final_unit_price: Money; awaiting_stock: boolean }
/** Orders were created and cashback credited. */
export interface SessionConfirmedNotice { kind: 'session_confirmed'; final_unit_price: Money }
/** The session failed; payments are refunded. */
export interface SessionFailedNotice { kind: 'session_failed'; reason: FailureReason }
/** The session was cancelled; payments are refunded. */
export interface SessionCancelledNotice { kind: 'session_cancelled' }
/** A notification. Session-wide ones go to every paid real participant. */
export type Notification = PaymentReceivedNotice | SessionSucceededNotice | SessionConfirmedNotice | SessionFailedNotice | SessionCancelledNotice
/** Units of one variant to reserve. */
export interface StockReservation { variant: string | null; units: number }
/** Create an invoice at the gateway. Idempotency key: `payment`. */
export interface CreateInvoice { type: 'create_invoice'; participant: string; payment: string; user: string; amount: Money; cost: CostBreakdownRecord; expires_at: string }
/** Expire an open invoice at the gateway. Idempotency key: `payment`. */
export interface ExpireInvoice { type: 'expire_invoice'; participant: string; payment: string }
/** Refund a payment in full (product, both shipping legs and the gateway fee). A payment is refunded at most once: idempotency key `payment`. */
export interface RefundPayment { type: 'refund_payment'; participant: string; payment: string; user: string; amount: Money; reason: RefundReason }
/** Reserve the orders' units in the warehouse (on entering `Confirmed`). */
export interface ReserveStock { type: 'reserve_stock'; lines: StockReservation[] }
/** Buy bundles from the factory; the session waits in `AwaitingStock`. */
export interface IssuePurchaseOrder { type: 'issue_purchase_order'; purchase_order: PurchaseOrder }
/** Cancel the purchase order issued at success (the session was cancelled while awaiting stock). */
export interface CancelPurchaseOrder { type: 'cancel_purchase_order'; purchase_order: PurchaseOrder }
/** Create the order of one paid real participant. The host assigns the order id; idempotency key: `participant` (one order per participant). */
export interface CreateOrder { type: 'create_order'; participant: string; user: string; variant: string | null; quantity: number; paid_unit_price: Money; final_unit_price: Money; cashback: Money; payment: string; cost: CostBreakdownRecord }
/** Credit cashback to a paid real participant's wallet. Idempotency key: `participant`. */
export interface CreditCashback { type: 'credit_cashback'; participant: string; user: string; amount: Money }
/** Release the session's escrow (docs/domain.md §8). Idempotency key: the session id. */
export interface ReleaseEscrow { type: 'release_escrow'; warehouse: Money; courier: Money; platform_fee: Money; cashback: Money; escrow_total: Money }
/** Tell people something. */
export interface Notify { type: 'notify'; notification: Notification }
/** Create the next session. The host picks its id; idempotency key: `previous`. */
export interface RenewSession { type: 'renew_session'; previous: string; config: SessionConfig }
/** Something the host must do. Serialised with a `"type"` tag in snake_case; boxed payloads serialise flat, like the other variants. */
export type Effect = CreateInvoice | ExpireInvoice | RefundPayment | ReserveStock | IssuePurchaseOrder | CancelPurchaseOrder | CreateOrder | CreditCashback | ReleaseEscrow | Notify | RenewSession
/** One join: who, what, how many, and the money involved. */
export interface Participant { id: string; user: string; variant: string | null; quantity: number; payment: string; cost: CostBreakdownRecord; joined_at: string; invoice_expires_at: string; status: ParticipantStatus; paid_at: string | null; refund: RefundReason | null }
/** It succeeded. */
export interface SucceededSettlement { outcome: 'succeeded'; at: string; paid_real_quantity: number; bot_quantity: number; fill_bp: number; final_rung: RungViewRecord | null; final_unit_price: Money; cashback_per_unit: Money; plan: WarehousePlan | null }
/** It failed. */
export interface FailedSettlement { outcome: 'failed'; at: string; reason: FailureReason; paid_real_quantity: number; bot_quantity: number; fill_bp: number; success_threshold: number }
/** How the session settled at `end`. */
export type Settlement = SucceededSettlement | FailedSettlement
/** A renewal window, computed when the session settled. */
export interface Renewal { at: string; start: string; end: string }
/** Everything a session knows. Serialises to JSON (participants in join order); the running aggregates and lookup indexes are rebuilt when it is loaded. */
export interface SessionState { id: string; config: SessionConfig; created_at: string; status: SessionStatus; participants: Participant[]; bot_quantity: number; bot_window_checked: boolean; settlement: Settlement | null; confirmed_at: string | null; cancelled_at: string | null; renewal: Renewal | null }

// ---- ledger
/** The result of a successful create (account or transfer). */
export type LedgerOutcome = 'created' | 'already_exists'
/** What an account is for; reconciliation groups balances by entity and kind. */
export type AccountKind = 'clearing' | 'escrow' | 'payable' | 'revenue' | 'wallet' | 'bank' | 'funding' | 'suspense'
/** The balance rule an account enforces (TigerBeetle's account flags). */
export type BalanceLimit = 'none' | 'debits_must_not_exceed_credits' | 'credits_must_not_exceed_debits'
/** Why money moved; recorded with every transfer for audit and reconciliation. */
export type TransferCode = 'unspecified' | 'payment_received' | 'warehouse_release' | 'courier_payable' | 'gateway_fee' | 'cashback' | 'refund' | 'deposit' | 'purchase' | 'withdrawal_payout' | 'withdrawal_fee' | 'withdrawal_reversal' | 'suspense_received' | 'factory_goods' | 'factory_paid' | 'courier_paid' | 'factory_paid_reversal'
/** Where a refund goes. */
export type RefundDestination = 'original_method' | 'wallet'
/** What the gateway said about a refund to the original method. */
export type RefundResult = 'confirmed' | 'failed'
/** A shopper (their wallet). */
export interface UserEntity { user: string }
/** The party an account belongs to (docs/domain.md §1: platform, warehouse, users, outsiders). */
export type Entity = 'platform' | 'warehouse' | 'external' | UserEntity
/** Buyers' money for one session. Platform escrow, never overdrawn. */
export interface SessionEscrowAccount { session_escrow: string }
/** A user's wallet. Never overdrawn, holds included. */
export interface WalletAccount { wallet: string }
export type PlatformAccount = 'gateway_clearing' | 'warehouse' | 'courier_payable' | 'gateway_fee_revenue' | 'withdrawal_fee_revenue' | 'bank_payouts' | 'platform_funding' | 'suspense' | 'factory_payable' | 'supplier_payouts'
/** One account of the chart. */
export type ChartAccount = PlatformAccount | SessionEscrowAccount | WalletAccount
/** The four running totals of an account, never negative. */
export interface Balances { debits_pending: string; debits_posted: string; credits_pending: string; credits_posted: string }
/** The definition of an account, chosen by the caller (its id included). */
export interface AccountSpec { id: string; entity: Entity; kind: AccountKind; currency: string; limit?: BalanceLimit; session?: string | null }
/** An open account: its definition and its balances. Only the ledger changes balances. */
export interface Account { spec: AccountSpec; balances: Balances }
/** Moves `amount` at once. */
export interface PostedOp { type: 'posted'; debit_account: string; credit_account: string; amount: Money }
/** Reserves `amount` (a hold) until a later post or void. */
export interface PendingOp { type: 'pending'; debit_account: string; credit_account: string; amount: Money }
/** Posts an open pending transfer, fully (`amount: None`) or partly; the rest of the hold is released. */
export interface PostPendingOp { type: 'post_pending'; pending_id: string; amount?: Money | null }
/** Releases an open pending transfer without moving money. */
export interface VoidPendingOp { type: 'void_pending'; pending_id: string }
/** What a transfer does. */
export type TransferOp = PostedOp | PendingOp | PostPendingOp | VoidPendingOp
/** A transfer request. Its id is its idempotency key: submitting the identical transfer again is a no-op that reports `Outcome::AlreadyExists`; a different transfer under a used id is an error. */
export interface Transfer { id: string; op: TransferOp; code?: TransferCode }
/** Still holding its amount. */
export interface PendingOpen { state: 'open' }
/** Posted by transfer `by`, moving `amount`. */
export interface PendingPosted { state: 'posted'; by: string; amount: Money }
/** Voided by transfer `by`. */
export interface PendingVoided { state: 'voided'; by: string }
/** Where a pending transfer stands. */
export type PendingStatus = PendingOpen | PendingPosted | PendingVoided
/** A committed transfer as the ledger keeps it: the request plus what it resolved to. */
export interface TransferRecord { transfer: Transfer; debit_account: string; credit_account: string; amount: Money; pending?: PendingStatus | null }
/** A linked batch ready for `Ledger::execute`: the accounts it needs (opened if missing) and the transfers, committed all together or not at all. */
export interface Posting { accounts: AccountSpec[]; transfers: Transfer[] }
/** A buyer's payment confirmed by the gateway: gateway clearing → session escrow. */
export interface PaymentReceived { payment: string; session: string; amount: Money }
/** One paid participant's share of a successful session: escrow → warehouse, courier payable, gateway fee revenue and the buyer's wallet (cashback). Zero legs are skipped. */
export interface SuccessSplit { participant: string; session: string; user: string; warehouse: Money; courier: Money; gateway_fee: Money; cashback: Money }
/** A full refund of one payment out of session escrow (failure, cancel, leave). */
export interface Refund { payment: string; attempt: number; session: string; user: string; amount: Money; destination: RefundDestination }
/** The gateway's answer for one refund attempt to the original method. */
export interface RefundSettlement { payment: string; attempt: number; result: RefundResult }
/** A payment that arrived after settlement: received into escrow and refunded in full. */
export interface LatePayment { payment: string; session: string; user: string; amount: Money; destination: RefundDestination }
/** A full refund of money held in suspense (a payment anomaly) back to its payer. */
export interface SuspenseRefund { anomaly: string; attempt: number; user: string; amount: Money; destination: RefundDestination }
/** Cashback out of a session's escrow. */
export interface CashbackCredit { cashback: { session: string } }
/** A refund out of a session's escrow. */
export interface RefundCredit { refund: { session: string } }
/** Why a wallet is credited; names the source account. */
export type CreditReason = 'deposit' | CashbackCredit | RefundCredit
/** A wallet credit with a unique reference: crediting the same reference again is a no-op; the same reference with different content is an error. */
export interface WalletCredit { reference: string; user: string; amount: Money; reason: CreditReason }
/** A purchase paid from a wallet into a session's escrow; refused if it would take the wallet below zero. */
export interface WalletDebit { reference: string; user: string; session: string; amount: Money }
/** The summed balances of every account of one entity and kind in one currency. */
export interface BalanceLine { entity: Entity; kind: AccountKind; currency: string; accounts: number; balances: Balances; net: string }
/** Money in and out of one session's escrow account. */
export interface SessionEscrow { session: string; account: string; currency: string; paid_in: string; paid_out: string; pending_out: string; pending_in: string; balance: string; terminal: boolean; settled: boolean }
/** Per-currency totals over the whole ledger. */
export interface CurrencyTotals { currency: string; balances: Balances; balanced: boolean }
/** What `Ledger::reconcile` found. */
export interface ReconciliationReport { lines: BalanceLine[]; currencies: CurrencyTotals[]; sessions: SessionEscrow[]; unsettled_terminal_sessions: string[]; clean: boolean }

// ---- wallet
/** Where a withdrawal stands. */
export type WithdrawalStatus = 'queued' | 'in_batch' | 'completed' | 'failed' | 'reversed'
/** What applying a payout result did. */
export type PayoutEffect = 'completed' | 'failed' | 'requeued' | 'unchanged'
/** A wallet's balance. `available = posted − held`. */
export interface WalletBalance { user: string; posted: Money; held: Money; available: Money }
/** Withdrawal rules; the default gives docs/domain.md §9. */
export interface WithdrawalPolicy { minimum: Money; fee: Money; max_attempts: number; min_account_digits: number; max_account_digits: number; min_holder_name_chars: number; temporary_code_prefixes: string[]; temporary_codes: string[] }
/** Where a payout goes. */
export interface BankAccount { bank_code: string; account_number: string; holder_name: string }
/** A user's request to withdraw from their wallet; the id makes it idempotent. */
export interface WithdrawalRequest { id: string; user: string; amount: Money; destination: BankAccount; requested_at: string }
export interface PayoutCompleted { status: 'completed' }
export interface PayoutFailed { status: 'failed'; failure_code: string }
/** The gateway's result for one payout item. */
export type PayoutOutcome = PayoutCompleted | PayoutFailed
/** One payout attempt of a withdrawal. */
export interface PayoutAttempt { attempt: number; batch: string; outcome?: PayoutOutcome | null }
/** A withdrawal as the state machine keeps it. */
export interface Withdrawal { request: WithdrawalRequest; fee: Money; net: Money; status: WithdrawalStatus; attempts?: PayoutAttempt[]; failure_code?: string | null }
/** The gateway's result for one payout item (a batch callback line). */
export interface PayoutResult { item: string; outcome: PayoutOutcome }
/** One payout to send. */
export interface BatchItem { key: string; user: string; net: Money; fee: Money; destination: BankAccount; requested_at: string }
/** A batch of payouts to send in one gateway call. */
export interface Batch { key: string; items: BatchItem[] }

'use strict'
// The PatunganError hierarchy. The native addon throws an Error whose `code` is the
// core's stable code ("money.negative"); `fromNative` re-throws it as the subclass
// named by the code's prefix. New core modules add one line to BY_PREFIX.

class PatunganError extends Error {
  /**
   * @param {string} message the core's message
   * @param {string} code the core's stable code, e.g. "tier.no_rungs"
   */
  constructor(message, code) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

class MoneyError extends PatunganError {}
class MoqError extends PatunganError {}
class TierError extends PatunganError {}
class BotPolicyError extends PatunganError {}
class CostError extends PatunganError {}
class GrosirError extends PatunganError {}
class SessionError extends PatunganError {}
class SessionConfigError extends SessionError {}
class LedgerError extends PatunganError {}
class RecipeError extends LedgerError {}
class WalletError extends PatunganError {}
class WithdrawalError extends WalletError {}
class ScheduleError extends PatunganError {}
class TextError extends PatunganError {}
class PaymentError extends PatunganError {}
class RefundError extends PatunganError {}

const BY_PREFIX = {
  money: MoneyError,
  moq: MoqError,
  tier: TierError,
  bot: BotPolicyError,
  cost: CostError,
  grosir: GrosirError,
  session: SessionError,
  session_config: SessionConfigError,
  ledger: LedgerError,
  recipe: RecipeError,
  wallet: WalletError,
  withdrawal: WithdrawalError,
  schedule: ScheduleError,
  text: TextError,
  payment: PaymentError,
  refund: RefundError,
}

/** The PatunganError for a native error with a core code; anything else unchanged. */
function fromNative(err) {
  if (!(err instanceof Error) || err instanceof PatunganError || typeof err.code !== 'string') {
    return err
  }
  const dot = err.code.indexOf('.')
  if (dot < 0) return err // e.g. napi's own "InvalidArg": a wrong JS type, not a rule
  const Class = BY_PREFIX[err.code.slice(0, dot)] || PatunganError
  const mapped = new Class(err.message, err.code)
  mapped.stack = `${mapped.name}: ${err.message}\n${String(err.stack).split('\n').slice(1).join('\n')}`
  return mapped
}

module.exports = {
  PatunganError,
  MoneyError,
  MoqError,
  TierError,
  BotPolicyError,
  CostError,
  GrosirError,
  SessionError,
  SessionConfigError,
  LedgerError,
  RecipeError,
  WalletError,
  WithdrawalError,
  ScheduleError,
  TextError,
  PaymentError,
  RefundError,
  fromNative,
}

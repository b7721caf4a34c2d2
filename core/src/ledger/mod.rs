//! The double-entry escrow ledger (DESIGN §8), with TigerBeetle semantics.

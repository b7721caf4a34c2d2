//! Wallets, withdrawals and withdrawal batching (DESIGN §9).

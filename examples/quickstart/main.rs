//! Quickstart: placeholder until the foundation example lands.

fn main() {}

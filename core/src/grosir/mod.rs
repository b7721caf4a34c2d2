//! Grosir (factory bundle) configuration, variant availability and the warehouse plan (DESIGN §6, §7).

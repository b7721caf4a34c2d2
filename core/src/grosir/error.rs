//! Why a grosir configuration, an availability question or a warehouse plan was refused.

use crate::ids::VariantId;
use crate::money::MoneyError;

/// Why a grosir operation was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrosirError {
    /// A bundle needs at least one variant.
    #[error("a grosir bundle needs at least one variant")]
    NoVariants,
    /// A variant's units per bundle is zero.
    #[error("variant {variant}: units per bundle must be at least 1")]
    ZeroUnitsPerBundle {
        /// The offending variant.
        variant: VariantId,
    },
    /// The same variant is listed twice.
    #[error("variant {variant} is listed more than once in the grosir bundle")]
    DuplicateVariant {
        /// The repeated variant.
        variant: VariantId,
    },
    /// The variant is not part of the bundle.
    #[error("variant {variant} is not part of this product's grosir bundle")]
    UnknownVariant {
        /// The variant asked about.
        variant: VariantId,
    },
    /// A per-variant list does not have one entry per variant of the bundle.
    #[error("{what} lists {given} quantities but the bundle has {expected} variants (one per variant, in bundle order)")]
    LengthMismatch {
        /// Which list was wrong ("orders", "demand", "stock").
        what: &'static str,
        /// Entries given.
        given: usize,
        /// Variants in the bundle.
        expected: usize,
    },
    /// A quantity computation does not fit in 64 bits.
    #[error("quantity overflow while computing {what}; the quantities are too large")]
    QuantityOverflow {
        /// What was being computed.
        what: &'static str,
    },
    /// A money rule failed (currency mismatch, overflow …).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl GrosirError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            GrosirError::NoVariants => "grosir.no_variants",
            GrosirError::ZeroUnitsPerBundle { .. } => "grosir.zero_units_per_bundle",
            GrosirError::DuplicateVariant { .. } => "grosir.duplicate_variant",
            GrosirError::UnknownVariant { .. } => "grosir.unknown_variant",
            GrosirError::LengthMismatch { .. } => "grosir.length_mismatch",
            GrosirError::QuantityOverflow { .. } => "grosir.quantity_overflow",
            GrosirError::Money(e) => e.code(),
        }
    }
}

//! Text from outside (names, codes, provider ids): no control characters, bounded length.
//!
//! A control character (a NUL byte, a newline, an escape …) has no place in a bank
//! holder name or a provider id, and some stores refuse it outright (PostgreSQL
//! rejects NUL in text). [`check_text`] refuses it before anything is written.

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// The text contains a control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F).
    #[error("`{field}` contains the control character U+{code_point:04X} at character {position}; remove it")]
    ControlCharacter {
        /// The field checked.
        field: &'static str,
        /// Position of the first control character, counted in characters from 0.
        position: usize,
        /// Its code point.
        code_point: u32,
    },
    /// The text is longer than allowed.
    #[error("`{field}` has {found} characters; at most {max} are allowed")]
    TooLong {
        /// The field checked.
        field: &'static str,
        /// The most characters allowed.
        max: usize,
        /// The characters given.
        found: usize,
    },
}

impl TextError {
    /// A stable machine-readable code for this error.
    pub const fn code(&self) -> &'static str {
        match self {
            TextError::ControlCharacter { .. } => "text.control_character",
            TextError::TooLong { .. } => "text.too_long",
        }
    }

    /// The field that was refused.
    pub const fn field(&self) -> &'static str {
        match self {
            TextError::ControlCharacter { field, .. } | TextError::TooLong { field, .. } => field,
        }
    }
}

/// Checks that `value` (the content of `field`) has no control character and at most
/// `max_chars` characters.
///
/// ```
/// use patungan_core::text::check_text;
///
/// assert!(check_text("holder_name", "Siti Aminah", 128).is_ok());
/// let err = check_text("holder_name", "Siti\0Aminah", 128).unwrap_err();
/// assert_eq!(err.code(), "text.control_character");
/// assert_eq!(check_text("bank_code", "BCA", 2).unwrap_err().code(), "text.too_long");
/// ```
pub fn check_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), TextError> {
    let mut count = 0;
    for (position, c) in value.chars().enumerate() {
        if c.is_control() {
            return Err(TextError::ControlCharacter {
                field,
                position,
                code_point: u32::from(c),
            });
        }
        count = position + 1;
    }
    if count > max_chars {
        return Err(TextError::TooLong {
            field,
            max: max_chars,
            found: count,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_wherever_they_are() {
        for text in [
            "\0",
            "a\0",
            "\u{7}bell",
            "tab\there",
            "line\n",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            let err = check_text("f", text, 100).unwrap_err();
            assert_eq!(err.code(), "text.control_character", "{text:?}");
            assert_eq!(err.field(), "f");
        }
        let err = check_text("holder_name", "ab\0", 100).unwrap_err();
        assert_eq!(
            err,
            TextError::ControlCharacter {
                field: "holder_name",
                position: 2,
                code_point: 0
            }
        );
        assert!(err.to_string().contains("U+0000"), "{err}");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(check_text("f", "", 0).is_ok());
        assert!(check_text("f", "Ñandú", 5).is_ok());
        assert_eq!(
            check_text("f", "Ñandús", 5),
            Err(TextError::TooLong {
                field: "f",
                max: 5,
                found: 6
            })
        );
        assert!(check_text("f", "Ünïcödé names are fine", 64).is_ok());
    }
}

//! Serial numbers: ExSP program serials and product serials. Nineteen random Crockford
//! base-32 characters after a kind letter, and a check character, so a typo (any one
//! character wrong, or two neighbours swapped) is caught before any lookup.
//!
//! The check is Damm's algorithm over the quasigroup `c ∘ x = α·c + x` in GF(32) (α the
//! field's generator, α ≠ 0, 1): a Latin square, so every single substitution changes the
//! result, and totally anti-symmetric, so every adjacent transposition does too —
//! unlike Luhn mod 32, which misses swaps of 0 and Z.

use std::fmt;

use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Crockford's base-32 alphabet: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_LEN: usize = 19;
/// Kind letter, random part, check character.
const LEN: usize = 1 + RANDOM_LEN + 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SerialKind {
    /// Enrols a partner in the ExSP program (pay-as-you-go provisioning).
    ExspProgram,
    /// Activates one product subscription for a customer.
    Product,
}

impl SerialKind {
    fn letter(self) -> u8 {
        match self {
            SerialKind::ExspProgram => b'X',
            SerialKind::Product => b'P',
        }
    }

    fn from_letter(c: u8) -> Option<Self> {
        match c {
            b'X' => Some(SerialKind::ExspProgram),
            b'P' => Some(SerialKind::Product),
            _ => None,
        }
    }
}

/// A serial number with a valid check character, in canonical form (upper case, no
/// separators). Displayed in groups of five.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(String);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// α·c in GF(32) built on x⁵ + x² + 1.
fn times_alpha(c: u8) -> u8 {
    let v = c << 1;
    if v & 0b10_0000 != 0 {
        v ^ 0b10_0101
    } else {
        v
    }
}

/// Damm's interim digit of a string: the quasigroup folded over its values.
fn interim(symbols: &[u8]) -> u8 {
    symbols
        .iter()
        .fold(0, |c, x| times_alpha(c) ^ value(*x).unwrap_or(0) as u8)
}

/// The character that makes the whole string fold to zero.
fn check_character(payload: &[u8]) -> u8 {
    ALPHABET[times_alpha(interim(payload)) as usize]
}

impl Serial {
    pub fn generate(kind: SerialKind) -> Self {
        let mut rng = rand::rng();
        let mut s: Vec<u8> = Vec::with_capacity(LEN);
        s.push(kind.letter());
        for _ in 0..RANDOM_LEN {
            s.push(ALPHABET[rng.random_range(0..ALPHABET.len())]);
        }
        s.push(check_character(&s));
        Serial(String::from_utf8(s).unwrap_or_default())
    }

    /// Reads a serial as a person types it: any case, with spaces or dashes, and the
    /// letters people confuse with digits (I, L → 1; O → 0).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || "is not a valid serial number: check it for typos".to_string();
        let mut s = Vec::with_capacity(LEN);
        for c in raw.trim().bytes() {
            match c.to_ascii_uppercase() {
                b'-' | b' ' => {}
                b'I' | b'L' => s.push(b'1'),
                b'O' => s.push(b'0'),
                c if value(c).is_some() => s.push(c),
                _ => return Err(invalid()),
            }
        }
        if raw.trim().is_empty() {
            return Err("is required".into());
        }
        // The kind letter is read before the I/L/O substitutions could touch it.
        if s.len() != LEN || SerialKind::from_letter(s[0]).is_none() {
            return Err(invalid());
        }
        if interim(&s) != 0 {
            return Err(invalid());
        }
        Ok(Serial(String::from_utf8(s).map_err(|_| invalid())?))
    }

    pub fn kind(&self) -> SerialKind {
        SerialKind::from_letter(self.0.as_bytes()[0]).unwrap_or(SerialKind::Product)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Groups of five separated by dashes, as printed for people.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(5)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl TryFrom<String> for Serial {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Serial::parse(&s)
    }
}

impl From<Serial> for String {
    fn from(s: Serial) -> String {
        s.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_serial_parses_back_as_typed_by_a_person() {
        for kind in [SerialKind::ExspProgram, SerialKind::Product] {
            let s = Serial::generate(kind);
            assert_eq!(s.kind(), kind);
            let typed = format!(" {} ", s.display().to_lowercase());
            assert_eq!(Serial::parse(&typed).unwrap(), s);
            assert_eq!(s.display().len(), LEN + LEN.div_ceil(5) - 1);
        }
    }

    /// Serials already issued must keep validating: this one pins the check algorithm.
    #[test]
    fn a_serial_issued_earlier_still_validates() {
        let s = Serial::parse("XM9S3-46Q3D-25VT4-F5V37-Z").unwrap();
        assert_eq!(s.kind(), SerialKind::ExspProgram);
        assert!(Serial::parse("XM9S3-46Q3D-25VT4-F5V37-Y").is_err());
    }

    #[test]
    fn every_single_character_typo_is_caught() {
        for _ in 0..50 {
            single_typos_of(&Serial::generate(SerialKind::ExspProgram));
        }
    }

    fn single_typos_of(s: &Serial) {
        let bytes = s.as_str().as_bytes();
        for i in 1..LEN {
            for c in ALPHABET.iter().filter(|c| **c != bytes[i]) {
                let mut typo = bytes.to_vec();
                typo[i] = *c;
                let typo = String::from_utf8(typo).unwrap();
                assert!(Serial::parse(&typo).is_err(), "{typo} was accepted for {s}");
            }
        }
    }

    #[test]
    fn swapped_neighbours_are_caught() {
        for _ in 0..500 {
            swaps_of(&Serial::generate(SerialKind::Product));
        }
        // The pair Luhn mod 32 cannot see.
        let mut known = b"PAWZ0ZXQTFG8D61R82JK".to_vec();
        known.push(check_character(&known));
        swaps_of(&Serial::parse(std::str::from_utf8(&known).unwrap()).unwrap());
    }

    fn swaps_of(s: &Serial) {
        let bytes = s.as_str().as_bytes();
        for i in 1..LEN - 1 {
            if bytes[i] == bytes[i + 1] {
                continue;
            }
            let mut swapped = bytes.to_vec();
            swapped.swap(i, i + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            assert!(Serial::parse(&swapped).is_err(), "{swapped} was accepted");
        }
    }

    #[test]
    fn confusable_letters_read_as_digits_and_junk_is_refused() {
        let s = Serial::generate(SerialKind::ExspProgram);
        let confused: String = s
            .as_str()
            .chars()
            .enumerate()
            .map(|(i, c)| match (i, c) {
                (0, c) => c,
                (_, '1') => 'l',
                (_, '0') => 'O',
                (_, c) => c,
            })
            .collect();
        assert_eq!(Serial::parse(&confused).unwrap(), s);
        for bad in ["", "   ", "X123", "Z0000000000000000000000", "X!@#$%^&*()"] {
            assert!(Serial::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(Serial::parse("").unwrap_err(), "is required");
    }
}

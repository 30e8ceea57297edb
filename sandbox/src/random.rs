//! Unpredictable identifiers without an extra dependency.
//!
//! Std's [`RandomState`] is seeded from the OS and re-keyed for every instance,
//! so hashing a process-wide counter with a fresh one yields 64 bits that are
//! distinct per call and not guessable across runs. The values only need to be
//! unique and non-trivial (sandbox API keys, tokens and group IDs); they are not
//! meant to be cryptographically strong.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

/// Calls so far, mixed into every value so two calls never hash the same input.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// 64 random bits.
pub(crate) fn random_u64() -> u64 {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    RandomState::new().hash_one(n)
}

/// `chars` lowercase hexadecimal digits.
pub(crate) fn random_hex(chars: usize) -> String {
    let mut out = String::with_capacity(chars + 16);
    while out.len() < chars {
        out.push_str(&format!("{:016x}", random_u64()));
    }
    out.truncate(chars);
    out
}

/// A UUID-shaped random ID, e.g. `1f0c2a9e-5b7d-43e1-a0c4-9d2e8b6f7a31`.
pub(crate) fn uuid_like() -> String {
    let hex = random_hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_has_requested_length_and_differs() {
        let a = random_hex(40);
        let b = random_hex(40);
        assert_eq!(a.len(), 40);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn uuid_like_is_uuid_shaped() {
        let id = uuid_like();
        let lens: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(lens, [8, 4, 4, 4, 12]);
    }
}

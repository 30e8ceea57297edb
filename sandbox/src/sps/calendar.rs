//! Today's day of the month, for the documented `billCycleStartDay` default,
//! without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// The day of the month (1 to 31, UTC) of the date `days` after 1970-01-01.
///
/// Howard Hinnant's `civil_from_days`, reduced to the day.
fn day_of_month(days: i64) -> u32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    // `doy - (153 * mp + 2) / 5` is in [0, 30], so the conversion cannot fail.
    u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1)
}

/// The `billCycleStartDay` the API documents for a request without one:
/// today's day of the month (UTC) if it is 1 to 28, else 1.
pub(crate) fn default_bill_cycle_start_day() -> u32 {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs() / 86_400).unwrap_or(0))
        .unwrap_or(0);
    match day_of_month(days) {
        day @ 1..=28 => day,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(day_of_month(0), 1); // 1970-01-01
        assert_eq!(day_of_month(30), 31); // 1970-01-31
        assert_eq!(day_of_month(59), 1); // 1970-03-01
        assert_eq!(day_of_month(11_016), 29); // 2000-02-29
        assert_eq!(day_of_month(19_723), 1); // 2024-01-01
        assert_eq!(day_of_month(20_454), 1); // 2026-01-01
        assert_eq!(day_of_month(-1), 31); // 1969-12-31
    }

    #[test]
    fn default_is_a_valid_start_day() {
        assert!((1..=28).contains(&default_bill_cycle_start_day()));
    }
}

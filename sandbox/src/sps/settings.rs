//! How a sandbox's SPS fake behaves: how long transactions stay pending, how
//! they end, where completions are announced.

use std::collections::BTreeMap;

use super::{DEFAULT_PENDING_POLLS, FAIL_PREFIX, NEVER_PREFIX};

/// How an SPS transaction ends once its pending polls are used up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpsOutcome {
    /// `status: "Success"`; the subscription takes its new state.
    #[default]
    Success,
    /// `status: "Failure"` with an `error` (code
    /// [`PROVISIONING_FAILED`](super::codes::PROVISIONING_FAILED)); the
    /// subscription keeps its state, except that a failed activation leaves
    /// it `Failed`.
    Failure,
    /// Stays `Pending` however often it is polled (for testing retry limits).
    NeverCompletes,
}

/// The SPS part of a [`Sandbox`](crate::Sandbox) builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpsSettings {
    /// Status polls answered `Pending` before completion; `u32::MAX` means
    /// never complete.
    pub(crate) pending_polls: u32,
    /// The outcome when no rule and no reserved prefix applies.
    pub(crate) outcome: SpsOutcome,
    /// Outcomes by `partnerTransactionId`, `subscriberId` or ICCID.
    pub(crate) rules: BTreeMap<String, SpsOutcome>,
    /// Where completion notifications are POSTed.
    pub(crate) callback_url: Option<String>,
    /// Whether a request without `wholesaleCustomerId` is refused.
    pub(crate) require_customer_id: bool,
}

impl Default for SpsSettings {
    fn default() -> Self {
        Self {
            pending_polls: DEFAULT_PENDING_POLLS,
            outcome: SpsOutcome::Success,
            rules: BTreeMap::new(),
            callback_url: None,
            require_customer_id: true,
        }
    }
}

impl SpsSettings {
    /// The outcome of a new transaction. The most specific setting wins: an
    /// explicit rule for its `partnerTransactionId`, then for its
    /// `subscriberId`, then for its ICCID; then a reserved prefix on the
    /// `partnerTransactionId` or `subscriberId`; then the default. A
    /// `pending_polls` of `u32::MAX` overrides them all.
    pub(crate) fn outcome_for(
        &self,
        partner_transaction_id: &str,
        subscriber_id: &str,
        iccid: &str,
    ) -> SpsOutcome {
        if self.pending_polls == u32::MAX {
            return SpsOutcome::NeverCompletes;
        }
        let ids = [partner_transaction_id, subscriber_id, iccid];
        if let Some(outcome) = ids.iter().find_map(|id| self.rules.get(*id)) {
            return *outcome;
        }
        let prefixed = |prefix: &str| ids[..2].iter().any(|id| id.starts_with(prefix));
        if prefixed(NEVER_PREFIX) {
            SpsOutcome::NeverCompletes
        } else if prefixed(FAIL_PREFIX) {
            SpsOutcome::Failure
        } else {
            self.outcome
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specific_rules_beat_prefixes_and_the_default() {
        let mut settings = SpsSettings {
            outcome: SpsOutcome::Failure,
            ..SpsSettings::default()
        };
        settings
            .rules
            .insert("txn-1".into(), SpsOutcome::NeverCompletes);
        settings
            .rules
            .insert("fail-sub".into(), SpsOutcome::Success);
        assert_eq!(
            settings.outcome_for("txn-1", "fail-sub", "1"),
            SpsOutcome::NeverCompletes
        );
        assert_eq!(
            settings.outcome_for("txn-2", "fail-sub", "1"),
            SpsOutcome::Success
        );
        assert_eq!(
            settings.outcome_for("never-3", "sub", "1"),
            SpsOutcome::NeverCompletes
        );
        assert_eq!(
            settings.outcome_for("txn-4", "fail-x", "1"),
            SpsOutcome::Failure
        );
        assert_eq!(
            settings.outcome_for("txn-5", "sub", "1"),
            SpsOutcome::Failure
        );
        settings.pending_polls = u32::MAX;
        assert_eq!(
            settings.outcome_for("txn-2", "fail-sub", "1"),
            SpsOutcome::NeverCompletes
        );
    }
}

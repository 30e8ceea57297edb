//! A fake of the wholesale "SPS - Subscriptions (v5)" API: activate a
//! subscription, suspend / resume / cease / reactivate it, and poll the
//! asynchronous transaction each request starts. Served by the same server as
//! the Soracom fake, under [`PREFIX`]; see the crate's README for the routes
//! and the decisions where the API's documentation is silent.
//!
//! Requests are acknowledged at once (`202 {"status": "Success"}`); the
//! transaction then answers `Pending` to a configurable number of status polls
//! before it completes with the configured [`SpsOutcome`], and only then does
//! the subscription change state.

mod calendar;
mod error;
mod notify;
mod routes;
mod settings;
mod state;
mod validate;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use error::codes;
pub(crate) use routes::router;
pub use settings::SpsOutcome;
pub(crate) use settings::SpsSettings;

use notify::Notifier;
use state::{Notification, SpsStore};

/// Where the SPS routes are mounted: `http://127.0.0.1:PORT/sps/v5/...`
/// stands for the real API's `https://HOST/sps/v5/...`.
pub const PREFIX: &str = "/sps/v5";

/// The bearer token every SPS route needs:
/// `Authorization: Bearer sps-sandbox-token-0001`.
pub const ACCESS_TOKEN: &str = "sps-sandbox-token-0001";

/// The header naming the wholesale customer (1 to 12 characters). Any value
/// is accepted; the sandbox requires the header unless
/// [`Sandbox::sps_require_customer_id`](crate::Sandbox::sps_require_customer_id)
/// turned that off.
pub const CUSTOMER_ID_HEADER: &str = "wholesaleCustomerId";

/// The telemetry header; recorded, echoed on the response and copied onto
/// the completion notification, never validated. Like every route of the
/// sandbox, a repeated request with the same one is answered again rather than
/// acted on twice (see [`crate::CORRELATION_ID_HEADER`]).
pub const CORRELATION_ID_HEADER: &str = crate::CORRELATION_ID_HEADER;

/// The wholesale customer ID the API's documentation uses as its example;
/// any 1 to 12 character value works just as well.
pub const CUSTOMER_ID: &str = "920000108464";

/// How many status polls answer `Pending` before a transaction completes,
/// unless [`Sandbox::sps_pending_polls`](crate::Sandbox::sps_pending_polls)
/// says otherwise.
pub const DEFAULT_PENDING_POLLS: u32 = 2;

/// A transaction whose `partnerTransactionId` or `subscriberId` starts with
/// this prefix completes with `Failure` (unless an explicit
/// [`Sandbox::sps_outcome_for`](crate::Sandbox::sps_outcome_for) rule matches).
pub const FAIL_PREFIX: &str = "fail-";

/// A transaction whose `partnerTransactionId` or `subscriberId` starts with
/// this prefix stays `Pending` forever (unless an explicit rule matches).
pub const NEVER_PREFIX: &str = "never-";

/// Everything the SPS fake of one sandbox remembers, plus how it was
/// configured.
#[derive(Debug)]
pub(crate) struct SpsState {
    settings: SpsSettings,
    store: Mutex<SpsStore>,
    notifier: Notifier,
}

impl SpsState {
    /// Empty state: no subscriptions, no transactions.
    pub(crate) fn new(settings: SpsSettings) -> Self {
        let notifier = Notifier::new(settings.callback_url.as_deref());
        Self {
            settings,
            store: Mutex::new(SpsStore::default()),
            notifier,
        }
    }

    /// How the sandbox was configured.
    pub(crate) fn settings(&self) -> &SpsSettings {
        &self.settings
    }

    /// The subscriptions and transactions. Never hold the guard across an
    /// `.await`.
    pub(crate) fn store(&self) -> MutexGuard<'_, SpsStore> {
        // Every update leaves the store consistent before it could panic, so
        // a poisoned lock still guards good data.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends a completion notification, if a transaction just completed.
    pub(crate) fn notify(&self, completed: Option<Notification>) {
        if let Some(notification) = completed {
            self.notifier.send(notification);
        }
    }
}

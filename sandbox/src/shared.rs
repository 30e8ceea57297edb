//! The state one sandbox's handlers and its [`SandboxHandle`](crate::SandboxHandle)
//! share: the inventory, the issued credentials, the SPS fake's state and the
//! request log, each behind its own mutex so inspection from tests is
//! synchronous.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::auth::Credentials;
use crate::record::RecordedRequest;
use crate::sps::{SpsSettings, SpsState};
use crate::state::Store;

/// What axum hands every handler and middleware.
pub(crate) type AppState = Arc<Shared>;

/// Everything one sandbox remembers.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    credentials: Mutex<Credentials>,
    sps: SpsState,
    log: Mutex<Vec<RecordedRequest>>,
}

/// Locks `mutex`, carrying on with the data if a panicking thread poisoned it
/// (every update here leaves the data consistent before it could panic).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Fresh state holding the fixtures, no issued credentials, no SPS
    /// subscriptions and an empty log.
    pub(crate) fn seeded(sps: SpsSettings) -> AppState {
        Arc::new(Self {
            store: Mutex::new(Store::seeded()),
            credentials: Mutex::new(Credentials::default()),
            sps: SpsState::new(sps),
            log: Mutex::new(Vec::new()),
        })
    }

    /// The inventory.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The issued API key / token pairs.
    pub(crate) fn credentials(&self) -> MutexGuard<'_, Credentials> {
        lock(&self.credentials)
    }

    /// The SPS fake's settings, subscriptions and transactions.
    pub(crate) fn sps(&self) -> &SpsState {
        &self.sps
    }

    /// The request log.
    pub(crate) fn log(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        lock(&self.log)
    }
}

//! The state one sandbox's handlers and its [`SandboxHandle`](crate::SandboxHandle)
//! share: the inventory, the issued credentials, the SPS fake's state, the
//! request log, the fault rules and the remembered answers of repeatable requests, each behind its own mutex so inspection
//! from tests is synchronous.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use crate::auth::Credentials;
use crate::faults::{FaultRule, Faults};
use crate::idempotency::Answers;
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
    faults: Mutex<Faults>,
    answers: Mutex<Answers>,
    /// Connections currently open (shared with the listener, which counts them).
    open: Arc<AtomicUsize>,
    /// `true` once the sandbox is stopping: hanging requests let go.
    stopping: watch::Sender<bool>,
}

/// Locks `mutex`, carrying on with the data if a panicking thread poisoned it
/// (every update here leaves the data consistent before it could panic).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Fresh state holding the fixtures, no issued credentials, no SPS
    /// subscriptions, an empty log and the given fault rules.
    pub(crate) fn seeded(sps: SpsSettings, faults: Vec<FaultRule>) -> AppState {
        Arc::new(Self {
            store: Mutex::new(Store::seeded()),
            credentials: Mutex::new(Credentials::default()),
            sps: SpsState::new(sps),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::new(faults)),
            answers: Mutex::default(),
            open: Arc::default(),
            stopping: watch::Sender::new(false),
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

    /// The fault rules and their counts.
    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    /// The answers a request repeated with the same correlation id gets again.
    pub(crate) fn answers(&self) -> MutexGuard<'_, Answers> {
        lock(&self.answers)
    }

    /// The open-connection counter the listener keeps.
    pub(crate) fn open_counter(&self) -> Arc<AtomicUsize> {
        self.open.clone()
    }

    /// How many client connections are open now.
    pub(crate) fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Lets every hanging request go (the sandbox is stopping).
    pub(crate) fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Resolves once [`stop`](Self::stop) was called.
    pub(crate) async fn stopped(&self) {
        let mut stopping = self.stopping.subscribe();
        // An error means the sender is gone, which only happens with the sandbox.
        let _ = stopping.wait_for(|stopping| *stopping).await;
    }
}

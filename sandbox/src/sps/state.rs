//! The SPS fake's subscriptions and transactions and the rules that move
//! them. Routes translate HTTP into calls here; nothing here knows HTTP
//! beyond the [`SpsError`] it returns.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Number, Value};

use super::calendar;
use super::codes;
use super::error::SpsError;
use super::settings::{SpsOutcome, SpsSettings};
use super::validate::{ActivateRequest, SubscriptionRef, UpdateRequest};

/// Where a subscription is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubscriptionStatus {
    /// Activation requested, not completed yet.
    Pending,
    Active,
    Suspended,
    Ceased,
    /// The activation transaction failed; the `subscriberId`, ICCID and GPSI
    /// are free again.
    Failed,
}

impl SubscriptionStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Active => "Active",
            Self::Suspended => "Suspended",
            Self::Ceased => "Ceased",
            Self::Failed => "Failed",
        }
    }
}

/// What a transaction does to its subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Activate,
    Suspend,
    Resume,
    Cease,
    Reactivate,
}

impl Action {
    /// An update's `action` (activation is not one).
    pub(crate) fn parse(action: &str) -> Option<Self> {
        match action {
            "Suspend" => Some(Self::Suspend),
            "Resume" => Some(Self::Resume),
            "Cease" => Some(Self::Cease),
            "Reactivate" => Some(Self::Reactivate),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Activate => "Activate",
            Self::Suspend => "Suspend",
            Self::Resume => "Resume",
            Self::Cease => "Cease",
            Self::Reactivate => "Reactivate",
        }
    }

    /// The status the subscription must have for an update, per the
    /// documented conditions.
    fn requires(self) -> SubscriptionStatus {
        match self {
            Self::Activate => SubscriptionStatus::Pending,
            Self::Suspend | Self::Cease => SubscriptionStatus::Active,
            Self::Resume => SubscriptionStatus::Suspended,
            Self::Reactivate => SubscriptionStatus::Ceased,
        }
    }

    /// The status a successful transaction leaves.
    fn target(self) -> SubscriptionStatus {
        match self {
            Self::Activate | Self::Resume | Self::Reactivate => SubscriptionStatus::Active,
            Self::Suspend => SubscriptionStatus::Suspended,
            Self::Cease => SubscriptionStatus::Ceased,
        }
    }

    fn transaction_type(self) -> &'static str {
        match self {
            Self::Activate => "ActivateSubscription",
            _ => "UpdateSubscriptionStatus",
        }
    }
}

/// A transaction's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransactionStatus {
    Pending,
    Success,
    Failure,
}

impl TransactionStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Success => "Success",
            Self::Failure => "Failure",
        }
    }
}

/// The headers of the request that started a transaction, carried onto its
/// completion notification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RequestContext {
    pub(crate) correlation_id: Option<String>,
    pub(crate) customer_id: Option<String>,
}

/// A completed transaction to announce: the status body and where it came
/// from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Notification {
    pub(crate) body: Value,
    pub(crate) context: RequestContext,
}

#[derive(Debug, Clone)]
struct Subscription {
    request: ActivateRequest,
    status: SubscriptionStatus,
    /// Given on activation or assigned by the sandbox.
    iccid: String,
    gpsi: String,
    bill_cycle_start_day: Number,
    customer_id: Option<String>,
    /// Every transaction on this subscription, oldest first.
    transactions: Vec<String>,
    /// The one transaction still pending, if any.
    pending: Option<String>,
}

impl Subscription {
    /// Whether the subscription holds its IDs (a failed activation does not).
    fn is_live(&self) -> bool {
        self.status != SubscriptionStatus::Failed
    }

    /// Whether this subscription has that ICCID / GPSI.
    fn holds(&self, id: &SubscriptionRef) -> bool {
        match id {
            SubscriptionRef::Iccid(iccid) => &self.iccid == iccid,
            SubscriptionRef::Gpsi(gpsi) => &self.gpsi == gpsi,
        }
    }
}

#[derive(Debug, Clone)]
struct Transaction {
    partner_transaction_id: String,
    action: Action,
    subscriber_id: String,
    iccid: String,
    gpsi: String,
    status: TransactionStatus,
    outcome: SpsOutcome,
    /// `Pending` answers given so far.
    pending_answers: u32,
    /// Status requests answered so far (`Pending` or not).
    polls: u32,
    context: RequestContext,
}

/// `TransactionStatus` in the OpenAPI description.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TransactionView<'a> {
    status: &'static str,
    partner_transaction_id: &'a str,
    transaction_type: &'static str,
    action: &'static str,
    subscriber_id: &'a str,
    iccid: &'a str,
    gpsi: &'a str,
    subscription_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorView>,
}

/// `TransactionError` in the OpenAPI description.
#[derive(Serialize)]
struct ErrorView {
    code: &'static str,
    message: String,
}

/// What [`SpsStore::subscription`] shows: the activation request with the
/// defaults and assigned IDs filled in, and the status.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionView<'a> {
    subscriber_id: &'a str,
    status: &'static str,
    wholesale_plan_id: &'a str,
    wholesale_customer_id: Option<&'a str>,
    iccid: &'a str,
    gpsi: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket_ref_id: Option<&'a [String]>,
    location: &'a Map<String, Value>,
    bill_cycle_frequency: &'a str,
    bill_cycle_start_day: &'a Number,
    #[serde(skip_serializing_if = "Option::is_none")]
    gpsi_reservation_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pei: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    eid: Option<&'a str>,
    #[serde(rename = "eSIMDeliveryMethod", skip_serializing_if = "Option::is_none")]
    esim_delivery_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    products: Option<&'a [Value]>,
    partner_transaction_ids: &'a [String],
}

/// Serialises a view; the views are plain data, so this cannot fail in
/// practice, and `Null` is a harmless answer if it ever did.
fn to_value(view: impl Serialize) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// Every subscription and transaction of one sandbox.
#[derive(Debug, Default)]
pub(crate) struct SpsStore {
    /// By `subscriberId`.
    subscriptions: BTreeMap<String, Subscription>,
    /// By `partnerTransactionId`.
    transactions: HashMap<String, Transaction>,
    /// ICCIDs and GPSIs assigned so far, to number the next one.
    assigned_iccids: u64,
    assigned_gpsis: u64,
}

impl SpsStore {
    /// Accepts an activation: a `Pending` subscription and its transaction.
    /// Returns the notification if the transaction completed at once (no
    /// pending polls configured).
    pub(crate) fn activate(
        &mut self,
        request: ActivateRequest,
        context: RequestContext,
        settings: &SpsSettings,
    ) -> Result<Option<Notification>, SpsError> {
        self.check_new_transaction(&request.partner_transaction_id)?;
        if self
            .subscriptions
            .get(&request.subscriber_id)
            .is_some_and(Subscription::is_live)
        {
            return Err(SpsError::conflict(
                codes::SUBSCRIPTION_EXISTS,
                format!(
                    "Subscriber {} already has a subscription",
                    request.subscriber_id
                ),
            ));
        }
        let given = [
            request.iccid.clone().map(SubscriptionRef::Iccid),
            request.gpsi.clone().map(SubscriptionRef::Gpsi),
        ];
        for id in given.iter().flatten() {
            if self.live_holder(id).is_some() {
                return Err(SpsError::conflict(
                    codes::IDENTIFIER_IN_USE,
                    format!(
                        "{} {} belongs to another subscription",
                        id.field(),
                        id.value()
                    ),
                ));
            }
        }
        let iccid = match &request.iccid {
            Some(iccid) => iccid.clone(),
            None => assign(&self.subscriptions, &mut self.assigned_iccids, |n| {
                SubscriptionRef::Iccid(format!("8999000000{n:09}"))
            }),
        };
        let gpsi = match &request.gpsi {
            Some(gpsi) => gpsi.clone(),
            None => assign(&self.subscriptions, &mut self.assigned_gpsis, |n| {
                SubscriptionRef::Gpsi(format!("1999{n:07}"))
            }),
        };
        let bill_cycle_start_day = request
            .bill_cycle_start_day
            .clone()
            .unwrap_or_else(|| Number::from(calendar::default_bill_cycle_start_day()));
        let transaction = Transaction {
            partner_transaction_id: request.partner_transaction_id.clone(),
            action: Action::Activate,
            subscriber_id: request.subscriber_id.clone(),
            outcome: settings.outcome_for(
                &request.partner_transaction_id,
                &request.subscriber_id,
                &iccid,
            ),
            iccid: iccid.clone(),
            gpsi: gpsi.clone(),
            status: TransactionStatus::Pending,
            pending_answers: 0,
            polls: 0,
            context: context.clone(),
        };
        // A failed activation of the same subscriber is replaced.
        self.subscriptions.insert(
            request.subscriber_id.clone(),
            Subscription {
                status: SubscriptionStatus::Pending,
                iccid,
                gpsi,
                bill_cycle_start_day,
                customer_id: context.customer_id,
                transactions: Vec::new(),
                pending: None,
                request,
            },
        );
        Ok(self.open(transaction, settings))
    }

    /// Accepts a suspend / resume / cease / reactivate request if the
    /// subscription's status allows it.
    pub(crate) fn update(
        &mut self,
        request: UpdateRequest,
        context: RequestContext,
        settings: &SpsSettings,
    ) -> Result<Option<Notification>, SpsError> {
        self.check_new_transaction(&request.partner_transaction_id)?;
        let Some(subscription) = self.live_holder(&request.subscription) else {
            let id = &request.subscription;
            return Err(SpsError::not_found(
                codes::NO_SUCH_SUBSCRIPTION,
                format!("No subscription with {} {}", id.field(), id.value()),
            ));
        };
        let subscriber_id = &subscription.request.subscriber_id;
        if let Some(pending) = &subscription.pending {
            return Err(SpsError::conflict(
                codes::TRANSACTION_IN_PROGRESS,
                format!("Subscription {subscriber_id} has transaction {pending} still pending"),
            ));
        }
        let action = request.action;
        if subscription.status != action.requires() {
            return Err(SpsError::conflict(
                codes::INVALID_TRANSITION,
                format!(
                    "{} needs a subscription that is {}; subscription {subscriber_id} is {}",
                    action.as_str(),
                    action.requires().as_str(),
                    subscription.status.as_str()
                ),
            ));
        }
        let transaction = Transaction {
            outcome: settings.outcome_for(
                &request.partner_transaction_id,
                subscriber_id,
                &subscription.iccid,
            ),
            partner_transaction_id: request.partner_transaction_id,
            action,
            subscriber_id: subscriber_id.clone(),
            iccid: subscription.iccid.clone(),
            gpsi: subscription.gpsi.clone(),
            status: TransactionStatus::Pending,
            pending_answers: 0,
            polls: 0,
            context,
        };
        Ok(self.open(transaction, settings))
    }

    /// Answers a status poll. A pending transaction answers `Pending`
    /// `pending_polls` times and completes right after the last of those
    /// answers (so the next poll sees the outcome); the notification is
    /// returned then.
    pub(crate) fn poll(
        &mut self,
        partner_transaction_id: &str,
        settings: &SpsSettings,
    ) -> Result<(Value, Option<Notification>), SpsError> {
        let Some(transaction) = self.transactions.get_mut(partner_transaction_id) else {
            return Err(SpsError::not_found(
                codes::NO_SUCH_TRANSACTION,
                format!("No transaction {partner_transaction_id}"),
            ));
        };
        transaction.polls = transaction.polls.saturating_add(1);
        let mut due = false;
        if transaction.status == TransactionStatus::Pending
            && transaction.outcome != SpsOutcome::NeverCompletes
        {
            transaction.pending_answers = transaction.pending_answers.saturating_add(1);
            due = transaction.pending_answers >= settings.pending_polls;
        }
        let answer = self.transaction(partner_transaction_id).unwrap_or_default();
        let completed = if due {
            self.complete(partner_transaction_id)
        } else {
            None
        };
        Ok((answer, completed))
    }

    /// The transaction as a status poll would show it, without counting a
    /// poll.
    pub(crate) fn transaction(&self, partner_transaction_id: &str) -> Option<Value> {
        let transaction = self.transactions.get(partner_transaction_id)?;
        let subscription_status = self
            .subscriptions
            .get(&transaction.subscriber_id)
            .map_or(SubscriptionStatus::Failed, |s| s.status);
        let error = (transaction.status == TransactionStatus::Failure).then(|| ErrorView {
            code: codes::PROVISIONING_FAILED,
            message: format!(
                "{} of subscription {} failed (sandbox outcome)",
                transaction.action.as_str(),
                transaction.subscriber_id
            ),
        });
        Some(to_value(TransactionView {
            status: transaction.status.as_str(),
            partner_transaction_id: &transaction.partner_transaction_id,
            transaction_type: transaction.action.transaction_type(),
            action: transaction.action.as_str(),
            subscriber_id: &transaction.subscriber_id,
            iccid: &transaction.iccid,
            gpsi: &transaction.gpsi,
            subscription_status: subscription_status.as_str(),
            error,
        }))
    }

    /// The subscription of `subscriber_id`, if any (failed activations
    /// included).
    pub(crate) fn subscription(&self, subscriber_id: &str) -> Option<Value> {
        let s = self.subscriptions.get(subscriber_id)?;
        let r = &s.request;
        Some(to_value(SubscriptionView {
            subscriber_id: &r.subscriber_id,
            status: s.status.as_str(),
            wholesale_plan_id: &r.wholesale_plan_id,
            wholesale_customer_id: s.customer_id.as_deref(),
            iccid: &s.iccid,
            gpsi: &s.gpsi,
            bucket_ref_id: r.bucket_ref_id.as_deref(),
            location: &r.location,
            bill_cycle_frequency: r.bill_cycle_frequency.as_deref().unwrap_or("MONTHLY"),
            bill_cycle_start_day: &s.bill_cycle_start_day,
            gpsi_reservation_id: r.gpsi_reservation_id.as_deref(),
            pei: r.pei.as_deref(),
            eid: r.eid.as_deref(),
            esim_delivery_method: r.esim_delivery_method.as_deref(),
            products: r.products.as_deref(),
            partner_transaction_ids: &s.transactions,
        }))
    }

    /// How many status polls the transaction has answered.
    pub(crate) fn polls(&self, partner_transaction_id: &str) -> Option<u32> {
        self.transactions
            .get(partner_transaction_id)
            .map(|t| t.polls)
    }

    fn check_new_transaction(&self, partner_transaction_id: &str) -> Result<(), SpsError> {
        if self.transactions.contains_key(partner_transaction_id) {
            return Err(SpsError::conflict(
                codes::DUPLICATE_TRANSACTION,
                format!("partnerTransactionId {partner_transaction_id} was already used"),
            ));
        }
        Ok(())
    }

    /// The subscription that holds `id`, among those that hold any.
    fn live_holder(&self, id: &SubscriptionRef) -> Option<&Subscription> {
        self.subscriptions
            .values()
            .find(|s| s.is_live() && s.holds(id))
    }

    /// Records a new transaction on its subscription, completing it at once
    /// if no pending polls are configured.
    fn open(&mut self, transaction: Transaction, settings: &SpsSettings) -> Option<Notification> {
        let id = transaction.partner_transaction_id.clone();
        if let Some(subscription) = self.subscriptions.get_mut(&transaction.subscriber_id) {
            subscription.transactions.push(id.clone());
            subscription.pending = Some(id.clone());
        }
        let completes_now =
            settings.pending_polls == 0 && transaction.outcome != SpsOutcome::NeverCompletes;
        self.transactions.insert(id.clone(), transaction);
        if completes_now {
            self.complete(&id)
        } else {
            None
        }
    }

    /// Ends a pending transaction with its outcome and applies it to the
    /// subscription.
    fn complete(&mut self, partner_transaction_id: &str) -> Option<Notification> {
        let transaction = self.transactions.get_mut(partner_transaction_id)?;
        let succeeded = transaction.outcome == SpsOutcome::Success;
        transaction.status = if succeeded {
            TransactionStatus::Success
        } else {
            TransactionStatus::Failure
        };
        let action = transaction.action;
        let context = transaction.context.clone();
        if let Some(subscription) = self.subscriptions.get_mut(&transaction.subscriber_id) {
            subscription.pending = None;
            if succeeded {
                subscription.status = action.target();
            } else if action == Action::Activate {
                subscription.status = SubscriptionStatus::Failed;
            }
        }
        Some(Notification {
            body: self.transaction(partner_transaction_id)?,
            context,
        })
    }
}

/// A fresh ICCID or GPSI for an activation that gave none: the next number
/// of `counter` that no subscription holds, skipping any a client chose itself
/// (failed activations included, to keep views of old transactions
/// unambiguous).
fn assign(
    subscriptions: &BTreeMap<String, Subscription>,
    counter: &mut u64,
    make: impl Fn(u64) -> SubscriptionRef,
) -> String {
    loop {
        *counter += 1;
        let id = make(*counter);
        if !subscriptions.values().any(|s| s.holds(&id)) {
            return id.value().to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sps::validate;
    use serde_json::json;

    const ICCID: &str = "8961000000000000001";

    fn settings(pending_polls: u32) -> SpsSettings {
        SpsSettings {
            pending_polls,
            ..SpsSettings::default()
        }
    }

    fn activation(txn: &str, subscriber: &str) -> ActivateRequest {
        validate::activate(&json!({
            "partnerTransactionId": txn,
            "subscriberId": subscriber,
            "wholesalePlanId": "Plan001",
            "location": {},
            "iccid": ICCID
        }))
        .expect("valid")
    }

    fn update(txn: &str, action: Action) -> UpdateRequest {
        UpdateRequest {
            partner_transaction_id: txn.into(),
            subscription: SubscriptionRef::Iccid(ICCID.into()),
            action,
        }
    }

    fn status(store: &SpsStore) -> Value {
        store.subscription("Sub001").expect("exists")["status"].clone()
    }

    #[test]
    fn state_changes_only_when_the_transaction_completes() {
        let settings = settings(1);
        let mut store = SpsStore::default();
        let done = store
            .activate(
                activation("T1", "Sub001"),
                RequestContext::default(),
                &settings,
            )
            .expect("accepted");
        assert!(done.is_none());
        assert_eq!(status(&store), "Pending");
        let (answer, done) = store.poll("T1", &settings).expect("known");
        assert_eq!(answer["status"], "Pending");
        let done = done.expect("completed after the one pending answer");
        assert_eq!(done.body["status"], "Success");
        assert_eq!(done.body["subscriptionStatus"], "Active");
        assert_eq!(status(&store), "Active");
        let (answer, done) = store.poll("T1", &settings).expect("known");
        assert_eq!(answer["status"], "Success");
        assert!(done.is_none(), "completes once");
        assert_eq!(store.polls("T1"), Some(2));
    }

    #[test]
    fn transitions_follow_the_documented_conditions() {
        let settings = settings(0);
        let mut store = SpsStore::default();
        let ctx = RequestContext::default;
        store
            .activate(activation("T1", "Sub001"), ctx(), &settings)
            .expect("accepted");
        assert_eq!(status(&store), "Active");
        for (txn, action, allowed, after) in [
            ("T2", Action::Resume, false, "Active"),
            ("T3", Action::Reactivate, false, "Active"),
            ("T4", Action::Suspend, true, "Suspended"),
            ("T5", Action::Suspend, false, "Suspended"),
            ("T6", Action::Cease, false, "Suspended"),
            ("T7", Action::Resume, true, "Active"),
            ("T8", Action::Cease, true, "Ceased"),
            ("T9", Action::Suspend, false, "Ceased"),
            ("T10", Action::Resume, false, "Ceased"),
            ("T11", Action::Reactivate, true, "Active"),
        ] {
            let result = store.update(update(txn, action), ctx(), &settings);
            assert_eq!(result.is_ok(), allowed, "{txn}");
            assert_eq!(status(&store), after, "{txn}");
        }
    }

    #[test]
    fn failed_activation_frees_the_subscriber_and_iccid() {
        let mut settings = settings(0);
        settings.rules.insert("T1".into(), SpsOutcome::Failure);
        let mut store = SpsStore::default();
        let ctx = RequestContext::default;
        let done = store
            .activate(activation("T1", "Sub001"), ctx(), &settings)
            .expect("accepted")
            .expect("completed at once");
        assert_eq!(done.body["status"], "Failure");
        assert_eq!(done.body["error"]["code"], codes::PROVISIONING_FAILED);
        assert_eq!(status(&store), "Failed");
        let missing = store.update(update("T2", Action::Suspend), ctx(), &settings);
        assert!(missing.is_err());
        store
            .activate(activation("T3", "Sub001"), ctx(), &settings)
            .expect("retry accepted");
        assert_eq!(status(&store), "Active");
    }

    #[test]
    fn duplicates_and_pending_transactions_conflict() {
        let settings = settings(1);
        let mut store = SpsStore::default();
        let ctx = RequestContext::default;
        store
            .activate(activation("T1", "Sub001"), ctx(), &settings)
            .expect("accepted");
        let again = store.activate(activation("T1", "Sub002"), ctx(), &settings);
        assert!(again.is_err(), "duplicate partnerTransactionId");
        let again = store.activate(activation("T2", "Sub001"), ctx(), &settings);
        assert!(again.is_err(), "subscriber exists");
        let again = store.activate(activation("T3", "Sub002"), ctx(), &settings);
        assert!(again.is_err(), "ICCID in use");
        let busy = store.update(update("T4", Action::Suspend), ctx(), &settings);
        assert!(busy.is_err(), "activation still pending");
        assert!(store.poll("nope", &settings).is_err());
    }

    #[test]
    fn missing_ids_are_assigned() {
        let settings = settings(0);
        let mut store = SpsStore::default();
        let request = validate::activate(&json!({
            "partnerTransactionId": "T1", "subscriberId": "Sub001",
            "wholesalePlanId": "Plan001", "location": {}
        }))
        .expect("valid");
        store
            .activate(request, RequestContext::default(), &settings)
            .expect("accepted");
        let subscription = store.subscription("Sub001").expect("exists");
        assert_eq!(subscription["iccid"], "8999000000000000001");
        assert_eq!(subscription["gpsi"], "19990000001");
        assert_eq!(subscription["billCycleFrequency"], "MONTHLY");
        assert_eq!(
            store.transaction("T1").expect("exists")["iccid"],
            "8999000000000000001"
        );
    }
}

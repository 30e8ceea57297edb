//! The JSON the API returns for a card (as a `Sim` or as a `Subscriber`) and
//! for a `Group`, with the camelCase field names of Soracom's schemas.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::fixtures::OPERATOR_ID;
use crate::state::{Card, CardStatus, Group, Tags};

/// The APN every seeded subscription uses.
const APN: &str = "soracom.io";

/// A card as Soracom's `Sim` schema.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SimView<'a> {
    sim_id: &'a str,
    status: &'static str,
    group_id: Option<&'a str>,
    speed_class: &'a str,
    operator_id: Option<&'static str>,
    created_time: i64,
    last_modified_time: i64,
    module_type: &'a str,
    #[serde(rename = "type")]
    sim_type: &'a str,
    tags: &'a Tags,
    serial_number: &'a str,
    active_profile_id: &'a str,
    profiles: BTreeMap<&'a str, SimProfileView<'a>>,
    session_status: SessionStatusView<'a>,
    termination_enabled: bool,
}

/// `Sim.sessionStatus` (`SessionStatus`): an active card is online.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionStatusView<'a> {
    online: bool,
    imsi: &'a str,
    subscription: &'a str,
}

/// One entry of `Sim.profiles` (`SimProfile`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SimProfileView<'a> {
    iccid: &'a str,
    primary_imsi: &'a str,
    ota_supported: bool,
    subscribers: BTreeMap<&'a str, SimplifiedSubscriberView<'a>>,
}

/// One entry of `SimProfile.subscribers` (`SimplifiedSubscriber`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SimplifiedSubscriberView<'a> {
    imsi: &'a str,
    msisdn: &'a str,
    status: &'static str,
    subscription: &'a str,
    bundles: [&'static str; 0],
}

/// A card as Soracom's `Subscriber` schema.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubscriberView<'a> {
    imsi: &'a str,
    msisdn: &'a str,
    iccid: &'a str,
    sim_id: &'a str,
    status: &'static str,
    group_id: Option<&'a str>,
    speed_class: &'a str,
    /// The seed's `Subscriber.type` is documented as "the speed class".
    #[serde(rename = "type")]
    subscriber_type: &'a str,
    subscription: &'a str,
    operator_id: Option<&'static str>,
    tags: &'a Tags,
    module_type: &'a str,
    serial_number: &'a str,
    apn: &'static str,
    created_time: i64,
    created_at: i64,
    last_modified_time: i64,
    last_modified_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    registered_time: Option<i64>,
    termination_enabled: bool,
}

/// A group as Soracom's `Group` schema.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GroupView<'a> {
    group_id: &'a str,
    operator_id: &'static str,
    tags: &'a Tags,
    configuration: &'a Value,
    created_time: i64,
    created_at: i64,
    last_modified_time: i64,
    last_modified_at: i64,
}

fn operator_of(card: &Card) -> Option<&'static str> {
    card.is_registered().then_some(OPERATOR_ID)
}

impl<'a> SimView<'a> {
    /// The `Sim` view of `card`.
    pub(crate) fn of(card: &'a Card) -> Self {
        let seed = &card.seed;
        let subscriber = SimplifiedSubscriberView {
            imsi: seed.imsi,
            msisdn: seed.msisdn,
            status: card.status.as_str(),
            subscription: seed.subscription,
            bundles: [],
        };
        let profile = SimProfileView {
            iccid: seed.iccid,
            primary_imsi: seed.imsi,
            ota_supported: false,
            subscribers: BTreeMap::from([(seed.imsi, subscriber)]),
        };
        Self {
            sim_id: seed.sim_id,
            status: card.status.as_str(),
            group_id: card.group_id.as_deref(),
            speed_class: seed.speed_class,
            operator_id: operator_of(card),
            created_time: card.created_time,
            last_modified_time: card.last_modified_time,
            module_type: seed.module_type,
            sim_type: seed.sim_type,
            tags: &card.tags,
            serial_number: seed.serial_number,
            active_profile_id: seed.iccid,
            profiles: BTreeMap::from([(seed.iccid, profile)]),
            session_status: SessionStatusView {
                online: card.status == CardStatus::Active,
                imsi: seed.imsi,
                subscription: seed.subscription,
            },
            termination_enabled: false,
        }
    }
}

impl<'a> SubscriberView<'a> {
    /// The `Subscriber` view of `card`.
    pub(crate) fn of(card: &'a Card) -> Self {
        let seed = &card.seed;
        Self {
            imsi: seed.imsi,
            msisdn: seed.msisdn,
            iccid: seed.iccid,
            sim_id: seed.sim_id,
            status: card.status.as_str(),
            group_id: card.group_id.as_deref(),
            speed_class: seed.speed_class,
            subscriber_type: seed.speed_class,
            subscription: seed.subscription,
            operator_id: operator_of(card),
            tags: &card.tags,
            module_type: seed.module_type,
            serial_number: seed.serial_number,
            apn: APN,
            created_time: card.created_time,
            created_at: card.created_time,
            last_modified_time: card.last_modified_time,
            last_modified_at: card.last_modified_time,
            registered_time: card.registered_time,
            termination_enabled: false,
        }
    }
}

impl<'a> GroupView<'a> {
    /// The `Group` view of `group`.
    pub(crate) fn of(group: &'a Group) -> Self {
        Self {
            group_id: &group.group_id,
            operator_id: OPERATOR_ID,
            tags: &group.tags,
            configuration: &group.configuration,
            created_time: group.created_time,
            created_at: group.created_time,
            last_modified_time: group.last_modified_time,
            last_modified_at: group.last_modified_time,
        }
    }
}

/// Any view as a [`Value`] (serialising these plain structs cannot fail;
/// `Null` stands in should it ever).
pub(crate) fn to_value(view: impl Serialize) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

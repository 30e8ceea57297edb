//! The sandbox's mutable inventory (SIM cards and groups) and the rules that
//! change it. Routes translate HTTP into calls here; nothing here knows HTTP
//! beyond the [`ApiError`] it returns.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::error::{ApiError, codes};
use crate::fixtures::{self, SeedStatus, SeededCard};
use crate::random;

/// Tags of a SIM, subscriber or group (`TagSet`): always holds a `name`.
pub(crate) type Tags = BTreeMap<String, String>;

/// Milliseconds since the UNIX epoch, now.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Lifecycle status of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardStatus {
    /// In the inventory, not registered to the operator: invisible to reads.
    Unregistered,
    /// Registered, not yet activated.
    Ready,
    /// Activated.
    Active,
    /// Deactivated.
    Inactive,
}

impl CardStatus {
    /// The `status` string the API shows.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Unregistered => "unregistered",
            Self::Ready => "ready",
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }
}

/// One physical SIM card with its primary subscription.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    /// The immutable facts printed on / burnt into the card.
    pub(crate) seed: SeededCard,
    pub(crate) status: CardStatus,
    pub(crate) group_id: Option<String>,
    pub(crate) tags: Tags,
    pub(crate) created_time: i64,
    pub(crate) last_modified_time: i64,
    /// When the card was registered through the API (`None` for seeded
    /// registrations and unregistered cards).
    pub(crate) registered_time: Option<i64>,
}

impl Card {
    fn from_seed(seed: SeededCard) -> Self {
        let status = match seed.status {
            SeedStatus::Unregistered => CardStatus::Unregistered,
            SeedStatus::Active => CardStatus::Active,
        };
        Self {
            seed,
            status,
            group_id: seed.group_id.map(str::to_owned),
            tags: name_tags(seed.name),
            created_time: fixtures::SEED_TIME_MS,
            last_modified_time: fixtures::SEED_TIME_MS,
            registered_time: None,
        }
    }

    /// Whether the card belongs to the operator.
    pub(crate) fn is_registered(&self) -> bool {
        self.status != CardStatus::Unregistered
    }

    fn touch(&mut self) {
        self.last_modified_time = now_ms().max(self.last_modified_time);
    }
}

/// A group of SIMs sharing configuration.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) group_id: String,
    pub(crate) tags: Tags,
    pub(crate) configuration: Value,
    pub(crate) created_time: i64,
    pub(crate) last_modified_time: i64,
}

/// How a route names a card: by SIM ID or by IMSI. Decides the 404 wording.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CardKey<'a> {
    /// `/v1/sims/{sim_id}/...`
    Sim(&'a str),
    /// `/v1/subscribers/{imsi}/...`
    Subscriber(&'a str),
}

impl CardKey<'_> {
    fn not_found(self) -> ApiError {
        match self {
            Self::Sim(id) => ApiError::no_such_sim(id),
            Self::Subscriber(imsi) => ApiError::no_such_subscriber(imsi),
        }
    }

    fn describe(self) -> String {
        match self {
            Self::Sim(id) => format!("SIM {id}"),
            Self::Subscriber(imsi) => format!("Subscriber {imsi}"),
        }
    }
}

/// What `register` was asked to do (`RegisterSimRequest` /
/// `RegisterSubscribersRequest`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Registration {
    pub(crate) registration_secret: String,
    pub(crate) group_id: Option<String>,
    pub(crate) tags: Option<Tags>,
}

/// The whole inventory of one sandbox.
#[derive(Debug)]
pub(crate) struct Store {
    /// Cards by SIM ID.
    cards: BTreeMap<String, Card>,
    /// SIM ID by IMSI.
    imsi_index: HashMap<String, String>,
    /// Groups by group ID.
    groups: BTreeMap<String, Group>,
}

impl Store {
    /// A store holding exactly the data in [`fixtures`].
    pub(crate) fn seeded() -> Self {
        let cards: BTreeMap<String, Card> = fixtures::CARDS
            .iter()
            .map(|seed| (seed.sim_id.to_owned(), Card::from_seed(*seed)))
            .collect();
        let imsi_index = fixtures::CARDS
            .iter()
            .map(|seed| (seed.imsi.to_owned(), seed.sim_id.to_owned()))
            .collect();
        let groups = fixtures::GROUPS
            .iter()
            .map(|seed| {
                let configuration = if seed.group_id == fixtures::GROUP_SENSORS.group_id {
                    serde_json::json!({"SoracomAir": {"metadata": {"enabled": true}}})
                } else {
                    serde_json::json!({})
                };
                let group = Group {
                    group_id: seed.group_id.to_owned(),
                    tags: name_tags(seed.name),
                    configuration,
                    created_time: fixtures::SEED_TIME_MS,
                    last_modified_time: fixtures::SEED_TIME_MS,
                };
                (seed.group_id.to_owned(), group)
            })
            .collect();
        Self {
            cards,
            imsi_index,
            groups,
        }
    }

    /// Adds unregistered cards besides the seeded ones ([`fixtures::fleet`]).
    pub(crate) fn add_cards(&mut self, cards: &[SeededCard]) {
        for seed in cards {
            self.imsi_index
                .insert(seed.imsi.to_owned(), seed.sim_id.to_owned());
            self.cards
                .insert(seed.sim_id.to_owned(), Card::from_seed(*seed));
        }
    }

    /// The card behind `key`, whatever its status (for inspection).
    pub(crate) fn card(&self, key: CardKey<'_>) -> Option<&Card> {
        let sim_id = match key {
            CardKey::Sim(id) => id,
            CardKey::Subscriber(imsi) => self.imsi_index.get(imsi)?.as_str(),
        };
        self.cards.get(sim_id)
    }

    fn card_mut(&mut self, key: CardKey<'_>) -> Result<&mut Card, ApiError> {
        let sim_id = match key {
            CardKey::Sim(id) => id,
            CardKey::Subscriber(imsi) => self
                .imsi_index
                .get(imsi)
                .ok_or_else(|| key.not_found())?
                .as_str(),
        };
        self.cards.get_mut(sim_id).ok_or_else(|| key.not_found())
    }

    /// A registered card; 404 if unknown or not registered (reads are
    /// operator-scoped, as in the real API).
    pub(crate) fn registered(&self, key: CardKey<'_>) -> Result<&Card, ApiError> {
        self.card(key)
            .filter(|card| card.is_registered())
            .ok_or_else(|| key.not_found())
    }

    /// Every registered card, by SIM ID (for `GET /v1/sims`).
    pub(crate) fn registered_cards(&self) -> impl Iterator<Item = &Card> {
        self.cards.values().filter(|card| card.is_registered())
    }

    /// Every registered card, by IMSI (for `GET /v1/subscribers`).
    pub(crate) fn registered_cards_by_imsi(&self) -> Vec<&Card> {
        let mut cards: Vec<&Card> = self.registered_cards().collect();
        cards.sort_by_key(|card| card.seed.imsi);
        cards
    }

    fn require_group(&self, group_id: &str) -> Result<(), ApiError> {
        if self.groups.contains_key(group_id) {
            Ok(())
        } else {
            Err(ApiError::no_such_group(group_id))
        }
    }

    /// A card that lifecycle operations may change: 404 if unknown, 400 if
    /// not registered.
    fn lifecycle_card(&mut self, key: CardKey<'_>) -> Result<&mut Card, ApiError> {
        let card = self.card_mut(key)?;
        if card.is_registered() {
            Ok(card)
        } else {
            Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                codes::NOT_REGISTERED,
                format!("{} is not registered", key.describe()),
            ))
        }
    }

    /// Registers a card to the operator. Checks, in order: the card exists
    /// (404), the secret matches (400), the card is not registered yet (400),
    /// the group exists if one is given (404). Nothing changes on error.
    pub(crate) fn register(
        &mut self,
        key: CardKey<'_>,
        request: Registration,
    ) -> Result<&Card, ApiError> {
        let card = self.card(key).ok_or_else(|| key.not_found())?;
        if card.seed.registration_secret != request.registration_secret {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                codes::INVALID_REGISTRATION_SECRET,
                "Invalid registration secret",
            ));
        }
        if card.is_registered() {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                codes::ALREADY_REGISTERED,
                format!("{} is already registered", key.describe()),
            ));
        }
        if let Some(group_id) = &request.group_id {
            self.require_group(group_id)?;
        }
        let card = self.card_mut(key)?;
        card.status = CardStatus::Ready;
        card.group_id = request.group_id;
        if let Some(tags) = request.tags {
            card.tags.extend(tags);
        }
        card.touch();
        card.registered_time = Some(card.last_modified_time);
        Ok(card)
    }

    /// Sets a registered card's status (activate / deactivate).
    pub(crate) fn set_status(
        &mut self,
        key: CardKey<'_>,
        status: CardStatus,
    ) -> Result<&Card, ApiError> {
        let card = self.lifecycle_card(key)?;
        card.status = status;
        card.touch();
        Ok(card)
    }

    /// Puts a registered card into a group (404 if the card or the group is
    /// unknown, checked in that order).
    pub(crate) fn set_group(
        &mut self,
        key: CardKey<'_>,
        group_id: &str,
    ) -> Result<&Card, ApiError> {
        self.lifecycle_card(key)?;
        self.require_group(group_id)?;
        let card = self.lifecycle_card(key)?;
        card.group_id = Some(group_id.to_owned());
        card.touch();
        Ok(card)
    }

    /// Takes a registered card out of its group (a no-op if it has none).
    pub(crate) fn unset_group(&mut self, key: CardKey<'_>) -> Result<&Card, ApiError> {
        let card = self.lifecycle_card(key)?;
        card.group_id = None;
        card.touch();
        Ok(card)
    }

    /// Creates a group with a fresh UUID-shaped ID.
    pub(crate) fn create_group(
        &mut self,
        tags: Option<Tags>,
        configuration: Option<Value>,
    ) -> &Group {
        let mut group_id = random::uuid_like();
        while self.groups.contains_key(&group_id) {
            group_id = random::uuid_like();
        }
        let mut all_tags = name_tags("");
        all_tags.extend(tags.unwrap_or_default());
        let now = now_ms();
        let group = Group {
            group_id: group_id.clone(),
            tags: all_tags,
            configuration: configuration.unwrap_or_else(|| serde_json::json!({})),
            created_time: now,
            last_modified_time: now,
        };
        self.groups.entry(group_id).or_insert(group)
    }

    /// One group (404 if unknown).
    pub(crate) fn group(&self, group_id: &str) -> Result<&Group, ApiError> {
        self.groups
            .get(group_id)
            .ok_or_else(|| ApiError::no_such_group(group_id))
    }

    /// Every group, by group ID.
    pub(crate) fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.values()
    }

    /// Deletes a group (404 if unknown). Cards in it leave it.
    pub(crate) fn delete_group(&mut self, group_id: &str) -> Result<(), ApiError> {
        self.groups
            .remove(group_id)
            .ok_or_else(|| ApiError::no_such_group(group_id))?;
        for card in self.cards.values_mut() {
            if card.group_id.as_deref() == Some(group_id) {
                card.group_id = None;
                card.touch();
            }
        }
        Ok(())
    }
}

/// A tag set holding only `name`.
fn name_tags(name: &str) -> Tags {
    BTreeMap::from([("name".to_owned(), name.to_owned())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{GROUP_TRACKERS, SIM_1, SIM_ACTIVE, SUBSCRIBER_1};

    fn register_sim_1(store: &mut Store) -> Result<&Card, ApiError> {
        store.register(
            CardKey::Sim(SIM_1.sim_id),
            Registration {
                registration_secret: SIM_1.registration_secret.to_owned(),
                ..Registration::default()
            },
        )
    }

    #[test]
    fn unregistered_cards_are_invisible_to_reads() {
        let store = Store::seeded();
        assert!(store.registered(CardKey::Sim(SIM_1.sim_id)).is_err());
        assert!(store.card(CardKey::Sim(SIM_1.sim_id)).is_some());
        let listed: Vec<&str> = store.registered_cards().map(|c| c.seed.sim_id).collect();
        assert_eq!(listed, [SIM_ACTIVE.sim_id]);
    }

    #[test]
    fn register_then_lifecycle() {
        let mut store = Store::seeded();
        let card = register_sim_1(&mut store).expect("registers");
        assert_eq!(card.status, CardStatus::Ready);
        let again = register_sim_1(&mut store).expect_err("already registered");
        assert_eq!(again.code, codes::ALREADY_REGISTERED);
        let key = CardKey::Subscriber(SIM_1.imsi);
        let card = store
            .set_status(key, CardStatus::Active)
            .expect("activates");
        assert_eq!(card.status, CardStatus::Active);
        let card = store
            .set_group(key, GROUP_TRACKERS.group_id)
            .expect("groups");
        assert_eq!(card.group_id.as_deref(), Some(GROUP_TRACKERS.group_id));
        store
            .delete_group(GROUP_TRACKERS.group_id)
            .expect("deletes");
        assert_eq!(store.registered(key).map(|c| c.group_id.clone()), Ok(None));
    }

    #[test]
    fn failed_register_changes_nothing() {
        let mut store = Store::seeded();
        let err = store
            .register(
                CardKey::Subscriber(SUBSCRIBER_1.imsi),
                Registration {
                    registration_secret: SUBSCRIBER_1.registration_secret.to_owned(),
                    group_id: Some("no-such-group".to_owned()),
                    tags: None,
                },
            )
            .expect_err("unknown group");
        assert_eq!(err.code, codes::NO_SUCH_GROUP);
        assert!(
            store
                .registered(CardKey::Subscriber(SUBSCRIBER_1.imsi))
                .is_err()
        );
    }

    #[test]
    fn lifecycle_on_unregistered_is_400() {
        let mut store = Store::seeded();
        let err = store
            .set_status(CardKey::Sim(SIM_1.sim_id), CardStatus::Active)
            .expect_err("not registered");
        assert_eq!(err.code, codes::NOT_REGISTERED);
        let err = store
            .set_status(CardKey::Sim("nope"), CardStatus::Active)
            .expect_err("unknown");
        assert_eq!(err.code, codes::NO_SUCH_SIM);
    }
}

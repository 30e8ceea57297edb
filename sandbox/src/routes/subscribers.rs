//! `/v1/subscribers`: cards addressed by the IMSI of their primary
//! subscription, shown as `Subscriber`.

use serde_json::Value;

use super::cards::CardApi;
use crate::state::{Card, CardKey, Store};
use crate::views::{SubscriberView, to_value};

/// The Subscriber API.
pub(crate) struct Subscribers;

impl CardApi for Subscribers {
    const COLLECTION: &'static str = "/v1/subscribers";
    const ITEM: &'static str = "/v1/subscribers/{imsi}";

    fn key(imsi: &str) -> CardKey<'_> {
        CardKey::Subscriber(imsi)
    }

    fn view(card: &Card) -> Value {
        to_value(SubscriberView::of(card))
    }

    fn list(store: &Store) -> Vec<&Card> {
        store.registered_cards_by_imsi()
    }
}

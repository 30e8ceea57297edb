//! `/v1/sims`: cards addressed by SIM ID, shown as `Sim`.

use serde_json::Value;

use super::cards::CardApi;
use crate::state::{Card, CardKey, Store};
use crate::views::{SimView, to_value};

/// The SIM API.
pub(crate) struct Sims;

impl CardApi for Sims {
    const COLLECTION: &'static str = "/v1/sims";
    const ITEM: &'static str = "/v1/sims/{sim_id}";

    fn key(id: &str) -> CardKey<'_> {
        CardKey::Sim(id)
    }

    fn view(card: &Card) -> Value {
        to_value(SimView::of(card))
    }

    fn list(store: &Store) -> Vec<&Card> {
        store.registered_cards().collect()
    }
}

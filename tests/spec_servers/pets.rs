//! The pet store of `pet-coupons.openapi.yaml` and `petstore.openapi.yaml`: a fixed catalogue,
//! coupons for some pets, orders numbered from 1001, and logins that issue a session token the
//! pet searches check when one is sent.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Server, json, pairs};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "wonderland";
pub const SESSION: &str = "session-alice-1";
pub const RATE_LIMIT: &str = "5000";
pub const EXPIRES_AFTER: &str = "2030-01-01T00:00:00Z";

/// Pet 7 (`puppy`, `dalmatian`, available) has coupon `PUPPY10`; pet 8 (`kitten`, available)
/// has none; pet 9 (`dalmatian`) is sold.
fn catalogue() -> Vec<Value> {
    vec![
        pet(7, "Pongo", &["puppy", "dalmatian"], "available"),
        pet(8, "Tom", &["kitten"], "available"),
        pet(9, "Perdita", &["dalmatian"], "sold"),
    ]
}

fn pet(id: i64, name: &str, tags: &[&str], status: &str) -> Value {
    let tags: Vec<Value> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"id": i + 1, "name": t}))
        .collect();
    json!({"id": id, "name": name, "photoUrls": [], "price": 100, "tags": tags, "status": status})
}

#[derive(Default)]
struct Store {
    orders: i64,
}

type Shared = Arc<Mutex<Store>>;

pub async fn start() -> Server {
    let routes = Router::new()
        .route("/pet/findByTags", get(find_by_tags))
        .route("/pet/findByStatus", get(find_by_status))
        .route("/pet/{pet_id}/coupons", get(coupons))
        .route("/store/order", post(place_order))
        .route("/user/login", get(login))
        .with_state(Shared::default());
    Server::start("/petstore", routes).await
}

/// Pets that have every tag asked for.
async fn find_by_tags(RawQuery(query): RawQuery) -> Response {
    let tags: Vec<String> = pairs(query.as_deref().unwrap_or_default())
        .into_iter()
        .filter(|(n, _)| n == "tags")
        .map(|(_, v)| v)
        .collect();
    let found: Vec<Value> = catalogue()
        .into_iter()
        .filter(|pet| {
            tags.iter().all(|tag| {
                pet["tags"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| t["name"] == tag.as_str()))
            })
        })
        .collect();
    json(200, json!(found))
}

/// `page` is 1-based; `pageSize` defaults to 10. A sent `Authorization` must be an OAuth bearer
/// token or a session this server issued.
async fn find_by_status(headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    if let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok())
        && auth != SESSION
        && !auth.starts_with("Bearer ")
    {
        return json(401, json!({"message": "unknown session"}));
    }
    let query = pairs(query.as_deref().unwrap_or_default());
    let value = |name: &str| {
        query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let status = value("status").unwrap_or_else(|| "available".into());
    let page: usize = value("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let size: usize = value("pageSize").and_then(|p| p.parse().ok()).unwrap_or(10);
    let found: Vec<Value> = catalogue()
        .into_iter()
        .filter(|pet| pet["status"] == status.as_str())
        .skip((page.max(1) - 1) * size)
        .take(size)
        .collect();
    json(200, json!(found))
}

async fn coupons(Path(pet_id): Path<i64>) -> Response {
    match pet_id {
        7 => json(
            200,
            json!({"id": 70, "description": "Puppy week - 10% off", "couponCode": "PUPPY10"}),
        ),
        _ => json(404, json!({"message": "no coupon for this pet"})),
    }
}

/// Echoes the order with a new id; a body that is not a JSON object is a 400.
async fn place_order(State(store): State<Shared>, body: String) -> Response {
    let Ok(Value::Object(mut order)) = serde_json::from_str::<Value>(&body) else {
        return json(400, json!({"message": "Invalid input"}));
    };
    let id = {
        let mut store = store.lock().expect("lock");
        store.orders += 1;
        1000 + store.orders
    };
    order.insert("id".into(), json!(id));
    json(200, Value::Object(order))
}

/// The session token is the JSON string body; the rate limit and expiry come as headers.
async fn login(RawQuery(query): RawQuery) -> Response {
    let query = pairs(query.as_deref().unwrap_or_default());
    let has = |name: &str, value: &str| query.iter().any(|(n, v)| n == name && v == value);
    if !(has("username", USER) && has("password", PASSWORD)) {
        return json(400, json!("Invalid username/password supplied"));
    }
    (
        [
            ("x-rate-limit", RATE_LIMIT),
            ("x-expires-after", EXPIRES_AFTER),
        ],
        axum::Json(json!(SESSION)),
    )
        .into_response()
}

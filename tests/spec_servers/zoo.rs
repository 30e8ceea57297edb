//! The zoo of `animals.yaml`: admitting an animal and fetching one.

use axum::Router;
use axum::routing::{get, post};
use serde_json::json;

use super::{Server, json};

pub async fn start() -> Server {
    let routes = Router::new()
        .route(
            "/animals",
            post(|| async { json(201, json!({"id": 1, "name": "Okapi"})) }),
        )
        .route(
            "/animals/random",
            get(|| async { json(200, json!({"id": 1, "name": "Okapi"})) }),
        );
    Server::start("/zoo", routes).await
}

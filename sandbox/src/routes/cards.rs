//! The lifecycle routes that SIMs and subscribers share: both are views of
//! the same cards, addressed by SIM ID or by IMSI.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::shared::AppState;
use crate::state::{Card, CardKey, CardStatus, Registration, Store, Tags};

/// One of the two ways of addressing cards: `/v1/sims` or `/v1/subscribers`.
pub(crate) trait CardApi: Send + Sync + 'static {
    /// The collection path, e.g. `/v1/sims`.
    const COLLECTION: &'static str;
    /// The item path with its one parameter, e.g. `/v1/sims/{sim_id}`.
    const ITEM: &'static str;
    /// The key for the decoded path parameter.
    fn key(id: &str) -> CardKey<'_>;
    /// The JSON of a card in this API's schema.
    fn view(card: &Card) -> Value;
    /// The registered cards in this API's list order.
    fn list(store: &Store) -> Vec<&Card>;
}

/// The routes of one card API.
pub(crate) fn router<A: CardApi>() -> Router<AppState> {
    let item = A::ITEM;
    Router::new()
        .route(A::COLLECTION, get(list::<A>))
        .route(item, get(get_one::<A>))
        .route(&format!("{item}/register"), post(register::<A>))
        .route(&format!("{item}/activate"), post(activate::<A>))
        .route(&format!("{item}/deactivate"), post(deactivate::<A>))
        .route(&format!("{item}/set_group"), post(set_group::<A>))
        .route(&format!("{item}/unset_group"), post(unset_group::<A>))
}

/// `RegisterSimRequest` / `RegisterSubscribersRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterRequest {
    registration_secret: String,
    group_id: Option<String>,
    tags: Option<Tags>,
}

/// `SetGroupRequest` (the sandbox requires `groupId`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetGroupRequest {
    group_id: String,
}

type JsonResult = Result<Json<Value>, ApiError>;

async fn list<A: CardApi>(State(shared): State<AppState>) -> Json<Value> {
    let store = shared.store();
    Json(Value::Array(
        A::list(&store).into_iter().map(A::view).collect(),
    ))
}

async fn get_one<A: CardApi>(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> JsonResult {
    let store = shared.store();
    Ok(Json(A::view(store.registered(A::key(&id))?)))
}

async fn register<A: CardApi>(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let registration = Registration {
        registration_secret: request.registration_secret,
        group_id: request.group_id,
        tags: request.tags,
    };
    let mut store = shared.store();
    let card = store.register(A::key(&id), registration)?;
    Ok((StatusCode::CREATED, Json(A::view(card))))
}

async fn activate<A: CardApi>(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> JsonResult {
    let mut store = shared.store();
    Ok(Json(A::view(
        store.set_status(A::key(&id), CardStatus::Active)?,
    )))
}

async fn deactivate<A: CardApi>(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> JsonResult {
    let mut store = shared.store();
    Ok(Json(A::view(
        store.set_status(A::key(&id), CardStatus::Inactive)?,
    )))
}

async fn set_group<A: CardApi>(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<SetGroupRequest>,
) -> JsonResult {
    let mut store = shared.store();
    Ok(Json(A::view(
        store.set_group(A::key(&id), &request.group_id)?,
    )))
}

async fn unset_group<A: CardApi>(
    State(shared): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> JsonResult {
    let mut store = shared.store();
    Ok(Json(A::view(store.unset_group(A::key(&id))?)))
}

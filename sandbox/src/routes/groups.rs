//! `/v1/groups`: create, list, get and delete groups.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::shared::AppState;
use crate::state::Tags;
use crate::views::{GroupView, to_value};

/// The group routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/groups", get(list).post(create))
        .route("/v1/groups/{group_id}", get(get_one).delete(delete))
}

/// `CreateGroupRequest`.
#[derive(Debug, Deserialize)]
struct CreateGroupRequest {
    tags: Option<Tags>,
    configuration: Option<Value>,
}

async fn list(State(shared): State<AppState>) -> Json<Value> {
    let store = shared.store();
    Json(Value::Array(
        store.groups().map(|g| to_value(GroupView::of(g))).collect(),
    ))
}

async fn create(
    State(shared): State<AppState>,
    ApiJson(request): ApiJson<CreateGroupRequest>,
) -> (StatusCode, Json<Value>) {
    let mut store = shared.store();
    let group = store.create_group(request.tags, request.configuration);
    (StatusCode::CREATED, Json(to_value(GroupView::of(group))))
}

async fn get_one(
    State(shared): State<AppState>,
    ApiPath(group_id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let store = shared.store();
    Ok(Json(to_value(GroupView::of(store.group(&group_id)?))))
}

async fn delete(
    State(shared): State<AppState>,
    ApiPath(group_id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    shared.store().delete_group(&group_id)?;
    Ok(StatusCode::NO_CONTENT)
}

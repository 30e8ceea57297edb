//! The HTTP surface: which path goes to which handler, and the middleware
//! (request log around everything, then fault injection, credential check
//! around all but `/v1/auth`, then the replay of repeated requests).
//! The SPS fake brings its own routes, checks and fallbacks under `/sps/v5`.

mod cards;
mod groups;
mod sims;
mod subscribers;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::post;

use crate::auth;
use crate::error::{ApiError, codes};
use crate::faults;
use crate::idempotency;
use crate::record;
use crate::shared::AppState;
use crate::sps;

/// The complete application for one sandbox.
pub(crate) fn app(shared: AppState) -> Router {
    let protected = Router::new()
        .merge(cards::router::<sims::Sims>())
        .merge(cards::router::<subscribers::Subscribers>())
        .merge(groups::router())
        // Inside the credential check: only an accepted caller gets a replayed answer.
        .route_layer(from_fn_with_state(shared.clone(), idempotency::replay))
        .route_layer(from_fn_with_state(
            shared.clone(),
            auth::require_credentials,
        ));
    Router::new()
        .route("/v1/auth", post(auth::login))
        .merge(protected)
        .merge(sps::router(shared.clone()))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(no_such_route)
        // Inside the log, so that faulted requests are recorded with what they got.
        .layer(from_fn_with_state(shared.clone(), faults::inject))
        .layer(from_fn_with_state(shared.clone(), record::record))
        .with_state(shared)
}

/// Any path no route matches (no credentials needed to learn that).
async fn no_such_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, codes::NO_SUCH_ROUTE, "No such route")
}

/// A known path with a method it does not support.
async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "Method not allowed",
    )
}

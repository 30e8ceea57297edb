//! The runtime of Arazzo workflows compiled to Rust.
//!
//! [`arazzo_workflow!`] reads an Arazzo document (and the OpenAPI descriptions it names) when your
//! crate compiles, and writes, for every workflow in it, an async function with typed inputs and
//! outputs. Those functions call into this crate: a [`Client`] holds servers, credentials and the
//! connection pool; every failure is an [`Error`] that names the workflow, the step, the operation
//! and the HTTP status.
//!
//! ```text
//! arazzo_runtime::arazzo_workflow!("workflows/arazzo/soracom-register-and-activate-sim-workflow.yml");
//!
//! let client = arazzo_runtime::Client::builder()
//!     .server("simApi", "https://api.soracom.io/v1")
//!     .api_key("api_key", api_key)
//!     .api_key("api_token", token)
//!     .build()?;
//! let out = register_and_activate_sim(&client, RegisterAndActivateSimInputs { /* ... */ }).await?;
//! assert!(out.status == "active");
//! ```

mod client;
mod criteria;
mod encode;
mod error;
mod multipart;
mod oauth;
mod operation;
mod payload;
mod request;
mod response;
mod run;
mod secret;
mod security;
mod seek;
mod sent;
mod style;
mod value;
#[cfg(feature = "xpath")]
mod xpath;

pub use arazzo_macros::arazzo_workflow;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRY_WAIT, DEFAULT_MAX_STEP_EXECUTIONS, DEFAULT_TIMEOUT, DEFAULT_WORKFLOW_TIMEOUT,
    StepEvent,
};
pub use error::{Error, StepContext};
pub use oauth::ClientAuthentication;
pub use secret::Secret;
pub use security::{ApiKeyLocation, OAuthFlow, OAuthFlows, SecurityScheme};

#[cfg(feature = "restate")]
pub mod restate;
mod restate_feature;

/// Re-exported so users can pass their own client to [`ClientBuilder::http_client`].
pub use reqwest;

/// What generated code uses. Not a stable API: only the code `arazzo_workflow!` writes should name
/// these items.
#[doc(hidden)]
pub mod __private {
    pub use crate::criteria::{Comparison, ConditionPart, compare, substitute, truthy};
    pub use crate::multipart::PartEncoding;
    pub use crate::operation::Operation;
    pub use crate::payload::{FormEncoding, FormStyle, json_text_part, replace_selected};
    pub use crate::request::StepRequest;
    pub use crate::response::StepResponse;
    pub use crate::run::{
        Run, available, completed, correlated, inputs_from, jsonpath, jsonpath_matches, pointer,
        query_component, replace, require_completed, retype, retype_present, select,
    };
    pub use crate::style::{ParameterStyle, parameter_content};
    pub use crate::value::{TemplatePart, template, template_of_present, to_json, to_text};
    #[cfg(feature = "xpath")]
    pub use crate::xpath::{xpath_holds, xpath_literal, xpath_select};
    pub use serde;
    pub use serde_json;
    pub use serde_json_path::JsonPath;
    pub use tracing::Instrument;

    pub use regex::Regex;

    /// Compiles a criterion's pattern, which the generator already checked compiles; `None` (a
    /// criterion that never matches) rather than a panic should that ever not hold.
    pub fn regex(pattern: &str) -> Option<Regex> {
        Regex::new(pattern).ok()
    }

    /// The span every generated workflow function runs in.
    pub fn workflow_span(workflow: &'static str) -> tracing::Span {
        if !crate::run::spans_wanted() {
            return tracing::Span::none();
        }
        tracing::info_span!("arazzo.workflow", workflow)
    }
}

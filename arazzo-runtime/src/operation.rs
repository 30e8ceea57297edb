//! What the generator knows about an OpenAPI operation, as `const` data in the generated code.

use crate::error::StepContext;
use crate::security::SecurityScheme;

/// One OpenAPI operation, resolved at compile time.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The Arazzo `sourceDescriptions` name the operation comes from.
    pub source: &'static str,
    /// The OpenAPI description's first server URL, used unless the client sets one.
    pub default_server: &'static str,
    /// The `operationId`.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/sims/{sim_id}`.
    pub path: &'static str,
    /// The operation's effective `security`: alternatives, each a set of schemes that must all be
    /// applied. Empty means no authentication.
    pub security: &'static [&'static [SecurityScheme]],
}

impl Operation {
    /// The error context of a step that calls this operation.
    pub const fn context(&self, workflow: &'static str, step: &'static str) -> StepContext {
        StepContext {
            workflow,
            step,
            operation: self.id,
            method: self.method,
            path: self.path,
        }
    }
}

//! What the `restate` option of [`arazzo_workflow!`](crate::arazzo_workflow) expands to
//! depends on this crate's `restate` feature, which the macro cannot see: two macros, defined
//! one way with the feature and the other way without, decide in the caller's crate.

/// Keeps the items the `restate` option emits (the `restate` feature is on).
#[cfg(feature = "restate")]
#[doc(hidden)]
#[macro_export]
macro_rules! __restate_items {
    ($($items:tt)*) => { $($items)* };
}

/// Drops the items the `restate` option emits (the `restate` feature is off): they name
/// `restate::Workflow`, which does not exist, and [`__restate_feature!`] already says why.
#[cfg(not(feature = "restate"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __restate_items {
    ($($items:tt)*) => {};
}

/// Called once per `arazzo_workflow!` with the `restate` option: nothing to say with the
/// `restate` feature.
#[cfg(feature = "restate")]
#[doc(hidden)]
#[macro_export]
macro_rules! __restate_feature {
    () => {};
}

/// Called once per `arazzo_workflow!` with the `restate` option: without the `restate` feature,
/// the one error saying to turn it on.
#[cfg(not(feature = "restate"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __restate_feature {
    () => {
        ::core::compile_error!(
            "the `restate` option of `arazzo_workflow!` needs the `restate` feature of `arazzo-runtime`; add `features = [\"restate\"]` to the `arazzo-runtime` dependency in Cargo.toml"
        );
    };
}

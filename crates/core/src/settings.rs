//! Resolved settings for a run.

/// Settings every rule can read.
#[derive(Clone, Debug, Default)]
pub struct Settings {}

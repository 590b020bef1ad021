//! Domain knowledge shared by several rules: what image tags mean, which images run as
//! non-root, what secrets look like. Rules ask these modules instead of matching text.

pub mod commands;
pub mod context_patterns;
pub mod secrets;
pub mod sensitive_files;
pub mod tags;
pub mod users;

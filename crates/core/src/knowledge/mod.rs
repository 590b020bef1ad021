//! Domain knowledge shared by several rules: what image tags mean, which images run as
//! non-root, what secrets look like. Rules ask these modules instead of matching text.

pub mod commands;
pub mod context_patterns;
pub mod images;
pub mod packages;
pub mod permissions;
pub mod runtime;
pub mod secrets;
pub mod sensitive_files;
pub mod suggest;
pub mod tags;
pub mod toolchain;
pub mod users;
pub mod verification;

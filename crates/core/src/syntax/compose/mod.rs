//! Docker Compose files.

mod dotenv;
pub mod interpolate;

pub use dotenv::{DotEnv, DotEnvEntry, DotEnvError, parse_dotenv};

//! seaworthy-core: the document model, parsers, rule engine and rules of seaworthy.

pub mod date;
pub mod eol;
pub mod diagnostic;
pub mod finding;
pub mod rule;
pub mod settings;
pub mod source;
pub mod syntax;

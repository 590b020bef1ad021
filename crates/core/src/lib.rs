//! seaworthy-core: the document model, parsers, rule engine and rules of seaworthy.
//!
//! ```
//! use seaworthy_core::{engine, settings::Settings, source::{FileId, FileKind, SourceFile}};
//!
//! let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, "FROM node\n");
//! let findings = engine::check_dockerfile(&file, &Settings::for_rule("SW101"));
//! assert_eq!(findings[0].rule.code, "SW101");
//! assert_eq!(findings[0].location.start().line, 1);
//! ```

pub mod compose_check;
pub mod context;
pub mod date;
pub mod diagnostic;
pub mod dockerfile;
pub mod docs;
pub mod engine;
pub mod eol;
pub mod finding;
pub mod input;
pub mod knowledge;
mod prelude;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod syntax;

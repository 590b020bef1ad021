//! What rule files import.

pub(crate) use crate::declare_rule;
#[allow(unused_imports)]
pub(crate) use crate::dockerfile::{Base, CopySource, Dockerfile, Instr, Value};
pub(crate) use crate::finding::{Location, Severity};
pub(crate) use crate::rule::{Ctx, Rule};
pub(crate) use crate::source::Span;
pub(crate) use crate::syntax::dockerfile::Keyword;

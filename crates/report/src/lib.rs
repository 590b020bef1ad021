//! seaworthy-report: output formats.

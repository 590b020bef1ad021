//! End-to-end tests of the `seaworthy` binary.

mod compose_cli;

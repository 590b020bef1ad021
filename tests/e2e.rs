//! End-to-end tests of the `seaworthy` binary.

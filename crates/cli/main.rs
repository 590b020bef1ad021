//! The `seaworthy` command-line tool.

fn main() {}

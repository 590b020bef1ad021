//! KICS Dockerfile samples for the base-image and user rules (SW103–SW109, SW203–SW207).
//! Of the KICS Dockerfile queries, only `exposing_port_22` maps onto these rules.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_kics, kics_dockerfile};

#[test]
fn exposing_port_22_is_sw205() {
    let result = kics_dockerfile("exposing_port_22", &["SW205"], &[]);
    assert_eq!(result.expected, 1, "the sample set changed");
    assert_kics(&result);
}

//! KICS Dockerfile samples for the foundation rules (SW101, SW201, SW202).
#![allow(clippy::unwrap_used)]

mod common;

use common::{Disagreement, assert_kics, kics_dockerfile};

#[test]
fn image_version_not_explicit_is_sw101() {
    assert_kics(&kics_dockerfile(
        "image_version_not_explicit",
        &["SW101"],
        &[],
    ));
}

#[test]
fn image_version_using_latest_is_sw101() {
    assert_kics(&kics_dockerfile(
        "image_version_using_latest",
        &["SW101"],
        &[],
    ));
}

#[test]
fn last_user_is_root_is_sw201() {
    assert_kics(&kics_dockerfile("last_user_is_root", &["SW201"], &[]));
}

#[test]
fn missing_user_instruction_is_sw201() {
    assert_kics(&kics_dockerfile(
        "missing_user_instruction",
        &["SW201"],
        &[Disagreement {
            file: "negative.dockerfile",
            line: Some(9),
            reason: "a `FROM scratch` final stage without USER runs as uid 0: seaworthy reports it, KICS exempts scratch",
        }],
    ));
}

#[test]
fn run_using_sudo_is_sw202() {
    assert_kics(&kics_dockerfile("run_using_sudo", &["SW202"], &[]));
}

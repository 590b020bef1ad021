//! KICS Dockerfile samples for the Dockerfile correctness rules (SW801–SW811).
#![allow(clippy::unwrap_used)]

mod common;

use common::{Disagreement, KicsResult, assert_kics, kics_dockerfile};

fn check(folder: &str, code: &str, disagreements: &[Disagreement]) -> KicsResult {
    let result = kics_dockerfile(folder, &[code], disagreements);
    assert_kics(&result);
    assert!(result.expected > 0, "{folder}: no expected pairs");
    result
}

#[test]
fn workdir_path_not_absolute_is_sw801() {
    check("workdir_path_not_absolute", "SW801", &[]);
}

#[test]
fn copy_from_references_current_from_alias_is_sw802() {
    check("copy_from_references_current_from_alias", "SW802", &[]);
}

#[test]
fn same_alias_in_different_froms_is_sw803() {
    check(
        "same_alias_in_different_froms",
        "SW803",
        &[Disagreement {
            file: "positive.dockerfile",
            line: Some(4),
            reason: "seaworthy reports the stage that reuses the name (line 7), as BuildKit and hadolint do; KICS points at the first stage",
        }],
    );
}

#[test]
fn multiple_cmd_instructions_listed_is_sw804() {
    check(
        "multiple_cmd_instructions_listed",
        "SW804",
        &[Disagreement {
            file: "negative2.dockerfile",
            line: Some(6),
            reason: "the builder stage has two CMDs and the first is dead code; like BuildKit's MultipleInstructionsDisallowed and hadolint, seaworthy checks every stage, KICS only the last",
        }],
    );
}

#[test]
fn multiple_entrypoint_instructions_listed_is_sw804() {
    check(
        "multiple_entrypoint_instructions_listed",
        "SW804",
        &[Disagreement {
            file: "negative2.dockerfile",
            line: Some(6),
            reason: "the builder stage has two ENTRYPOINTs and the first is dead code; like BuildKit's MultipleInstructionsDisallowed and hadolint, seaworthy checks every stage, KICS only the last",
        }],
    );
}

#[test]
fn not_using_json_in_cmd_and_entrypoint_arguments_is_sw805() {
    check(
        "not_using_json_in_cmd_and_entrypoint_arguments",
        "SW805",
        &[Disagreement {
            file: "negative2.dockerfile",
            line: None,
            reason: "the builder stage's `CMD [python, …]` and `ENTRYPOINT [top, -b]` are invalid JSON and run in shell form; BuildKit's JSONArgsRecommended and hadolint report them in every stage, KICS only in the last",
        }],
    );
}

#[test]
fn maintainer_instruction_being_used_is_sw806() {
    check("maintainer_instruction_being_used", "SW806", &[]);
}

#[test]
fn unix_ports_out_of_range_is_sw807() {
    check("unix_ports_out_of_range", "SW807", &[]);
}

#[test]
fn copy_with_more_than_two_arguments_not_ending_with_slash_is_sw808() {
    check(
        "copy_with_more_than_two_arguments_not_ending_with_slash",
        "SW808",
        &[],
    );
}

#[test]
fn run_command_cd_instead_of_workdir_is_sw809() {
    check(
        "run_command_cd_instead_of_workdir",
        "SW809",
        &[Disagreement {
            file: "negative2.dockerfile",
            line: Some(3),
            reason: "a `RUN` that only runs `cd` has no effect on later instructions, whatever the path; KICS exempts it when the path is absolute",
        }],
    );
}

#[test]
fn healthcheck_instruction_missing_is_sw810() {
    check("healthcheck_instruction_missing", "SW810", &[]);
}

#[test]
fn add_instead_of_copy_is_sw811() {
    check(
        "add_instead_of_copy",
        "SW811",
        &[Disagreement {
            file: "positive.dockerfile",
            line: Some(8),
            reason: "`ADD ${JAR_FILE} app.jar` takes its source from a build argument without a default, which may name a URL or a tar archive; seaworthy does not guess unknown values",
        }],
    );
}

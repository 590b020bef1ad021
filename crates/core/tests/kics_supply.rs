//! KICS Dockerfile samples for the supply-chain rules.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Disagreement, assert_kics, kics_dockerfile};

#[test]
fn shell_running_a_pipe_without_pipefail_flag_is_sw508() {
    let result = kics_dockerfile(
        "shell_running_a_pipe_without_pipefail_flag",
        &["SW508"],
        &[
            Disagreement {
                file: "positive.dockerfile",
                line: Some(3),
                reason: "an exec-form RUN runs no shell: `\"|\"` is an argument passed to bash, which runs \
                         `./some_output` as a script, so there is no pipe to guard",
            },
            Disagreement {
                file: "negative.dockerfile",
                line: Some(2),
                reason: "no SHELL instruction changed the shell, so `/bin/sh` runs this pipe whatever its \
                         first program is (`pwsh`); KICS exempts PowerShell by the command's name, seaworthy \
                         by the SHELL in effect",
            },
        ],
    );
    assert_kics(&result);
    // The one pipe KICS and seaworthy agree on is found, and nothing else is reported.
    assert_eq!((result.matched, result.waived), (1, 1));
    // The negative disagreement is real: seaworthy reports that line, and only it.
    let negative = common::data_dir().join(
        "kics/dockerfile/shell_running_a_pipe_without_pipefail_flag/test/negative.dockerfile",
    );
    let text = std::fs::read_to_string(negative).unwrap();
    let found = common::check_dockerfile(&text, &common::settings_for(&["SW508"]));
    assert_eq!(common::lines(&found), [(2, "SW508")]);
}

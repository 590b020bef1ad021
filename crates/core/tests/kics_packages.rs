//! KICS Dockerfile samples for the package-manager rules (SW404, SW405, SW408, SW507,
//! SW813).
//!
//! Two things differ from the plain harness in `common`, both because one seaworthy rule
//! covers several KICS queries:
//! - a KICS query is about one package manager, so only the findings about that manager
//!   count for it (the message of every finding names the command, `` `apk add` …``): an
//!   unpinned `pip install` in a negative sample of KICS's apk query is what KICS's pip
//!   query reports, not a disagreement;
//! - KICS reports a multi-line `RUN` at its first line, seaworthy at the line of the
//!   offending word: a finding counts for the line it starts on and for the first line of
//!   the instruction that holds it.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Disagreement, KicsResult, assert_kics, check_dockerfile, data_dir, settings_for};
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::dockerfile;

/// `(file, line)` pairs of `positive_expected_result.json`.
fn expected_pairs(test_dir: &Path, positives: &[String]) -> BTreeSet<(String, u32)> {
    let text = std::fs::read_to_string(test_dir.join("positive_expected_result.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let line = u32::try_from(entry["line"].as_u64().unwrap()).unwrap();
            let file = entry
                .get("fileName")
                .or_else(|| entry.get("filename"))
                .and_then(|f| f.as_str())
                .map_or_else(|| positives[0].clone(), str::to_owned);
            (file, line)
        })
        .collect()
}

/// The lines a finding counts for: where it starts, and where its instruction starts.
fn finding_lines(text: &str, start: u32) -> [u32; 2] {
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, text);
    let ast = dockerfile::parse(&file.text);
    let own = file.line_col(start).line;
    let instruction = ast
        .instructions
        .iter()
        .find(|i| i.span.start <= start && start < i.span.end.max(i.span.start + 1))
        .map_or(own, |i| file.line_col(i.span.start).line);
    [own, instruction]
}

/// Whether a message starts with one of the commands (`` `pip install`` and `` `pip3
/// install`` both start with `pip`; `` `apt-get`` does not start with `apt`).
fn names_command(message: &str, commands: &[&str]) -> bool {
    let Some(rest) = message.strip_prefix('`') else {
        return false;
    };
    commands.iter().any(|c| {
        rest.strip_prefix(c)
            .and_then(|after| after.chars().next())
            .is_some_and(|next| next == ' ' || next.is_ascii_digit() || next == '.')
    })
}

/// Runs rule `code` on every sample of KICS query `folder`, counting only the findings
/// whose message starts with one of `commands` (`` `apk `` for `apk add`…); an empty
/// list counts every finding.
fn kics(folder: &str, code: &str, commands: &[&str], disagreements: &[Disagreement]) -> KicsResult {
    let test_dir = data_dir().join("kics/dockerfile").join(folder).join("test");
    let mut names: Vec<String> = std::fs::read_dir(&test_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".dockerfile"))
        .collect();
    names.sort();
    let positives: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("positive"))
        .cloned()
        .collect();
    let expected = expected_pairs(&test_dir, &positives);
    let settings = settings_for(&[code]);
    let mut result = KicsResult {
        query: folder.to_owned(),
        expected: expected.len(),
        ..KicsResult::default()
    };
    let used = std::cell::RefCell::new(vec![false; disagreements.len()]);
    let waived = |file: &str, lines: &[u32]| {
        let mut hit = false;
        for (i, d) in disagreements.iter().enumerate() {
            if d.file == file && d.line.is_none_or(|l| lines.contains(&l)) {
                used.borrow_mut()[i] = true;
                hit = true;
            }
        }
        hit
    };
    for name in &names {
        let text = std::fs::read_to_string(test_dir.join(name)).unwrap();
        let findings: Vec<[u32; 2]> = check_dockerfile(&text, &settings)
            .iter()
            .filter(|f| f.rule.code == code)
            .filter(|f| commands.is_empty() || names_command(&f.message, commands))
            .map(|f| finding_lines(&text, f.location.span.start))
            .collect();
        result.count_sample(name, &text, &findings, &expected, waived);
    }
    for (d, used) in disagreements.iter().zip(used.borrow().iter()) {
        assert!(
            *used,
            "{folder}: the disagreement on {}:{:?} no longer applies",
            d.file, d.line
        );
    }
    result
}

/// Asserts the acceptance bar and prints the query's figures (`cargo test -- --nocapture`).
#[allow(clippy::print_stdout)]
fn check(folder: &str, code: &str, commands: &[&str], disagreements: &[Disagreement]) {
    let result = kics(folder, code, commands, disagreements);
    println!(
        "{folder} -> {code}: matched {}/{} (waived {}), negative hits {}",
        result.matched,
        result.expected,
        result.waived,
        result.negative_hits.len()
    );
    assert_kics(&result);
}

const APT: &[&str] = &["apt-get", "apt"];

// SW404 package-cache-kept

#[test]
fn apk_add_using_local_cache_path_is_sw404() {
    check("apk_add_using_local_cache_path", "SW404", &["apk"], &[]);
}

#[test]
fn apt_get_install_lists_were_not_deleted_is_sw404() {
    const UNSHIPPED: &str = "this stage is neither the final one nor a stage it builds on, so its \
                             lists never reach the shipped image (hadolint DL3009 also skips it)";
    check(
        "apt_get_install_lists_were_not_deleted",
        "SW404",
        APT,
        &[
            Disagreement {
                file: "positive.dockerfile",
                line: Some(2),
                reason: UNSHIPPED,
            },
            Disagreement {
                file: "positive.dockerfile",
                line: Some(8),
                reason: UNSHIPPED,
            },
            Disagreement {
                file: "positive.dockerfile",
                line: Some(5),
                reason: "`apt-get install` without `apt-get update` in the same RUN downloads no \
                         lists of its own: they were written, and kept, by an earlier layer",
            },
        ],
    );
}

#[test]
fn missing_dnf_clean_all_is_sw404() {
    check("missing_dnf_clean_all", "SW404", &["dnf", "microdnf"], &[]);
}

#[test]
fn missing_zypper_clean_is_sw404() {
    check("missing_zypper_clean", "SW404", &["zypper"], &[]);
}

#[test]
fn pip_install_keeping_cached_packages_is_sw404() {
    check(
        "pip_install_keeping_cached_packages",
        "SW404",
        &["pip"],
        &[Disagreement {
            file: "positive.dockerfile",
            line: Some(2),
            reason: "this first stage is neither the final one nor a stage it builds on, so its \
                     cache never reaches the shipped image",
        }],
    );
}

#[test]
fn yum_clean_all_missing_is_sw404() {
    const JOINED: &str = "the line continuation makes one command of the two lines, `yum install yum \
                          clean all`, which installs packages named `clean` and `all` and cleans \
                          nothing";
    check(
        "yum_clean_all_missing",
        "SW404",
        &["yum"],
        &[
            Disagreement {
                file: "positive.dockerfile",
                line: Some(12),
                reason: "the line continuation makes one command of the two lines, `yum clean all \
                         yum -y install`: a clean that installs nothing",
            },
            Disagreement {
                file: "negative.dockerfile",
                line: Some(13),
                reason: JOINED,
            },
        ],
    );
}

// SW405 apt-recommends-installed

#[test]
fn apt_get_not_avoiding_additional_packages_is_sw405() {
    check(
        "apt_get_not_avoiding_additional_packages",
        "SW405",
        &[],
        &[],
    );
}

// SW408 update-without-install

#[test]
fn update_instruction_alone_is_sw408() {
    check("update_instruction_alone", "SW408", &[], &[]);
}

// SW507 package-version-unpinned

#[test]
fn apt_get_install_pin_version_not_defined_is_sw507() {
    const TARGET: &str = "`-t` is apt's `--target-release` and takes `python` as its value: the \
                          command names no package";
    check(
        "apt_get_install_pin_version_not_defined",
        "SW507",
        APT,
        &[
            Disagreement {
                file: "positive.dockerfile",
                line: Some(6),
                reason: TARGET,
            },
            Disagreement {
                file: "positive2.dockerfile",
                line: Some(6),
                reason: TARGET,
            },
        ],
    );
}

#[test]
fn gem_install_without_version_is_sw507() {
    check("gem_install_without_version", "SW507", &["gem"], &[]);
}

#[test]
fn missing_version_specification_in_dnf_install_is_sw507() {
    check(
        "missing_version_specification_in_dnf_install",
        "SW507",
        &["dnf", "microdnf"],
        &[],
    );
}

#[test]
fn npm_install_without_pinned_version_is_sw507() {
    const LATEST: &str = "`@latest` is a moving dist-tag, not a version: the install changes with \
                          every release, as with no version at all";
    check(
        "npm_install_without_pinned_version",
        "SW507",
        &["npm"],
        &[
            Disagreement {
                file: "negative1.dockerfile",
                line: Some(3),
                reason: LATEST,
            },
            Disagreement {
                file: "negative1.dockerfile",
                line: Some(5),
                reason: LATEST,
            },
        ],
    );
}

#[test]
fn unpinned_package_version_in_apk_add_is_sw507() {
    check(
        "unpinned_package_version_in_apk_add",
        "SW507",
        &["apk"],
        &[],
    );
}

#[test]
fn unpinned_package_version_in_pip_install_is_sw507() {
    check(
        "unpinned_package_version_in_pip_install",
        "SW507",
        &["pip"],
        &[],
    );
}

#[test]
fn yum_install_without_version_is_sw507() {
    check("yum_install_without_version", "SW507", &["yum"], &[]);
}

#[test]
fn zypper_install_without_version_is_sw507() {
    check("zypper_install_without_version", "SW507", &["zypper"], &[]);
}

// SW813 non-interactive-flag-missing

#[test]
fn apt_get_missing_flags_to_avoid_manual_input_is_sw813() {
    check(
        "apt_get_missing_flags_to_avoid_manual_input",
        "SW813",
        APT,
        &[],
    );
}

#[test]
fn missing_flag_from_dnf_install_is_sw813() {
    check("missing_flag_from_dnf_install", "SW813", &["dnf"], &[]);
}

#[test]
fn missing_zypper_non_interactive_switch_is_sw813() {
    check(
        "missing_zypper_non_interactive_switch",
        "SW813",
        &["zypper"],
        &[Disagreement {
            file: "negative2.dockerfile",
            line: Some(6),
            reason: "a builder stage runs during the build too: `zypper install` without `-n` \
                     stops at its prompt there just the same",
        }],
    );
}

#[test]
fn yum_install_allows_manual_input_is_sw813() {
    check(
        "yum_install_allows_manual_input",
        "SW813",
        &["yum"],
        &[Disagreement {
            file: "positive.dockerfile",
            line: Some(4),
            reason: "the exec-form program is the single word `sudo yum`, which does not exist: \
                     the step fails without running yum",
        }],
    );
}

/// The manager filter is not a loophole: on these samples every finding of the rule is
/// about the query's own manager or about a line another KICS query reports.
#[test]
fn manager_filter_only_drops_other_managers() {
    for (folder, code, commands) in [
        ("gem_install_without_version", "SW507", &["gem"][..]),
        ("unpinned_package_version_in_apk_add", "SW507", &["apk"][..]),
    ] {
        let all = kics(folder, code, &[], &[]);
        let own = kics(folder, code, commands, &[]);
        assert!(
            all.negative_hits.len() > own.negative_hits.len(),
            "{folder}"
        );
        let dropped: Vec<_> = all
            .negative_hits
            .iter()
            .filter(|h| !own.negative_hits.contains(h))
            .collect();
        assert!(
            dropped
                .iter()
                .all(|(_, _, line)| line.contains("apk ") || line.contains("pip ")),
            "{folder}: {dropped:?}"
        );
    }
}

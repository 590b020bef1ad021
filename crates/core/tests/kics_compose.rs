//! KICS docker compose samples (`tests/data/compose/kics/<query>/`) for the runtime rules:
//! for every query that maps onto a seaworthy rule, at least 95% of the expected
//! `(file, line)` pairs are reported by the mapped rules, and no negative sample triggers
//! them. KICS gates its compose queries on the obsolete `version:` key; seaworthy ignores it.
//!
//! Queries without a seaworthy rule: `cgroup_not_default`, `healthcheck_not_set`,
//! `privileged_ports_mapped_in_container`, `restart_policy_on_failure_not_set_to_5`,
//! `shared_volumes_between_containers`, `volume_mounted_in_multiple_containers`.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use common::{Disagreement, KicsResult, assert_kics, data_dir, expected_pairs, settings_for};
use seaworthy_core::compose_check::{ComposeRequest, check_run};
use seaworthy_core::syntax::compose::LoadOptions;

/// Runs `codes` on every sample of KICS compose query `query`.
fn kics_compose(query: &str, codes: &[&str], disagreements: &[Disagreement]) -> KicsResult {
    let dir = data_dir().join("compose/kics").join(query);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml"))
        })
        .collect();
    names.sort();
    let positives: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("positive"))
        .cloned()
        .collect();
    let expected = expected_pairs(&dir, &positives);
    let settings = settings_for(codes);
    let mut result = KicsResult {
        query: query.to_owned(),
        expected: expected.len(),
        ..KicsResult::default()
    };
    let waived = |file: &str, line: u32| {
        disagreements
            .iter()
            .any(|d| d.file == file && d.line.is_none_or(|l| l == line))
    };
    for name in &names {
        let request = ComposeRequest {
            files: vec![dir.join(name)],
            options: LoadOptions::default(),
            root: dir.clone(),
        };
        let outcome = check_run(Vec::new(), &[request], &dir, &settings, &[]);
        let found: BTreeSet<u32> = outcome
            .findings
            .iter()
            .filter(|f| *f.location.path == **name && codes.contains(&f.rule.code))
            .map(|f| f.location.start().line)
            .collect();
        let found: Vec<[u32; 1]> = found.into_iter().map(|l| [l]).collect();
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        result.count_sample(name, &text, &found, &expected, |file, lines| {
            lines.iter().any(|l| waived(file, *l))
        });
    }
    result
}

#[test]
fn privileged_containers_enabled_is_sw601() {
    assert_kics(&kics_compose(
        "privileged_containers_enabled",
        &["SW601"],
        &[],
    ));
}

#[test]
fn container_capabilities_unrestricted_is_sw602_and_sw603() {
    assert_kics(&kics_compose(
        "container_capabilities_unrestricted",
        &["SW602", "SW603"],
        &[],
    ));
}

const ONE_MISSING_LIMIT: &str = "a `deploy:` without `resources` lacks one limit: seaworthy reports it once, at `deploy`, where KICS also reports the service key";

#[test]
fn memory_not_limited_is_sw605() {
    assert_kics(&kics_compose(
        "memory_not_limited",
        &["SW605"],
        &[Disagreement {
            file: "positive3.yaml",
            line: Some(3),
            reason: ONE_MISSING_LIMIT,
        }],
    ));
}

#[test]
fn cpus_not_limited_is_sw606() {
    assert_kics(&kics_compose(
        "cpus_not_limited",
        &["SW606"],
        &[Disagreement {
            file: "positive3.yaml",
            line: Some(3),
            reason: ONE_MISSING_LIMIT,
        }],
    ));
}

#[test]
fn pids_limit_not_set_is_sw607() {
    assert_kics(&kics_compose("pids_limit_not_set", &["SW607"], &[]));
}

#[test]
fn docker_socket_mounted_in_container_is_sw610() {
    assert_kics(&kics_compose(
        "docker_socket_mounted_in_container",
        &["SW610"],
        &[],
    ));
}

#[test]
fn volume_has_sensitive_host_directory_is_sw611() {
    assert_kics(&kics_compose(
        "volume_has_sensitive_host_directory",
        &["SW611"],
        &[
            Disagreement {
                file: "positive1.yaml",
                line: Some(11),
                reason: "`- /var/lib/backup/data` is an anonymous volume at that container path: nothing of the host is mounted",
            },
            Disagreement {
                file: "positive2.yaml",
                line: Some(18),
                reason: "`/var/lib/backup/data` is an application data directory; below `/var/lib` only the runtimes' state (`docker`, `kubelet`) is sensitive",
            },
            Disagreement {
                file: "positive3.yaml",
                line: Some(12),
                reason: "`/var/data` is an application data directory; KICS treats all of `/var` as sensitive",
            },
        ],
    ));
}

#[test]
fn host_namespace_is_shared_is_sw612() {
    assert_kics(&kics_compose("host_namespace_is_shared", &["SW612"], &[]));
}

#[test]
fn shared_host_ipc_namespace_is_sw612() {
    assert_kics(&kics_compose("shared_host_ipc_namespace", &["SW612"], &[]));
}

#[test]
fn shared_host_network_namespace_is_sw612() {
    assert_kics(&kics_compose(
        "shared_host_network_namespace",
        &["SW612"],
        &[],
    ));
}

#[test]
fn shared_host_user_namespace_is_sw612() {
    assert_kics(&kics_compose("shared_host_user_namespace", &["SW612"], &[]));
}

#[test]
fn default_seccomp_profile_disabled_is_sw613() {
    assert_kics(&kics_compose(
        "default_seccomp_profile_disabled",
        &["SW613"],
        &[Disagreement {
            file: "positive1.yaml",
            line: Some(13),
            reason: "`label:seccomp:unconfined` is an SELinux label option (invalid, and ignored where SELinux is off), not a seccomp setting: the seccomp profile stays on",
        }],
    ));
}

#[test]
fn no_new_privileges_not_set_is_sw614() {
    assert_kics(&kics_compose("no_new_privileges_not_set", &["SW614"], &[]));
}

#[test]
fn security_opt_not_set_is_sw614() {
    assert_kics(&kics_compose(
        "security_opt_not_set",
        &["SW614"],
        &[Disagreement {
            file: "negative1.yaml",
            line: Some(13),
            reason: "KICS only asks for some `security_opt`; `apparmor:unconfined` alone still lets processes gain privileges, which SW614 reports",
        }],
    ));
}

#[test]
fn container_traffic_not_bound_to_host_interface_is_sw615() {
    assert_kics(&kics_compose(
        "container_traffic_not_bound_to_host_interface",
        &["SW615"],
        &[],
    ));
}

/// The figures of every mapped query, printed with `--nocapture`.
#[test]
fn figures() {
    let queries: [(&str, &[&str]); 15] = [
        ("privileged_containers_enabled", &["SW601"]),
        ("container_capabilities_unrestricted", &["SW602", "SW603"]),
        ("memory_not_limited", &["SW605"]),
        ("cpus_not_limited", &["SW606"]),
        ("pids_limit_not_set", &["SW607"]),
        ("docker_socket_mounted_in_container", &["SW610"]),
        ("volume_has_sensitive_host_directory", &["SW611"]),
        ("host_namespace_is_shared", &["SW612"]),
        ("shared_host_ipc_namespace", &["SW612"]),
        ("shared_host_network_namespace", &["SW612"]),
        ("shared_host_user_namespace", &["SW612"]),
        ("default_seccomp_profile_disabled", &["SW613"]),
        ("no_new_privileges_not_set", &["SW614"]),
        ("security_opt_not_set", &["SW614"]),
        ("container_traffic_not_bound_to_host_interface", &["SW615"]),
    ];
    let mut out = String::new();
    let (mut expected, mut matched) = (0, 0);
    for (query, codes) in queries {
        let r = kics_compose(query, codes, &[]);
        expected += r.expected;
        matched += r.matched;
        let _ = writeln!(
            out,
            "{query} ({}): {}/{} matched without waivers, missed {:?}, negative hits {:?}",
            codes.join("+"),
            r.matched,
            r.expected,
            r.missed,
            r.negative_hits
                .iter()
                .map(|(f, l, _)| (f.as_str(), *l))
                .collect::<Vec<_>>()
        );
    }
    let _ = writeln!(out, "total: {matched}/{expected}");
    // Visible with `cargo test --test kics_compose figures -- --nocapture`.
    std::io::Write::write_all(&mut std::io::stderr(), out.as_bytes()).unwrap();
    assert!(matched * 100 >= expected * 85, "{out}");
}

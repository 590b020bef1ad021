//! seaworthy on its own repository: the root Dockerfile follows the checklist, and
//! `seaworthy check .` is clean at `low` and above with only test data ignored.

use std::fs;
use std::process::Command;

use seaworthy_core::syntax::dockerfile::{self, Args, Keyword};
use serde_json::Value;

use crate::{repo, seaworthy};

/// The folders `.seaworthy.toml` ignores: deliberately insecure test data.
const TEST_DATA: &str = r"^(crates/[^/]+/tests/|tests/data/|examples/insecure-[^/]+/)";

fn check(args: &[&str]) -> (i32, Value) {
    let out = Command::new(seaworthy())
        .current_dir(repo())
        .args(["check", "--format", "json", "--fail-on", "low"])
        .args(args)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

#[test]
fn root_dockerfile_is_clean_without_any_configuration() {
    let (code, doc) = check(&["--isolated", "--select", "all", "Dockerfile"]);
    let findings = doc["findings"].as_array().unwrap();
    let shown: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {} {}", f["code"], f["severity"], f["message"]))
        .collect();
    // Nothing at low or above, and nothing hidden by a suppression comment either.
    let relevant: Vec<&String> = shown
        .iter()
        .zip(findings)
        .filter(|(_, f)| f["severity"] != "info")
        .map(|(s, _)| s)
        .collect();
    assert!(relevant.is_empty(), "{relevant:#?}");
    assert_eq!(doc["summary"]["suppressed"], 0, "{shown:#?}");
    assert_eq!(code, 0);
}

#[test]
fn repository_is_clean_and_ignores_only_test_data() {
    let test_data = regex::Regex::new(TEST_DATA).unwrap();
    let (code, doc) = check(&["."]);
    assert_eq!(code, 0, "{:#}", doc["findings"]);
    assert_eq!(doc["summary"]["findings"], 0, "{:#}", doc["findings"]);
    for f in doc["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        assert!(
            test_data.is_match(path),
            "{path}: suppressed outside the test data: {f:#}"
        );
    }
    for d in doc["diagnostics"].as_array().unwrap() {
        assert_eq!(d["level"], "warning", "{d:#}");
    }
}

/// The checklist steps that apply to a Dockerfile, checked on its structure, independent of
/// which rules exist.
#[test]
fn root_dockerfile_follows_the_checklist() {
    let text = fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let ast = dockerfile::parse(&text);
    assert!(ast.errors.is_empty(), "{:?}", ast.errors);
    assert!(
        ast.directives.is_empty(),
        "no syntax directive: it would pull an unpinned frontend"
    );

    let digest = regex::Regex::new(r"^[a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$").unwrap();
    let mut stages: Vec<Vec<&dockerfile::Instruction>> = Vec::new();
    for instr in &ast.instructions {
        if instr.keyword == Keyword::From {
            let image = &instr.words()[0].text;
            // Step 5: every base image pinned by tag and digest.
            assert!(digest.is_match(image), "{image} is not pinned by digest");
            stages.push(Vec::new());
        }
        stages.last_mut().expect("FROM first").push(instr);
    }
    // Step 4: multi-stage; the shipped stage has no RUN, so no build tools, no shell use.
    assert!(stages.len() >= 2, "a build stage and a runtime stage");
    let last = stages.last().unwrap();
    let base = &last[0].words()[0].text;
    assert!(
        base.starts_with("gcr.io/distroless/static") && base.contains(":nonroot@"),
        "step 1: a minimal, non-root base: {base}"
    );
    assert!(
        last.iter().all(|i| i.keyword != Keyword::Run),
        "RUN in the final stage"
    );
    assert!(
        last.iter().all(|i| i.keyword != Keyword::Add),
        "ADD in the final stage"
    );
    for instr in last.iter().filter(|i| i.keyword == Keyword::Copy) {
        assert!(
            instr.flag("from").is_some(),
            "the final stage copies only build output"
        );
    }
    // Step 2: a numeric, non-root user.
    let users: Vec<String> = last
        .iter()
        .filter(|i| i.keyword == Keyword::User)
        .map(|i| match &i.args {
            Args::Text(t) => t.text.trim().to_owned(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(users.len(), 1, "{users:?}");
    let (uid, gid) = users[0].split_once(':').unwrap();
    assert!(uid.parse::<u32>().unwrap() > 0 && gid.parse::<u32>().unwrap() > 0);
    // Exec-form entrypoint (signals reach the program), and an explicit HEALTHCHECK NONE:
    // a command-line tool has nothing to probe.
    let entrypoint = last
        .iter()
        .find(|i| i.keyword == Keyword::Entrypoint)
        .unwrap();
    assert!(entrypoint.args.is_exec());
    assert!(last.iter().any(|i| i.keyword == Keyword::Healthcheck));
    // Step 10: no secrets passed as build arguments or environment.
    assert!(ast.instructions.iter().all(|i| i.keyword != Keyword::Env));

    // Step 6: the build context is an allow-list.
    let ignore = fs::read_to_string(repo().join(".dockerignore")).unwrap();
    let first = ignore
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty());
    assert_eq!(
        first,
        Some("*"),
        "the .dockerignore starts by excluding everything"
    );
    for needed in ["!Cargo.toml", "!Cargo.lock", "!crates/"] {
        assert!(ignore.lines().any(|l| l == needed), "{needed}");
    }
    assert!(
        ignore.lines().any(|l| l == "crates/*/tests/"),
        "test data stays out"
    );
}

//! Checking compose projects end to end: the hardened service, Dockerfiles linked from
//! `build:` (build arguments, targets, one report per configuration, related locations),
//! the loader's limits, and bad input.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::settings_for;
use seaworthy_core::compose_check::{ComposeRequest, RunOutcome, check_run};
use seaworthy_core::diagnostic::DiagnosticKind;
use seaworthy_core::engine;
use seaworthy_core::finding::Finding;
use seaworthy_core::settings::Settings;
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::compose::LoadOptions;

/// A scratch directory with files, removed on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(files: &[(&str, &str)]) -> Tree {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seaworthy-compose-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Tree(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Checks `compose` (relative paths) as one project rooted at the tree, plus the
    /// standalone Dockerfiles `dockerfiles`.
    fn check(&self, compose: &[&str], dockerfiles: &[&str], settings: &Settings) -> RunOutcome {
        self.check_with(compose, dockerfiles, LoadOptions::default(), settings)
    }

    fn check_with(
        &self,
        compose: &[&str],
        dockerfiles: &[&str],
        options: LoadOptions,
        settings: &Settings,
    ) -> RunOutcome {
        let files = dockerfiles
            .iter()
            .enumerate()
            .map(|(i, d)| {
                SourceFile::new(
                    FileId(u32::try_from(i).unwrap()),
                    *d,
                    FileKind::Dockerfile,
                    std::fs::read_to_string(self.path(d)).unwrap(),
                )
            })
            .collect();
        let request = ComposeRequest {
            files: compose.iter().map(|c| self.path(c)).collect(),
            options,
            root: self.0.clone(),
        };
        check_run(files, &[request], &self.0, settings, &[])
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn of<'a>(outcome: &'a RunOutcome, code: &str) -> Vec<&'a Finding> {
    outcome
        .findings
        .iter()
        .filter(|f| f.rule.code == code && f.suppressed.is_none())
        .collect()
}

fn at(f: &Finding) -> (String, u32) {
    (f.location.path.to_string(), f.location.start().line)
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

#[test]
fn a_hardened_service_has_no_runtime_finding() {
    let dir = fixture("SW601/hardened");
    let request = ComposeRequest {
        files: vec![dir.join("compose.yaml")],
        options: LoadOptions::default(),
        root: dir.clone(),
    };
    let settings = settings_for(&["SW0", "SW1", "SW3", "SW6"]);
    let outcome = check_run(Vec::new(), &[request], &dir, &settings, &[]);
    let codes: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| (f.rule.code, at(f)))
        .collect();
    assert!(codes.is_empty(), "{codes:?}");
    // The same file with the hardening removed fires every missing-setting rule.
    let text = std::fs::read_to_string(dir.join("compose.yaml")).unwrap();
    let bare = "services:\n  api:\n    image: ghcr.io/acme/api:3.2.0\n";
    assert!(text.contains(bare.lines().nth(2).unwrap()));
    let tree = Tree::new(&[("compose.yaml", bare)]);
    let outcome = tree.check(&["compose.yaml"], &[], &settings_for(&["SW6"]));
    let mut codes: Vec<&str> = outcome.findings.iter().map(|f| f.rule.code).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        ["SW603", "SW604", "SW605", "SW606", "SW607", "SW614"],
        "missing settings point at the service key"
    );
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| at(f) == ("compose.yaml".to_owned(), 2))
    );
}

#[test]
fn interpolated_default_latest_fires_sw101() {
    let tree = Tree::new(&[(
        "compose.yaml",
        "services:\n  db:\n    image: postgres:${TAG:-latest}\n",
    )]);
    let outcome = tree.check(&["compose.yaml"], &[], &settings_for(&["SW101"]));
    let f = of(&outcome, "SW101");
    assert_eq!(f.len(), 1);
    assert_eq!(at(f[0]), ("compose.yaml".to_owned(), 3));
    assert!(
        f[0].message.contains("defaults to `postgres:latest`"),
        "{}",
        f[0].message
    );
    // With TAG known from an env file given explicitly (as `--env-file`), it is pinned.
    let tree = Tree::new(&[
        (
            "compose.yaml",
            "services:\n  db:\n    image: postgres:${TAG:-latest}\n",
        ),
        ("ci.env", "TAG=16.4-bookworm\n"),
        (".env", "TAG=latest\n"),
    ]);
    let options = LoadOptions {
        env_files: vec![tree.path("ci.env")],
        ..LoadOptions::default()
    };
    let outcome = tree.check_with(&["compose.yaml"], &[], options, &settings_for(&["SW101"]));
    assert!(of(&outcome, "SW101").is_empty());
    // The `.env` beside the file is used when no env file is given.
    let outcome = tree.check(&["compose.yaml"], &[], &settings_for(&["SW101"]));
    assert_eq!(of(&outcome, "SW101").len(), 1);
}

#[test]
fn build_service_without_user_fires_sw608_and_user_1000_does_not() {
    let tree = Tree::new(&[
        (
            "compose.yaml",
            "services:\n  root:\n    build: ./app\n  app:\n    build: ./app\n    user: \"1000\"\n",
        ),
        (
            "app/Dockerfile",
            "FROM python:3.12.7-slim-bookworm\nCOPY . /app\n",
        ),
    ]);
    let outcome = tree.check(&["compose.yaml"], &[], &settings_for(&["SW608"]));
    let f = of(&outcome, "SW608");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(at(f[0]), ("compose.yaml".to_owned(), 2));
    assert_eq!(&*f[0].related[0].location.path, "app/Dockerfile");
    assert_eq!(f[0].related[0].location.start().line, 1);
}

const MULTI: &str = "\
FROM node AS base
WORKDIR /app
# seaworthy: ignore[SW201] the platform sets the user at deploy time
FROM base
COPY . .
";

#[test]
fn a_dockerfile_is_checked_once_per_configuration() {
    let tree = Tree::new(&[
        (
            "compose.yaml",
            "services:\n  a:\n    build: ./app\n  b:\n    build: ./app\n  c:\n    build:\n      context: ./app\n      target: base\n",
        ),
        ("app/Dockerfile", MULTI),
    ]);
    let settings = settings_for(&["SW101", "SW201", "SW002"]);
    for standalone in [&[][..], &["app/Dockerfile"][..]] {
        let outcome = tree.check(&["compose.yaml"], standalone, &settings);
        // `FROM node` is unpinned in every configuration: one finding, caused by no service.
        let sw101 = of(&outcome, "SW101");
        assert_eq!(sw101.len(), 1, "{sw101:?}");
        assert!(sw101[0].related.is_empty());
        // The default configuration's finding is suppressed; the `base` target's is not, and
        // it names service `c`.
        let sw201 = of(&outcome, "SW201");
        assert_eq!(sw201.len(), 1, "{sw201:?}");
        assert_eq!(at(sw201[0]), ("app/Dockerfile".to_owned(), 1));
        assert_eq!(sw201[0].related.len(), 1);
        let related = &sw201[0].related[0];
        assert_eq!(
            (&*related.location.path, related.location.start().line),
            ("compose.yaml", 7)
        );
        assert!(related.label.contains("`c`") && related.label.contains("target `base`"));
        // The directive is used by the default configuration: not reported as unused, although
        // the `base` configuration does not use it.
        assert!(
            of(&outcome, "SW002").is_empty(),
            "{:?}",
            of(&outcome, "SW002")
        );
        // The Dockerfile is one file of the run.
        let paths: Vec<&str> = outcome.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.iter().filter(|p| **p == "app/Dockerfile").count(), 1);
        // Fingerprints are unique.
        let mut prints: Vec<&str> = outcome
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        prints.sort_unstable();
        prints.dedup();
        assert_eq!(prints.len(), outcome.findings.len());
    }
}

#[test]
fn build_args_replace_defaults_and_unknown_args_are_not_guessed() {
    let dockerfile = "ARG TAG=latest\nFROM node:${TAG}\nUSER 10001\n";
    let compose = "services:\n  pinned:\n    build:\n      context: .\n      args:\n        TAG: \"22.11.0\"\n  from_env:\n    build:\n      context: .\n      args:\n        - TAG\n";
    let tree = Tree::new(&[("compose.yaml", compose), ("Dockerfile", dockerfile)]);
    let settings = settings_for(&["SW101"]);
    // Reached only through compose: neither service's build is unpinned.
    let outcome = tree.check(&["compose.yaml"], &[], &settings);
    assert!(
        of(&outcome, "SW101").is_empty(),
        "{:?}",
        of(&outcome, "SW101")
    );
    // Found on its own, the Dockerfile's default `latest` is reported, without services.
    let outcome = tree.check(&["compose.yaml"], &["Dockerfile"], &settings);
    let f = of(&outcome, "SW101");
    assert_eq!(f.len(), 1);
    assert!(f[0].related.is_empty());
    // A service that keeps the default is named as a cause when the file's own
    // configuration pins it.
    let compose = "services:\n  default:\n    build: .\n";
    let tree = Tree::new(&[("compose.yaml", compose), ("Dockerfile", dockerfile)]);
    let mut settings = settings_for(&["SW101"]);
    settings.build.args.insert("TAG".into(), "22.11.0".into());
    let outcome = tree.check(&["compose.yaml"], &["Dockerfile"], &settings);
    let f = of(&outcome, "SW101");
    assert_eq!(f.len(), 1);
    assert_eq!(&*f[0].related[0].location.path, "compose.yaml");
    assert!(f[0].related[0].label.contains("`default`"));
}

#[test]
fn inline_dockerfiles_are_analysed_for_the_user() {
    let compose = "services:\n  inline:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine:3.20.3\n        RUN apk add --no-cache curl\n  inline_user:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine:3.20.3\n        USER 10001\n";
    let tree = Tree::new(&[("compose.yaml", compose)]);
    let outcome = tree.check(&["compose.yaml"], &[], &settings_for(&["SW608"]));
    let f = of(&outcome, "SW608");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(at(f[0]), ("compose.yaml".to_owned(), 2));
    // The related location is the `FROM` inside the literal block.
    assert_eq!(f[0].related[0].location.start().line, 6);
}

/// The compose file's text at a finding's location.
fn text_at<'o>(outcome: &'o RunOutcome, f: &Finding) -> &'o str {
    let file = outcome
        .files
        .iter()
        .find(|s| *s.path == *f.location.path)
        .unwrap();
    file.slice(f.location.span)
}

#[test]
fn inline_dockerfiles_are_checked_with_their_service_build() {
    let inline = "      dockerfile_inline: |
        ARG TAG=latest
        FROM node:$${TAG}-alpine
        COPY . /app
        RUN mysql -uroot -pTr0ub4dor3x -h db app < /app/seed.sql
        ENV GITHUB_TOKEN=ghp_Zq8wX3vB7nM2kL5pR9tY4uI6oA1sD0fG2hJ4
        # seaworthy: ignore[SW810] no healthcheck rule is enabled here
        USER node
";
    let compose = format!(
        "services:\n  pinned:\n    build:\n      context: ./app\n      args:\n        TAG: 22.11.0\n{inline}  moving:\n    build:\n      context: ./ignored\n{inline}  escaped:\n    build:\n      dockerfile_inline: \"FROM node\\nENV GITHUB_TOKEN=ghp_Zq8wX3vB7nM2kL5pR9tY4uI6oA1sD0fG2hJ4\"\n"
    );
    let tree = Tree::new(&[
        ("compose.yaml", &compose),
        ("app/seed.sql", "select 1;\n"),
        ("ignored/.dockerignore", ".git\n"),
        ("ignored/seed.sql", "select 1;\n"),
    ]);
    let outcome = tree.check(
        &["compose.yaml"],
        &[],
        &settings_for(&["SW002", "SW101", "SW302", "SW305"]),
    );
    let lines = |code: &str| -> Vec<u32> {
        of(&outcome, code)
            .iter()
            .map(|f| f.location.start().line)
            .collect()
    };
    // The build argument pins the tag of the first service only.
    assert_eq!(lines("SW101"), [20, 28]);
    let sw101 = of(&outcome, "SW101");
    assert_eq!(text_at(&outcome, sw101[0]), "node:$${TAG}-alpine");
    assert_eq!(text_at(&outcome, sw101[1]), "dockerfile_inline");
    // Each service's own build context: only `./app` lacks an ignore file.
    assert_eq!(lines("SW305"), [10]);
    assert_eq!(text_at(&outcome, of(&outcome, "SW305")[0]), ".");
    // The password on the command line, found by the Dockerfile rule, and each token once:
    // the compose scan of every scalar and the Dockerfile rule agree.
    let sw302 = of(&outcome, "SW302");
    assert_eq!(lines("SW302"), [11, 12, 22, 23, 28], "{sw302:?}");
    assert_eq!(
        text_at(&outcome, sw302[4]),
        "ghp_Zq8wX3vB7nM2kL5pR9tY4uI6oA1sD0fG2hJ4"
    );
    let password = sw302[0];
    assert_eq!(
        outcome.files[password.file.0 as usize].slice(password.secret.unwrap()),
        "Tr0ub4dor3x"
    );
    // The unused suppression inside the inline text, with its fix mapped exactly.
    let unused = of(&outcome, "SW002");
    assert_eq!(lines("SW002"), [13, 24]);
    let edit = &unused[0].fix.as_ref().unwrap().edits[0];
    let compose_file = &outcome.files[unused[0].file.0 as usize];
    assert_eq!(
        compose_file.slice(edit.span),
        "# seaworthy: ignore[SW810] no healthcheck rule is enabled here"
    );
}

#[test]
fn files_outside_the_root_are_never_read() {
    let tree = Tree::new(&[
        (
            "proj/compose.yaml",
            "services:\n  app:\n    build: ../outside\n    extends:\n      file: ../outside/base.yaml\n      service: base\n",
        ),
        ("outside/Dockerfile", "FROM node\n"),
        (
            "outside/base.yaml",
            "services:\n  base:\n    privileged: true\n",
        ),
    ]);
    let request = ComposeRequest {
        files: vec![tree.path("proj/compose.yaml")],
        options: LoadOptions::default(),
        root: tree.path("proj"),
    };
    let outcome = check_run(
        Vec::new(),
        &[request],
        &tree.0,
        &settings_for(&["SW0", "SW1", "SW6"]),
        &[],
    );
    let paths: Vec<&str> = outcome.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["proj/compose.yaml"]);
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.path == "outside/Dockerfile" && d.kind == DiagnosticKind::SymlinkEscapes),
        "{:?}",
        outcome.diagnostics
    );
    assert!(of(&outcome, "SW601").is_empty());
    let sw001 = of(&outcome, "SW001");
    assert_eq!(sw001.len(), 1, "{sw001:?}");
    assert!(
        sw001[0]
            .message
            .starts_with("Cannot read `../outside/base.yaml`"),
        "{}",
        sw001[0].message
    );
}

#[test]
fn unreadable_and_oversized_files_are_diagnostics_and_the_run_goes_on() {
    let big = format!(
        "services:\n  a:\n    image: x:1.0.0\n# {}\n",
        "x".repeat(4096)
    );
    let tree = Tree::new(&[
        ("big/compose.yaml", &big),
        ("ok/compose.yaml", "services:\n  a:\n    image: nginx\n"),
    ]);
    let mut settings = settings_for(&["SW101"]);
    settings.max_file_size = 1024;
    let requests: Vec<ComposeRequest> = [
        "big/compose.yaml",
        "missing/compose.yaml",
        "ok/compose.yaml",
    ]
    .iter()
    .map(|p| ComposeRequest {
        files: vec![tree.path(p)],
        options: LoadOptions::default(),
        root: tree.0.clone(),
    })
    .collect();
    let outcome = check_run(Vec::new(), &requests, &tree.0, &settings, &[]);
    let kinds: Vec<(&str, DiagnosticKind)> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.path.as_str(), d.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("big/compose.yaml", DiagnosticKind::TooLarge),
            ("missing/compose.yaml", DiagnosticKind::Unreadable)
        ]
    );
    assert_eq!(of(&outcome, "SW101").len(), 1);
}

#[test]
fn bad_input_is_reported_at_the_element_and_the_rest_is_checked() {
    let settings = settings_for(&["SW001", "SW601"]);
    let tree = Tree::new(&[("compose.yaml", "- just\n- a list\n")]);
    let outcome = tree.check(&["compose.yaml"], &[], &settings);
    assert_eq!(of(&outcome, "SW001").len(), 1);
    let tree = Tree::new(&[(
        "compose.yaml",
        "services:\n  broken: [1, 2]\n  ok:\n    image: a:1.0.0\n    privileged: true\n    ports: 80\n",
    )]);
    let outcome = tree.check(&["compose.yaml"], &[], &settings);
    let lines: Vec<u32> = of(&outcome, "SW001")
        .iter()
        .map(|f| f.location.start().line)
        .collect();
    assert_eq!(lines, [2, 6]);
    assert_eq!(of(&outcome, "SW601").len(), 1);
}

#[test]
fn a_compose_source_file_is_checked_on_its_own() {
    let file = SourceFile::new(
        FileId(0),
        "deploy/compose.yaml",
        FileKind::Compose,
        "services:\n  web:\n    image: nginx\n    # seaworthy: ignore[SW601] hardware access\n    privileged: true\n",
    );
    let outcome = engine::check(
        std::slice::from_ref(&file),
        &settings_for(&["SW101", "SW601"]),
    );
    let codes: Vec<(&str, u32, bool)> = outcome
        .findings
        .iter()
        .map(|f| (f.rule.code, f.location.start().line, f.suppressed.is_some()))
        .collect();
    assert_eq!(codes, [("SW101", 3, false), ("SW601", 5, true)]);
}

#[test]
fn a_compose_source_file_checks_its_inline_dockerfiles() {
    let file = SourceFile::new(
        FileId(0),
        "compose.yaml",
        FileKind::Compose,
        "services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM node\n        USER node\n",
    );
    let outcome = engine::check(std::slice::from_ref(&file), &settings_for(&["SW101"]));
    let f = of_findings(&outcome.findings, "SW101");
    assert_eq!(f.len(), 1);
    assert_eq!(&*f[0].location.path, "compose.yaml");
    assert_eq!(file.slice(f[0].location.span), "node");
}

fn of_findings<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule.code == code).collect()
}

#[test]
fn suppression_above_a_service_covers_the_service() {
    let tree = Tree::new(&[(
        "compose.yaml",
        "services:\n  # seaworthy: ignore[SW604, SW605] batch job\n  job:\n    image: a:1.0.0\n    read_only: false\n  web:\n    image: a:1.0.0\n",
    )]);
    let outcome = tree.check(
        &["compose.yaml"],
        &[],
        &settings_for(&["SW604", "SW605", "SW002"]),
    );
    let open: Vec<(&str, u32)> = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| (f.rule.code, f.location.start().line))
        .collect();
    assert_eq!(open, [("SW604", 6), ("SW605", 6)]);
    assert_eq!(
        outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .count(),
        2
    );
}

/// The 39 awesome-compose projects, checked with every rule through compose (their
/// Dockerfiles with the services' build settings). The snapshot lists the findings per rule
/// and file kind, and every compose finding of the rules that are not about a missing
/// hardening setting (those fire on each of the 81 services).
#[test]
fn awesome_compose_findings() {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    use seaworthy_core::syntax::compose::{FsLoader, default_files};

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose/awesome-compose");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let requests: Vec<ComposeRequest> = dirs
        .iter()
        .map(|d| ComposeRequest {
            files: default_files(d, &FsLoader::default()),
            options: LoadOptions::default(),
            root: root.clone(),
        })
        .collect();
    assert_eq!(requests.len(), 39);
    let settings = settings_for(&["all"]);
    let outcome = check_run(Vec::new(), &requests, &root, &settings, &[]);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    let kind = |path: &str| {
        outcome
            .files
            .iter()
            .find(|f| f.path == path)
            .map_or(FileKind::Other, |f| f.kind)
    };
    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    let mut listed = String::new();
    for f in &outcome.findings {
        let k = format!("{:?}", kind(&f.location.path));
        *counts.entry((f.rule.code, k)).or_default() += 1;
        let missing_setting = [
            "SW603", "SW604", "SW605", "SW606", "SW607", "SW614", "SW615",
        ];
        if kind(&f.location.path) == FileKind::Compose && !missing_setting.contains(&f.rule.code) {
            let _ = writeln!(
                listed,
                "{}:{} {} {}",
                f.location.path,
                f.location.start().line,
                f.rule.code,
                f.message
            );
        }
    }
    assert!(!counts.keys().any(|(code, _)| *code == "SW001"));
    let mut out = String::new();
    for ((code, k), n) in &counts {
        let _ = writeln!(out, "{code} {k}: {n}");
    }
    out.push('\n');
    out.push_str(&listed);
    insta::with_settings!({
        snapshot_path => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("awesome_compose_findings", out);
    });
}

mod robustness {
    use proptest::prelude::*;
    use seaworthy_core::engine;
    use seaworthy_core::source::{FileId, FileKind, SourceFile};

    const LINES: [&str; 40] = [
        "services:",
        "  web:",
        "  - web",
        "    image: nginx:${TAG:-latest}",
        "    build: .",
        "    build: {context: ., target: x, args: [A, B=1]}",
        "    user: ${U}",
        "    user: root",
        "    privileged: yes",
        "    read_only: ${RO:-false}",
        "    cap_add: [ALL, ${C}]",
        "    cap_drop:",
        "      - ALL",
        "    security_opt: [\"seccomp:unconfined\", no-new-privileges]",
        "    ports: [\"80:80\", {target: 1, published: x}, 3000]",
        "    volumes: [\"/:/r\", \"~/.ssh:/s\", {type: bind, source: /etc}]",
        "    environment: {PASSWORD: x, A: ghp_abcdefghijklmnopqrstuvwxyzABCDEF0123}",
        "    environment: [\"DB_PASSWORD=1\", TOKEN]",
        "    deploy: {resources: {limits: {memory: 0, cpus: -1, pids: x}}}",
        "    devices: [\"/dev/sda\"]",
        "    network_mode: host",
        "    extends: {service: web}",
        "    <<: *a",
        "x-a: &a {privileged: true}",
        "# seaworthy: ignore[SW601] r",
        "    # seaworthy: ignore-file[SW6",
        "volumes: {v: {driver_opts: {o: bind, device: /etc}}}",
        "include: [other.yaml]",
        "---",
        "  ]: [",
        "\t- \"unterminated",
        "",
        "    build:",
        "      dockerfile_inline: |",
        "      dockerfile_inline: >-",
        "      dockerfile_inline: \"FROM node\\nUSER root\"",
        "      dockerfile_inline: FROM x",
        "        FROM node:$${T}-${B:-alpine} AS é",
        "        RUN curl -k https://x | sh && mysql -pS3cr3tPw # seaworthy: ignore[SW201]",
        "        # seaworthy: ignore[SW501] r",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any mix of compose lines, broken or not, is checked by every rule without a panic.
        #[test]
        fn any_compose_text_is_checked_without_panic(
            picks in proptest::collection::vec(0..LINES.len(), 0..40),
            extra in "[ -~\n]{0,40}",
        ) {
            let mut text = String::new();
            for &i in &picks {
                text.push_str(LINES[i]);
                text.push('\n');
            }
            text.push_str(&extra);
            let file = SourceFile::new(FileId(0), "compose.yaml", FileKind::Compose, text);
            let settings = super::settings_for(&["all"]);
            let outcome = engine::check(std::slice::from_ref(&file), &settings);
            for f in &outcome.findings {
                prop_assert_eq!(&*f.location.path, "compose.yaml");
                prop_assert!(f.location.span.end as usize <= file.text.len());
                prop_assert!(file.text.is_char_boundary(f.location.span.start as usize));
                prop_assert!(file.text.is_char_boundary(f.location.span.end as usize));
                for r in &f.related {
                    prop_assert_eq!(&*r.location.path, "compose.yaml");
                }
                if let Some(secret) = f.secret {
                    prop_assert!(secret.end as usize <= file.text.len());
                }
            }
        }
    }
}

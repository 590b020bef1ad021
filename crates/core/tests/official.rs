//! The official-image Dockerfiles (a copied subset under `tests/data/official/`, with their
//! licenses) are well built: the default rules report nothing at `medium` or above on them,
//! apart from `SW201` (official images run as root by design) and the justified exceptions
//! below. Their build-from-source-and-purge and download-then-verify idioms must stay quiet.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use seaworthy_core::finding::Severity;

/// `(rule, path fragment, reason)`: findings at medium or above that are right on these files.
/// The `SW104` entries are end-of-life releases on the tests' fixed scan date (2026-11-29),
/// which is later than the copied snapshot: true findings.
const JUSTIFIED: &[(&str, &str, &str)] = &[
    (
        "SW101",
        "docker-nginx/modules/",
        "the modules example defaults `NGINX_FROM_IMAGE` to `nginx:mainline-alpine`, a moving channel \
         tag: a true finding (the example is meant to be built with an explicit --build-arg)",
    ),
    (
        "SW104",
        "buildpack-deps/ubuntu/questing/",
        "Ubuntu 25.10, an interim release, ended standard support on 2026-07-01",
    ),
    (
        "SW104",
        "docker-nginx/mainline/alpine-otel/",
        "the otel module variant builds on `nginx:1.27.4-alpine`; nginx 1.27 ended on 2025-06-24",
    ),
    (
        "SW104",
        "docker-nginx/mainline/debian-otel/",
        "the otel module variant builds on `nginx:1.27.4`; nginx 1.27 ended on 2025-06-24",
    ),
    (
        "SW104",
        "docker-nginx/stable/alpine/",
        "the slim-to-full layering builds on `nginx:1.26.3-alpine-slim`; nginx 1.26 ended on 2025-04-23",
    ),
    (
        "SW104",
        "docker-node/24/bullseye-slim/",
        "the bullseye variant is built on Debian 11, whose Debian LTS ended on 2026-08-31",
    ),
    (
        "SW104",
        "redis/6.2/alpine/",
        "built on `alpine:3.20`, which ended on 2026-04-01",
    ),
    (
        "SW104",
        "redis/7.0/alpine/",
        "built on `alpine:3.20`, which ended on 2026-04-01",
    ),
    (
        "SW104",
        "redis/7.2/alpine/",
        "built on `alpine:3.20`, which ended on 2026-04-01",
    ),
    (
        "SW104",
        "redis/7.4-rc/alpine/",
        "built on `alpine:3.20`, which ended on 2026-04-01",
    ),
    (
        "SW403",
        "buildpack-deps/",
        "buildpack-deps is the SDK image family by design: each variant is built on the previous \
         one (curl, then scm, then the compilers) and serves as the toolchain base of other images",
    ),
    (
        "SW403",
        "golang/1.27/bookworm/",
        "the golang image is the Go SDK by design; its final stage is built on buildpack-deps:*-scm",
    ),
    (
        "SW403",
        "python/3.11/trixie/",
        "the full (non-slim) python variant is deliberately built on buildpack-deps to ship a \
         toolchain for native extensions; slim and alpine variants exist for runtime use",
    ),
    (
        "SW403",
        "ruby/3.3/trixie/",
        "the full (non-slim) ruby variant is deliberately built on buildpack-deps to ship a \
         toolchain for native gems; slim and alpine variants exist for runtime use",
    ),
    (
        "SW403",
        "/jdk",
        "the tomcat `jdk*` variants ship a JDK on purpose (the `jre*` variants are the runtime \
         images)",
    ),
];

fn dockerfiles(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            dockerfiles(&p, out);
        } else if p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("Dockerfile")
        {
            out.push(p);
        }
    }
}

#[test]
fn official_images_are_quiet_at_medium_and_above() {
    let root = common::data_dir().join("official");
    let mut files = Vec::new();
    dockerfiles(&root, &mut files);
    files.sort();
    assert!(
        files.len() >= 40,
        "official subset missing ({} files)",
        files.len()
    );
    let settings = common::default_settings();
    let mut problems = Vec::new();
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        for f in common::check_dockerfile(&text, &settings) {
            if f.severity < Severity::Medium || f.rule.code == "SW201" {
                continue;
            }
            if JUSTIFIED
                .iter()
                .any(|(code, frag, _)| *code == f.rule.code && rel.contains(frag))
            {
                continue;
            }
            let line = f.location.start().line;
            problems.push(format!(
                "{rel}:{line}: {} [{}] {}",
                f.rule.code, f.severity, f.message
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} findings:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

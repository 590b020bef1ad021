//! Real Dockerfiles nobody here wrote parse without a single syntax error: the official-image
//! subset and the Dockerfiles of docker/awesome-compose (copied under `tests/data/` with their
//! licenses).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use seaworthy_core::syntax::dockerfile;

fn dockerfiles(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            dockerfiles(&p, out);
        } else {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("Dockerfile") && !name.ends_with(".dockerignore") {
                out.push(p);
            }
        }
    }
}

#[test]
fn real_dockerfiles_parse_without_errors() {
    let mut files = Vec::new();
    dockerfiles(&common::data_dir().join("official"), &mut files);
    let official = files.len();
    dockerfiles(
        &common::data_dir().join("compose/awesome-compose"),
        &mut files,
    );
    assert!(
        official >= 40 && files.len() - official >= 30,
        "corpus missing: {official} + {}",
        files.len() - official
    );
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let ast = dockerfile::parse(&text);
        if !ast.errors.is_empty() {
            failures.push(format!("{}: {:?}", path.display(), ast.errors));
        }
        assert!(!ast.instructions.is_empty(), "{}", path.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! BuildKit's own expansion test vectors (`tests/data/buildkit/shell/`, see `SOURCE.txt`),
//! run through `seaworthy_core::syntax::expand`.

use std::collections::HashMap;
use std::path::PathBuf;

use seaworthy_core::syntax::expand::{expand_word, expand_words, references};

fn data(name: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/data/buildkit/shell",
        name,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `envVarTest`: `PLATFORM | word | expected` with a fixed environment; `A` (all) and `U`
/// (Unix) lines run, `W` (Windows) lines are skipped.
#[test]
fn env_var_vectors() {
    let env: HashMap<String, String> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();

    let text = data("envVarTest");
    let mut run = 0;
    let mut skipped_windows = 0;
    let mut failures = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.trim().split('|').collect();
        let [platform, source, expected] = parts[..] else {
            failures.push(format!("line {lineno}: malformed vector {line:?}"));
            continue;
        };
        let (platform, source, expected) = (platform.trim(), source.trim(), expected.trim());
        match platform {
            "A" | "U" => {}
            "W" => {
                skipped_windows += 1;
                continue;
            }
            other => {
                failures.push(format!("line {lineno}: unknown platform {other:?}"));
                continue;
            }
        }
        run += 1;
        let got = expand_word(source, '\\', &env);
        // Extracting references must not fail or panic on any vector either.
        let _ = references(source, '\\');
        match (expected, got) {
            ("error", Ok(e)) => failures.push(format!(
                "line {lineno}: {source:?} should fail, got {:?}",
                e.value
            )),
            ("error", Err(_)) => {}
            (want, Ok(e)) if e.value == want && !e.unknown => {}
            (want, Ok(e)) => failures.push(format!(
                "line {lineno}: {source:?} gave {:?}, want {want:?}",
                e.value
            )),
            (want, Err(e)) => failures.push(format!(
                "line {lineno}: {source:?} failed at byte {} ({e}), want {want:?}",
                e.offset
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {run} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(run, 228, "number of A/U vectors run");
    assert_eq!(skipped_windows, 2, "number of W vectors skipped");
}

/// `wordsTest`: `ENV name=value` lines extend the environment (value not trimmed: trailing
/// spaces matter); other lines are `word | expected fields` with fields joined by `,`.
#[test]
fn words_vectors() {
    let text = data("wordsTest");
    let mut env: HashMap<String, String> = HashMap::new();
    let mut run = 0;
    let mut env_lines = 0;
    let mut failures = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        if line.starts_with('#') {
            continue;
        }
        if let Some(assign) = line.strip_prefix("ENV ") {
            let assign = assign.trim_start_matches(' ');
            let (name, value) = assign.split_once('=').unwrap_or((assign, ""));
            env.insert(name.to_owned(), value.to_owned());
            env_lines += 1;
            continue;
        }
        let parts: Vec<&str> = line.split('|').collect();
        let [source, expected] = parts[..] else {
            failures.push(format!("line {lineno}: malformed vector {line:?}"));
            continue;
        };
        let source = source.trim();
        let expected: Vec<&str> = expected.trim_start_matches(' ').split(',').collect();
        run += 1;
        match expand_words(source, '\\', &env) {
            Ok(w) if w.fields == expected && !w.unknown => {}
            Ok(w) => failures.push(format!(
                "line {lineno}: {source:?} gave {:?}, want {expected:?}",
                w.fields
            )),
            Err(_) if expected == ["error"] => {}
            Err(e) => failures.push(format!(
                "line {lineno}: {source:?} failed at byte {} ({e}), want {expected:?}",
                e.offset
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {run} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(run, 24, "number of word vectors run");
    assert_eq!(env_lines, 4, "number of ENV lines read");
}

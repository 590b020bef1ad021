//! No input makes the parser or the engine panic: random bytes (decoded lossily, as a
//! caller that accepted the file would see text), random text, and random mutations of real
//! Dockerfiles, checked with every rule enabled.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::LazyLock;

use proptest::prelude::*;
use seaworthy_core::engine;
use seaworthy_core::settings::Settings;
use seaworthy_core::source::{FileId, FileKind, SourceFile};
use seaworthy_core::syntax::dockerfile;

static ALL_RULES: LazyLock<Settings> = LazyLock::new(|| common::settings_for(&["all"]));

static SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut out = Vec::new();
    let mut stack = vec![common::data_dir().join("official")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("Dockerfile")
            {
                out.push(std::fs::read_to_string(p).unwrap());
            }
        }
    }
    out.sort();
    out.push(
        "FROM a AS b\nARG X=${Y:-${Z}}\nCOPY --from=b <<EOF /x\nhi\nEOF\nONBUILD RUN <<A\nA\n"
            .to_owned(),
    );
    out
});

fn check_all(text: &str) {
    let ast = dockerfile::parse(text);
    for e in &ast.errors {
        assert!(e.span.start <= e.span.end && e.span.end as usize <= text.len());
    }
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, text);
    let findings = engine::check(std::slice::from_ref(&file), &ALL_RULES).findings;
    for f in &findings {
        let s = f.location.span;
        assert!(
            s.start <= s.end && s.end as usize <= text.len(),
            "{} {s:?}",
            f.rule.code
        );
        assert!(
            text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
            "{} {s:?}",
            f.rule.code
        );
    }
}

/// Edits applied to a seed: insert, delete or replace a byte range with shell/Dockerfile
/// punctuation that stresses quoting, continuations and heredocs.
fn mutate(seed: &str, edits: &[(usize, usize, usize)]) -> String {
    const PIECES: [&str; 16] = [
        "\\\n", "\"", "'", "<<EOF\n", "EOF\n", "$(", ")", "${", "}", "\n", "[\"a\", ", "]", "#",
        " && ", "| sh", "\u{e9}",
    ];
    let mut s = seed.to_owned();
    for &(at, len, piece) in edits {
        if s.is_empty() {
            s.push_str(PIECES[piece % PIECES.len()]);
            continue;
        }
        let mut start = at % s.len();
        while !s.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len % 16).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.replace_range(start..end, PIECES[piece % PIECES.len()]);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_instruction_soup(text in "(FROM|RUN|COPY|ARG|ENV|USER|ONBUILD|HEALTHCHECK|EXPOSE|#|<<EOF|EOF|\\$\\{?[A-Z]|[\\[\\]\"' =\\\\\n-]|[a-z0-9:./@]){0,80}") {
        check_all(&text);
    }

    #[test]
    fn mutated_real_dockerfiles(seed in 0usize..1000, edits in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..8)) {
        let seed = &SEEDS[seed % SEEDS.len()];
        check_all(&mutate(seed, &edits));
    }
}

#[test]
fn every_seed_is_checked_cleanly() {
    assert!(SEEDS.len() > 40);
    for s in SEEDS.iter() {
        check_all(s);
    }
}

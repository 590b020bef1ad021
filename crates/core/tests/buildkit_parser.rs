//! Differential test against BuildKit's own parser test files (copied into
//! `tests/data/buildkit/parser` with their license): every instruction's keyword, flags and
//! arguments must equal BuildKit's dump in `result`, and every negative case must be an error.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use seaworthy_core::syntax::dockerfile::{self, Args, Instruction};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/buildkit/parser")
}

/// Go's `strconv.Quote`.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dump_args(args: &Args, out: &mut String) {
    match args {
        Args::None => {}
        Args::Exec(items) => {
            for item in items {
                out.push(' ');
                out.push_str(&go_quote(&item.value));
            }
        }
        Args::Shell(text) | Args::Text(text) => {
            out.push(' ');
            out.push_str(&go_quote(&text.text));
        }
        Args::Words(words) => {
            for w in words {
                out.push(' ');
                out.push_str(&go_quote(&w.text));
            }
        }
        Args::KeyValues(pairs) => {
            for p in pairs {
                out.push(' ');
                out.push_str(&go_quote(&p.key.value));
                if let Some(v) = &p.value {
                    let sep = if p.legacy { "" } else { "=" };
                    let _ = write!(out, " {} {}", go_quote(&v.value), go_quote(sep));
                }
            }
        }
        Args::Healthcheck { kind, cmd } => {
            out.push(' ');
            out.push_str(&go_quote(&kind.text));
            dump_args(cmd, out);
        }
    }
}

/// BuildKit's `Node.Dump()` of one instruction.
fn dump(inst: &Instruction) -> String {
    let mut out = inst.keyword_text.to_ascii_lowercase();
    if !inst.flags.is_empty() {
        let flags: Vec<String> = inst.flags.iter().map(|f| go_quote(&f.display())).collect();
        let _ = write!(out, " [{}]", flags.join(" "));
    }
    if let Some(trigger) = &inst.trigger {
        let _ = write!(out, " {}", dump(trigger));
    } else if let Args::KeyValues(pairs) = &inst.args {
        // ARG names without `=` are single words in BuildKit's dump; with `=` the word stays
        // whole too (`"bar=baz"`), unlike ENV/LABEL triples.
        if inst.keyword == dockerfile::Keyword::Arg {
            for p in pairs {
                out.push(' ');
                let word = match &p.value {
                    Some(v) => format!("{}={}", p.key.value, v.value),
                    None => p.key.value.clone(),
                };
                out.push_str(&go_quote(&word));
            }
        } else {
            dump_args(&inst.args, &mut out);
        }
    } else {
        dump_args(&inst.args, &mut out);
    }
    format!("({out})")
}

fn case_dirs(sub: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(data_dir().join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_testfile_parses_like_buildkit() {
    let mut failures = Vec::new();
    let mut instructions = 0;
    let cases = case_dirs("testfiles");
    assert_eq!(cases.len(), 33, "test data missing");
    for dir in &cases {
        let text = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let expected = std::fs::read_to_string(dir.join("result")).unwrap();
        let ast = dockerfile::parse(&text);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        // BuildKit's AST level accepts unknown flags and instruction shapes that its second
        // layer rejects; here only parse-level errors would be a mismatch.
        let got: Vec<String> = ast.instructions.iter().map(dump).collect();
        let want: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
        instructions += want.len();
        if got.len() != want.len() {
            failures.push(format!(
                "{name}: {} instructions, expected {}\n got: {got:#?}\nwant: {want:#?}",
                got.len(),
                want.len()
            ));
            continue;
        }
        for (g, w) in got.iter().zip(&want) {
            if g != w {
                failures.push(format!("{name}:\n  got:  {g}\n  want: {w}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        instructions, 285,
        "every instruction of the 33 cases is compared"
    );
}

#[test]
fn every_negative_testfile_is_an_error() {
    let cases = case_dirs("testfiles-negative");
    assert_eq!(cases.len(), 4);
    for dir in cases {
        let text = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let ast = dockerfile::parse(&text);
        assert!(
            !ast.errors.is_empty(),
            "{} parsed without error",
            dir.display()
        );
        for e in &ast.errors {
            assert!(e.span.end as usize <= text.len());
        }
    }
}

#[test]
fn negative_cases_point_at_the_problem() {
    let text =
        std::fs::read_to_string(data_dir().join("testfiles-negative/env_no_value/Dockerfile"))
            .unwrap();
    let ast = dockerfile::parse(&text);
    assert_eq!(ast.errors.len(), 1);
    assert_eq!(&text[ast.errors[0].span.range()], "PATH");
    let text = std::fs::read_to_string(
        data_dir().join("testfiles-negative/shykes-nested-json/Dockerfile"),
    )
    .unwrap();
    let ast = dockerfile::parse(&text);
    // The nested array is the offending element; the file also lacks a FROM.
    let json = ast
        .errors
        .iter()
        .find(|e| e.message.contains("JSON"))
        .unwrap();
    assert_eq!(json.span.start as usize, text.find("[ \"nested").unwrap());
    assert!(
        ast.errors
            .iter()
            .any(|e| e.message.starts_with("no build stage"))
    );
}

#[test]
fn line_information_matches_buildkit() {
    // BuildKit's TestLineInformation expectations for testfile-line: start and end line of
    // each instruction, continuations, comments and blank lines included.
    let text = std::fs::read_to_string(data_dir().join("testfile-line/Dockerfile")).unwrap();
    let ast = dockerfile::parse(&text);
    assert!(ast.errors.is_empty());
    let index = seaworthy_core::source::LineIndex::new(&text);
    let lines: Vec<(usize, usize)> = ast
        .instructions
        .iter()
        .map(|i| {
            (
                index.line_of(i.span.start) + 1,
                index.line_of(i.span.end.saturating_sub(1)) + 1,
            )
        })
        .collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
}

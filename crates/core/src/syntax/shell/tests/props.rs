//! Robustness: random and hostile input never panics, never recurses without bound, and
//! every span stays inside the parsed text.

use proptest::prelude::*;

use super::real::ALL;
use super::*;

/// Pieces that exercise every branch of the parser when glued at random.
const TOKENS: &[&str] = &[
    "a", "curl", "sh -c", "bash", "sudo", " ", " ", "  ", "\n", "\\\n", "\t", "\r\n", ";", ";;",
    ";&", "&", "&&", "|", "||", "|&", "(", ")", "((", "))", "{", "}", "[[", "]]", "'", "\"", "`",
    "$", "$(", "${", "}", "$((", "$'", "\\", "<(", ">(", "<", ">", "<<", "<<-", "<<<", "EOF",
    "'EOF'", "2>&1", ">&", "#", "if", "then", "elif", "else", "fi", "for", "in", "do", "done",
    "while", "until", "case", "esac", "function", "f()", "!", "=", "A=", "-c", "-fsSLk", "*", "é",
    "🦀", "\0", "\\\r\n",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|v| v.concat())
}

fn parse_checked(src: &MappedText) -> Script {
    let script = parse(src);
    check_invariants(src, &script);
    script
}

/// Moves `at` back to a character boundary of `s`.
fn boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_breaks(text in token_soup(), base in 0u32..5000) {
        parse_checked(&MappedText::contiguous(text, base));
    }

    #[test]
    fn arbitrary_text_never_breaks(text in any::<String>()) {
        parse_checked(&MappedText::contiguous(text, 7));
    }

    #[test]
    fn text_in_pieces_never_breaks(pieces in prop::collection::vec((token_soup(), 0u32..40), 0..6)) {
        // Non-contiguous pieces, as when the Dockerfile parser removed continuations.
        let mut src = MappedText::new();
        let mut file_at = 10;
        for (piece, gap) in &pieces {
            src.push(piece, file_at);
            file_at += u32::try_from(piece.len()).expect("small") + gap + 2;
        }
        parse_checked(&src);
    }

    #[test]
    fn mutated_official_bodies_never_break(
        which in 0..ALL.len(),
        edits in prop::collection::vec((any::<usize>(), 0usize..40, prop::sample::select(TOKENS), 0u8..4), 1..8),
    ) {
        let mut text = ALL[which].1.to_owned();
        for (at, len, token, op) in edits {
            // Keep the `RUN ` keyword so that the body is found.
            let at = boundary(&text, 4 + at % text.len().saturating_sub(4).max(1));
            let end = boundary(&text, at + len);
            match op {
                0 => text.replace_range(at..end, ""),
                1 => text.insert_str(at, token),
                2 => text.replace_range(at..end, token),
                _ => {
                    let copy = text[at..end].to_owned();
                    text.insert_str(end, &copy);
                }
            }
        }
        let body = run_body(&text, 0);
        parse_checked(&body);
    }
}

#[test]
fn hostile_inputs_finish() {
    let n = 50_000;
    let cases = [
        "(".repeat(n),
        "$(".repeat(n),
        "${".repeat(n),
        "$((".repeat(n),
        "((".repeat(n),
        "\"$(".repeat(n),
        "`".repeat(n),
        "\\`".repeat(n),
        "'".repeat(n + 1),
        "\"".repeat(n + 1),
        "{ ".repeat(n),
        "if a; then ".repeat(n),
        "case x in a) ".repeat(n),
        "for i in a; do ".repeat(n),
        "[[ ".repeat(n),
        "cat <<EOF\n".repeat(n),
        "cat <<EOF ".repeat(n),
        "a | ".repeat(n),
        "a && ".repeat(n),
        "! ".repeat(n),
        ")".repeat(n),
        "}".repeat(n),
        "fi ".repeat(n),
        ";;".repeat(n),
        "\\".repeat(n),
        "$".repeat(n),
        "<(".repeat(n),
        "bash -c \"".repeat(n),
        "sh -c 'sh -c \"".repeat(n),
        "sudo env A=1 ".repeat(n),
        "a=(".repeat(n),
    ];
    for text in cases {
        let src = MappedText::contiguous(text.as_str(), 0);
        let script = parse_checked(&src);
        assert!(script.errors.len() <= 100, "{}", &text[..10]);
    }
}

#[test]
fn nested_shell_c_strings() {
    // Each `bash -c` string holds another (quoting grows fast, so only a few levels).
    let mut text = "curl x".to_owned();
    for _ in 0..6 {
        text = format!("bash -c {}", shell_quote(&text));
    }
    let src = MappedText::contiguous(text.as_str(), 0);
    let script = parse_checked(&src);
    assert_eq!(
        names(&script),
        ["bash", "bash", "bash", "bash", "bash", "bash", "curl"]
    );
    let curl = &script.commands[6];
    assert_eq!(curl.context, Context::ShellC);
    assert_eq!(script.enclosing_blocks(6).count(), 6);
    assert_eq!(&text[curl.span.range()], "curl x");
    // Near the depth cap, `-c` strings are left unparsed instead of nesting deeper.
    let deep = format!(
        "{}sh -c 'sh -c \"curl\"'{}",
        "$(".repeat(63),
        ")".repeat(63)
    );
    let script = parse_checked(&MappedText::contiguous(deep.as_str(), 0));
    assert!(script.uses_program("sh"));
    assert!(!script.uses_program("curl"));
}

/// Quotes `s` for a POSIX shell (single quotes, `'\''` for a quote).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[test]
fn large_script_is_parsed() {
    let body = run_body(ALL[0].1, 0).text;
    let text = format!("{body}\n").repeat(200);
    let src = MappedText::contiguous(text.as_str(), 0);
    let script = parse_checked(&src);
    assert!(script.errors.is_empty());
    assert_eq!(script.commands.len(), 200 * 51);
}

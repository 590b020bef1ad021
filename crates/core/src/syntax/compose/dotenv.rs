//! `.env` files as docker compose reads them.
//!
//! One `KEY=VALUE` per statement; `KEY: VALUE` is accepted too. Blank lines and lines whose
//! first non-blank character is `#` are skipped; a leading `export ` is ignored. Key names
//! are letters, digits, `_` and `.`. Values:
//! - unquoted: to the end of the line, trimmed; ` #` (a blank then `#`) starts a comment;
//!   variables are expanded;
//! - `'single quoted'`: literal, may span lines;
//! - `"double quoted"`: may span lines; escapes `\n \r \t \a \b \f \v \\ \" \' \$` and octal
//!   `\0NNN` are decoded and variables are expanded (`\$` stays a literal `$`).
//!
//! A bare `KEY` takes its value from the process environment in compose. seaworthy never reads
//! that environment, so such a key is recorded as *unknown* (unless `outer` knows it), as is
//! any value that expands an unknown variable. Variables are looked up in `outer` first and
//! then in the keys defined earlier in the same file, as compose does. Which value wins when
//! `outer` and the file both define a key is the caller's decision.

use super::interpolate::{Lookup, interpolate};
use crate::source::{Span, to_u32};

/// One assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotEnvEntry {
    pub key: String,
    /// `None` when the value is unknown (a bare `KEY`, or it expands an unknown variable).
    pub value: Option<String>,
    pub key_span: Span,
    /// Span of the value as written (quotes included); empty at the end of the key for a bare
    /// `KEY`.
    pub value_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotEnvError {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DotEnv {
    pub entries: Vec<DotEnvEntry>,
    pub errors: Vec<DotEnvError>,
}

impl DotEnv {
    /// The last assignment of `key`: `Some(None)` when it is assigned an unknown value.
    pub fn get(&self, key: &str) -> Option<Option<&str>> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.as_deref())
    }
}

struct Scope<'a> {
    outer: &'a dyn Lookup,
    earlier: &'a [DotEnvEntry],
}

impl Lookup for Scope<'_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        if let Some(v) = self.outer.lookup(name) {
            return Some(v);
        }
        self.earlier
            .iter()
            .rev()
            .find(|e| e.key == name)
            .and_then(|e| e.value.as_deref())
    }
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// Parses a `.env` file. `outer` supplies the values the caller knows, for expansion and for
/// bare keys.
pub fn parse_dotenv(text: &str, outer: &dyn Lookup) -> DotEnv {
    let bytes = text.as_bytes();
    let mut out = DotEnv::default();
    let mut pos = 0usize;
    // A UTF-8 byte order mark is not part of the first key.
    if text.starts_with('\u{feff}') {
        pos = 3;
    }
    while pos < bytes.len() {
        // Start of a statement: skip blanks and line breaks.
        while pos < bytes.len() && (is_blank(bytes[pos]) || bytes[pos] == b'\n') {
            pos += 1;
        }
        if pos >= bytes.len() {
            break;
        }
        if bytes[pos] == b'#' {
            pos = line_end(bytes, pos);
            continue;
        }
        if text[pos..].starts_with("export")
            && bytes.get(pos + 6).is_some_and(|&c| c == b' ' || c == b'\t')
        {
            pos += 6;
            while pos < bytes.len() && (bytes[pos] == b' ' || bytes[pos] == b'\t') {
                pos += 1;
            }
        }
        let key_start = pos;
        let mut bad = None;
        while pos < bytes.len() && !matches!(bytes[pos], b'=' | b':' | b'\n') {
            let c = text[pos..].chars().next().unwrap_or(' ');
            if !(c.is_alphanumeric() || c == '_' || c == '.' || is_blank(bytes[pos]))
                && bad.is_none()
            {
                bad = Some((pos, c));
            }
            pos += c.len_utf8();
        }
        let raw_key = &text[key_start..pos];
        let key = raw_key.trim_end_matches(|c: char| c.is_ascii_whitespace());
        let key_span = Span::with_len(key_start, key.len());
        if let Some((at, c)) = bad {
            out.errors.push(DotEnvError {
                span: Span::with_len(at, c.len_utf8()),
                message: format!("unexpected character {c:?} in variable name"),
            });
            pos = line_end(bytes, pos);
            continue;
        }
        if key.contains([' ', '\t']) {
            out.errors.push(DotEnvError {
                span: key_span,
                message: "a variable name cannot contain a blank".to_owned(),
            });
            pos = line_end(bytes, pos);
            continue;
        }
        if pos >= bytes.len() || bytes[pos] == b'\n' {
            // A bare `KEY`: inherited from the environment.
            let value = outer.lookup(key).map(str::to_owned);
            out.entries.push(DotEnvEntry {
                key: key.to_owned(),
                value,
                key_span,
                value_span: Span::at(key_span.end),
            });
            continue;
        }
        pos += 1; // `=` or `:`
        while pos < bytes.len() && (bytes[pos] == b' ' || bytes[pos] == b'\t') {
            pos += 1;
        }
        let value_start = pos;
        let (template, value_span, expand) = if let Some(&q @ (b'\'' | b'"')) = bytes.get(pos) {
            {
                let Some(close) = closing_quote(bytes, pos + 1, q) else {
                    let end = line_end(bytes, pos);
                    out.errors.push(DotEnvError {
                        span: Span::new(to_u32(pos), to_u32(end)),
                        message: "unterminated quoted value".to_owned(),
                    });
                    pos = end;
                    continue;
                };
                let inner = &text[pos + 1..close];
                pos = line_end(bytes, close + 1);
                let span = Span::new(to_u32(value_start), to_u32(close + 1));
                if q == b'"' {
                    (decode_escapes(inner), span, true)
                } else {
                    (inner.to_owned(), span, false)
                }
            }
        } else {
            {
                let end = line_end(bytes, pos);
                let line = &text[pos..end];
                let cut = comment_start(line).unwrap_or(line.len());
                let value = line[..cut].trim_end();
                pos = end;
                (
                    value.to_owned(),
                    Span::with_len(value_start, value.len()),
                    true,
                )
            }
        };
        let value = if expand {
            let scope = Scope {
                outer,
                earlier: &out.entries,
            };
            let r = interpolate(&template, &scope);
            for e in &r.errors {
                out.errors.push(DotEnvError {
                    span: value_span,
                    message: e.message.clone(),
                });
            }
            (!r.unknown).then_some(r.text)
        } else {
            Some(template)
        };
        out.entries.push(DotEnvEntry {
            key: key.to_owned(),
            value,
            key_span,
            value_span,
        });
    }
    out
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', bytes.get(from..).unwrap_or_default()).map_or(bytes.len(), |i| from + i)
}

/// Index of the closing quote `q` at or after `from`, skipping backslash-escaped quotes.
fn closing_quote(bytes: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == q
            && (i == from || bytes[i - 1] != b'\\' || escaped_backslash(bytes, from, i))
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether the quote at `i` is preceded by an even number of backslashes (so not escaped).
fn escaped_backslash(bytes: &[u8], from: usize, i: usize) -> bool {
    let mut n = 0;
    let mut j = i;
    while j > from && bytes[j - 1] == b'\\' {
        n += 1;
        j -= 1;
    }
    n % 2 == 0
}

/// Start of an inline comment in an unquoted value: `#` after a blank.
fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t'))
}

/// Decodes the escapes of a double-quoted value; `\$` becomes `$$` so that the following
/// interpolation keeps it as a literal `$`.
fn decode_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('\\') | None => out.push('\\'),
            Some('$') => out.push_str("$$"),
            Some('0') => {
                let mut n: u32 = 0;
                let mut digits = 0;
                while digits < 3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            digits += 1;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<&'static str> {
        None
    }

    fn one(text: &str) -> (String, Option<String>) {
        let env = parse_dotenv(text, &none);
        assert!(env.errors.is_empty(), "{text:?}: {:?}", env.errors);
        let e = env.entries.last().expect("an entry");
        (e.key.clone(), e.value.clone())
    }

    #[test]
    fn values() {
        let cases: &[(&str, &str, &str)] = &[
            ("FOO=bar", "FOO", "bar"),
            ("FOO =bar", "FOO", "bar"),
            ("FOO= bar", "FOO", "bar"),
            ("FOO=\"bar\"", "FOO", "bar"),
            ("FOO='bar'", "FOO", "bar"),
            (r#"FOO="escaped\"bar""#, "FOO", "escaped\"bar"),
            (r#"FOO="'d'""#, "FOO", "'d'"),
            ("OPTION_A: 1", "OPTION_A", "1"),
            ("OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"),
            ("OPTION_A=1:B", "OPTION_A", "1:B"),
            ("export OPTION_A=2", "OPTION_A", "2"),
            ("export OPTION_B='\\n'", "OPTION_B", "\\n"),
            ("export exportFoo=2", "exportFoo", "2"),
            ("exportFOO=2", "exportFOO", "2"),
            ("export.FOO= 2", "export.FOO", "2"),
            ("\texport OPTION_A=2", "OPTION_A", "2"),
            (r#"FOO="bar\nbaz""#, "FOO", "bar\nbaz"),
            (r"FOO=a\tb", "FOO", r"a\tb"),
            (r#"KEY="\0123""#, "KEY", "S"),
            (r#"KEY="\x07""#, "KEY", r"\x07"),
            ("FOO.BAR=foobar", "FOO.BAR", "foobar"),
            ("FOO=foobar=", "FOO", "foobar="),
            ("FOO=bar ", "FOO", "bar"),
            ("FOO=bar # this is foo", "FOO", "bar"),
            ("FOO=bar #", "FOO", "bar"),
            ("FOO=123#not-a-comment", "FOO", "123#not-a-comment"),
            (r#"FOO="bar#baz" # comment"#, "FOO", "bar#baz"),
            ("FOO='bar#baz' # comment", "FOO", "bar#baz"),
            ("FOO=\"line1\nline2\"", "FOO", "line1\nline2"),
            ("FOO=é ü", "FOO", "é ü"),
        ];
        for &(text, key, value) in cases {
            assert_eq!(
                one(text),
                (key.to_owned(), Some(value.to_owned())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn expansion_uses_earlier_keys_and_never_the_process_environment() {
        let env = parse_dotenv(
            "FOO=test\nBAR=$FOO\nBAZ=\"${FOO}bar\"\nQ='quote $FOO'\nE=\"foo\\$BAR\"\nP=$PATH\nD=${NOPE:-dflt}\n",
            &none,
        );
        assert!(env.errors.is_empty(), "{:?}", env.errors);
        assert_eq!(env.get("BAR"), Some(Some("test")));
        assert_eq!(env.get("BAZ"), Some(Some("testbar")));
        assert_eq!(env.get("Q"), Some(Some("quote $FOO")));
        assert_eq!(env.get("E"), Some(Some("foo$BAR")));
        // PATH is not read from the process: unknown.
        assert_eq!(env.get("P"), Some(None));
        // A default over an unknown variable is still unknown.
        assert_eq!(env.get("D"), Some(None));
    }

    #[test]
    fn bare_key_is_unknown_unless_the_caller_knows_it() {
        fn outer(name: &str) -> Option<&'static str> {
            (name == "GIVEN").then_some("yes")
        }
        let env = parse_dotenv("# comment\n\n  INHERITED\nGIVEN\nGIVEN2=x\n", &outer);
        assert_eq!(env.get("INHERITED"), Some(None));
        assert_eq!(env.get("GIVEN"), Some(Some("yes")));
        assert_eq!(env.get("GIVEN2"), Some(Some("x")));
        assert_eq!(env.get("MISSING"), None);
    }

    #[test]
    fn outer_values_come_first_in_expansion() {
        fn outer(name: &str) -> Option<&'static str> {
            (name == "A").then_some("caller")
        }
        let env = parse_dotenv("A=file\nB=$A\n", &outer);
        assert_eq!(env.get("A"), Some(Some("file")));
        assert_eq!(env.get("B"), Some(Some("caller")));
    }

    #[test]
    fn errors_keep_the_rest() {
        let text = "lol$wut\nKEY=\"unterminated\nGOOD=1\nbad key=2\n";
        let env = parse_dotenv(text, &none);
        assert_eq!(env.errors.len(), 3, "{:?}", env.errors);
        assert_eq!(env.get("GOOD"), Some(Some("1")));
        assert_eq!(&text[env.errors[0].span.range()], "$");
    }

    #[test]
    fn spans() {
        let text = "é=1\nexport KEY = \"va lue\" # c\n";
        let env = parse_dotenv(text, &none);
        let e = &env.entries[1];
        assert_eq!(&text[e.key_span.range()], "KEY");
        assert_eq!(&text[e.value_span.range()], "\"va lue\"");
        assert_eq!(env.entries[0].key, "é");
    }
}

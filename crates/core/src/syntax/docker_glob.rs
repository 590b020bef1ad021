//! The glob rules Docker applies to `COPY`/`ADD` sources, and Go's path helpers that the
//! `.dockerignore` matcher shares.
//!
//! `BuildKit` resolves wildcard sources with Go's `filepath.Match`, whose rules differ from
//! shell globs in ways that matter for an audit:
//! - `*` and `?` never match `/`;
//! - a class is `[` `^`? ranges `]`; only `^` negates (`[!a]` is the set {`!`, `a`});
//!   inside a class `-` and `]` must be escaped unless they are a range's end;
//! - `\` escapes the next character, inside and outside classes;
//! - a malformed pattern is an error even where the path already failed to match.
//!
//! [`glob_match`] reproduces that function byte for byte, including its quirks (it reads a
//! path as bytes, so a `*` may stop in the middle of a multi-byte character and a following
//! `?` then matches a lone byte).
//!
//! `COPY --exclude` patterns follow `.dockerignore` syntax instead; build them with
//! [`super::dockerignore::IgnoreFile::from_patterns`].

use thiserror::Error;

/// A malformed glob pattern (Go's `filepath.ErrBadPattern`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum GlobError {
    #[error("syntax error in pattern")]
    BadPattern,
}

/// The replacement character Go's UTF-8 decoder returns for a byte it cannot decode.
const RUNE_ERROR: u32 = 0xFFFD;

/// Whether `s` contains a wildcard that makes `BuildKit` treat a `COPY`/`ADD` source as a
/// pattern: an unescaped `*`, `?` or `[` (`\` escapes the byte after it).
pub fn has_glob_meta(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Whether `path` matches the shell pattern `pattern` under Go's `filepath.Match` rules
/// (with `/` as the separator). A malformed pattern is an error whatever the path.
pub fn glob_match(pattern: &str, path: &str) -> Result<bool, GlobError> {
    let mut pattern = pattern.as_bytes();
    let mut name = path.as_bytes();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest of the name unless it holds a separator.
            return Ok(!name.contains(&b'/'));
        }
        // Try the chunk at the current position. The last chunk must use up the name.
        if let Some(t) = match_chunk(chunk, name)? {
            if t.is_empty() || !pattern.is_empty() {
                name = t;
                continue;
            }
        }
        if star {
            // Let the star swallow i+1 bytes, never a separator.
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                match match_chunk(chunk, &name[i + 1..])? {
                    Some(t) if t.is_empty() || !pattern.is_empty() => {
                        name = t;
                        continue 'pattern;
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        // No match: still report a malformed remainder of the pattern.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the leading stars and the chunk up to the next star outside a class.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut p = pattern;
    let mut star = false;
    while let [b'*', rest @ ..] = p {
        p = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            // The escaped byte is skipped; a trailing `\` is reported by `match_chunk`.
            b'\\' if i + 1 < p.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &p[..i], &p[i..])
}

/// Matches `chunk` (no stars outside classes) at the start of `s`. Returns the rest of `s`
/// on a match, `None` on a mismatch; the whole chunk is always checked for syntax.
fn match_chunk<'s>(mut chunk: &[u8], mut s: &'s [u8]) -> Result<Option<&'s [u8]>, GlobError> {
    // After a mismatch the loop goes on through the chunk to check its syntax only.
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (rune, n) = decode_rune(s);
                    r = rune;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(GlobError::BadPattern);
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// Reads one (possibly escaped) character of a class.
fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), GlobError> {
    let mut c = match chunk.first() {
        None | Some(b'-' | b']') => return Err(GlobError::BadPattern),
        Some(_) => chunk,
    };
    if c[0] == b'\\' {
        c = &c[1..];
        if c.is_empty() {
            return Err(GlobError::BadPattern);
        }
    }
    let (r, n) = decode_rune(c);
    if r == RUNE_ERROR && n == 1 {
        return Err(GlobError::BadPattern);
    }
    let rest = &c[n..];
    if rest.is_empty() {
        return Err(GlobError::BadPattern);
    }
    Ok((r, rest))
}

/// Decodes the first character of `b` the way Go's `utf8.DecodeRune` does: `(0xFFFD, 1)`
/// for a byte that does not start a valid sequence, `(0xFFFD, 0)` for empty input.
fn decode_rune(b: &[u8]) -> (u32, usize) {
    let Some(&first) = b.first() else {
        return (RUNE_ERROR, 0);
    };
    let width = match first {
        0x00..=0x7F => return (u32::from(first), 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (RUNE_ERROR, 1),
    };
    match b.get(..width).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next().map_or(RUNE_ERROR, u32::from), width),
        None => (RUNE_ERROR, 1),
    }
}

/// Go's `path.Clean`: the shortest path equivalent to `path` by lexical processing
/// (repeated `/` collapsed, `.` elements removed, `..` elements resolved where possible, no
/// trailing `/`; an empty result is `.`).
pub fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    // Number of leading `..` elements that cannot be resolved (only for relative paths).
    let mut fixed = 0;
    for elem in path.split('/') {
        match elem {
            "" | "." => {}
            ".." => {
                if out.len() > fixed {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                    fixed += 1;
                }
            }
            e => out.push(e),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Go's `path.Dir`: everything before the last `/`, cleaned (`.` when there is no `/`).
pub fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean_path(&path[..=i]),
        None => ".".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go_examples() {
        // Go's documented `path.Clean` examples and the rules they illustrate.
        for (input, want) in [
            ("a/c", "a/c"),
            ("a//c", "a/c"),
            ("a/c/.", "a/c"),
            ("a/c/b/..", "a/c"),
            ("/../a/c", "/a/c"),
            ("/../a/b/../././/c", "/a/c"),
            ("", "."),
            ("./build", "build"),
            ("x/../dist", "dist"),
            ("dir/", "dir"),
            ("../../x", "../../x"),
            ("!../../x", "x"),
            ("/", "/"),
            ("a/..", "."),
        ] {
            assert_eq!(clean_path(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn dir_matches_go() {
        assert_eq!(dir_of("a/b/c"), "a/b");
        assert_eq!(dir_of("a"), ".");
        assert_eq!(dir_of("a//b"), "a");
        assert_eq!(dir_of("/a"), "/");
        assert_eq!(dir_of("a/b/"), "a/b");
    }

    #[test]
    fn decode_rune_like_go() {
        assert_eq!(decode_rune(b""), (RUNE_ERROR, 0));
        assert_eq!(decode_rune(b"a"), (u32::from('a'), 1));
        assert_eq!(decode_rune("é".as_bytes()), (u32::from('é'), 2));
        assert_eq!(decode_rune(&"é".as_bytes()[1..]), (RUNE_ERROR, 1));
        assert_eq!(decode_rune(&"𝄞".as_bytes()[..3]), (RUNE_ERROR, 1));
    }
}

//! `.dockerignore` files with Docker's own semantics.
//!
//! Docker (the classic builder, the CLI and `BuildKit`) reads the file with moby's
//! `ignorefile.ReadAll` and decides each context path with patternmatcher's
//! `MatchesOrParentMatches`. That is not `.gitignore`:
//! - a line is a comment only when `#` is in column 1; lines are trimmed, blank lines
//!   skipped, a UTF-8 BOM and CRLF line ends tolerated;
//! - `!` marks an exception; every pattern is cleaned like Go's `filepath.Clean` (`./a` is
//!   `a`, `a/../b` is `b`, a trailing `/` is dropped) and a leading `/` removed, so patterns
//!   are anchored at the context root and `dir/` also matches a plain file `dir`;
//! - `*`, `?` and classes stay within a path segment, `**` crosses segments, `\` escapes;
//! - a path is excluded when it or any parent directory matches, and the last matching
//!   pattern wins, so an exception can re-include a file below an excluded directory.
//!
//! Each pattern is translated into a regular expression exactly as patternmatcher does.
//! Docker hands that text to Go's `regexp`; here it is read by a small parser with Go's
//! rules (character classes in which `[` is a plain character, ASCII-only `\d`/`\w`, octal
//! escapes, `\Q…\E` and so on) and rewritten into unambiguous `regex` syntax, so odd
//! patterns such as `[a*]` or `[!a]` behave as they do in Docker. Patterns that Docker
//! rejects (a bare `!`, a malformed class, a translation Go cannot compile) are reported in
//! [`IgnoreFile::errors`] and take no part in matching.
//!
//! Matching is built for whole build contexts: each pattern is also compiled into a "matches
//! this path or one of its parent directories" form, literal patterns are indexed by hash and
//! the others combined into [`regex::RegexSet`]s, so deciding a path takes a few passes over
//! it and no allocation of parent paths. Paths whose parent part is not clean (`a//b`,
//! `./a/b`) take Docker's pattern-by-pattern route, which gives the same answers.
//!
//! A run reads many ignore files that share patterns (`**/*.log`, `**/node_modules`), and
//! compiling a regular expression costs far more than matching a small context with it, so
//! compiled expressions and sets are kept for the rest of the process and shared by every
//! ignore file that needs the same one (see [`shared`]).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use regex::{Regex, RegexSet, RegexSetBuilder};
use thiserror::Error;

use super::docker_glob::{clean_path, dir_of, glob_match};
use crate::source::{Span, to_u32};

/// Longest line (in bytes, before its `\n`) that Go's line scanner accepts. Docker refuses
/// a `.dockerignore` with a longer line.
const MAX_LINE: usize = 64 * 1024 - 1;

/// A parsed and compiled ignore file.
#[derive(Clone, Debug)]
pub struct IgnoreFile {
    /// The patterns that take part in matching, in file order.
    pub patterns: Vec<IgnorePattern>,
    errors: Vec<IgnoreError>,
    matcher: Matcher,
}

/// One pattern of an ignore file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnorePattern {
    /// The line as written, trimmed (with its `!`).
    pub text: String,
    /// The pattern Docker matches paths against (cleaned, without `!`).
    pub cleaned: String,
    /// Whether this is an exception (`!`): a match re-includes the path.
    pub negated: bool,
    /// 1-based line number (for patterns given as a list: 1-based position in the list).
    pub line: u32,
    /// Byte span of `text` in the ignore file (empty for patterns given as a list).
    pub span: Span,
}

/// A line Docker would refuse.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}: {kind}")]
pub struct IgnoreError {
    /// 1-based line number.
    pub line: u32,
    /// Byte span of the trimmed line in the ignore file.
    pub span: Span,
    /// The line as written, trimmed.
    pub text: String,
    pub kind: IgnoreErrorKind,
}

/// Why a line cannot be used. Docker refuses the file for each of these except `TooComplex`
/// (a limit of this matcher, not Docker's).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum IgnoreErrorKind {
    /// `!` with nothing after it.
    #[error("illegal exclusion pattern: \"!\"")]
    BareExclusion,
    /// The pattern is malformed under Go's `filepath.Match` rules (for example an unclosed
    /// `[` or a trailing `\`).
    #[error("syntax error in pattern")]
    BadPattern,
    /// The regular expression Docker derives from the pattern does not compile.
    #[error("pattern translates to an invalid regular expression: {0}")]
    BadRegex(String),
    /// The pattern is valid but too large for this matcher's regex size limits.
    #[error("pattern is too complex to match: {0}")]
    TooComplex(String),
    /// The line is longer than Docker's line reader accepts (65535 bytes).
    #[error("line is longer than {MAX_LINE} bytes")]
    LineTooLong,
}

impl IgnoreFile {
    /// Parses an ignore file. Never fails: lines Docker would refuse are kept in
    /// [`Self::errors`] and ignored for matching.
    pub fn parse(text: &str) -> IgnoreFile {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut line_no: u32 = 0;
        while pos < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            let next = if end < bytes.len() { end + 1 } else { end };
            line_no = line_no.saturating_add(1);
            let raw_len = end - pos;
            let mut start = pos;
            let mut stop = end;
            if stop > start && bytes[stop - 1] == b'\r' {
                stop -= 1;
            }
            if line_no == 1 && text[start..stop].starts_with('\u{feff}') {
                start += '\u{feff}'.len_utf8();
            }
            pos = next;
            let line = &text[start..stop];
            let trimmed = line.trim();
            let lead = line.len() - line.trim_start().len();
            let span = Span::with_len(start + lead, trimmed.len());
            if raw_len > MAX_LINE {
                errors.push(IgnoreError {
                    line: line_no,
                    span,
                    text: trimmed.to_string(),
                    kind: IgnoreErrorKind::LineTooLong,
                });
                continue;
            }
            if line.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            let read = read_line_pattern(trimmed);
            entries.push((read, trimmed.to_string(), line_no, span));
        }
        Self::build(entries, errors)
    }

    /// Compiles a list of patterns as Docker's pattern matcher takes them, without the
    /// ignore-file reading step (no comments, no removal of a leading `/`): the form of
    /// `COPY --exclude=…` patterns. Empty entries are skipped.
    pub fn from_patterns<I, S>(patterns: I) -> IgnoreFile
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let entries = patterns
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let text = p.as_ref().trim().to_string();
                (text.clone(), text, to_u32(i + 1), Span::default())
            })
            .collect();
        Self::build(entries, Vec::new())
    }

    /// Runs patternmatcher's `New` step on each pattern and compiles the matcher.
    fn build(entries: Vec<(String, String, u32, Span)>, mut errors: Vec<IgnoreError>) -> Self {
        let mut patterns = Vec::new();
        let mut compiled = Vec::new();
        for (pattern, text, line, span) in entries {
            let result = prepare_pattern(&pattern).and_then(|prepared| {
                prepared
                    .map(|(cleaned, negated)| {
                        compile_pattern(&cleaned, negated).map(|c| (cleaned, negated, c))
                    })
                    .transpose()
            });
            match result {
                Ok(Some((cleaned, negated, c))) => {
                    patterns.push(IgnorePattern {
                        text,
                        cleaned,
                        negated,
                        line,
                        span,
                    });
                    compiled.push(c);
                }
                Ok(None) => {}
                Err(kind) => errors.push(IgnoreError {
                    line,
                    span,
                    text,
                    kind,
                }),
            }
        }
        errors.sort_by_key(|e| e.line);
        IgnoreFile {
            patterns,
            errors,
            matcher: Matcher::new(compiled),
        }
    }

    /// Lines Docker would refuse, in line order.
    pub fn errors(&self) -> &[IgnoreError] {
        &self.errors
    }

    /// Whether Docker leaves `path` out of the build context. `path` is relative to the
    /// context root, `/`-separated, without a leading `./`.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.matcher
            .decisive(path)
            .is_some_and(|i| !self.matcher.compiled[i].negated)
    }

    /// The pattern that decided `path`: the last pattern matching the path or one of its
    /// parent directories. An exception here means the path is included again.
    pub fn decisive_pattern(&self, path: &str) -> Option<&IgnorePattern> {
        self.matcher.decisive(path).map(|i| &self.patterns[i])
    }

    /// Whether a path below the directory `dir` could be left in the context. `false`
    /// guarantees that everything below `dir` is excluded, so a walk of the context may
    /// skip the directory, as Docker does. The answer is conservative: `true` when in doubt,
    /// and always `true` for a directory that is not excluded itself.
    pub fn may_reinclude_below(&self, dir: &str) -> bool {
        let m = &self.matcher;
        if !is_clean_relative(dir) {
            return true;
        }
        let Some(k) = m.decisive(dir) else {
            return true;
        };
        if m.compiled[k].negated {
            return true;
        }
        // Every path below `dir` matches pattern k too (through `dir`), so only exceptions
        // after it can change the outcome, and only by matching a path below `dir`.
        m.compiled[k + 1..]
            .iter()
            .any(|c| c.negated && c.may_match_below(dir))
    }
}

/// `ignorefile.ReadAll` on one trimmed, non-comment line: the pattern string it hands on.
fn read_line_pattern(trimmed: &str) -> String {
    let (invert, body) = match trimmed.strip_prefix('!') {
        Some(rest) => (true, rest.trim()),
        None => (false, trimmed),
    };
    let mut pattern = String::new();
    if !body.is_empty() {
        pattern = clean_path(body);
        if pattern.len() > 1 && pattern.starts_with('/') {
            pattern.remove(0);
        }
    }
    if invert {
        pattern.insert(0, '!');
    }
    pattern
}

/// patternmatcher's `New` on one pattern string: `(cleaned, negated)`, `None` for an
/// empty pattern.
fn prepare_pattern(pattern: &str) -> Result<Option<(String, bool)>, IgnoreErrorKind> {
    let p = pattern.trim();
    if p.is_empty() {
        return Ok(None);
    }
    let p = clean_path(p);
    let (negated, body) = match p.strip_prefix('!') {
        Some("") => return Err(IgnoreErrorKind::BareExclusion),
        Some(rest) => (true, rest),
        None => (false, p.as_str()),
    };
    if glob_match(body, ".").is_err() {
        return Err(IgnoreErrorKind::BadPattern);
    }
    Ok(Some((body.to_string(), negated)))
}

/// How a pattern matches one path string (patternmatcher's match types).
#[derive(Clone, Debug)]
enum Kind {
    /// The path equals the pattern.
    Exact(String),
    /// The path starts with these bytes (a pattern that is literal up to a final `**`).
    Prefix(String),
    /// The path ends with these bytes, or equals them without their leading `/` (a pattern
    /// `**` followed by literal text). Bytes, because Docker slices the pattern by bytes.
    Suffix(Vec<u8>),
    /// Anything else: the translated regular expression.
    Regex(Arc<Regex>),
}

#[derive(Clone, Debug)]
struct Compiled {
    negated: bool,
    kind: Kind,
    /// The literal text every match starts with.
    literal_prefix: String,
    /// Expression that matches a path when the pattern matches the path or one of its
    /// parents (for paths whose parent part is already clean); `None` if none exists.
    path_or_parent: Option<String>,
}

impl Compiled {
    /// Docker's `Pattern.match` on one string.
    fn matches(&self, s: &str) -> bool {
        match &self.kind {
            Kind::Exact(p) => s == p,
            Kind::Prefix(p) => s.starts_with(p.as_str()),
            Kind::Suffix(suffix) => {
                let b = s.as_bytes();
                b.ends_with(suffix) || (suffix.first() == Some(&b'/') && b == &suffix[1..])
            }
            Kind::Regex(re) => re.is_match(s),
        }
    }

    /// Docker's `MatchesOrParentMatches` step for one pattern: the path itself, then each
    /// parent directory from the top.
    fn matches_path_or_parent(&self, path: &str) -> bool {
        if self.matches(path) {
            return true;
        }
        if parents_are_clean(path) {
            // The parents are the prefixes of `path` that end before a `/`.
            return path
                .match_indices('/')
                .any(|(i, _)| self.matches(&path[..i]));
        }
        let parent = dir_of(path);
        if parent == "." {
            return false;
        }
        let mut prefix = String::with_capacity(parent.len());
        for (n, seg) in parent.split('/').enumerate() {
            if n > 0 {
                prefix.push('/');
            }
            prefix.push_str(seg);
            if self.matches(&prefix) {
                return true;
            }
        }
        false
    }

    /// Whether this pattern could match some path strictly below the clean path `dir`.
    fn may_match_below(&self, dir: &str) -> bool {
        let compatible = |lit: &str| {
            // Some `dir/…` starts with `lit`, or `lit` starts with `dir/`.
            let below =
                lit.len() > dir.len() && lit.as_bytes()[dir.len()] == b'/' && lit.starts_with(dir);
            below || (dir.starts_with(lit) && (lit.len() <= dir.len()))
        };
        match &self.kind {
            Kind::Exact(p) => {
                p.len() > dir.len() + 1 && p.as_bytes()[dir.len()] == b'/' && p.starts_with(dir)
            }
            Kind::Suffix(_) => true,
            Kind::Prefix(lit) => compatible(lit),
            Kind::Regex(_) => compatible(&self.literal_prefix),
        }
    }
}

/// Whether everything before the last `/` of `path` is a clean relative path (no empty,
/// `.` or `..` segment), so its parent directories are plain prefixes of it.
fn parents_are_clean(path: &str) -> bool {
    let Some(last) = path.rfind('/') else {
        return true;
    };
    let dir = &path[..last];
    !dir.is_empty()
        && dir
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Whether `path` is a non-empty relative path without empty, `.` or `..` segments.
fn is_clean_relative(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Translates a cleaned pattern the way patternmatcher's `Pattern.compile` does.
fn compile_pattern(cleaned: &str, negated: bool) -> Result<Compiled, IgnoreErrorKind> {
    #[derive(PartialEq, Eq)]
    enum Ty {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let chars: Vec<char> = cleaned.chars().collect();
    // Go's text scanner drops a byte order mark at the very start.
    let mut k = usize::from(chars.first() == Some(&'\u{feff}'));
    let literal_prefix: String = chars[k..]
        .iter()
        .take_while(|c| !matches!(c, '*' | '?' | '[' | ']' | '\\' | '^'))
        .collect();
    let mut reg = String::from("^");
    let mut ty = Ty::Exact;
    let mut iteration = 0;
    while k < chars.len() {
        let ch = chars[k];
        k += 1;
        match ch {
            '*' if chars.get(k) == Some(&'*') => {
                k += 1;
                // `**/` is read as `**`.
                if chars.get(k) == Some(&'/') {
                    k += 1;
                }
                if k >= chars.len() {
                    if ty == Ty::Exact {
                        ty = Ty::Prefix;
                    } else {
                        reg.push_str(".*");
                        ty = Ty::Regex;
                    }
                } else {
                    reg.push_str("(.*/)?");
                    ty = Ty::Regex;
                }
                if iteration == 0 {
                    ty = Ty::Suffix;
                }
            }
            '*' => {
                reg.push_str("[^/]*");
                ty = Ty::Regex;
            }
            '?' => {
                reg.push_str("[^/]");
                ty = Ty::Regex;
            }
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                reg.push('\\');
                reg.push(ch);
            }
            '\\' => {
                reg.push('\\');
                if let Some(&next) = chars.get(k) {
                    reg.push(next);
                    k += 1;
                    ty = Ty::Regex;
                }
            }
            '[' | ']' => {
                reg.push(ch);
                ty = Ty::Regex;
            }
            _ => reg.push(ch),
        }
        iteration += 1;
    }
    let (kind, path_or_parent) = match ty {
        Ty::Exact => (
            Kind::Exact(cleaned.to_string()),
            Some(format!("^{}(?:/|$)", regex::escape(cleaned))),
        ),
        Ty::Prefix => {
            let p = &cleaned[..cleaned.len() - 2];
            (
                Kind::Prefix(p.to_string()),
                Some(format!("^{}", regex::escape(p))),
            )
        }
        Ty::Suffix => {
            let suffix = cleaned.as_bytes()[2..].to_vec();
            let expr = std::str::from_utf8(&suffix)
                .ok()
                .map(|s| match s.strip_prefix('/') {
                    Some(rest) => {
                        format!("(?:{}|^{})(?:/|$)", regex::escape(s), regex::escape(rest))
                    }
                    None => format!("{}(?:/|$)", regex::escape(s)),
                });
            (Kind::Suffix(suffix), expr)
        }
        Ty::Regex => {
            reg.push('$');
            let tr = go_regex::translate(&reg).map_err(IgnoreErrorKind::BadRegex)?;
            let whole = match &tr.end {
                Some(tail) => format!("{}{tail}", tr.body),
                None => tr.body.clone(),
            };
            let re = shared::regex(&whole).map_err(IgnoreErrorKind::TooComplex)?;
            let expr = (tr.prefixable && tr.end.is_some()).then(|| format!("{}(?:/|$)", tr.body));
            (Kind::Regex(re), expr)
        }
    };
    Ok(Compiled {
        negated,
        kind,
        literal_prefix,
        path_or_parent,
    })
}

/// Patterns per regex set: large sets thrash the lazy DFA's cache, small ones stay fast.
const CHUNK: usize = 64;

/// All patterns of a file, indexed for fast decisions on paths whose parent part is clean.
///
/// Literal patterns are looked up by hash (`node_modules`, `dir/**`, `**/.git`), patterns
/// whose first segment is literal are grouped by it (`src/**/*.rs`), and the rest share
/// regex sets of path-or-parent expressions. A path's decision is the highest index found.
#[derive(Clone, Debug)]
struct Matcher {
    compiled: Vec<Compiled>,
    /// Exact patterns: match when the path or one of its parents equals the key.
    exact: HashMap<String, usize>,
    /// `dir/**`: match when one of the path's parents equals the key.
    under: HashMap<String, usize>,
    /// `**/name`: match when one of the path's segments equals the key.
    segment: HashMap<String, usize>,
    /// Patterns whose first segment is literal, by that segment.
    by_first: HashMap<String, Group>,
    /// Everything else.
    general: Group,
}

/// Patterns decided by regex sets, plus those decided one by one.
#[derive(Clone, Debug, Default)]
struct Group {
    /// Regex sets over ascending, consecutive runs of member patterns.
    chunks: Vec<(Arc<RegexSet>, Vec<usize>)>,
    /// Patterns without a usable path-or-parent expression (ascending).
    outside: Vec<usize>,
}

impl Group {
    fn new(compiled: &[Compiled], members: &[usize]) -> Self {
        let mut group = Group::default();
        let (with, without): (Vec<usize>, Vec<usize>) = members
            .iter()
            .partition(|&&i| compiled[i].path_or_parent.is_some());
        group.outside = without;
        for run in with.chunks(CHUNK) {
            let exprs: Vec<&str> = run
                .iter()
                .filter_map(|&i| compiled[i].path_or_parent.as_deref())
                .collect();
            match shared::regex_set(&exprs) {
                Ok(set) => group.chunks.push((set, run.to_vec())),
                // Too large for a set: decide these one by one.
                Err(()) => group.outside.extend_from_slice(run),
            }
        }
        group.outside.sort_unstable();
        group
    }

    /// The highest of `best` and the indices of members matching `path` or a parent.
    fn best(&self, compiled: &[Compiled], path: &str, mut best: Option<usize>) -> Option<usize> {
        for (set, members) in self.chunks.iter().rev() {
            if best.is_some_and(|b| members.last().is_some_and(|&l| l < b)) {
                break;
            }
            if set.is_match(path) {
                if let Some(j) = set.matches(path).iter().next_back() {
                    best = best.max(Some(members[j]));
                }
                break;
            }
        }
        for &i in self.outside.iter().rev() {
            if best.is_some_and(|b| i < b) {
                break;
            }
            if compiled[i].matches_path_or_parent(path) {
                return Some(i);
            }
        }
        best
    }
}

impl Matcher {
    fn new(compiled: Vec<Compiled>) -> Self {
        let mut exact = HashMap::new();
        let mut under = HashMap::new();
        let mut segment = HashMap::new();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        let mut general = Vec::new();
        for (i, c) in compiled.iter().enumerate() {
            // Later patterns overwrite earlier ones with the same key: the highest wins.
            match &c.kind {
                Kind::Exact(text) => {
                    exact.insert(text.clone(), i);
                    continue;
                }
                Kind::Prefix(p) if p.len() > 1 && p.ends_with('/') => {
                    under.insert(p[..p.len() - 1].to_string(), i);
                    continue;
                }
                Kind::Suffix(s) => {
                    let name = std::str::from_utf8(s)
                        .ok()
                        .and_then(|s| s.strip_prefix('/'))
                        .filter(|n| !n.is_empty() && !n.contains('/'));
                    if let Some(name) = name {
                        segment.insert(name.to_string(), i);
                        continue;
                    }
                }
                _ => {}
            }
            let literal = match &c.kind {
                Kind::Prefix(p) => p.as_str(),
                Kind::Regex(_) => c.literal_prefix.as_str(),
                Kind::Exact(_) | Kind::Suffix(_) => "",
            };
            match literal.split_once('/') {
                Some((first, _)) => by_first.entry(first.to_string()).or_default().push(i),
                None => general.push(i),
            }
        }
        let by_first = by_first
            .into_iter()
            .map(|(k, members)| (k, Group::new(&compiled, &members)))
            .collect();
        let general = Group::new(&compiled, &general);
        Matcher {
            compiled,
            exact,
            under,
            segment,
            by_first,
            general,
        }
    }

    /// Index of the last pattern that matches `path` or one of its parents.
    fn decisive(&self, path: &str) -> Option<usize> {
        if !parents_are_clean(path) {
            return self.decisive_slow(path);
        }
        // The parents are the prefixes of `path` that end before a `/`.
        let mut best = None;
        if !self.exact.is_empty() {
            best = best.max(self.exact.get(path).copied());
        }
        if !self.exact.is_empty() || !self.under.is_empty() {
            for (j, _) in path.match_indices('/') {
                let parent = &path[..j];
                best = best.max(self.exact.get(parent).copied());
                best = best.max(self.under.get(parent).copied());
            }
        }
        if !self.segment.is_empty() {
            for seg in path.split('/') {
                best = best.max(self.segment.get(seg).copied());
            }
        }
        if !self.by_first.is_empty() {
            let first = path.split('/').next().unwrap_or(path);
            if let Some(group) = self.by_first.get(first) {
                best = group.best(&self.compiled, path, best);
            }
        }
        self.general.best(&self.compiled, path, best)
    }

    /// The same decision, pattern by pattern, exactly as Docker evaluates it.
    fn decisive_slow(&self, path: &str) -> Option<usize> {
        (0..self.compiled.len())
            .rev()
            .find(|&i| self.compiled[i].matches_path_or_parent(path))
    }
}

/// Compiled expressions shared across ignore files, for the life of the process.
///
/// The caches are bounded (in entries and in expression length), so hostile ignore files
/// cannot make them grow without limit: past the bounds, expressions are compiled for the
/// one file that asks and dropped with it, as if there were no cache.
mod shared {
    use super::{Arc, HashMap, LazyLock, Mutex, PoisonError, Regex, RegexSet, RegexSetBuilder};

    /// Expressions kept, per cache.
    const MAX_ENTRIES: usize = 4096;
    /// Longest expression (or set, all expressions together) kept, in bytes.
    const MAX_LEN: usize = 4096;

    type Cache<K, V> = LazyLock<Mutex<HashMap<K, Arc<V>>>>;

    static REGEXES: Cache<String, Regex> = LazyLock::new(|| Mutex::new(HashMap::new()));
    static SETS: Cache<String, RegexSet> = LazyLock::new(|| Mutex::new(HashMap::new()));

    /// The compiled `expr`, or the compiler's error message.
    pub(super) fn regex(expr: &str) -> Result<Arc<Regex>, String> {
        let cacheable = expr.len() <= MAX_LEN;
        if cacheable {
            let cache = REGEXES.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(re) = cache.get(expr) {
                return Ok(Arc::clone(re));
            }
        }
        let re = Arc::new(Regex::new(expr).map_err(|e| e.to_string())?);
        if cacheable {
            let mut cache = REGEXES.lock().unwrap_or_else(PoisonError::into_inner);
            if cache.len() < MAX_ENTRIES {
                cache.insert(expr.to_owned(), Arc::clone(&re));
            }
        }
        Ok(re)
    }

    /// The compiled set of `exprs` (in this order), or `Err` when it cannot be built.
    pub(super) fn regex_set(exprs: &[&str]) -> Result<Arc<RegexSet>, ()> {
        // Each expression prefixed with its length: no two lists share a key.
        let mut key = String::new();
        for e in exprs {
            key.push_str(&e.len().to_string());
            key.push(':');
            key.push_str(e);
        }
        let cacheable = key.len() <= MAX_LEN;
        if cacheable {
            let cache = SETS.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(set) = cache.get(&key) {
                return Ok(Arc::clone(set));
            }
        }
        let set = Arc::new(RegexSetBuilder::new(exprs).build().map_err(|_| ())?);
        if cacheable {
            let mut cache = SETS.lock().unwrap_or_else(PoisonError::into_inner);
            if cache.len() < MAX_ENTRIES {
                cache.insert(key, Arc::clone(&set));
            }
        }
        Ok(set)
    }
}

/// Reads a regular expression in Go's `regexp/syntax` (Perl flags, as `regexp.Compile`
/// uses) and writes the same language in `regex` syntax. Only the constructs that can
/// appear in patternmatcher's translations are supported; anything else is an error, as
/// are the inputs Go rejects.
mod go_regex {
    use std::fmt::Write as _;

    /// A translated expression: `body` followed by `end` (the final `$`, when the Go
    /// expression ends with that anchor at its top level).
    pub(super) struct Translation {
        pub(super) body: String,
        pub(super) end: Option<&'static str>,
        /// No assertion other than the leading `^` and the final `$`, and no alternation:
        /// the expression can be extended to match parent directories.
        pub(super) prefixable: bool,
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Last {
        /// Nothing a repetition could apply to (start, after `(` or `|`).
        None,
        Atom,
        Repeat,
    }

    struct Parser {
        s: Vec<char>,
        i: usize,
        out: String,
        depth: usize,
        last: Last,
        prefixable: bool,
    }

    pub(super) fn translate(src: &str) -> Result<Translation, String> {
        let mut p = Parser {
            s: src.chars().collect(),
            i: 0,
            out: String::new(),
            depth: 0,
            last: Last::None,
            prefixable: true,
        };
        let end = p.parse()?;
        Ok(Translation {
            body: p.out,
            end,
            prefixable: p.prefixable,
        })
    }

    fn push_lit(out: &mut String, c: char) {
        let mut buf = [0u8; 4];
        out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
    }

    fn push_range(out: &mut String, lo: char, hi: char) {
        if lo == hi {
            let _ = write!(out, "\\x{{{:X}}}", u32::from(lo));
        } else {
            let _ = write!(out, "\\x{{{:X}}}-\\x{{{:X}}}", u32::from(lo), u32::from(hi));
        }
    }

    /// Go's ASCII-only classes, as `regex` class items.
    fn posix_class(name: &str) -> Option<&'static str> {
        Some(match name {
            "alnum" => r"0-9A-Za-z",
            "alpha" => r"A-Za-z",
            "ascii" => r"\x00-\x7F",
            "blank" => r"\t ",
            "cntrl" => r"\x00-\x1F\x7F",
            "digit" => r"0-9",
            "graph" => r"!-~",
            "lower" => r"a-z",
            "print" => r" -~",
            "punct" => r"!-/:-@\[-`\{-~",
            "space" => r"\t\n\x0B\f\r ",
            "upper" => r"A-Z",
            "word" => r"0-9A-Za-z_",
            "xdigit" => r"0-9A-Fa-f",
            _ => return None,
        })
    }

    /// `\d \s \w` and their negations: ASCII-only in Go.
    fn perl_class(c: char) -> Option<String> {
        let (items, negated) = match c {
            'd' => ("0-9", false),
            'D' => ("0-9", true),
            's' => (r"\t\n\f\r ", false),
            'S' => (r"\t\n\f\r ", true),
            'w' => ("0-9A-Za-z_", false),
            'W' => ("0-9A-Za-z_", true),
            _ => return None,
        };
        Some(format!("[{}{items}]", if negated { "^" } else { "" }))
    }

    /// Go's Unicode general categories (and `Any`) as `regex` class items. Go's `C` has no
    /// unassigned code points, unlike Unicode's `Other`.
    fn unicode_class(name: &str) -> Option<&'static str> {
        Some(match name {
            "Any" => r"\x{0}-\x{10FFFF}",
            "C" => r"\p{Cc}\p{Cf}\p{Co}",
            "Cc" => r"\p{Cc}",
            "Cf" => r"\p{Cf}",
            "Co" => r"\p{Co}",
            // Surrogates never occur in UTF-8 text.
            "Cs" => r"\x{0}&&\x{1}",
            "L" => r"\p{L}",
            "Ll" => r"\p{Ll}",
            "Lm" => r"\p{Lm}",
            "Lo" => r"\p{Lo}",
            "Lt" => r"\p{Lt}",
            "Lu" => r"\p{Lu}",
            "M" => r"\p{M}",
            "Mc" => r"\p{Mc}",
            "Me" => r"\p{Me}",
            "Mn" => r"\p{Mn}",
            "N" => r"\p{N}",
            "Nd" => r"\p{Nd}",
            "Nl" => r"\p{Nl}",
            "No" => r"\p{No}",
            "P" => r"\p{P}",
            "Pc" => r"\p{Pc}",
            "Pd" => r"\p{Pd}",
            "Pe" => r"\p{Pe}",
            "Pf" => r"\p{Pf}",
            "Pi" => r"\p{Pi}",
            "Po" => r"\p{Po}",
            "Ps" => r"\p{Ps}",
            "S" => r"\p{S}",
            "Sc" => r"\p{Sc}",
            "Sk" => r"\p{Sk}",
            "Sm" => r"\p{Sm}",
            "So" => r"\p{So}",
            "Z" => r"\p{Z}",
            "Zl" => r"\p{Zl}",
            "Zp" => r"\p{Zp}",
            "Zs" => r"\p{Zs}",
            _ => return None,
        })
    }

    impl Parser {
        fn peek(&self, off: usize) -> Option<char> {
            self.s.get(self.i + off).copied()
        }

        fn parse(&mut self) -> Result<Option<&'static str>, String> {
            let n = self.s.len();
            let mut end = None;
            while self.i < n {
                let c = self.s[self.i];
                match c {
                    '(' => {
                        if self.peek(1) == Some('?') {
                            return Err("unsupported group flags".into());
                        }
                        self.out.push_str("(?:");
                        self.depth += 1;
                        self.last = Last::None;
                        self.i += 1;
                    }
                    ')' => {
                        if self.depth == 0 {
                            return Err("unexpected )".into());
                        }
                        self.depth -= 1;
                        self.out.push(')');
                        self.last = Last::Atom;
                        self.i += 1;
                    }
                    '|' => {
                        self.out.push('|');
                        self.prefixable = false;
                        self.last = Last::None;
                        self.i += 1;
                    }
                    '^' => {
                        if self.i != 0 {
                            self.prefixable = false;
                        }
                        self.out.push('^');
                        self.last = Last::Atom;
                        self.i += 1;
                    }
                    '$' => {
                        if self.i + 1 == n && self.depth == 0 {
                            end = Some("$");
                        } else {
                            self.out.push('$');
                            self.prefixable = false;
                        }
                        self.last = Last::Atom;
                        self.i += 1;
                    }
                    '.' => {
                        self.out.push('.');
                        self.last = Last::Atom;
                        self.i += 1;
                    }
                    '[' => {
                        let class = self.parse_class()?;
                        self.out.push_str(&class);
                        self.last = Last::Atom;
                    }
                    '*' | '+' | '?' => self.repeat(c)?,
                    '{' => {
                        if self.looks_like_counted_repeat() {
                            return Err("unsupported counted repetition".into());
                        }
                        push_lit(&mut self.out, '{');
                        self.last = Last::Atom;
                        self.i += 1;
                    }
                    '\\' => self.top_level_escape()?,
                    _ => {
                        push_lit(&mut self.out, c);
                        self.last = Last::Atom;
                        self.i += 1;
                    }
                }
            }
            if self.depth != 0 {
                return Err("missing )".into());
            }
            Ok(end)
        }

        fn repeat(&mut self, op: char) -> Result<(), String> {
            match self.last {
                Last::None => return Err(format!("missing argument to repetition operator {op}")),
                Last::Repeat => return Err(format!("invalid nested repetition operator {op}")),
                Last::Atom => {}
            }
            self.out.push(op);
            self.i += 1;
            if self.peek(0) == Some('?') {
                self.out.push('?');
                self.i += 1;
            }
            if matches!(self.peek(0), Some('*' | '+' | '?' | '{')) {
                return Err("invalid nested repetition operator".into());
            }
            self.last = Last::Repeat;
            Ok(())
        }

        /// Whether a `{` starts `{n}`, `{n,}` or `{n,m}`.
        fn looks_like_counted_repeat(&self) -> bool {
            let mut j = self.i + 1;
            let digits = |j: &mut usize| {
                let start = *j;
                while self.s.get(*j).is_some_and(char::is_ascii_digit) {
                    *j += 1;
                }
                *j > start
            };
            if !digits(&mut j) {
                return false;
            }
            if self.s.get(j) == Some(&',') {
                j += 1;
                digits(&mut j);
            }
            self.s.get(j) == Some(&'}')
        }

        fn top_level_escape(&mut self) -> Result<(), String> {
            let Some(c) = self.peek(1) else {
                return Err("trailing backslash".into());
            };
            match c {
                'A' | 'z' | 'b' | 'B' => {
                    self.out.push_str(match c {
                        'A' => r"\A",
                        'z' => r"\z",
                        'b' => r"(?-u:\b)",
                        _ => r"(?-u:\B)",
                    });
                    self.prefixable = false;
                    self.last = Last::Atom;
                    self.i += 2;
                }
                'C' => return Err(r"invalid escape \C".into()),
                'Q' => {
                    // Everything up to `\E` (or the end) is literal text.
                    self.i += 2;
                    let mut any = false;
                    while self.i < self.s.len() {
                        if self.s[self.i] == '\\' && self.peek(1) == Some('E') {
                            self.i += 2;
                            break;
                        }
                        push_lit(&mut self.out, self.s[self.i]);
                        any = true;
                        self.i += 1;
                    }
                    if any {
                        self.last = Last::Atom;
                    }
                }
                'p' | 'P' => {
                    let (items, negated) = self.unicode_escape()?;
                    let _ = write!(self.out, "[{}{items}]", if negated { "^" } else { "" });
                    self.last = Last::Atom;
                }
                _ => {
                    if let Some(class) = perl_class(c) {
                        self.out.push_str(&class);
                        self.i += 2;
                    } else {
                        let ch = self.escape()?;
                        push_lit(&mut self.out, ch);
                    }
                    self.last = Last::Atom;
                }
            }
            Ok(())
        }

        /// `\pX`, `\p{Name}`, `\PX`, `\p{^Name}` at `self.i`: the class items and whether
        /// the class is negated.
        fn unicode_escape(&mut self) -> Result<(&'static str, bool), String> {
            let mut negated = self.peek(1) == Some('P');
            let name: String = match self.peek(2) {
                Some('{') => {
                    let close = self.s[self.i..]
                        .iter()
                        .position(|&c| c == '}')
                        .ok_or("invalid character class range")?;
                    let name = self.s[self.i + 3..self.i + close].iter().collect();
                    self.i += close + 1;
                    name
                }
                Some(c) => {
                    self.i += 3;
                    c.to_string()
                }
                None => {
                    self.i += 2;
                    String::new()
                }
            };
            let name = match name.strip_prefix('^') {
                Some(rest) => {
                    negated = !negated;
                    rest
                }
                None => name.as_str(),
            };
            let items = unicode_class(name).ok_or("invalid or unsupported Unicode class")?;
            Ok((items, negated))
        }

        /// A single-character escape at `self.i` (Go's `parseEscape`).
        fn escape(&mut self) -> Result<char, String> {
            let bad = || "invalid escape sequence".to_string();
            let c = self.peek(1).ok_or("trailing backslash")?;
            self.i += 2;
            let is_octal = |c: Option<char>| c.is_some_and(|c| ('0'..='7').contains(&c));
            let value = match c {
                '1'..='7' if !is_octal(self.peek(0)) => return Err(bad()),
                '0'..='7' => {
                    let mut r = c.to_digit(8).ok_or_else(bad)?;
                    for _ in 0..2 {
                        match self.peek(0).and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                r = r * 8 + d;
                                self.i += 1;
                            }
                            None => break,
                        }
                    }
                    r
                }
                'x' => {
                    let first = self.peek(0).ok_or_else(bad)?;
                    self.i += 1;
                    if first == '{' {
                        let mut r: u32 = 0;
                        let mut digits = 0;
                        loop {
                            let d = self.peek(0).ok_or_else(bad)?;
                            self.i += 1;
                            if d == '}' {
                                break;
                            }
                            r = r * 16 + d.to_digit(16).ok_or_else(bad)?;
                            if r > 0x10_FFFF {
                                return Err(bad());
                            }
                            digits += 1;
                        }
                        if digits == 0 {
                            return Err(bad());
                        }
                        r
                    } else {
                        let second = self.peek(0).ok_or_else(bad)?;
                        self.i += 1;
                        match (first.to_digit(16), second.to_digit(16)) {
                            (Some(x), Some(y)) => x * 16 + y,
                            _ => return Err(bad()),
                        }
                    }
                }
                'a' => 0x07,
                'f' => 0x0C,
                'n' => 0x0A,
                'r' => 0x0D,
                't' => 0x09,
                'v' => 0x0B,
                c if c.is_ascii() && !c.is_ascii_alphanumeric() => u32::from(c),
                _ => return Err(bad()),
            };
            char::from_u32(value).ok_or_else(|| "unsupported code point".to_string())
        }

        /// A character class at `self.i` (Go's `parseClass`), as a `regex` class.
        fn parse_class(&mut self) -> Result<String, String> {
            let missing = || "missing closing ]".to_string();
            self.i += 1;
            let negated = self.peek(0) == Some('^');
            if negated {
                self.i += 1;
            }
            let mut out = String::from(if negated { "[^" } else { "[" });
            let mut first = true;
            loop {
                let c = self.peek(0).ok_or_else(missing)?;
                if c == ']' && !first {
                    self.i += 1;
                    break;
                }
                first = false;
                // `[:name:]`; Go looks for the closing `:]` anywhere further on.
                if c == '[' && self.peek(1) == Some(':') && self.peek(2).is_some() {
                    let rest = &self.s[self.i + 2..];
                    if let Some(j) = rest.windows(2).position(|w| w == [':', ']']) {
                        let name: String = rest[..j].iter().collect();
                        let (neg, name) = match name.strip_prefix('^') {
                            Some(n) => (true, n),
                            None => (false, name.as_str()),
                        };
                        let items = posix_class(name).ok_or("invalid character class range")?;
                        let _ = write!(out, "[{}{items}]", if neg { "^" } else { "" });
                        self.i += 2 + j + 2;
                        continue;
                    }
                }
                if c == '\\' {
                    match self.peek(1) {
                        Some('p' | 'P') => {
                            let (items, neg) = self.unicode_escape()?;
                            let _ = write!(out, "[{}{items}]", if neg { "^" } else { "" });
                            continue;
                        }
                        Some(e) => {
                            if let Some(class) = perl_class(e) {
                                out.push_str(&class);
                                self.i += 2;
                                continue;
                            }
                        }
                        None => {}
                    }
                }
                let lo = self.class_char()?;
                let mut hi = lo;
                if self.peek(0) == Some('-') && self.peek(1).is_some_and(|c| c != ']') {
                    self.i += 1;
                    hi = self.class_char()?;
                    if hi < lo {
                        return Err("invalid character class range".into());
                    }
                }
                push_range(&mut out, lo, hi);
            }
            out.push(']');
            Ok(out)
        }

        fn class_char(&mut self) -> Result<char, String> {
            match self.peek(0) {
                None => Err("missing closing ]".into()),
                Some('\\') => self.escape(),
                Some(c) => {
                    self.i += 1;
                    Ok(c)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(p: &str) -> Compiled {
        compile_pattern(p, false).expect("pattern compiles")
    }

    #[test]
    fn match_types_follow_patternmatcher() {
        assert!(matches!(compiled("a/b").kind, Kind::Exact(_)));
        assert!(matches!(compiled("a.b$").kind, Kind::Exact(_)));
        assert!(matches!(compiled("a/**").kind, Kind::Prefix(ref p) if p == "a/"));
        assert!(matches!(compiled("**/.env").kind, Kind::Suffix(ref s) if s == b"/.env"));
        assert!(matches!(compiled("**").kind, Kind::Suffix(ref s) if s.is_empty()));
        assert!(matches!(compiled("**/*.go").kind, Kind::Regex(_)));
        assert!(matches!(compiled("a\\b").kind, Kind::Regex(_)));
    }

    #[test]
    fn go_classes_translate_to_go_meaning() {
        // `[!a]` is the set {!, a}.
        let c = compiled("[!a]*.txt");
        assert!(c.matches("a.txt") && c.matches("!x.txt") && !c.matches("b.txt"));
        // `[a*]`: the class is closed by the `]` of the `[^/]` that `*` becomes, so Docker
        // reads `[a[^/]*]` = (one of `a [ ^ /`)* then a literal `]`.
        let c = compiled("[a*]");
        assert!(c.matches("]") && c.matches("a/[]") && !c.matches("a"));
        // `\d` is ASCII only in Go.
        let c = compiled("\\d");
        assert!(c.matches("7") && !c.matches("٣"));
        // Octal escape: `\101` is `A`.
        assert!(compiled("\\101").matches("A"));
        // `\Q` quotes the rest, including the final `$`: no end anchor.
        let c = compiled("\\Qa*");
        assert!(c.matches("a[^/]*$tail") && !c.matches("ab"));
        // POSIX classes inside a class.
        let c = compiled("[[:digit:]x]");
        assert!(c.matches("5") && c.matches("x") && !c.matches("y"));
        // A range that Go rejects (`[a-[^/]]` after translating `?`).
        assert!(matches!(
            compile_pattern("[a-?]", false),
            Err(IgnoreErrorKind::BadRegex(_))
        ));
        // Unknown escape, rejected by Go's regexp.
        assert!(compile_pattern("\\y", false).is_err());
    }

    #[test]
    fn bom_inside_pattern_is_skipped_by_go_scanner() {
        // A BOM at the start of a pattern other than the first line's: the regex drops it,
        // an exact pattern keeps it.
        let c = compiled("\u{feff}*.md");
        assert!(c.matches("x.md"));
        let c = compiled("\u{feff}x");
        assert!(c.matches("\u{feff}x") && !c.matches("x"));
        // Suffix slicing by bytes keeps the BOM's last byte.
        let c = compiled("\u{feff}**");
        assert!(c.matches("\u{feff}**") && c.matches("¿**") && !c.matches("x"));
        assert!(c.path_or_parent.is_none());
    }

    #[test]
    fn reading_drops_comments_bom_and_cr() {
        let f = IgnoreFile::parse("\u{feff}# c\r\n  #x\r\n!  /a/../b/ \r\n\n");
        let got: Vec<_> = f
            .patterns
            .iter()
            .map(|p| (p.text.as_str(), p.cleaned.as_str(), p.negated, p.line))
            .collect();
        assert_eq!(got, [("#x", "#x", false, 2), ("!  /a/../b/", "b", true, 3)]);
        let text = "\u{feff}# c\r\n  #x\r\n!  /a/../b/ \r\n\n";
        assert_eq!(&text[f.patterns[1].span.range()], "!  /a/../b/");
    }

    #[test]
    fn refused_lines_are_errors() {
        let f = IgnoreFile::parse("!\na[\nok\n! \n!/\n[a-?]\n");
        let kinds: Vec<_> = f
            .errors()
            .iter()
            .map(|e| (e.line, e.kind.clone()))
            .collect();
        assert_eq!(kinds[0], (1, IgnoreErrorKind::BareExclusion));
        assert_eq!(kinds[1], (2, IgnoreErrorKind::BadPattern));
        assert_eq!(kinds[2], (4, IgnoreErrorKind::BareExclusion));
        assert_eq!(kinds[3], (5, IgnoreErrorKind::BareExclusion));
        assert!(matches!(kinds[4], (6, IgnoreErrorKind::BadRegex(_))));
        assert_eq!(f.patterns.len(), 1);
        assert!(f.is_excluded("ok"));
    }

    #[test]
    fn clean_can_swallow_the_exclamation_mark() {
        // `!../../x`: the reader keeps `!../../x`; the matcher's own Clean turns it into `x`
        // (`!..` is an ordinary name that the next `..` removes), so it excludes.
        let f = IgnoreFile::parse("!../../x\n");
        assert_eq!(f.patterns[0].cleaned, "x");
        assert!(!f.patterns[0].negated);
        assert!(f.is_excluded("x"));
    }

    #[test]
    fn long_line_is_refused() {
        let long = "a".repeat(MAX_LINE + 1);
        let f = IgnoreFile::parse(&format!("{long}\nb\n"));
        assert_eq!(f.errors()[0].kind, IgnoreErrorKind::LineTooLong);
        assert!(f.is_excluded("b"));
        let ok = "a".repeat(MAX_LINE);
        assert!(IgnoreFile::parse(&ok).errors().is_empty());
    }

    #[test]
    fn unclean_paths_use_go_parent_rules() {
        let f = IgnoreFile::parse("a\n");
        // Go cleans the parent directory: `a//b` has parent `a`.
        assert!(f.is_excluded("a//b"));
        assert!(f.is_excluded("./a/b"));
        assert!(!f.is_excluded("./a"));
    }

    #[test]
    fn reinclusion_below_directories() {
        let f = IgnoreFile::parse("*\n!src\n!docs/**/*.md\n");
        assert!(!f.may_reinclude_below("node_modules"));
        assert!(f.may_reinclude_below("docs"));
        assert!(f.may_reinclude_below("src"));
        let f = IgnoreFile::parse("node_modules\n!**/keep\n");
        assert!(f.may_reinclude_below("node_modules"));
        let f = IgnoreFile::parse("!a/b\nbuild\n");
        // The exception comes before the exclusion: it cannot re-include anything.
        assert!(!f.may_reinclude_below("build"));
        let f = IgnoreFile::parse("build\n!build/keep.txt\n!buildx\n");
        assert!(f.may_reinclude_below("build"));
        assert!(!f.may_reinclude_below("build/sub"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Patterns built from path-like segments (so literal, `dir/**` and `**/name`
        /// forms are common) with odd pieces mixed in.
        fn pattern() -> impl Strategy<Value = String> {
            let plain = prop::sample::select(vec!["a", "b", "**", "*", "a*", "[ab]"]);
            let odd = prop::sample::select(vec![
                "[!a]", "[^a]", "[a-c]", "\\*", "\\", ".", "..", "$", "[", "]", "é", "\\d", "[a*]",
                "^", "\\Q", "\\b", "\\z", "\u{feff}", "",
            ]);
            let segment = prop_oneof![6 => plain, 1 => odd];
            (any::<bool>(), prop::collection::vec(segment, 1..4))
                .prop_map(|(neg, segs)| format!("{}{}", if neg { "!" } else { "" }, segs.join("/")))
        }

        fn path() -> impl Strategy<Value = String> {
            let seg = prop::sample::select(vec!["a", "b", "ab", "é", "*", "]"]);
            prop::collection::vec(seg, 1..5).prop_map(|v| v.join("/"))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1024))]

            /// The set-based decision equals Docker's pattern-by-pattern evaluation.
            #[test]
            fn fast_path_equals_docker_loop(pats in prop::collection::vec(pattern(), 1..6), p in path()) {
                let f = IgnoreFile::parse(&pats.join("\n"));
                prop_assert_eq!(f.matcher.decisive(&p), f.matcher.decisive_slow(&p));
            }

            /// `may_reinclude_below` == false really means everything below is excluded.
            #[test]
            fn skip_is_safe(pats in prop::collection::vec(pattern(), 1..6), d in path(), rest in path()) {
                let f = IgnoreFile::parse(&pats.join("\n"));
                if f.is_excluded(&d) && !f.may_reinclude_below(&d) {
                    let below = format!("{d}/{rest}");
                    prop_assert!(f.is_excluded(&below), "{below} re-included");
                }
            }
        }
    }
}

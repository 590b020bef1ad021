//! Expansion of Dockerfile instruction arguments, the way the `dockerfile:1` frontend of
//! `BuildKit` expands them on `FROM`, `COPY`, `ADD`, `ENV`, `ARG`, `LABEL`, `USER`,
//! `WORKDIR`, `EXPOSE`, `VOLUME`, `STOPSIGNAL` and flag values. This is not the shell that
//! runs `RUN`: it knows quotes, one escape character, `$NAME`, `${NAME}` and the
//! `${NAME<op>word}` forms, and nothing else (no globbing, no command substitution).
//!
//! Behaviour, checked against `BuildKit`'s own test vectors (`tests/buildkit_shell.rs`):
//!
//! - The escape character is `\` unless a `# escape=` directive chose `` ` ``. Outside quotes
//!   it makes the next character literal; at the very end of the input it is dropped.
//! - `'…'` is literal. In `"…"` the escape character only escapes `"`, `$` and itself (it
//!   stays in the text before anything else), and `$` expansions happen.
//! - `$NAME` reads a name of letters, digits and `_`. A name starting with a digit is all
//!   the digits (`$123x` is `$123` then `x`); `$@ $* $# $? $- $$ $! $0` are one-character
//!   names. `$` followed by anything else is a literal `$`.
//! - `${NAME}`, `${NAME-word}`, `${NAME:-word}` (default), `${NAME+word}`, `${NAME:+word}`
//!   (alternative), `${NAME?msg}`, `${NAME:?msg}` (error when unset / unset or empty),
//!   `${NAME#pat}`, `${NAME##pat}`, `${NAME%pat}`, `${NAME%%pat}` (remove shortest/longest
//!   prefix/suffix) and `${NAME/pat/repl}`, `${NAME//pat/repl}` (replace first/all). The
//!   word is expanded recursively (quotes and `$` work inside) and is always evaluated, so
//!   an error inside an unused default is still an error, as in `BuildKit`. In patterns `*`
//!   is any run of characters (not crossing a newline), `?` one character, and `\*`, `\?`,
//!   `\\`, `\}`, `\/` are literal; other backslash escapes are errors.
//! - Everything else after `${NAME` (`:=`, `:#`, `${NAME:0:1}`, `${#NAME}`, …) is an error, as
//!   are `${}`, `${:…}`, `${{…}` and unterminated quotes or braces.
//!
//! Values come from an [`Env`] whose lookups answer [`Lookup::Value`],
//! [`Lookup::Undefined`] (exactly `BuildKit`'s unset) or [`Lookup::Unknown`]: declared, but
//! the value is not known before the build (`ARG TAG` without default). An expansion whose
//! outcome depends on an unknown value marks the result `unknown` and stands in the output
//! as its own source text (`FROM alpine:${TAG}` gives `alpine:${TAG}`, unknown); one whose
//! outcome does not (`${TAG+set}` gives `set`) stays known.
//!
//! Deliberate difference: the `BuildKit` source studied shares one scratch buffer between
//! nested levels of word splitting, so in `ProcessWords` (used for `EXPOSE`) the text of a
//! field before a `${NAME<op>word}` is lost (`80${P:-}` gives no field). We split each level
//! on its own as the splitting rules describe (`80`); `expand_word` is not affected.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// Deepest nesting of `${NAME<op>${…}}` words accepted before [`ExpandErrorKind::TooDeep`].
pub const MAX_NESTING: usize = 64;

/// Longest text [`expand_word`] produces (1 MiB). Each `ARG B=$A$A` doubles a value, so a
/// few dozen lines would otherwise ask for more memory than any machine has; a longer
/// result is unknown instead (see [`expand_word_within`]).
pub const MAX_EXPANDED_LEN: usize = 1024 * 1024;

/// What an environment knows about a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Set, possibly to the empty string.
    Value(&'a str),
    /// Set, but the value is not known before the build.
    Unknown,
    /// Not defined anywhere: behaves as unset.
    Undefined,
}

/// Variables visible to an expansion.
pub trait Env {
    fn lookup(&self, name: &str) -> Lookup<'_>;
}

impl<S: BuildHasher> Env for HashMap<String, String, S> {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        self.get(name)
            .map_or(Lookup::Undefined, |v| Lookup::Value(v.as_str()))
    }
}

impl<S: BuildHasher> Env for HashMap<&str, &str, S> {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        self.get(name)
            .map_or(Lookup::Undefined, |v| Lookup::Value(v))
    }
}

impl<E: Env + ?Sized> Env for &E {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        (**self).lookup(name)
    }
}

/// An environment in which no name is defined.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoEnv;

impl Env for NoEnv {
    fn lookup(&self, _name: &str) -> Lookup<'_> {
        Lookup::Undefined
    }
}

/// An environment in which every name is set to an unknown value.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllUnknown;

impl Env for AllUnknown {
    fn lookup(&self, _name: &str) -> Lookup<'_> {
        Lookup::Unknown
    }
}

/// An environment answered by a closure, for example one that looks through stacked scopes:
/// `EnvFn::new(|name| if name == "TAG" { Lookup::Unknown } else { Lookup::Undefined })`.
pub struct EnvFn<'a, F> {
    f: F,
    values: PhantomData<&'a str>,
}

impl<'a, F: Fn(&str) -> Lookup<'a>> EnvFn<'a, F> {
    pub fn new(f: F) -> Self {
        Self {
            f,
            values: PhantomData,
        }
    }
}

impl<'a, F: Fn(&str) -> Lookup<'a>> Env for EnvFn<'a, F> {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        (self.f)(name)
    }
}

/// A variable reference in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Byte offset of the `$`.
    pub start: usize,
    /// Byte offset just after the name of `$NAME`, or after the closing `}` of `${…}`.
    pub end: usize,
    /// `false` when the lookup answered [`Lookup::Undefined`] and the form gives no default
    /// or alternative (`$X`, `${X}`, `${X#p}`, `${X/p/r}`…), so the reference silently
    /// expands to nothing. Always `true` from [`references`], which looks nothing up.
    pub defined: bool,
    /// The form supplies a default, an alternative or a required check (`${X-d}`, `${X:-d}`,
    /// `${X+a}`, `${X:+a}`, `${X?m}`, `${X:?m}`), so an undefined value is not silently empty.
    pub guarded: bool,
}

impl VarRef {
    /// A positional (`$1`, `$00`) or special (`$@`, `$$`, …) parameter, which is never set in
    /// a Dockerfile unless an `ARG`/`ENV` happens to use the name.
    pub fn is_positional_or_special(&self) -> bool {
        self.name
            .chars()
            .next()
            .is_some_and(|c| is_digit(c) || is_special_param(c))
    }
}

/// The result of [`expand_word`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Expanded {
    pub value: String,
    /// Some part depends on a value that is not known before the build; those parts appear
    /// in `value` as their source text.
    pub unknown: bool,
    /// Every reference that was looked up, in source order (nested ones included, also
    /// those in a default that was not used, since `BuildKit` evaluates them too).
    pub refs: Vec<VarRef>,
    /// The result would have been longer than the limit: it is unknown for that reason.
    pub too_long: bool,
}

/// The result of [`expand_words`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ExpandedWords {
    pub fields: Vec<String>,
    /// As [`Expanded::unknown`]; an unknown part is kept whole inside one field, so field
    /// boundaries are then a guess.
    pub unknown: bool,
    pub refs: Vec<VarRef>,
}

/// Why an expansion failed, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ExpandError {
    /// Byte offset in the input: the opening quote of an unterminated string, the `$` of a
    /// malformed or failing substitution, the modifier of an unsupported one, the start of
    /// an invalid pattern.
    pub offset: usize,
    pub kind: ExpandErrorKind,
}

impl ExpandError {
    fn new(offset: usize, kind: ExpandErrorKind) -> Self {
        Self { offset, kind }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExpandErrorKind {
    #[error("unterminated single-quoted string")]
    UnterminatedSingleQuote,
    #[error("unterminated double-quoted string")]
    UnterminatedDoubleQuote,
    #[error("missing `}}` to close `${{`")]
    MissingBrace,
    #[error("missing `/` between pattern and replacement in `${{NAME/pattern/replacement}}`")]
    MissingSlash,
    #[error("bad substitution: `${{` must be followed by a variable name")]
    BadSubstitution,
    #[error("unsupported modifier `{0}` in substitution")]
    UnsupportedModifier(String),
    /// `${NAME?msg}` or `${NAME:?msg}` on an unset variable.
    #[error("{name}: {message}")]
    Unset { name: String, message: String },
    /// `${NAME:?msg}` on an empty variable.
    #[error("{name}: {message}")]
    Empty { name: String, message: String },
    #[error("invalid pattern `{pattern}` in substitution: {reason}")]
    InvalidPattern { pattern: String, reason: String },
    #[error("substitutions nested more than {MAX_NESTING} levels deep")]
    TooDeep,
}

/// Expands `input` as one word (`BuildKit`'s `ProcessWord`): quotes removed, variables
/// substituted, white space kept.
pub fn expand_word(input: &str, escape: char, env: &dyn Env) -> Result<Expanded, ExpandError> {
    expand_word_within(input, escape, env, MAX_EXPANDED_LEN)
}

/// [`expand_word`] producing at most `max_len` bytes: when the result (or any part of it
/// on the way) would be longer, it is unknown and `value` is the input as written. Nothing
/// longer than `max_len` is ever built, whatever the values in `env`.
pub fn expand_word_within(
    input: &str,
    escape: char,
    env: &dyn Env,
    max_len: usize,
) -> Result<Expanded, ExpandError> {
    let mut lexer = Lexer::new(input, escape, env);
    lexer.limit = max_len;
    let mut out = StringSink::with_capacity(input.len().min(max_len), max_len);
    lexer.run(&mut out, None, false)?;
    if out.overflow || lexer.overflow {
        return Ok(Expanded {
            value: input.to_owned(),
            unknown: true,
            refs: lexer.refs,
            too_long: true,
        });
    }
    Ok(Expanded {
        value: out.text,
        unknown: out.unknown,
        refs: lexer.refs,
        too_long: false,
    })
}

/// Expands `input` and splits it into fields (`BuildKit`'s `ProcessWords`): unquoted,
/// unescaped white space, in the input or in a substituted value, separates fields; quoted
/// or escaped white space does not; empty fields are dropped (`""` alone gives none).
pub fn expand_words(
    input: &str,
    escape: char,
    env: &dyn Env,
) -> Result<ExpandedWords, ExpandError> {
    let mut lexer = Lexer::new(input, escape, env);
    let mut out = FieldsSink {
        limit: MAX_EXPANDED_LEN,
        ..FieldsSink::default()
    };
    lexer.run(&mut out, None, false)?;
    out.flush();
    Ok(ExpandedWords {
        fields: out.fields,
        unknown: out.unknown,
        refs: lexer.refs,
    })
}

/// All variable references in `input` (names and byte ranges, in source order), without
/// an environment. References inside single quotes or after an escaped `$` are not
/// references. Malformed input yields the references before the error.
pub fn references(input: &str, escape: char) -> Vec<VarRef> {
    let mut lexer = Lexer::new(input, escape, &AllUnknown);
    if lexer.run(&mut Discard, None, false).is_err() {
        // Drop references whose closing brace was never reached.
        lexer.refs.retain(|r| r.end > r.start);
    }
    lexer.refs
}

// ---------------------------------------------------------------------------------------
// Output sinks: one string, or fields.

trait Sink {
    /// An unquoted, unescaped character: white space separates fields.
    fn bare(&mut self, c: char);
    /// A quoted or escaped character: always part of a field.
    fn literal(&mut self, c: char);
    fn literal_str(&mut self, s: &str);
    /// The result of an unquoted `$` expansion: split into fields unless unknown.
    fn expansion(&mut self, s: &str, unknown: bool);
    fn mark_unknown(&mut self);
}

/// One string of at most `limit` bytes; what would go past the limit is dropped and the
/// text marked unknown and `overflow`.
struct StringSink {
    text: String,
    unknown: bool,
    limit: usize,
    overflow: bool,
}

impl StringSink {
    fn with_capacity(n: usize, limit: usize) -> Self {
        Self {
            text: String::with_capacity(n),
            unknown: false,
            limit,
            overflow: false,
        }
    }

    fn push_str(&mut self, s: &str) {
        if self.overflow || self.text.len() + s.len() > self.limit {
            self.overflow = true;
            self.unknown = true;
        } else {
            self.text.push_str(s);
        }
    }

    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

impl Sink for StringSink {
    fn bare(&mut self, c: char) {
        self.push(c);
    }
    fn literal(&mut self, c: char) {
        self.push(c);
    }
    fn literal_str(&mut self, s: &str) {
        self.push_str(s);
    }
    fn expansion(&mut self, s: &str, unknown: bool) {
        self.push_str(s);
        self.unknown |= unknown;
    }
    fn mark_unknown(&mut self) {
        self.unknown = true;
    }
}

/// Keeps nothing (only the references are wanted).
struct Discard;

impl Sink for Discard {
    fn bare(&mut self, _: char) {}
    fn literal(&mut self, _: char) {}
    fn literal_str(&mut self, _: &str) {}
    fn expansion(&mut self, _: &str, _: bool) {}
    fn mark_unknown(&mut self) {}
}

/// Fields of at most `limit` bytes in all; beyond it text is dropped and the result
/// marked unknown.
#[derive(Default)]
struct FieldsSink {
    fields: Vec<String>,
    current: String,
    unknown: bool,
    limit: usize,
    used: usize,
}

impl FieldsSink {
    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.fields.push(std::mem::take(&mut self.current));
        }
    }

    fn push_str(&mut self, s: &str) {
        if self.used + s.len() > self.limit {
            self.unknown = true;
        } else {
            self.used += s.len();
            self.current.push_str(s);
        }
    }

    fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }
}

impl Sink for FieldsSink {
    fn bare(&mut self, c: char) {
        if c.is_whitespace() {
            self.flush();
        } else {
            self.push(c);
        }
    }
    fn literal(&mut self, c: char) {
        self.push(c);
    }
    fn literal_str(&mut self, s: &str) {
        self.push_str(s);
    }
    fn expansion(&mut self, s: &str, unknown: bool) {
        if unknown {
            self.push_str(s);
            self.unknown = true;
        } else {
            for c in s.chars() {
                self.bare(c);
            }
        }
    }
    fn mark_unknown(&mut self) {
        self.unknown = true;
    }
}

// ---------------------------------------------------------------------------------------
// The lexer.

/// The text an expansion produced.
struct Piece<'a> {
    text: Cow<'a, str>,
    unknown: bool,
}

impl<'a> Piece<'a> {
    fn known(text: impl Into<Cow<'a, str>>) -> Self {
        Self {
            text: text.into(),
            unknown: false,
        }
    }
    fn unknown(source: &'a str) -> Self {
        Self {
            text: Cow::Borrowed(source),
            unknown: true,
        }
    }
    fn from_word(word: StringSink) -> Self {
        Self {
            text: Cow::Owned(word.text),
            unknown: word.unknown,
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    escape: char,
    env: &'a dyn Env,
    refs: Vec<VarRef>,
    depth: usize,
    /// Longest text a nested word or a replacement may produce.
    limit: usize,
    /// Some part of the word went past `limit`.
    overflow: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, escape: char, env: &'a dyn Env) -> Self {
        // Like BuildKit's reader, a leading byte order mark is not part of the word.
        let pos = if src.starts_with('\u{feff}') { 3 } else { 0 };
        Self {
            src,
            pos,
            escape,
            env,
            refs: Vec::new(),
            depth: 0,
            limit: MAX_EXPANDED_LEN,
            overflow: false,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Processes text until `stop` (consumed; returns `true`) or the end (returns `false`).
    /// `raw` keeps escape characters in the output (pattern words), without losing their
    /// effect.
    fn run<S: Sink>(
        &mut self,
        out: &mut S,
        stop: Option<char>,
        raw: bool,
    ) -> Result<bool, ExpandError> {
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += c.len_utf8();
                return Ok(true);
            }
            match c {
                '$' => {
                    let piece = self.dollar()?;
                    out.expansion(&piece.text, piece.unknown);
                }
                '\'' => self.single_quote(out)?,
                '"' => self.double_quote(out, raw)?,
                _ => {
                    self.pos += c.len_utf8();
                    if c == self.escape {
                        if raw {
                            out.literal(c);
                        }
                        match self.bump() {
                            Some(next) => out.literal(next),
                            None => break,
                        }
                    } else {
                        out.bare(c);
                    }
                }
            }
        }
        Ok(false)
    }

    fn single_quote<S: Sink>(&mut self, out: &mut S) -> Result<(), ExpandError> {
        let open = self.pos;
        let body_start = open + 1;
        let rest = self.src.get(body_start..).unwrap_or("");
        match memchr::memchr(b'\'', rest.as_bytes()) {
            Some(len) => {
                out.literal_str(&rest[..len]);
                self.pos = body_start + len + 1;
                Ok(())
            }
            None => Err(ExpandError::new(
                open,
                ExpandErrorKind::UnterminatedSingleQuote,
            )),
        }
    }

    fn double_quote<S: Sink>(&mut self, out: &mut S, raw: bool) -> Result<(), ExpandError> {
        let open = self.pos;
        self.pos += 1;
        loop {
            let Some(c) = self.peek() else {
                return Err(ExpandError::new(
                    open,
                    ExpandErrorKind::UnterminatedDoubleQuote,
                ));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(());
                }
                '$' => {
                    let piece = self.dollar()?;
                    out.literal_str(&piece.text);
                    if piece.unknown {
                        out.mark_unknown();
                    }
                }
                _ => {
                    self.pos += c.len_utf8();
                    let mut ch = c;
                    if c == self.escape {
                        if raw {
                            out.literal(c);
                        }
                        match self.peek() {
                            // A trailing escape is dropped; the quote is unterminated anyway.
                            None => continue,
                            Some(next) if next == '"' || next == '$' || next == self.escape => {
                                self.pos += next.len_utf8();
                                ch = next;
                            }
                            // Anything else: the escape character stays literal.
                            Some(_) => {}
                        }
                    }
                    out.literal(ch);
                }
            }
        }
    }

    /// A name after `$` or `${`: digits only when it starts with one, a single special
    /// parameter character, or letters, digits and `_`. May be empty.
    fn name(&mut self) -> &'a str {
        let src = self.src;
        let start = self.pos;
        let Some(first) = self.peek() else {
            return "";
        };
        if is_digit(first) {
            while let Some(c) = self.peek().filter(|&c| is_digit(c)) {
                self.pos += c.len_utf8();
            }
        } else if is_special_param(first) {
            self.pos += first.len_utf8();
        } else {
            while let Some(c) = self
                .peek()
                .filter(|&c| c == '_' || is_letter(c) || is_digit(c))
            {
                self.pos += c.len_utf8();
            }
        }
        &src[start..self.pos]
    }

    /// Reserves a reference in source order; completed by `close_ref`.
    fn open_ref(&mut self, name: &str, start: usize, guarded: bool) -> usize {
        self.refs.push(VarRef {
            name: name.to_owned(),
            start,
            end: start,
            defined: true,
            guarded,
        });
        self.refs.len() - 1
    }

    fn close_ref(&mut self, slot: usize, end: usize, defined: bool) {
        if let Some(r) = self.refs.get_mut(slot) {
            r.end = end;
            r.defined = defined;
        }
    }

    /// A nested word up to `stop`, raising `missing` (at `start`) when the input ends first.
    fn nested(
        &mut self,
        stop: char,
        raw: bool,
        start: usize,
        missing: ExpandErrorKind,
    ) -> Result<StringSink, ExpandError> {
        if self.depth >= MAX_NESTING {
            return Err(ExpandError::new(start, ExpandErrorKind::TooDeep));
        }
        self.depth += 1;
        let mut word = StringSink::with_capacity(0, self.limit);
        let found = self.run(&mut word, Some(stop), raw);
        self.depth -= 1;
        self.overflow |= word.overflow;
        if found? {
            Ok(word)
        } else {
            Err(ExpandError::new(start, missing))
        }
    }

    /// The value of a plain `$NAME` / `${NAME}` reference spanning `start..end`.
    fn plain(&self, lookup: Lookup<'a>, start: usize, end: usize) -> Piece<'a> {
        match lookup {
            Lookup::Value(v) => Piece::known(v),
            Lookup::Undefined => Piece::known(""),
            Lookup::Unknown => Piece::unknown(&self.src[start..end]),
        }
    }

    /// At a `$`.
    fn dollar(&mut self) -> Result<Piece<'a>, ExpandError> {
        let start = self.pos;
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok(Piece::known("$"));
            }
            let lookup = self.env.lookup(name);
            let end = self.pos;
            let slot = self.open_ref(name, start, false);
            self.close_ref(slot, end, lookup != Lookup::Undefined);
            return Ok(self.plain(lookup, start, end));
        }
        self.pos += 1;
        match self.peek() {
            None => return Err(ExpandError::new(start, ExpandErrorKind::MissingBrace)),
            Some('{' | '}' | ':') => {
                return Err(ExpandError::new(start, ExpandErrorKind::BadSubstitution));
            }
            Some(_) => {}
        }
        let name = self.name();
        let op_start = self.pos;
        match self.bump() {
            None => Err(ExpandError::new(start, ExpandErrorKind::MissingBrace)),
            Some('}') => {
                let lookup = self.env.lookup(name);
                let end = self.pos;
                let slot = self.open_ref(name, start, false);
                self.close_ref(slot, end, lookup != Lookup::Undefined);
                Ok(self.plain(lookup, start, end))
            }
            Some('/') => self.replace(start, name),
            Some(c @ (':' | '-' | '+' | '?' | '#' | '%')) => {
                self.modifier(start, name, c, op_start)
            }
            Some(c) => Err(ExpandError::new(
                op_start,
                ExpandErrorKind::UnsupportedModifier(c.to_string()),
            )),
        }
    }

    /// `${NAME<op>word}` after the first character of the operator.
    fn modifier(
        &mut self,
        start: usize,
        name: &'a str,
        first: char,
        op_start: usize,
    ) -> Result<Piece<'a>, ExpandError> {
        let (colon, op) = if first == ':' {
            match self.bump() {
                Some(op @ ('-' | '+' | '?')) => (true, op),
                // BuildKit reads the rest before refusing; every path is an error.
                Some(op) => {
                    return Err(ExpandError::new(
                        op_start,
                        ExpandErrorKind::UnsupportedModifier(format!(":{op}")),
                    ));
                }
                None => return Err(ExpandError::new(start, ExpandErrorKind::MissingBrace)),
            }
        } else {
            (false, first)
        };
        let pattern_op = op == '#' || op == '%';
        let slot = self.open_ref(name, start, !pattern_op);
        let word_start = self.pos;
        let word = self.nested('}', pattern_op, start, ExpandErrorKind::MissingBrace)?;
        let lookup = self.env.lookup(name);
        let end = self.pos;
        self.close_ref(slot, end, !pattern_op || lookup != Lookup::Undefined);
        let source = &self.src[start..end];
        // "Set and, for the `:` forms, not empty"; `None` when unknown.
        let present = |lookup: Lookup<'_>| match lookup {
            Lookup::Value(v) => Some(!(colon && v.is_empty())),
            Lookup::Undefined => Some(false),
            Lookup::Unknown => None,
        };
        match op {
            '-' => Ok(match (present(lookup), lookup) {
                (Some(true), Lookup::Value(v)) => Piece::known(v),
                (None, _) => Piece::unknown(source),
                _ => Piece::from_word(word),
            }),
            '+' => Ok(match lookup {
                // Set is all `${X+w}` asks; an unknown value may still be empty for `:+`.
                Lookup::Unknown if !colon => Piece::from_word(word),
                _ => match present(lookup) {
                    Some(true) => Piece::from_word(word),
                    Some(false) => Piece::known(""),
                    None => Piece::unknown(source),
                },
            }),
            '?' => match lookup {
                Lookup::Unknown => Ok(Piece::unknown(source)),
                Lookup::Undefined => Err(ExpandError::new(
                    start,
                    ExpandErrorKind::Unset {
                        name: name.to_owned(),
                        message: message_or(word.text, "is not allowed to be unset"),
                    },
                )),
                Lookup::Value("") if colon => Err(ExpandError::new(
                    start,
                    ExpandErrorKind::Empty {
                        name: name.to_owned(),
                        message: message_or(word.text, "is not allowed to be empty"),
                    },
                )),
                Lookup::Value(v) => Ok(Piece::known(v)),
            },
            _ => {
                // `#`/`%`: a doubled operator asks for the longest match.
                if word.unknown {
                    return Ok(Piece::unknown(source));
                }
                let (pattern, greedy) = match word.text.strip_prefix(op) {
                    Some(p) => (p, true),
                    None => (word.text.as_str(), false),
                };
                let invalid = |reason: String| {
                    ExpandError::new(
                        word_start,
                        ExpandErrorKind::InvalidPattern {
                            pattern: pattern.to_owned(),
                            reason,
                        },
                    )
                };
                let value = match lookup {
                    Lookup::Value(v) => Some(v),
                    Lookup::Undefined => Some(""),
                    Lookup::Unknown => None,
                };
                if op == '#' {
                    let pat = Pattern::new(pattern, greedy, true).map_err(invalid)?;
                    Ok(value.map_or(Piece::unknown(source), |v| Piece::known(pat.trim_prefix(v))))
                } else {
                    // The shortest/longest suffix is found as a prefix of the reversed
                    // value, with the pattern reversed (escapes kept in front of their
                    // character).
                    let pat =
                        Pattern::new(&reverse_pattern(pattern), greedy, true).map_err(invalid)?;
                    Ok(value.map_or(Piece::unknown(source), |v| {
                        Piece::known(pat.trim_reversed_suffix(v))
                    }))
                }
            }
        }
    }

    /// `${NAME/pattern/replacement}` or `${NAME//pattern/replacement}` after the first `/`.
    fn replace(&mut self, start: usize, name: &'a str) -> Result<Piece<'a>, ExpandError> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let slot = self.open_ref(name, start, false);
        let pattern_start = self.pos;
        let pattern = self.nested('/', true, start, ExpandErrorKind::MissingSlash)?;
        let replacement = self.nested('}', true, start, ExpandErrorKind::MissingBrace)?;
        let lookup = self.env.lookup(name);
        let end = self.pos;
        self.close_ref(slot, end, lookup != Lookup::Undefined);
        let source = &self.src[start..end];
        if pattern.unknown || replacement.unknown {
            return Ok(Piece::unknown(source));
        }
        let pat = Pattern::new(&pattern.text, true, false).map_err(|reason| {
            ExpandError::new(
                pattern_start,
                ExpandErrorKind::InvalidPattern {
                    pattern: pattern.text.clone(),
                    reason,
                },
            )
        })?;
        let value = match lookup {
            Lookup::Value(v) => v,
            Lookup::Undefined => "",
            Lookup::Unknown => return Ok(Piece::unknown(source)),
        };
        let repl = replacement.text.as_str();
        if all {
            if let Some(text) = replace_all(&pat, value, repl, self.limit) {
                return Ok(Piece::known(text));
            }
            self.overflow = true;
            return Ok(Piece::unknown(source));
        }
        Ok(match pat.find_at(value, 0) {
            Some((match_start, match_end)) => {
                let mut s = String::with_capacity(value.len() + repl.len());
                s.push_str(&value[..match_start]);
                s.push_str(repl);
                s.push_str(&value[match_end..]);
                Piece::known(s)
            }
            None => Piece::known(value),
        })
    }
}

fn message_or(word: String, default: &str) -> String {
    if word.is_empty() {
        default.to_owned()
    } else {
        word
    }
}

// ---------------------------------------------------------------------------------------
// Character classes (Go's `unicode.IsLetter` / `unicode.IsDigit`, which BuildKit uses).

static LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A\p{L}\z").expect("static regex is valid"));
static DIGIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A\p{Nd}\z").expect("static regex is valid"));

fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        LETTER.is_match(c.encode_utf8(&mut [0; 4]))
    }
}

fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        DIGIT.is_match(c.encode_utf8(&mut [0; 4]))
    }
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

// ---------------------------------------------------------------------------------------
// Patterns.

/// A compiled shell pattern: `*` is any run of characters other than a newline (longest
/// when `greedy`), `?` one such character; `\*`, `\?`, `\\` are literal; `\}` and `\/` are
/// the plain character; any other escape is an error.
enum Pattern {
    /// No wildcard and no escape: plain text (the common `${VERSION#v}`).
    Literal {
        text: String,
        anchored: bool,
    },
    Regex(Rc<Regex>),
}

/// Compiled patterns are kept per thread: the same few patterns recur on every build stage
/// and across files.
const PATTERN_CACHE_SIZE: usize = 64;

thread_local! {
    static PATTERN_CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

impl Pattern {
    fn new(pattern: &str, greedy: bool, anchored: bool) -> Result<Self, String> {
        if !pattern.contains(['*', '?', '\\', '\u{feff}']) {
            return Ok(Self::Literal {
                text: pattern.to_owned(),
                anchored,
            });
        }
        let source = pattern_regex_source(pattern, greedy, anchored)?;
        if let Some(re) = PATTERN_CACHE.with(|c| c.borrow().get(&source).cloned()) {
            return Ok(Self::Regex(re));
        }
        let re = Rc::new(
            RegexBuilder::new(&source)
                .build()
                .map_err(|e| format!("pattern too complex ({e})"))?,
        );
        PATTERN_CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.len() >= PATTERN_CACHE_SIZE {
                cache.clear();
            }
            cache.insert(source, Rc::clone(&re));
        });
        Ok(Self::Regex(re))
    }

    /// The first match at or after `pos` (only at 0 when anchored), leftmost-first like Go's
    /// regular expressions.
    fn find_at(&self, hay: &str, pos: usize) -> Option<(usize, usize)> {
        match self {
            Self::Literal {
                text,
                anchored: true,
            } => (pos == 0 && hay.starts_with(text.as_str())).then_some((0, text.len())),
            Self::Literal {
                text,
                anchored: false,
            } => hay
                .get(pos..)?
                .find(text.as_str())
                .map(|i| (pos + i, pos + i + text.len())),
            Self::Regex(re) => re.find_at(hay, pos).map(|m| (m.start(), m.end())),
        }
    }

    /// `value` without the part an anchored pattern matches at its start.
    fn trim_prefix<'v>(&self, value: &'v str) -> &'v str {
        self.find_at(value, 0)
            .map_or(value, |(_, end)| &value[end..])
    }

    /// `value` without the part this anchored pattern, compiled from a reversed pattern,
    /// matches at the start of the reversed value.
    fn trim_reversed_suffix<'v>(&self, value: &'v str) -> &'v str {
        let cut = match self {
            // A literal reversed and matched on the reversed value is a plain suffix.
            Self::Literal { text, .. } => {
                let forward: String = text.chars().rev().collect();
                if value.ends_with(forward.as_str()) {
                    forward.len()
                } else {
                    0
                }
            }
            Self::Regex(re) => {
                let reversed: String = value.chars().rev().collect();
                re.find(&reversed).map_or(0, |m| m.end())
            }
        };
        &value[..value.len() - cut]
    }
}

/// The regular expression for a shell pattern (see [`Pattern`]).
fn pattern_regex_source(pattern: &str, greedy: bool, anchored: bool) -> Result<String, String> {
    let mut re = String::with_capacity(pattern.len() + 8);
    if anchored {
        re.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    // BuildKit reads the pattern with a reader that drops a leading byte order mark.
    let pattern = pattern.strip_prefix('\u{feff}').unwrap_or(pattern);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(star),
            '?' => re.push('.'),
            '\\' => match chars.peek().copied() {
                // The escape only kept `}` or `/` from ending the word: the character follows.
                Some('}' | '/') => {}
                Some(next @ ('*' | '?' | '\\')) => {
                    chars.next();
                    push_literal(&mut re, next);
                }
                Some(next) => return Err(format!("invalid escape `\\{next}`")),
                None => return Err("invalid escape `\\` at the end".to_owned()),
            },
            _ => push_literal(&mut re, c),
        }
    }
    Ok(re)
}

/// Characters the `regex` crate reads as syntax outside a class (escaping them is allowed).
const REGEX_META: &str = "\\.+*?()|[]{}^$#&-~";

fn push_literal(re: &mut String, c: char) {
    if REGEX_META.contains(c) {
        re.push('\\');
    }
    re.push(c);
}

/// Reverses a pattern character by character, keeping each `\x` escape pair in order.
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens: Vec<&[char]> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let len = if chars[i] == '\\' && i + 1 < chars.len() {
            2
        } else {
            1
        };
        tokens.push(&chars[i..i + len]);
        i += len;
    }
    tokens.iter().rev().flat_map(|t| t.iter()).collect()
}

/// Replaces every match like Go's `Regexp.ReplaceAllString`, which `BuildKit` uses: an
/// empty match right after a match is skipped, and `$0`/`${0}` in the replacement stand
/// for the match (`$$` for `$`; other `$name` references expand to nothing).
/// `None` when the result would be longer than `limit`.
fn replace_all(pattern: &Pattern, value: &str, replacement: &str, limit: usize) -> Option<String> {
    let mut out = String::with_capacity(value.len().min(limit));
    let expand = replacement.contains('$');
    let mut last_end = 0;
    let mut search = 0;
    while search <= value.len() {
        let Some((match_start, match_end)) = pattern.find_at(value, search) else {
            break;
        };
        out.push_str(&value[last_end..match_start]);
        if match_end > last_end || match_start == 0 {
            if expand {
                expand_template(&mut out, replacement, &value[match_start..match_end]);
            } else {
                out.push_str(replacement);
            }
        }
        if out.len() > limit {
            return None;
        }
        last_end = match_end;
        let width = value[search..].chars().next().map_or(0, char::len_utf8);
        if search + width > match_end {
            search += width;
        } else if search + 1 > match_end {
            search += 1;
        } else {
            search = match_end;
        }
    }
    out.push_str(&value[last_end..]);
    (out.len() <= limit).then_some(out)
}

/// Go's template expansion for a regex without groups: `$$` is `$`, `$0`/`${0}` the whole
/// match, other well-formed `$name`/`${name}` nothing, a malformed `$` itself.
fn expand_template(out: &mut String, mut template: &str, whole: &str) {
    while let Some(i) = template.find('$') {
        out.push_str(&template[..i]);
        template = &template[i + 1..];
        if let Some(rest) = template.strip_prefix('$') {
            out.push('$');
            template = rest;
            continue;
        }
        let (braced, body) = match template.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, template),
        };
        let len = body
            .char_indices()
            .find(|&(_, c)| !(c == '_' || is_letter(c) || is_digit(c)))
            .map_or(body.len(), |(i, _)| i);
        let rest = &body[len..];
        let rest = if braced {
            rest.strip_prefix('}')
        } else {
            Some(rest)
        };
        match rest {
            Some(rest) if len > 0 => {
                if &body[..len] == "0" {
                    out.push_str(whole);
                }
                template = rest;
            }
            _ => out.push('$'),
        }
    }
    out.push_str(template);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn env() -> HashMap<String, String> {
        [
            ("PWD", "/home"),
            ("EMPTY", ""),
            ("FOO", "abc.def.ghi"),
            ("SP", "a b"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// `U` and `UE` are unknown, `E` is empty, `V` is "v"; the rest are undefined.
    fn lookup(name: &str) -> Lookup<'static> {
        match name {
            "U" | "U2" => Lookup::Unknown,
            "E" => Lookup::Value(""),
            "V" => Lookup::Value("v"),
            "PAT" => Lookup::Value("*."),
            _ => Lookup::Undefined,
        }
    }

    fn word(input: &str) -> Expanded {
        expand_word(input, '\\', &EnvFn::new(lookup)).unwrap()
    }

    #[test]
    fn results_longer_than_the_limit_are_unknown_and_never_built() {
        let big = "x".repeat(1000);
        let env: HashMap<&str, &str> = [("A", big.as_str()), ("P", "x")].into_iter().collect();
        let ok = expand_word_within("$A$A", '\\', &env, 2000).unwrap();
        assert_eq!((ok.value.len(), ok.unknown), (2000, false));
        for input in [
            "$A$A$A",
            "pre-${A}${A}-post",
            "${X:-$A$A$A}",
            "${A//x/yyy}",
            "${A//?/$A}",
            "\"$A$A$A\"",
        ] {
            let e = expand_word_within(input, '\\', &env, 2000).unwrap();
            assert!(e.unknown && e.too_long, "{input}");
            assert_eq!(e.value, input, "the word stands as written");
            assert!(e.refs.iter().any(|r| r.name == "A"), "{input}");
        }
        // The default limit: a value doubled 40 times is refused, not built.
        let mut vars: HashMap<String, String> = HashMap::new();
        vars.insert("A0".to_owned(), "ab".to_owned());
        let start = std::time::Instant::now();
        for i in 1..40 {
            let e = expand_word(&format!("${{A{0}}}${{A{0}}}", i - 1), '\\', &vars).unwrap();
            assert!(e.value.len() <= MAX_EXPANDED_LEN);
            if e.unknown {
                // What an ARG holding an unknown value reads as: nothing more to double.
                vars.insert(format!("A{i}"), String::new());
            } else {
                vars.insert(format!("A{i}"), e.value);
            }
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        let fields = expand_words("$A $A", '\\', &env).unwrap();
        assert_eq!(fields.fields.len(), 2);
    }

    fn err(input: &str) -> ExpandError {
        expand_word(input, '\\', &EnvFn::new(lookup)).unwrap_err()
    }

    #[test]
    fn backtick_escape() {
        let e = env();
        let w = |s: &str| expand_word(s, '`', &e).unwrap().value;
        assert_eq!(w("he`$PWD"), "he$PWD");
        assert_eq!(w(r"he\$PWD"), r"he\/home");
        assert_eq!(w(r"C:\dir\file"), r"C:\dir\file");
        assert_eq!(w("a` b"), "a b");
        assert_eq!(w("a``b"), "a`b");
        assert_eq!(w("trailing`"), "trailing");
        assert_eq!(w("\"q`\"q\""), "q\"q");
        assert_eq!(w("\"`$PWD\""), "$PWD");
        assert_eq!(w("\"``\""), "`");
        assert_eq!(w("\"`x\""), "`x");
        assert_eq!(w(r#""\""#), r"\");
        assert!(expand_word(r#""\""#, '\\', &e).is_err());
        assert_eq!(
            expand_words("a` b c", '`', &e).unwrap().fields,
            vec!["a b", "c"]
        );
        // The pattern escape stays `\` whatever the escape character.
        assert_eq!(w(r"${FOO#\*}"), "abc.def.ghi");
        assert_eq!(w("${FOO#*.}"), "def.ghi");
        assert!(expand_word(r"${FOO#*\.}", '`', &e).is_err());
    }

    #[test]
    fn unknown_propagation() {
        // (input, value, unknown)
        let cases: &[(&str, &str, bool)] = &[
            ("$U", "$U", true),
            ("${U}", "${U}", true),
            ("x${U}y", "x${U}y", true),
            ("${U-d}", "${U-d}", true),
            ("${U:-d}", "${U:-d}", true),
            ("${U+a}", "a", false),
            ("${U:+a}", "${U:+a}", true),
            ("${U?m}", "${U?m}", true),
            ("${U:?m}", "${U:?m}", true),
            ("${U#a}", "${U#a}", true),
            ("${U%%a}", "${U%%a}", true),
            ("${U/a/b}", "${U/a/b}", true),
            ("${U//a/b}", "${U//a/b}", true),
            // Unknown only inside the word.
            ("${X:-$U}", "$U", true),
            ("${X-a$U}", "a$U", true),
            ("${V:-$U}", "v", false),
            ("${V-$U}", "v", false),
            ("${E:-$U}", "$U", true),
            ("${E-$U}", "", false),
            ("${V:+<$U>}", "<$U>", true),
            ("${X:+$U}", "", false),
            ("${E:+$U}", "", false),
            ("${V#$U}", "${V#$U}", true),
            ("${V/$U/x}", "${V/$U/x}", true),
            ("${V/x/$U}", "${V/x/$U}", true),
            ("${X#a}", "", false),
            ("\"$U\"", "$U", true),
            ("'$U'", "$U", false),
            ("\\$U", "$U", false),
            ("${V}", "v", false),
        ];
        for &(input, value, unknown) in cases {
            let got = word(input);
            assert_eq!(
                (got.value.as_str(), got.unknown),
                (value, unknown),
                "{input}"
            );
        }
        // `?` forms do not fail on an unknown value: it may be set at build time.
        assert!(expand_word("${U:?}", '\\', &EnvFn::new(lookup)).is_ok());
        assert_eq!(
            err("${X:?}").kind,
            ExpandErrorKind::Unset {
                name: "X".into(),
                message: "is not allowed to be unset".into()
            }
        );
        let words = expand_words("a ${U:-x y} b", '\\', &EnvFn::new(lookup)).unwrap();
        assert_eq!(words.fields, vec!["a", "${U:-x y}", "b"]);
        assert!(words.unknown);
    }

    #[test]
    fn var_ref_offsets() {
        let r = word("a$V ${X:-${U}}'$Q'\\$W\"$E\"${N#p}$1");
        let got: Vec<_> = r
            .refs
            .iter()
            .map(|r| (r.name.as_str(), r.start, r.end, r.defined, r.guarded))
            .collect();
        assert_eq!(
            got,
            vec![
                ("V", 1, 3, true, false),
                ("X", 4, 14, true, true),
                ("U", 9, 13, true, false),
                ("E", 22, 24, true, false),
                ("N", 25, 31, false, false),
                ("1", 31, 33, false, false),
            ]
        );
        assert!(r.refs[5].is_positional_or_special());
        assert!(!r.refs[0].is_positional_or_special());
        // Multi-byte text before a reference: byte offsets.
        let r = word("안녕$V");
        assert_eq!((r.refs[0].start, r.refs[0].end), (6, 8));
        // A plain undefined reference is not defined; a defaulted one is.
        assert!(!word("$NOPE").refs[0].defined);
        assert!(word("${NOPE-x}").refs[0].defined);
        assert!(!word("${NOPE/a/b}").refs[0].defined);
    }

    #[test]
    fn references_without_env() {
        let refs = references("$A '$B' \\$C \"${D:-$E}\" ${F#x} $. $ ${G", '\\');
        let names: Vec<_> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["A", "D", "E", "F"]);
        assert!(refs.iter().all(|r| r.defined));
        assert!(refs[1].guarded && !refs[3].guarded);
        assert_eq!((refs[1].start, refs[1].end), (13, 21));
        // Backtick escape: `\` is literal, `` `$ `` is not a reference.
        let refs = references(r"\$A `$B $C", '`');
        let names: Vec<_> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["A", "C"]);
        // A `:?` check does not stop the scan (nothing is looked up).
        assert_eq!(references("${A:?} $B", '\\').len(), 2);
    }

    #[test]
    fn error_offsets() {
        use ExpandErrorKind as K;
        let cases: &[(&str, usize, K)] = &[
            ("ab'cd", 2, K::UnterminatedSingleQuote),
            ("ab\"cd", 2, K::UnterminatedDoubleQuote),
            ("ab\"c\\\"", 2, K::UnterminatedDoubleQuote),
            ("x${", 1, K::MissingBrace),
            ("x${A", 1, K::MissingBrace),
            ("x${A:-b", 1, K::MissingBrace),
            ("x${A:", 1, K::MissingBrace),
            ("x${A:-${B}", 1, K::MissingBrace),
            ("x${A/b", 1, K::MissingSlash),
            ("x${A/b/c", 1, K::MissingBrace),
            ("x${}", 1, K::BadSubstitution),
            ("x${:-a}", 1, K::BadSubstitution),
            ("x${{A}", 1, K::BadSubstitution),
            ("x${A:=b}", 4, K::UnsupportedModifier(":=".into())),
            ("x${A:#b}", 4, K::UnsupportedModifier(":#".into())),
            ("x${A.}", 4, K::UnsupportedModifier(".".into())),
            ("x${#A}", 4, K::UnsupportedModifier("A".into())),
            (
                "ab${X?gone}",
                2,
                K::Unset {
                    name: "X".into(),
                    message: "gone".into(),
                },
            ),
            (
                "ab${E:?}",
                2,
                K::Empty {
                    name: "E".into(),
                    message: "is not allowed to be empty".into(),
                },
            ),
            // Evaluated even when the default is not used.
            (
                "${V:-${X:?}}",
                5,
                K::Unset {
                    name: "X".into(),
                    message: "is not allowed to be unset".into(),
                },
            ),
            ("'a' \"b\" ${X:-'c}", 13, K::UnterminatedSingleQuote),
        ];
        for (input, offset, kind) in cases {
            let e = err(input);
            assert_eq!((e.offset, &e.kind), (*offset, kind), "{input}");
            assert!(!e.to_string().is_empty());
        }
        let e = err(r"${V#a\x}");
        assert_eq!(e.offset, 4);
        assert!(matches!(e.kind, ExpandErrorKind::InvalidPattern { .. }));
        assert_eq!(
            e.to_string(),
            r"invalid pattern `a\x` in substitution: invalid escape `\x`"
        );
        let e = err(r"${V//\x/y}");
        assert_eq!(e.offset, 5);
        // The pattern is checked even when the value is unknown or undefined.
        assert!(expand_word(r"${U#\q}", '\\', &EnvFn::new(lookup)).is_err());
        assert!(expand_word(r"${X%\q}", '\\', &EnvFn::new(lookup)).is_err());
    }

    #[test]
    fn nesting_limit() {
        let nested = |n: usize| {
            let mut s = String::new();
            for i in 0..n {
                let _ = write!(s, "${{A{i}:-");
            }
            s.push('x');
            s.push_str(&"}".repeat(n));
            s
        };
        assert_eq!(word(&nested(MAX_NESTING)).value, "x");
        let e = err(&nested(MAX_NESTING + 1));
        assert_eq!(e.kind, ExpandErrorKind::TooDeep);
        // The `$` of the level that went too deep.
        assert_eq!(e.offset, MAX_NESTING * "${A00:-".len() - 10);
        // Deep input is refused, not a stack overflow.
        assert!(expand_word(&nested(100_000), '\\', &NoEnv).is_err());
        assert!(expand_word(&"\"${A:-".repeat(50_000), '\\', &NoEnv).is_err());
    }

    #[test]
    fn pattern_operators() {
        let e: HashMap<String, String> = [
            ("FOO", "abc.def.ghi"),
            ("XY", "xxyy"),
            ("STARS", "a***yy*"),
            ("URL", "http://google.de"),
            ("PATH_", "/tmp/tmp/bar.txt"),
            ("SPECIAL", r"()[]{}^$.*?|\x"),
            ("NL", "a\nb.c"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let w = |s: &str| expand_word(s, '\\', &e).unwrap().value;
        assert_eq!(w("${FOO#*.}"), "def.ghi");
        assert_eq!(w("${FOO##*.}"), "ghi");
        assert_eq!(w("${FOO%.*}"), "abc.def");
        assert_eq!(w("${FOO%%.*}"), "abc");
        assert_eq!(w("${FOO#}"), "abc.def.ghi");
        assert_eq!(w("${FOO%%}"), "abc.def.ghi");
        assert_eq!(w("${FOO#x}"), "abc.def.ghi");
        assert_eq!(w("${XY#*x*y}"), "y");
        assert_eq!(w("${XY##*x}"), "yy");
        assert_eq!(w("${XY#*}"), "xxyy");
        assert_eq!(w("${XY%%*}"), "");
        assert_eq!(w(r"${STARS%%\**\*}"), "a");
        assert_eq!(w(r"${SPECIAL#()[]{\}^$.\*\?|\\}"), "x");
        // `*` does not cross a newline.
        assert_eq!(w("${NL#*.}"), "a\nb.c");
        assert_eq!(w("${NL##a?b}"), "a\nb.c");
        assert_eq!(w("${URL/http:\\/\\//https://}"), "https://google.de");
        assert_eq!(w("${PATH_/\\/tmp/}"), "/tmp/bar.txt");
        assert_eq!(w("${PATH_//\\/tmp/}"), "/bar.txt");
        assert_eq!(w("${PATH_//\\//\\/}"), r"\/tmp\/tmp\/bar.txt");
        assert_eq!(w("${FOO/*/}"), "");
        assert_eq!(w("${FOO///}"), "abc.def.ghi");
        // Go's template syntax applies to `//` replacements (only `$0` is a group).
        assert_eq!(w("${XY//?/'<$0>'}"), "<x><x><y><y>");
        assert_eq!(w(r"${XY//x/'${0}$$1$'\$q}"), r"x$1$\x$1$\yy");
        assert_eq!(w("${XY/x/'<$0>'}"), "<$0>xyy");
        // Unquoted, `$0` is a shell reference (undefined here).
        assert_eq!(w("${XY//x/<$0>}"), "<><>yy");
        // An empty pattern matches everywhere: at the start for `/`, between characters
        // for `//`.
        assert_eq!(w("${XY/$NOPE/-}"), "-xxyy");
        assert_eq!(w("${XY//$NOPE/-}"), "-x-x-y-y-");
        assert_eq!(w("${NOPE/$NOPE/-}"), "-");
        // The pattern comes from a variable: its characters are pattern characters.
        let p: HashMap<&str, &str> = [("V", "/foo*/*/*.txt"), ("N", r"\*/")]
            .into_iter()
            .collect();
        let pw = |s: &str| expand_word(s, '\\', &p).unwrap().value;
        assert_eq!(pw("${V/$N/.} - ${V//$N/.}"), "/foo.*/*.txt - /foo..*.txt");
        assert!(expand_word("${FOO//ww}", '\\', &e).is_err());
        assert!(expand_word("${FOO//}", '\\', &e).is_err());
        // A pattern from a variable or from quotes is still a pattern.
        assert_eq!(word("${PAT%$PAT}").value, "*");
        assert_eq!(word("${PAT%\"*.\"}").value, "*");
        assert_eq!(word("${PAT%'.'}").value, "*");
    }

    #[test]
    fn words_split_like_buildkit() {
        let e = env();
        let f = |s: &str| expand_words(s, '\\', &e).unwrap().fields;
        assert_eq!(f("a${SP}b"), vec!["aa", "bb"]);
        assert_eq!(f("a\"${SP}\"b"), vec!["aa bb"]);
        assert_eq!(f("a${X:-x y}b"), vec!["ax", "yb"]);
        // Text before a `${X<op>…}` stays in its field (see the module notes).
        assert_eq!(f("80${P:-}"), vec!["80"]);
        assert_eq!(f("\"\" a ''"), vec!["a"]);
        assert_eq!(f("  "), Vec::<String>::new());
        assert_eq!(f("a\\ b"), vec!["a b"]);
    }

    #[test]
    fn special_and_unicode_names() {
        let e: HashMap<&str, &str> = [("한국어", "k"), ("x1", "y"), ("@", "at")]
            .into_iter()
            .collect();
        let w = |s: &str| expand_word(s, '\\', &e).unwrap().value;
        assert_eq!(w("$한국어!"), "k!");
        assert_eq!(w("$x1_"), "");
        assert_eq!(w("$x1."), "y.");
        assert_eq!(w("$@x"), "atx");
        assert_eq!(w("$12x"), "x");
        assert_eq!(w("$"), "$");
        assert_eq!(w("a$ b"), "a$ b");
        // Arabic-Indic digits are digits; a combining mark ends a name.
        assert_eq!(w("$\u{663}\u{664}z"), "z");
        assert_eq!(references("$\u{928}\u{93e}", '\\')[0].name, "\u{928}");
        // A leading byte order mark is dropped.
        assert_eq!(w("\u{feff}a"), "a");
    }

    #[test]
    fn env_adapters() {
        let m: HashMap<String, String> = [("A".to_owned(), "1".to_owned())].into();
        assert_eq!(m.lookup("A"), Lookup::Value("1"));
        assert_eq!(m.lookup("B"), Lookup::Undefined);
        assert_eq!(Env::lookup(&&m, "A"), Lookup::Value("1"));
        assert_eq!(NoEnv.lookup("A"), Lookup::Undefined);
        assert_eq!(AllUnknown.lookup("A"), Lookup::Unknown);
        let owned = String::from("scoped");
        let f = EnvFn::new(|name: &str| {
            if name == "S" {
                Lookup::Value(owned.as_str())
            } else {
                Lookup::Undefined
            }
        });
        assert_eq!(expand_word("$S", '\\', &f).unwrap().value, "scoped");
    }

    fn compiled(source: &str) -> Pattern {
        Pattern::Regex(Rc::new(Regex::new(source).unwrap()))
    }

    #[test]
    fn pattern_internals_match_go() {
        assert_eq!(reverse_pattern(r"a\*c"), r"c\*a");
        assert_eq!(reverse_pattern(r"\\\ab"), r"b\a\\");
        assert_eq!(reverse_pattern(r"ab\"), r"\ba");
        assert_eq!(reverse_pattern(r"\\b"), r"b\\");
        assert_eq!(reverse_pattern(""), "");
        for bad in [r"\", r"\x", r"\\\"] {
            assert!(Pattern::new(bad, true, true).is_err(), "{bad}");
        }
        assert_eq!(
            pattern_regex_source(r"(()[]{\}^$.\*\?|\\", true, true).unwrap(),
            r"^\(\(\)\[\]\{\}\^\$\.\*\?\|\\"
        );
        assert_eq!(pattern_regex_source("a*?", false, false).unwrap(), "a.*?.");
        // Literal and compiled patterns agree.
        for (pattern, value) in [("ab", "abcab"), ("", "abc"), ("b", "abc"), ("é", "éaé")] {
            let lit = Pattern::new(pattern, true, false).unwrap();
            let re = compiled(&pattern_regex_source(pattern, true, false).unwrap());
            assert!(matches!(lit, Pattern::Literal { .. }));
            for pos in 0..=value.len() {
                if value.is_char_boundary(pos) {
                    assert_eq!(
                        lit.find_at(value, pos),
                        re.find_at(value, pos),
                        "{pattern} {pos}"
                    );
                }
            }
            assert_eq!(
                replace_all(&lit, value, "-", MAX_EXPANDED_LEN),
                replace_all(&re, value, "-", MAX_EXPANDED_LEN)
            );
            let rev = reverse_pattern(pattern);
            let lit = Pattern::new(&rev, true, true).unwrap();
            let re = compiled(&pattern_regex_source(&rev, true, true).unwrap());
            assert_eq!(lit.trim_prefix(value), re.trim_prefix(value));
            assert_eq!(
                lit.trim_reversed_suffix(value),
                re.trim_reversed_suffix(value)
            );
        }
        let mut out = String::new();
        expand_template(&mut out, "$0|${0}|$00|$1|${x|$|$$|${}|$-", "M");
        assert_eq!(out, "M|M|||${x|$|$|${}|$-");
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        /// Characters that drive the lexer, plus letters, digits, white space and
        /// multi-byte ones.
        const ALPHABET: &[char] = &[
            '$', '$', '$', '{', '{', '}', '}', ':', '-', '+', '?', '#', '%', '/', '\\', '`', '\'',
            '"', ' ', '\t', '\n', '*', '.', '_', '0', '1', '@', 'a', 'U', 'E', 'V', 'X', '한',
            '\u{feff}', '\u{663}',
        ];

        fn lookup(name: &str) -> Lookup<'static> {
            match name.chars().next() {
                Some('U') => Lookup::Unknown,
                Some('E') => Lookup::Value(""),
                Some('V') => Lookup::Value("a b*$0\\/}"),
                _ => Lookup::Undefined,
            }
        }

        fn input() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::collection::vec(prop::sample::select(ALPHABET), 0..48)
                    .prop_map(|v| v.into_iter().collect::<String>()),
                prop::collection::vec(any::<char>(), 0..24)
                    .prop_map(|v| v.into_iter().collect::<String>()),
            ]
        }

        fn check_refs(input: &str, refs: &[VarRef]) {
            for r in refs {
                assert!(r.start < r.end && r.end <= input.len(), "{r:?}");
                assert!(input.is_char_boundary(r.end), "{r:?}");
                assert!(input[r.start..].starts_with('$'), "{r:?}");
            }
            assert!(refs.windows(2).all(|w| w[0].start < w[1].start));
        }

        proptest! {
            #[test]
            fn never_panics(input in input(), backtick in any::<bool>()) {
                let escape = if backtick { '`' } else { '\\' };
                let env = EnvFn::new(lookup);
                let word = expand_word(&input, escape, &env);
                let words = expand_words(&input, escape, &env);
                // One grammar: both succeed or both fail at the same place.
                match (&word, &words) {
                    (Ok(w), Ok(ws)) => {
                        prop_assert_eq!(&w.refs, &ws.refs);
                        prop_assert_eq!(w.unknown, ws.unknown);
                        check_refs(&input, &w.refs);
                    }
                    (Err(a), Err(b)) => {
                        prop_assert_eq!(a, b);
                        prop_assert!(a.offset <= input.len());
                        prop_assert!(input.is_char_boundary(a.offset));
                    }
                    _ => prop_assert!(false, "{word:?} vs {words:?}"),
                }
                let refs = references(&input, escape);
                check_refs(&input, &refs);
                // Where lookups cannot fail, the references do not depend on the values.
                if let Ok(all) = expand_word(&input, escape, &AllUnknown) {
                    prop_assert_eq!(&all.refs, &refs);
                    if let Ok(w) = &word {
                        let ranges = |r: &[VarRef]| {
                            r.iter().map(|r| (r.name.clone(), r.start, r.end)).collect::<Vec<_>>()
                        };
                        prop_assert_eq!(ranges(&w.refs), ranges(&refs));
                    }
                }
                // Known values never make an unknown result.
                let known: HashMap<String, String> =
                    [("V".to_owned(), "v".to_owned())].into_iter().collect();
                if let Ok(w) = expand_word(&input, escape, &known) {
                    prop_assert!(!w.unknown);
                }
            }
        }
    }
}

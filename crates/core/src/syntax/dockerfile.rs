//! A full-fidelity Dockerfile parser that keeps exact byte spans.
//!
//! It reproduces what BuildKit's `dockerfile:1` frontend parses: parser directives
//! (`# syntax=`, `# escape=`, `# check=`), line continuations (comment and empty lines inside
//! a continuation are dropped), CRLF, a UTF-8 BOM, case-insensitive keywords, exec (JSON) and
//! shell forms, builder flags, heredocs (several per instruction, on `RUN`, `COPY` and `ADD`,
//! also behind `ONBUILD`), and the per-instruction argument shapes (`ENV`/`LABEL` pairs, `ARG`
//! names, `HEALTHCHECK` types).
//!
//! Unlike BuildKit it never stops at the first error: an error is recorded with its span and
//! parsing resumes at the next instruction, so the rest of the file can still be checked.
//! Unknown instructions and unknown flags are kept.

use std::fmt;

use super::MappedText;
use crate::source::{Span, Spanned, to_u32};

/// Instruction keywords. `Unknown` keeps anything else (BuildKit rejects it at build time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Keyword {
    pub fn parse(word: &str) -> Keyword {
        const TABLE: [(&str, Keyword); 18] = [
            ("add", Keyword::Add),
            ("arg", Keyword::Arg),
            ("cmd", Keyword::Cmd),
            ("copy", Keyword::Copy),
            ("entrypoint", Keyword::Entrypoint),
            ("env", Keyword::Env),
            ("expose", Keyword::Expose),
            ("from", Keyword::From),
            ("healthcheck", Keyword::Healthcheck),
            ("label", Keyword::Label),
            ("maintainer", Keyword::Maintainer),
            ("onbuild", Keyword::Onbuild),
            ("run", Keyword::Run),
            ("shell", Keyword::Shell),
            ("stopsignal", Keyword::Stopsignal),
            ("user", Keyword::User),
            ("volume", Keyword::Volume),
            ("workdir", Keyword::Workdir),
        ];
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map_or(Keyword::Unknown, |&(_, k)| k)
    }

    /// Upper-case name (`"RUN"`); `"?"` for unknown keywords.
    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "?",
        }
    }

    /// Instructions whose arguments may contain heredocs.
    pub const fn allows_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }

    /// The flags BuildKit's current `dockerfile:1` frontend accepts for this instruction.
    pub fn known_flags(self) -> &'static [&'static str] {
        match self {
            Keyword::Run => &["mount", "network", "security", "device"],
            Keyword::Copy => &["from", "chown", "chmod", "link", "parents", "exclude"],
            Keyword::Add => &[
                "chown",
                "chmod",
                "link",
                "keep-git-dir",
                "checksum",
                "exclude",
                "unpack",
            ],
            Keyword::From => &["platform"],
            Keyword::Healthcheck => &[
                "interval",
                "timeout",
                "start-period",
                "start-interval",
                "retries",
            ],
            _ => &[],
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word as written (quotes and escapes kept) with its file span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// A builder flag such as `--from=build` or `--mount=type=cache,target=/root/.cache`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// Name without the leading `--`.
    pub name: String,
    /// Value after `=` with quotes and backslash escapes removed (as BuildKit does); `None`
    /// for a bare `--link`.
    pub value: Option<String>,
    /// The whole flag word.
    pub span: Span,
    /// The value part (after `=`), if any.
    pub value_span: Option<Span>,
}

impl Flag {
    /// The flag as BuildKit prints it: `--name=value` or `--name`.
    pub fn display(&self) -> String {
        match &self.value {
            Some(v) => format!("--{}={v}", self.name),
            None => format!("--{}", self.name),
        }
    }
}

/// An `ENV`/`LABEL` pair, or an `ARG` name with an optional default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key as written.
    pub key: Spanned<String>,
    /// The raw value (quotes kept, not yet expanded). `None` for a bare `ARG NAME`.
    pub value: Option<Spanned<String>>,
    /// `true` for the legacy `ENV key value` form.
    pub legacy: bool,
    /// The whole pair.
    pub span: Span,
}

/// Arguments of an instruction, in the shape its keyword takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Args {
    /// No arguments.
    None,
    /// Exec (JSON array) form, strings decoded; each span covers the JSON string literal.
    Exec(Vec<Spanned<String>>),
    /// Shell form of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`: the text after the flags with line
    /// continuations removed.
    Shell(MappedText),
    /// Whitespace-separated words (`FROM`, `COPY`, `ADD`, `EXPOSE`, `VOLUME`), raw.
    Words(Vec<Word>),
    /// `ENV`, `LABEL` and `ARG`.
    KeyValues(Vec<KeyValue>),
    /// The whole rest of the line (`USER`, `WORKDIR`, `MAINTAINER`, `STOPSIGNAL`, unknown
    /// instructions).
    Text(MappedText),
    /// `HEALTHCHECK NONE` / `HEALTHCHECK [flags] CMD …`.
    Healthcheck { kind: Word, cmd: Box<Args> },
}

impl Args {
    pub fn is_exec(&self) -> bool {
        matches!(self, Args::Exec(_))
    }
}

/// A heredoc attached to an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter (`EOF`), unquoted.
    pub name: String,
    /// Whether the body is subject to variable expansion (delimiter not quoted).
    pub expand: bool,
    /// `<<-`: leading tabs are removed from body lines and the terminator.
    pub chomp: bool,
    /// File descriptor prefix (`3<<EOF`).
    pub fd: Option<u32>,
    /// The `<<EOF` word in the instruction line.
    pub opener: Span,
    /// The raw body: every line up to the terminator, with its line endings.
    pub body: MappedText,
    /// The terminator line (empty at end of file when unterminated).
    pub terminator: Span,
}

impl Heredoc {
    /// The body as the build sees it (leading tabs removed for `<<-`).
    pub fn content(&self) -> String {
        if !self.chomp {
            return self.body.text.clone();
        }
        let mut out = String::with_capacity(self.body.text.len());
        for line in self.body.text.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        out
    }
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (`run`, `Run`, `RUN`, or the unknown word).
    pub keyword_text: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the last line of the instruction, heredocs included.
    pub span: Span,
    pub flags: Vec<Flag>,
    pub args: Args,
    /// The arguments' text after the flags (continuations removed).
    pub args_text: MappedText,
    pub heredocs: Vec<Heredoc>,
    /// For `ONBUILD`: the trigger instruction.
    pub trigger: Option<Box<Instruction>>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
    }

    /// Raw words of `Args::Words`; empty for other shapes.
    pub fn words(&self) -> &[Word] {
        match &self.args {
            Args::Words(w) => w,
            _ => &[],
        }
    }
}

/// A parser directive at the top of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-case name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// A comment line (outside heredoc bodies), including those inside continuations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Text after `#`, trimmed.
    pub text: String,
    /// The whole comment (from `#` to the end of the line).
    pub span: Span,
    /// Whether the comment sits inside an instruction's line continuation.
    pub inside_instruction: bool,
}

/// A syntax error: BuildKit would refuse the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// The parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ast {
    pub directives: Vec<Directive>,
    /// The escape character in effect: `\` or `` ` ``.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
    /// Empty continuation lines (BuildKit warns that they will become errors).
    pub empty_continuation_lines: Vec<Span>,
}

/// Parses a Dockerfile. Never fails: problems are in `Ast::errors`.
pub fn parse(text: &str) -> Ast {
    Parser::new(text).run()
}

/// Characters BuildKit's `[\t\v\f\r ]+` whitespace splitting uses.
fn is_split_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r')
}

struct Line {
    /// Start of the line's content.
    start: usize,
    /// End of the content, line terminator excluded.
    end: usize,
}

struct Parser<'a> {
    text: &'a str,
    lines: Vec<Line>,
    pos: usize,
    escape: char,
    directives_done: bool,
    ast: Ast,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let mut lines = Vec::with_capacity(text.len() / 40 + 1);
        let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let bytes = text.as_bytes();
        while start < text.len() {
            let nl = memchr::memchr(b'\n', &bytes[start..]).map_or(text.len(), |i| start + i);
            let next = (nl + 1).min(text.len());
            let mut end = nl;
            while end > start && matches!(bytes[end - 1], b'\r' | b'\n') {
                end -= 1;
            }
            lines.push(Line { start, end });
            start = next;
            if nl == text.len() {
                break;
            }
        }
        Self {
            text,
            lines,
            pos: 0,
            escape: '\\',
            directives_done: false,
            ast: Ast {
                escape: '\\',
                ..Ast::default()
            },
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.ast.errors.push(SyntaxError {
            message: message.into(),
            span,
        });
    }

    fn content(&self, i: usize) -> (usize, &'a str) {
        let l = &self.lines[i];
        (l.start, &self.text[l.start..l.end])
    }

    fn run(mut self) -> Ast {
        while self.pos < self.lines.len() {
            let (start, raw) = self.content(self.pos);
            let trimmed = raw.trim_start();
            let lead = raw.len() - trimmed.len();
            self.check_directive(trimmed, start + lead);
            if trimmed.starts_with('#') {
                self.comment(start + lead, trimmed, false);
                self.pos += 1;
                continue;
            }
            if trimmed.is_empty() {
                self.pos += 1;
                continue;
            }
            self.instruction_at(start + lead);
        }
        if self.ast.instructions.is_empty() && self.ast.errors.is_empty() {
            let end = to_u32(self.text.len());
            self.error(Span::new(end, end), "file with no instructions");
        }
        self.ast.escape = self.escape;
        self.check_structure();
        self.ast
    }

    fn comment(&mut self, at: usize, trimmed: &str, inside_instruction: bool) {
        self.ast.comments.push(Comment {
            text: trimmed[1..].trim().to_owned(),
            span: Span::with_len(at, trimmed.len()),
            inside_instruction,
        });
    }

    /// Recognises a parser directive until the first line that is not one.
    fn check_directive(&mut self, line: &str, at: usize) {
        if self.directives_done {
            return;
        }
        let Some((name, value)) = parse_directive(line) else {
            self.directives_done = true;
            return;
        };
        let lname = name.to_ascii_lowercase();
        if !matches!(lname.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return;
        }
        let span = Span::with_len(at, line.len());
        if self.ast.directives.iter().any(|d| d.name == lname) {
            self.error(
                span,
                format!("only one {lname} parser directive can be used"),
            );
            return;
        }
        if lname == "escape" {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                other => {
                    self.error(
                        span,
                        format!("invalid escape token '{other}' does not match ` or \\"),
                    );
                    return;
                }
            }
        }
        self.ast.directives.push(Directive {
            name: lname,
            value: value.to_owned(),
            span,
        });
    }

    /// Strips a trailing escape character (and trailing blanks) that continues the line.
    /// Returns the kept part and whether the line continues.
    fn trim_continuation(&self, line: &'a str) -> (&'a str, bool) {
        let t = line.trim_end_matches([' ', '\t']);
        let Some(before) = t.strip_suffix(self.escape) else {
            return (line, false);
        };
        if before.is_empty() || !before.ends_with(self.escape) {
            (before, true)
        } else {
            (line, false)
        }
    }

    /// Parses the instruction starting on line `self.pos` at byte `at`.
    fn instruction_at(&mut self, at: usize) {
        let first = self.pos;
        let (_, raw) = self.content(first);
        let line_end = self.lines[first].end;
        let head = &self.text[at..line_end];
        let mut joined = MappedText::new();
        let (piece, mut cont) = self.trim_continuation(head);
        joined.push(piece, to_u32(at));
        let _ = raw;
        let mut last_end = line_end;
        self.pos += 1;
        while cont && self.pos < self.lines.len() {
            let (start, line) = self.content(self.pos);
            self.check_directive(line, start);
            let trimmed = line.trim_start();
            let lead = line.len() - trimmed.len();
            if trimmed.starts_with('#') {
                self.comment(start + lead, trimmed, true);
                self.pos += 1;
                continue;
            }
            if trimmed.is_empty() {
                self.ast
                    .empty_continuation_lines
                    .push(Span::with_len(start, line.len()));
                self.pos += 1;
                continue;
            }
            let (piece, c) = self.trim_continuation(line);
            joined.push(piece, to_u32(start));
            cont = c;
            last_end = self.lines[self.pos].end;
            self.pos += 1;
        }
        if joined.text.trim().is_empty() {
            // The escape character alone (with blanks), continued only by comments and blank
            // lines: there is no instruction here.
            self.error(
                Span::new(to_u32(at), to_u32(last_end.max(at))),
                "line continuation with no instruction: the line holds only the escape character",
            );
            return;
        }
        let mut inst = self.parse_line(&joined, 0);
        // Heredoc bodies follow the instruction's last line.
        let heredoc_target = match &mut inst.trigger {
            Some(trigger) => trigger.as_mut(),
            None => &mut inst,
        };
        if heredoc_target.keyword.allows_heredocs() && !heredoc_target.args.is_exec() {
            let openers = find_heredocs(&joined);
            let mut docs = Vec::with_capacity(openers.len());
            for opener in openers {
                let (doc, end) = self.read_heredoc(opener);
                if let Some(end) = end {
                    last_end = end;
                }
                docs.push(doc);
            }
            heredoc_target.heredocs = docs;
        }
        inst.span = Span::new(to_u32(at), to_u32(last_end.max(at)));
        if let Some(trigger) = &mut inst.trigger {
            trigger.span = Span::new(trigger.span.start, inst.span.end);
        }
        self.ast.instructions.push(inst);
    }

    /// Reads a heredoc body from the following lines. Returns the heredoc and the end of the
    /// terminator line (or of the file when unterminated).
    fn read_heredoc(&mut self, opener: HeredocOpener) -> (Heredoc, Option<usize>) {
        let mut body = MappedText::new();
        let body_start = self
            .lines
            .get(self.pos)
            .map_or(self.text.len(), |l| l.start);
        let mut terminator = None;
        while self.pos < self.lines.len() {
            let l = &self.lines[self.pos];
            let content = &self.text[l.start..l.end];
            let candidate = if opener.chomp {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if candidate == opener.name {
                terminator = Some(Span::new(to_u32(l.start), to_u32(l.end)));
                self.pos += 1;
                break;
            }
            self.pos += 1;
        }
        let body_end = match terminator {
            Some(t) => t.start as usize,
            None => self.text.len(),
        };
        if body_end > body_start {
            body.push(&self.text[body_start..body_end], to_u32(body_start));
        } else {
            body = MappedText::contiguous("", to_u32(body_start));
        }
        let end = terminator.map(|t| t.end as usize);
        if terminator.is_none() {
            self.error(
                opener.span,
                format!("unterminated heredoc: no line `{}` closes it", opener.name),
            );
        }
        let eof = to_u32(self.text.len());
        (
            Heredoc {
                name: opener.name,
                expand: opener.expand,
                chomp: opener.chomp,
                fd: opener.fd,
                opener: opener.span,
                body,
                terminator: terminator.unwrap_or(Span::new(eof, eof)),
            },
            end.or(Some(self.text.len())),
        )
    }

    /// Parses one logical line (continuations joined) into an instruction, starting at
    /// `from` in `line`.
    fn parse_line(&mut self, line: &MappedText, depth: usize) -> Instruction {
        let text = line.text.as_str();
        let body_end = text.trim_end().len();
        // A text of blanks only has nothing to start at but its end.
        let trimmed_start = (text.len() - text.trim_start().len()).min(body_end);
        let kw_end = text[trimmed_start..body_end]
            .find(is_split_space)
            .map_or(body_end, |i| trimmed_start + i);
        let keyword_text = &text[trimmed_start..kw_end];
        let keyword = Keyword::parse(keyword_text);
        let keyword_span = line.file_span(trimmed_start, kw_end);
        let rest_start = text[kw_end..body_end]
            .find(|c: char| !is_split_space(c))
            .map_or(body_end, |i| kw_end + i);
        let (flags, args_start) = Self::extract_flags(line, rest_start, body_end);
        let args_start = text[args_start..body_end]
            .find(|c: char| !c.is_whitespace())
            .map_or(body_end, |i| args_start + i);
        let args_text = line.slice(args_start, body_end);
        let mut inst = Instruction {
            keyword,
            keyword_text: keyword_text.to_owned(),
            keyword_span,
            span: line.file_span(trimmed_start, body_end),
            flags,
            args: Args::None,
            args_text: args_text.clone(),
            heredocs: Vec::new(),
            trigger: None,
        };
        let args = &args_text;
        inst.args = match keyword {
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
                self.maybe_json(args, false)
            }
            Keyword::Add | Keyword::Copy | Keyword::Volume => self.maybe_json(args, true),
            Keyword::From | Keyword::Expose => Args::Words(split_whitespace(args)),
            Keyword::Env | Keyword::Label => self.name_values(args, keyword),
            Keyword::Arg => {
                let words = parse_words(args, self.escape);
                Args::KeyValues(words.into_iter().map(|w| split_pair(&w, false)).collect())
            }
            Keyword::Healthcheck => self.healthcheck(args),
            Keyword::Maintainer
            | Keyword::Stopsignal
            | Keyword::User
            | Keyword::Workdir
            | Keyword::Unknown => {
                if args.text.is_empty() {
                    Args::None
                } else {
                    Args::Text(args.clone())
                }
            }
            Keyword::Onbuild => {
                if !args.text.is_empty() {
                    if depth > 0 {
                        self.error(
                            inst.keyword_span,
                            "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                        );
                    } else {
                        let trigger = self.parse_line(args, depth + 1);
                        if matches!(trigger.keyword, Keyword::From | Keyword::Maintainer) {
                            self.error(
                                trigger.keyword_span,
                                format!("{} isn't allowed as an ONBUILD trigger", trigger.keyword),
                            );
                        }
                        inst.trigger = Some(Box::new(trigger));
                    }
                }
                Args::None
            }
        };
        self.validate(&inst);
        inst
    }

    /// BuildKit's `extractBuilderFlags`: leading `--name[=value]` words, quotes and
    /// backslash escapes removed, `--` ends the flags.
    fn extract_flags(line: &MappedText, from: usize, end: usize) -> (Vec<Flag>, usize) {
        let text = &line.text[..end];
        let bytes = text.as_bytes();
        let mut flags = Vec::new();
        let mut pos = from;
        loop {
            while pos < end && (bytes[pos] as char).is_ascii_whitespace() {
                pos += 1;
            }
            if pos + 1 >= end || bytes[pos] != b'-' || bytes[pos + 1] != b'-' {
                return (flags, pos);
            }
            // Read one word with quote handling.
            let start = pos;
            let mut word = String::new();
            let mut quote: Option<char> = None;
            let mut eq_at: Option<(usize, usize)> = None; // (index in word, byte pos in text)
            let mut chars = text[pos..].char_indices().peekable();
            let mut word_end = end;
            while let Some((i, c)) = chars.next() {
                let at = pos + i;
                if let Some(q) = quote {
                    if c == q {
                        quote = None;
                    } else if c == '\\' {
                        if let Some((_, n)) = chars.next() {
                            word.push(n);
                        }
                    } else {
                        word.push(c);
                    }
                    continue;
                }
                if c.is_whitespace() {
                    word_end = at;
                    break;
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == '\\' {
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                } else {
                    if c == '=' && eq_at.is_none() {
                        eq_at = Some((word.len(), at));
                    }
                    word.push(c);
                }
            }
            pos = word_end;
            if word == "--" {
                return (flags, pos);
            }
            let span = line.file_span(start, word_end);
            let (name, value, value_span) = match eq_at {
                Some((wi, at)) => (
                    word[2..wi].to_owned(),
                    Some(word[wi + 1..].to_owned()),
                    Some(line.file_span(at + 1, word_end)),
                ),
                None => (word[2..].to_owned(), None, None),
            };
            flags.push(Flag {
                name,
                value,
                span,
                value_span,
            });
        }
    }

    /// `parseMaybeJSON` / `parseMaybeJSONToList`.
    fn maybe_json(&mut self, args: &MappedText, to_list: bool) -> Args {
        if args.text.is_empty() {
            return Args::None;
        }
        if args.text.starts_with('[') {
            match parse_json_array(&args.text) {
                JsonArray::Strings(items) => {
                    return Args::Exec(
                        items
                            .into_iter()
                            .map(|(s, a, b)| Spanned::new(s, args.file_span(a, b)))
                            .collect(),
                    );
                }
                JsonArray::NotStrings(at) => {
                    self.error(
                        args.file_span(at, at + 1),
                        "when using JSON array syntax, arrays must be comprised of strings only",
                    );
                    return Args::None;
                }
                JsonArray::Invalid => {}
            }
        }
        if to_list {
            Args::Words(split_whitespace(args))
        } else {
            Args::Shell(args.clone())
        }
    }

    /// `ENV`/`LABEL`: `name=value …` or the legacy `name value`.
    fn name_values(&mut self, args: &MappedText, keyword: Keyword) -> Args {
        let words = parse_words(args, self.escape);
        let Some(first) = words.first() else {
            return Args::KeyValues(Vec::new());
        };
        if !first.text.contains('=') {
            // Legacy form: the key, then the rest of the line as the value.
            let text = &args.text;
            let key_end = text.find(is_split_space).unwrap_or(text.len());
            let value_start = text[key_end..]
                .find(|c: char| !is_split_space(c))
                .map_or(text.len(), |i| key_end + i);
            if value_start >= text.len() {
                self.error(args.span(), format!("{keyword} must have two arguments"));
                return Args::KeyValues(Vec::new());
            }
            let key = Spanned::new(text[..key_end].to_owned(), args.file_span(0, key_end));
            let value = Spanned::new(
                text[value_start..].to_owned(),
                args.file_span(value_start, text.len()),
            );
            return Args::KeyValues(vec![KeyValue {
                key,
                value: Some(value),
                legacy: true,
                span: args.span(),
            }]);
        }
        let mut pairs = Vec::with_capacity(words.len());
        for w in &words {
            if !w.text.contains('=') {
                self.error(
                    w.span,
                    format!(
                        "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                        w.text
                    ),
                );
                continue;
            }
            pairs.push(split_pair(w, false));
        }
        Args::KeyValues(pairs)
    }

    fn healthcheck(&mut self, args: &MappedText) -> Args {
        let text = &args.text;
        if text.is_empty() {
            return Args::None;
        }
        let sep = text.find(char::is_whitespace).unwrap_or(text.len());
        let next = text[sep..]
            .find(|c: char| !c.is_whitespace())
            .map_or(text.len(), |i| sep + i);
        let kind = Word {
            text: text[..sep].to_owned(),
            span: args.file_span(0, sep),
        };
        let rest = args.slice(next, text.len());
        let cmd = self.maybe_json(&rest, false);
        Args::Healthcheck {
            kind,
            cmd: Box::new(cmd),
        }
    }

    /// Checks BuildKit's per-instruction argument rules.
    fn validate(&mut self, inst: &Instruction) {
        let kw = inst.keyword;
        let span = inst.span;
        let err = |msg: String| SyntaxError { message: msg, span };
        let mut errors = Vec::new();
        match (&inst.args, kw) {
            (_, Keyword::Unknown) => errors.push(SyntaxError {
                message: format!("unknown instruction: {}", inst.keyword_text),
                span: inst.keyword_span,
            }),
            (Args::KeyValues(kv), Keyword::Env | Keyword::Label | Keyword::Arg) => {
                if kv.is_empty() && !self.has_error_in(span) {
                    errors.push(err(format!("{kw} requires at least one argument")));
                }
                for pair in kv {
                    if pair.key.value.is_empty() {
                        errors.push(SyntaxError {
                            message: format!("{kw} names can not be blank"),
                            span: pair.span,
                        });
                    }
                }
            }
            (Args::None, Keyword::Env | Keyword::Label | Keyword::Arg) => {
                errors.push(err(format!("{kw} requires at least one argument")));
            }
            (args, Keyword::Add | Keyword::Copy) => {
                let n = match args {
                    Args::Words(w) => w.len(),
                    Args::Exec(e) => e.len(),
                    _ => 0,
                };
                if n < 2 && !self.has_error_in(span) {
                    errors.push(err(format!(
                        "{kw} requires at least two arguments, but only {} provided. \
                         Destination could not be determined",
                        if n == 1 { "one was" } else { "none were" }
                    )));
                }
            }
            (args, Keyword::From) => {
                let words = match args {
                    Args::Words(w) => w.as_slice(),
                    _ => &[],
                };
                match words.len() {
                    1 => {}
                    3 if words[1].text.eq_ignore_ascii_case("as") => {
                        let name = &words[2].text;
                        if !is_valid_stage_name(name) && !name.contains('$') {
                            errors.push(SyntaxError {
                                message: format!(
                                    "invalid name for build stage: {name:?}, name can't start \
                                     with a number or contain symbols"
                                ),
                                span: words[2].span,
                            });
                        }
                    }
                    _ => errors.push(err("FROM requires either one or three arguments".into())),
                }
            }
            (Args::None, Keyword::Onbuild) if inst.args_text.text.is_empty() => {
                errors.push(err("ONBUILD requires at least one argument".into()));
            }
            (Args::None, Keyword::Workdir | Keyword::User | Keyword::Stopsignal) => {
                errors.push(err(format!("{kw} requires exactly one argument")));
            }
            (Args::None, Keyword::Maintainer) => {
                errors.push(err("MAINTAINER requires exactly one argument".into()));
            }
            (Args::None, Keyword::Expose | Keyword::Volume) if !self.has_error_in(span) => {
                errors.push(err(format!("{kw} requires at least one argument")));
            }
            (Args::Exec(items), Keyword::Volume) => {
                if items.is_empty() {
                    errors.push(err("VOLUME requires at least one argument".into()));
                }
                for item in items {
                    if item.value.trim().is_empty() {
                        errors.push(SyntaxError {
                            message: "VOLUME specified can not be an empty string".into(),
                            span: item.span,
                        });
                    }
                }
            }
            (Args::Shell(_), Keyword::Shell) => {
                errors.push(err("SHELL requires the arguments to be in JSON form".into()));
            }
            (Args::None, Keyword::Shell) if !self.has_error_in(span) => {
                errors.push(err("SHELL requires at least one argument".into()));
            }
            (Args::None, Keyword::Healthcheck) => {
                errors.push(err("HEALTHCHECK requires at least one argument".into()));
            }
            (Args::Healthcheck { kind, cmd }, Keyword::Healthcheck) => {
                if kind.text.eq_ignore_ascii_case("none") {
                    if !matches!(**cmd, Args::None) {
                        errors.push(err("HEALTHCHECK NONE takes no arguments".into()));
                    }
                } else if kind.text.eq_ignore_ascii_case("cmd") {
                    let empty = match &**cmd {
                        Args::None => true,
                        Args::Exec(e) => e.is_empty(),
                        _ => false,
                    };
                    if empty && !self.has_error_in(span) {
                        errors.push(err("Missing command after HEALTHCHECK CMD".into()));
                    }
                } else {
                    errors.push(SyntaxError {
                        message: format!(
                            "Unknown type {:?} in HEALTHCHECK (try CMD)",
                            kind.text.to_ascii_uppercase()
                        ),
                        span: kind.span,
                    });
                }
            }
            _ => {}
        }
        self.ast.errors.extend(errors);
    }

    fn has_error_in(&self, span: Span) -> bool {
        self.ast
            .errors
            .iter()
            .any(|e| e.span.start >= span.start && e.span.start <= span.end)
    }

    /// File-level structure: only `ARG` may precede the first `FROM`.
    fn check_structure(&mut self) {
        let mut errors = Vec::new();
        for inst in &self.ast.instructions {
            match inst.keyword {
                Keyword::From => break,
                Keyword::Arg | Keyword::Unknown => {}
                _ => errors.push(SyntaxError {
                    message: format!(
                        "no build stage in current context: {} before the first FROM",
                        inst.keyword
                    ),
                    span: inst.keyword_span,
                }),
            }
        }
        self.ast.errors.extend(errors);
        self.ast.errors.sort_by_key(|e| (e.span.start, e.span.end));
        self.ast.errors.dedup();
    }
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`
fn parse_directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('#')?.trim_start();
    let name_len = rest
        .char_indices()
        .take_while(|&(i, c)| {
            if i == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric()
            }
        })
        .count();
    if name_len == 0 {
        return None;
    }
    let name = &rest[..name_len];
    let after = rest[name_len..].trim_start().strip_prefix('=')?;
    let value = after.trim();
    if value.is_empty() {
        return None;
    }
    Some((name, value))
}

/// Stage names: `^[a-z][a-z0-9-_.]*$` after lower-casing.
pub fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `[\t\v\f\r ]+` splitting with spans.
fn split_whitespace(args: &MappedText) -> Vec<Word> {
    let text = &args.text;
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_split_space(c) {
            if let Some(s) = start.take() {
                words.push(Word {
                    text: text[s..i].to_owned(),
                    span: args.file_span(s, i),
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(Word {
            text: text[s..].to_owned(),
            span: args.file_span(s, text.len()),
        });
    }
    words
}

/// BuildKit's `parseWords`: whitespace-separated words, quotes and escapes kept.
fn parse_words(args: &MappedText, escape: char) -> Vec<Word> {
    let text = &args.text;
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut blank_ok = false;
    let push = |words: &mut Vec<Word>, s: usize, e: usize, blank_ok: bool| {
        if blank_ok || e > s {
            words.push(Word {
                text: text[s..e].to_owned(),
                span: args.file_span(s, e),
            });
        }
    };
    while let Some((i, c)) = chars.next() {
        match (start, quote) {
            (None, _) => {
                if c.is_whitespace() {
                    continue;
                }
                start = Some(i);
                blank_ok = false;
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                } else if c == escape {
                    chars.next();
                }
            }
            (Some(s), None) => {
                if c.is_whitespace() {
                    push(&mut words, s, i, blank_ok);
                    start = None;
                } else if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                } else if c == escape {
                    chars.next();
                }
            }
            (Some(_), Some(q)) => {
                if c == q {
                    quote = None;
                } else if c == escape && q != '\'' {
                    chars.next();
                }
            }
        }
    }
    if let Some(s) = start {
        push(&mut words, s, text.len(), blank_ok);
    }
    words
}

/// Splits `key=value` (or a bare `key`) into a pair.
fn split_pair(w: &Word, legacy: bool) -> KeyValue {
    match w.text.find('=') {
        Some(eq) => {
            let key_span = Span::new(w.span.start, w.span.start + to_u32(eq));
            // Spans inside a word that crossed a continuation are approximate: anchor at the
            // `=` and extend to the word's end.
            let value_span = Span::new((key_span.end + 1).min(w.span.end), w.span.end);
            KeyValue {
                key: Spanned::new(w.text[..eq].to_owned(), key_span),
                value: Some(Spanned::new(w.text[eq + 1..].to_owned(), value_span)),
                legacy,
                span: w.span,
            }
        }
        None => KeyValue {
            key: Spanned::new(w.text.clone(), w.span),
            value: None,
            legacy,
            span: w.span,
        },
    }
}

struct HeredocOpener {
    name: String,
    expand: bool,
    chomp: bool,
    fd: Option<u32>,
    span: Span,
}

/// Finds heredoc openers (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`) among the words of an
/// instruction line, split as a shell would with quotes and escapes kept.
fn find_heredocs(line: &MappedText) -> Vec<HeredocOpener> {
    let text = &line.text;
    if !text.contains("<<") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (s, e) in raw_shell_words(text) {
        let word = &text[s..e];
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, rest) = match after.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, after),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let Some((name, quoted)) = unquote_delimiter(rest) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        out.push(HeredocOpener {
            name,
            expand: !quoted,
            chomp,
            fd: if digits > 0 {
                word[..digits].parse().ok()
            } else {
                None
            },
            span: line.file_span(s, e),
        });
    }
    out
}

/// Byte ranges of words split on unquoted whitespace; quotes and escapes are kept.
fn raw_shell_words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                chars.next();
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Removes quotes and escapes from a heredoc delimiter. Returns `None` when it is not a
/// single word (BuildKit then ignores the opener) and whether any part was quoted.
fn unquote_delimiter(rest: &str) -> Option<(String, bool)> {
    let mut out = String::with_capacity(rest.len());
    let mut quoted = false;
    let mut quote: Option<char> = None;
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            Some(_) => out.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    quoted = true;
                }
                '\\' => {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                }
                c if c.is_whitespace() => return None,
                c => out.push(c),
            },
        }
    }
    if quote.is_some() {
        return None;
    }
    Some((out, quoted))
}

enum JsonArray {
    /// Decoded strings with their byte ranges (the literal including quotes).
    Strings(Vec<(String, usize, usize)>),
    /// Valid JSON, but an element is not a string; the offset of that element.
    NotStrings(usize),
    Invalid,
}

/// Decodes the JSON value at the start of `text` the way Go's `json.Decoder` does for an
/// exec-form argument: it must be an array; trailing text after the value is ignored.
fn parse_json_array(text: &str) -> JsonArray {
    let mut p = Json {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    if p.peek() != Some(b'[') {
        return JsonArray::Invalid;
    }
    p.i += 1;
    let mut items = Vec::new();
    let mut not_string = None;
    p.ws();
    if p.peek() == Some(b']') {
        return JsonArray::Strings(items);
    }
    loop {
        p.ws();
        let start = p.i;
        if p.peek() == Some(b'"') {
            match p.string() {
                Some(s) => items.push((s, start, p.i)),
                None => return JsonArray::Invalid,
            }
        } else {
            if !p.value() {
                return JsonArray::Invalid;
            }
            not_string.get_or_insert(start);
        }
        p.ws();
        match p.peek() {
            Some(b',') => p.i += 1,
            Some(b']') => {
                break;
            }
            _ => return JsonArray::Invalid,
        }
    }
    match not_string {
        Some(at) => JsonArray::NotStrings(at),
        None => JsonArray::Strings(items),
    }
}

struct Json<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Json<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn lit(&mut self, word: &[u8]) -> bool {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    /// Skips any JSON value; false when invalid.
    fn value(&mut self) -> bool {
        self.depth += 1;
        if self.depth > 128 {
            return false;
        }
        self.ws();
        let ok = match self.peek() {
            Some(b'"') => self.string().is_some(),
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    true
                } else {
                    self.sequence(b']', Json::value)
                }
            }
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    true
                } else {
                    self.sequence(b'}', |p| {
                        p.ws();
                        if p.peek() != Some(b'"') || p.string().is_none() {
                            return false;
                        }
                        p.ws();
                        if p.peek() != Some(b':') {
                            return false;
                        }
                        p.i += 1;
                        p.value()
                    })
                }
            }
            Some(b't') => self.lit(b"true"),
            Some(b'f') => self.lit(b"false"),
            Some(b'n') => self.lit(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        };
        self.depth -= 1;
        ok
    }

    fn sequence(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> bool) -> bool {
        loop {
            if !item(self) {
                return false;
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(c) if c == close => {
                    self.i += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn number(&mut self) -> bool {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            let digits = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == digits {
                return false;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            let digits = self.i;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
            if self.i == digits {
                return false;
            }
        }
        self.i > start
    }

    /// Decodes a string literal starting at `"`.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                    }
                                    _ => self.i = save,
                                }
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return None,
                    }
                }
                c if c < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.i..self.i + 4)?;
        let s = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        self.i += 4;
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_of(inst: &Instruction) -> Vec<String> {
        match &inst.args {
            Args::None => vec![],
            Args::Exec(v) => v.iter().map(|s| s.value.clone()).collect(),
            Args::Shell(t) | Args::Text(t) => vec![t.text.clone()],
            Args::Words(w) => w.iter().map(|w| w.text.clone()).collect(),
            Args::KeyValues(kv) => kv
                .iter()
                .flat_map(|p| {
                    let mut v = vec![p.key.value.clone()];
                    if let Some(val) = &p.value {
                        v.push(val.value.clone());
                    }
                    v
                })
                .collect(),
            Args::Healthcheck { kind, cmd } => {
                let mut v = vec![kind.text.clone()];
                let inner = Instruction {
                    keyword: Keyword::Cmd,
                    keyword_text: String::new(),
                    keyword_span: Span::default(),
                    span: Span::default(),
                    flags: vec![],
                    args: (**cmd).clone(),
                    args_text: MappedText::new(),
                    heredocs: vec![],
                    trigger: None,
                };
                v.extend(args_of(&inner));
                v
            }
        }
    }

    fn one(src: &str) -> Instruction {
        let ast = parse(src);
        assert!(ast.errors.is_empty(), "{:?}", ast.errors);
        ast.instructions.into_iter().last().unwrap()
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let ast = parse("from alpine\nRun echo hi\nrUn  echo there\n");
        let kws: Vec<_> = ast.instructions.iter().map(|i| i.keyword).collect();
        assert_eq!(kws, [Keyword::From, Keyword::Run, Keyword::Run]);
        assert_eq!(ast.instructions[1].keyword_text, "Run");
    }

    #[test]
    fn continuation_drops_comments_and_empty_lines() {
        let src = "FROM a\nRUN apt-get update \\\n    # a comment\n\n    && apt-get install -y x\n";
        let ast = parse(src);
        let run = &ast.instructions[1];
        assert_eq!(args_of(run), ["apt-get update     && apt-get install -y x"]);
        assert_eq!(ast.comments.len(), 1);
        assert!(ast.comments[0].inside_instruction);
        assert_eq!(ast.empty_continuation_lines.len(), 1);
        // Span of `install` maps back to the file.
        let Args::Shell(t) = &run.args else { panic!() };
        let i = t.text.find("install").unwrap();
        let span = t.file_span(i, i + 7);
        assert_eq!(&src[span.range()], "install");
        assert_eq!(
            &src[run.span.range()],
            "RUN apt-get update \\\n    # a comment\n\n    && apt-get install -y x"
        );
    }

    #[test]
    fn escaped_escape_is_not_a_continuation() {
        let ast = parse("FROM a\nENV C trailing\\\\\nENV D x\n");
        assert_eq!(ast.instructions.len(), 3);
        assert_eq!(args_of(&ast.instructions[1]), ["C", "trailing\\\\"]);
    }

    #[test]
    fn backtick_escape_directive() {
        let src = "# escape=`\nFROM windows\nRUN dir `\n  c:\\\nENV P c:\\path\\\n";
        let ast = parse(src);
        assert_eq!(ast.escape, '`');
        assert_eq!(ast.directives[0].name, "escape");
        assert_eq!(args_of(&ast.instructions[1]), ["dir   c:\\"]);
        assert_eq!(args_of(&ast.instructions[2]), ["P", "c:\\path\\"]);
    }

    #[test]
    fn directives_only_at_the_top() {
        let ast = parse("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\n\nFROM a\n");
        assert_eq!(ast.directives.len(), 3);
        let ast = parse("# hello\n# escape=`\nFROM a\n");
        assert!(ast.directives.is_empty());
        assert_eq!(ast.escape, '\\');
        let ast = parse("\n# escape=`\nFROM a\n");
        assert!(ast.directives.is_empty());
    }

    #[test]
    fn bad_directives_are_errors_with_positions() {
        let ast = parse("# escape=x\nFROM a\n");
        assert_eq!(ast.errors.len(), 1);
        assert_eq!(ast.errors[0].span, Span::new(0, 10));
        let ast = parse("# syntax=a\n# syntax=b\nFROM a\n");
        assert_eq!(
            ast.errors[0].message,
            "only one syntax parser directive can be used"
        );
    }

    #[test]
    fn crlf_and_bom() {
        let src = "\u{feff}FROM a\r\nRUN echo \\\r\n  hi\r\n";
        let ast = parse(src);
        assert!(ast.errors.is_empty());
        assert_eq!(args_of(&ast.instructions[1]), ["echo   hi"]);
        assert_eq!(ast.instructions[0].keyword_span, Span::new(3, 7));
    }

    #[test]
    fn exec_and_shell_forms() {
        let i = one("FROM a\nCMD [\"echo\", \"a\\u00e9\\n\"]\n");
        assert!(i.args.is_exec());
        assert_eq!(args_of(&i), ["echo", "aé\n"]);
        let i = one("FROM a\nCMD ['echo','x']\n");
        assert_eq!(args_of(&i), ["['echo','x']"]);
        let i = one("FROM a\nCMD []\n");
        assert_eq!(i.args, Args::Exec(vec![]));
        let ast = parse("FROM a\nCMD [ \"echo\", [ \"nested json\" ] ]\n");
        assert_eq!(ast.errors.len(), 1);
    }

    #[test]
    fn flags_with_quotes_and_double_dash() {
        let i = one("FROM a\nCOPY --from=build --chown=\"app:app\" --link -- a b /c/\n");
        let names: Vec<_> = i.flags.iter().map(Flag::display).collect();
        assert_eq!(names, ["--from=build", "--chown=app:app", "--link"]);
        assert_eq!(args_of(&i), ["a", "b", "/c/"]);
        let src = "FROM a\nRUN --mount=type=cache,target=/root/.cache pip install x\n";
        let i = one(src);
        let f = i.flag("mount").unwrap();
        assert_eq!(
            &src[f.value_span.unwrap().range()],
            "type=cache,target=/root/.cache"
        );
        assert_eq!(args_of(&i), ["pip install x"]);
    }

    #[test]
    fn env_forms() {
        let i = one("FROM a\nENV a=1 b=\"two words\" c=x\\ y\n");
        assert_eq!(args_of(&i), ["a", "1", "b", "\"two words\"", "c", "x\\ y"]);
        let i = one("FROM a\nENV key some value\n");
        let Args::KeyValues(kv) = &i.args else {
            panic!()
        };
        assert!(kv[0].legacy);
        assert_eq!(kv[0].value.as_ref().unwrap().value, "some value");
        let ast = parse("FROM busybox\n\nENV PATH\n");
        assert_eq!(ast.errors.len(), 1);
        assert_eq!(ast.errors[0].message, "ENV must have two arguments");
        let ast = parse("FROM a\nENV a=1 b\n");
        assert_eq!(ast.errors.len(), 1);
    }

    #[test]
    fn arg_forms() {
        let i = one("ARG foo bar=baz\nFROM a\n");
        let _ = i;
        let ast = parse("ARG foo bar=baz\nFROM a\n");
        assert_eq!(args_of(&ast.instructions[0]), ["foo", "bar", "baz"]);
        let i = one("FROM a\nARG abc=\"123 456\" def\n");
        assert_eq!(args_of(&i), ["abc", "\"123 456\"", "def"]);
    }

    #[test]
    fn heredocs() {
        let src = "FROM a\nRUN <<EOF\necho hi\nEOF\nCOPY <<-A <<\"B\" /dst/\n\tone\n\tA\ntwo $x\nB\nRUN ok\n";
        let ast = parse(src);
        assert!(ast.errors.is_empty(), "{:?}", ast.errors);
        assert_eq!(ast.instructions.len(), 4);
        let run = &ast.instructions[1];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredocs[0].body.text, "echo hi\n");
        assert_eq!(&src[run.heredocs[0].body.span().range()], "echo hi\n");
        assert_eq!(&src[run.span.range()], "RUN <<EOF\necho hi\nEOF");
        let copy = &ast.instructions[2];
        assert_eq!(copy.heredocs.len(), 2);
        assert!(copy.heredocs[0].chomp && copy.heredocs[0].expand);
        assert_eq!(copy.heredocs[0].content(), "one\n");
        assert!(!copy.heredocs[1].expand);
        assert_eq!(copy.heredocs[1].body.text, "two $x\n");
        assert_eq!(args_of(&ast.instructions[3]), ["ok"]);
    }

    #[test]
    fn heredoc_in_quotes_or_exec_form_is_not_a_heredoc() {
        let ast = parse("FROM a\nRUN echo \"<<EOF\"\nRUN [\"<<EOF\"]\nRUN cat<<EOF\n");
        assert!(ast.instructions.iter().all(|i| i.heredocs.is_empty()));
        assert_eq!(ast.instructions.len(), 4);
    }

    #[test]
    fn unterminated_heredoc_is_an_error_at_the_opener() {
        let src = "FROM a\nRUN <<EOF\necho hi\n";
        let ast = parse(src);
        assert_eq!(ast.errors.len(), 1);
        assert_eq!(&src[ast.errors[0].span.range()], "<<EOF");
    }

    #[test]
    fn continuation_of_blanks_only_is_an_error_on_its_line() {
        // Found by the fuzzer: blanks before the escape character, then only comments.
        for src in [
            "FROM a\n\t\t\\\n# c\n",
            "FROM a\n\\\n\t\t\\\n# c",
            "FROM a\n  \\\n\n",
        ] {
            let ast = parse(src);
            assert_eq!(ast.instructions.len(), 1, "{src:?}");
            assert_eq!(ast.errors.len(), 1, "{src:?}");
            assert!(ast.errors[0].message.contains("no instruction"));
            let start = ast.errors[0].span.start as usize;
            assert_eq!(src[..start].matches('\n').count(), 1, "{src:?}: on line 2");
            assert_eq!(
                &src[start..=start],
                "\\",
                "{src:?}: at the escape character"
            );
        }
        // A continued line that does reach an instruction is that instruction.
        let ast = parse("FROM a\n  \\\n# c\nRUN x\n");
        assert!(ast.errors.is_empty(), "{:?}", ast.errors);
        assert_eq!(ast.instructions[1].keyword, Keyword::Run);
        // An ONBUILD whose trigger is blanks only.
        let ast = parse("FROM a\nONBUILD \t\\\n\t\t\\\n");
        assert_eq!(ast.instructions.len(), 2);
    }

    #[test]
    fn onbuild_trigger_with_heredoc() {
        let src = "FROM a\nONBUILD RUN <<EOF\nls\nEOF\nONBUILD COPY . /\n";
        let ast = parse(src);
        assert!(ast.errors.is_empty(), "{:?}", ast.errors);
        let t = ast.instructions[1].trigger.as_ref().unwrap();
        assert_eq!(t.keyword, Keyword::Run);
        assert_eq!(t.heredocs[0].body.text, "ls\n");
        assert_eq!(
            ast.instructions[2].trigger.as_ref().unwrap().keyword,
            Keyword::Copy
        );
        let ast = parse("FROM a\nONBUILD ONBUILD RUN x\nONBUILD FROM b\n");
        assert_eq!(ast.errors.len(), 2);
    }

    #[test]
    fn healthcheck_forms() {
        let i = one("FROM a\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"x\"]\n");
        assert_eq!(args_of(&i), ["CMD", "curl", "-f", "x"]);
        assert_eq!(i.flag("interval").unwrap().value.as_deref(), Some("5s"));
        let i = one("FROM a\nHEALTHCHECK NONE\n");
        assert_eq!(args_of(&i), ["NONE"]);
        let ast = parse("FROM a\nHEALTHCHECK CONNECT TCP 7000\n");
        assert_eq!(ast.errors.len(), 1);
    }

    #[test]
    fn errors_recover_at_next_instruction() {
        let src = "FROM a\nFROM b c\nCOPY x\nFROOM c\nRUN echo ok\nFROM 1abc AS 9x\n";
        let ast = parse(src);
        let msgs: Vec<_> = ast.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert_eq!(ast.instructions.len(), 6);
        assert_eq!(ast.instructions[3].keyword, Keyword::Unknown);
        assert_eq!(&src[ast.errors[2].span.range()], "FROOM");
        assert_eq!(&src[ast.errors[3].span.range()], "9x");
    }

    #[test]
    fn instruction_before_from() {
        let ast = parse("ARG X=1\nRUN echo\nFROM a\n");
        assert_eq!(ast.errors.len(), 1);
        assert!(ast.errors[0].message.starts_with("no build stage"));
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(parse("").errors.len(), 1);
        assert_eq!(parse("# Hello\n# only comments\n\n").errors.len(), 1);
    }

    #[test]
    fn json_decoder_edge_cases() {
        assert!(
            matches!(parse_json_array("[\"a\"] trailing"), JsonArray::Strings(v) if v.len() == 1)
        );
        assert!(matches!(parse_json_array("[\"a\",]"), JsonArray::Invalid));
        assert!(matches!(
            parse_json_array("[1, \"a\"]"),
            JsonArray::NotStrings(1)
        ));
        assert!(
            matches!(parse_json_array("[\"\\ud83d\\ude00\"]"), JsonArray::Strings(v) if v[0].0 == "😀")
        );
        assert!(matches!(parse_json_array("[\"a\nb\"]"), JsonArray::Invalid));
        let deep = "[".repeat(10_000);
        assert!(matches!(parse_json_array(&deep), JsonArray::Invalid));
    }
}

//! Recursive-descent parser for lists, pipelines and commands. Word-level reading (quotes,
//! expansions, substitutions, heredoc bodies) is in `word.rs`.
//!
//! Every loop either consumes input or stops; nesting is counted by `enter`/`leave` and
//! capped at `MAX_DEPTH`, after which the parse is abandoned (`aborted`) so that every level
//! unwinds at once.

use super::word::{WordBuf, WordMode};
use super::{
    Block, BlockKind, Command, Connector, Context, ErrorKind, Heredoc, MAX_DEPTH, Parent, Part,
    Pipeline, Redirect, RedirectOp, Script, ShellError, Stage, StageItem, Word,
};
use crate::syntax::MappedText;

/// Errors kept per parse; hostile input cannot grow the list beyond this.
const MAX_ERRORS: usize = 100;

const RESERVED: &[&str] = &[
    "{", "}", "!", "[[", "if", "then", "elif", "else", "fi", "while", "until", "for", "select",
    "in", "do", "done", "case", "esac", "function",
];

/// Where the parse output goes; shared by nested parsers of `-c` strings.
#[derive(Default)]
pub(super) struct Out {
    pub(super) commands: Vec<Command>,
    pub(super) pipelines: Vec<Pipeline>,
    pub(super) blocks: Vec<Block>,
    pub(super) errors: Vec<ShellError>,
    /// Bytes of `-c` strings that may still be read again and parsed as scripts (see
    /// [`RESCAN_FACTOR`]).
    pub(super) rescan_budget: usize,
    /// The budget ran out: no further `-c` string is parsed.
    pub(super) rescan_exhausted: bool,
}

/// A `-c` string is read twice more (its word again, then its text as a script), and `-c`
/// strings nest (`sh -c "… su -c \"…\" …"`), each level inside the one before, so without
/// a bound the work doubles with every level. All the `-c` strings of one parse together
/// may cost this many times the script's length (plus [`RESCAN_BASE`]); past that, the
/// rest are left as plain words and the parse says so.
const RESCAN_FACTOR: usize = 8;
const RESCAN_BASE: usize = 64 * 1024;

/// Lengths of the output vectors, to discard what a re-read produced.
#[derive(Clone, Copy)]
pub(super) struct Marks {
    commands: usize,
    pipelines: usize,
    blocks: usize,
    errors: usize,
    pending: usize,
}

/// What a heredoc body belongs to.
#[derive(Clone, Copy)]
enum Target {
    Command(usize),
    Block(usize),
}

/// A heredoc operator whose body starts after the next newline.
pub(super) struct Pending {
    target: Target,
    redirect: usize,
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
    op_start: usize,
}

pub(super) struct Parser<'s, 'o> {
    pub(super) src: &'s MappedText,
    pub(super) text: &'s str,
    pub(super) b: &'s [u8],
    pub(super) pos: usize,
    pub(super) end: usize,
    pub(super) out: &'o mut Out,
    depth: u32,
    pub(super) aborted: bool,
    /// Errors are not recorded (while a word is read a second time).
    pub(super) quiet: bool,
    /// Substitutions are skipped, not kept: the text of a `-c` string whose substitutions
    /// the outer parse already found.
    pub(super) discard_substitutions: bool,
    pending: Vec<Pending>,
    /// Where new pipelines and blocks go.
    pub(super) block: Option<usize>,
    pub(super) context: Context,
    /// The command whose nested script is being parsed.
    pub(super) owner: Option<Parent>,
    /// The command part whose word is being read (owner of substitutions in it).
    pub(super) word_owner: Option<Parent>,
}

pub(super) fn parse(src: &MappedText) -> Script {
    let mut out = Out {
        rescan_budget: src
            .text
            .len()
            .saturating_mul(RESCAN_FACTOR)
            .saturating_add(RESCAN_BASE),
        ..Out::default()
    };
    let mut parser = Parser::new(src, &mut out, 0);
    parser.parse_script();
    if out.rescan_exhausted {
        out.errors.push(ShellError {
            kind: ErrorKind::TooDeep,
            message: "`-c` strings nested too deeply to analyse: some were not parsed".to_owned(),
            span: src.span(),
        });
    }
    finish(out)
}

impl<'s, 'o> Parser<'s, 'o> {
    pub(super) fn new(src: &'s MappedText, out: &'o mut Out, depth: u32) -> Self {
        Self {
            src,
            text: &src.text,
            b: src.text.as_bytes(),
            pos: 0,
            end: src.text.len(),
            out,
            depth,
            aborted: false,
            quiet: false,
            discard_substitutions: false,
            pending: Vec::new(),
            block: None,
            context: Context::TopLevel,
            owner: None,
            word_owner: None,
        }
    }

    // ----- low-level reading --------------------------------------------------------------

    pub(super) fn peek(&self) -> Option<u8> {
        if self.aborted || self.pos >= self.end {
            None
        } else {
            Some(self.b[self.pos])
        }
    }

    pub(super) fn byte_at(&self, i: usize) -> Option<u8> {
        if self.aborted || i >= self.end {
            None
        } else {
            Some(self.b[i])
        }
    }

    pub(super) fn starts_with(&self, s: &str) -> bool {
        !self.aborted
            && self.pos + s.len() <= self.end
            && &self.b[self.pos..self.pos + s.len()] == s.as_bytes()
    }

    /// Length of the character at `i` (1 at the end).
    pub(super) fn char_len(&self, i: usize) -> usize {
        self.text
            .get(i..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8)
    }

    pub(super) fn span(&self, start: usize, end: usize) -> crate::source::Span {
        self.src.file_span(start, end)
    }

    pub(super) fn error(
        &mut self,
        kind: ErrorKind,
        start: usize,
        end: usize,
        message: impl Into<String>,
    ) {
        if self.quiet || self.out.errors.len() >= MAX_ERRORS {
            return;
        }
        let span = self.span(start, end.max(start));
        self.out.errors.push(ShellError {
            kind,
            message: message.into(),
            span,
        });
    }

    /// Counts one nesting level; past `MAX_DEPTH` abandons the parse.
    pub(super) fn enter(&mut self) -> bool {
        if self.aborted {
            return false;
        }
        if self.depth >= MAX_DEPTH {
            let at = self.pos.min(self.end);
            self.error(
                ErrorKind::TooDeep,
                at,
                self.end,
                format!("nesting deeper than {MAX_DEPTH} levels; the rest is not parsed"),
            );
            self.aborted = true;
            self.pos = self.end;
            return false;
        }
        self.depth += 1;
        true
    }

    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(super) fn depth(&self) -> u32 {
        self.depth
    }

    pub(super) fn marks(&self) -> Marks {
        Marks {
            commands: self.out.commands.len(),
            pipelines: self.out.pipelines.len(),
            blocks: self.out.blocks.len(),
            errors: self.out.errors.len(),
            pending: self.pending.len(),
        }
    }

    pub(super) fn truncate(&mut self, m: Marks) {
        self.out.commands.truncate(m.commands);
        self.out.pipelines.truncate(m.pipelines);
        self.out.blocks.truncate(m.blocks);
        self.out.errors.truncate(m.errors);
        self.pending.truncate(m.pending);
        self.pending.retain(|h| match h.target {
            Target::Command(c) => c < m.commands,
            Target::Block(b) => b < m.blocks,
        });
    }

    /// Length of a line continuation (`\` newline, `\` CR LF) at `i`, or 0.
    pub(super) fn continuation_len(&self, i: usize) -> usize {
        if self.byte_at(i) != Some(b'\\') {
            return 0;
        }
        match (self.byte_at(i + 1), self.byte_at(i + 2)) {
            (Some(b'\n'), _) => 2,
            (Some(b'\r'), Some(b'\n')) => 3,
            _ => 0,
        }
    }

    /// Skips spaces, tabs, carriage returns and line continuations (not newlines).
    pub(super) fn skip_blanks(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' => match self.continuation_len(self.pos) {
                    0 => break,
                    n => self.pos += n,
                },
                _ => break,
            }
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            let rest = &self.b[self.pos..self.end];
            self.pos += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        }
    }

    /// Blanks and a comment, not the newline that ends it.
    fn skip_space(&mut self) {
        self.skip_blanks();
        self.skip_comment();
    }

    /// Blanks, comments and newlines (reading heredoc bodies at each newline).
    fn skip_linebreaks(&mut self) {
        loop {
            self.skip_space();
            if self.peek() == Some(b'\n') {
                self.newline();
            } else {
                break;
            }
        }
    }

    /// Consumes a newline and the heredoc bodies that start after it.
    fn newline(&mut self) {
        self.pos += 1;
        if !self.pending.is_empty() {
            self.read_heredocs();
        }
    }

    /// The unquoted reserved word at `pos`, if one is there (followed by a delimiter).
    fn peek_reserved(&self) -> Option<&'static str> {
        let start = self.pos;
        let mut i = start;
        while let Some(c) = self.byte_at(i) {
            if is_meta(c) || matches!(c, b'\'' | b'"' | b'\\' | b'$' | b'`') {
                break;
            }
            i += 1;
            if i - start > 8 {
                return None;
            }
        }
        if i == start || self.byte_at(i).is_some_and(|c| !is_meta(c)) {
            return None;
        }
        let word = self.text.get(start..i)?;
        RESERVED.iter().find(|r| **r == word).copied()
    }

    /// At a token that ends a list: `)`, `;;`, `;&`, or a closing reserved word.
    fn at_closer(&self) -> bool {
        match self.peek() {
            None => false,
            Some(b')') => true,
            Some(b';') => matches!(self.byte_at(self.pos + 1), Some(b';' | b'&')),
            Some(_) => matches!(
                self.peek_reserved(),
                Some("}" | "then" | "elif" | "else" | "fi" | "do" | "done" | "esac")
            ),
        }
    }

    fn can_start_command(&self) -> bool {
        match self.peek() {
            None | Some(b'\n' | b';' | b'|' | b')') => false,
            Some(b'&') => self.byte_at(self.pos + 1) == Some(b'>'),
            Some(_) => !self.at_closer(),
        }
    }

    /// Length of the token at `pos`, for error recovery.
    fn token_len(&self) -> usize {
        if let Some(r) = self.peek_reserved() {
            return r.len();
        }
        for op in [";;&", ";;", ";&", "&&", "||", "|&"] {
            if self.starts_with(op) {
                return op.len();
            }
        }
        self.char_len(self.pos)
    }

    /// Skips the unexpected token at `pos` with an error.
    fn skip_unexpected(&mut self) {
        let start = self.pos;
        let len = self.token_len();
        self.pos = (self.pos + len).min(self.end);
        let token = self.text.get(start..self.pos).unwrap_or("?").to_owned();
        self.error(
            ErrorKind::Unexpected,
            start,
            self.pos,
            format!("unexpected `{}`", token.escape_debug()),
        );
    }

    // ----- lists -------------------------------------------------------------------------

    /// A whole script (or nested script) up to `end`: closers that nothing opened are
    /// reported and skipped.
    pub(super) fn parse_script(&mut self) {
        loop {
            self.parse_list();
            if self.peek().is_none() {
                break;
            }
            self.skip_unexpected();
            // The separator after a stray token belongs to it: one error is enough.
            self.skip_blanks();
            if self.peek() == Some(b';')
                || (self.peek() == Some(b'&') && self.byte_at(self.pos + 1) != Some(b'&'))
            {
                self.pos += 1;
            }
        }
        self.report_missing_heredocs();
    }

    /// Parses the range `start..end` of the same text as a nested script.
    pub(super) fn parse_range(&mut self, start: usize, end: usize) {
        let saved_end = self.end;
        let saved_pending = std::mem::take(&mut self.pending);
        self.pos = start;
        self.end = end.min(saved_end);
        self.parse_script();
        self.end = saved_end;
        self.pending = saved_pending;
        self.pos = end.min(saved_end).max(self.pos);
    }

    fn report_missing_heredocs(&mut self) {
        for h in std::mem::take(&mut self.pending) {
            let at = self.pos.min(self.end);
            self.error(
                ErrorKind::UnterminatedHeredoc,
                h.op_start,
                at,
                format!("heredoc `{}` has no body", h.delimiter.escape_debug()),
            );
        }
    }

    /// A list of and-or lists, up to the end of the range or a closing token.
    pub(super) fn parse_list(&mut self) {
        let mut after: Option<Connector> = None;
        loop {
            self.skip_linebreaks();
            if self.peek().is_none() || self.at_closer() {
                return;
            }
            if !self.can_start_command() {
                self.skip_unexpected();
                continue;
            }
            let before = self.pos;
            let last = self.parse_and_or(after.take());
            self.skip_space();
            let connector = match self.peek() {
                Some(b';') if !matches!(self.byte_at(self.pos + 1), Some(b';' | b'&')) => {
                    self.pos += 1;
                    Connector::Seq
                }
                Some(b'&') if !matches!(self.byte_at(self.pos + 1), Some(b'&' | b'>')) => {
                    self.pos += 1;
                    Connector::Background
                }
                Some(b'\n') => {
                    self.newline();
                    Connector::Seq
                }
                _ => {
                    if self.peek().is_none() || self.at_closer() {
                        return;
                    }
                    if self.pos == before {
                        self.skip_unexpected();
                    } else {
                        let at = self.pos;
                        let len = self.token_len();
                        self.error(
                            ErrorKind::Missing,
                            at,
                            at + len,
                            "expected `;`, `&` or a newline before this",
                        );
                    }
                    continue;
                }
            };
            if let Some(p) = last {
                self.set_followed_by(p, connector);
            }
            after = Some(connector);
        }
    }

    /// Pipelines joined by `&&` and `||`. Returns the last pipeline.
    fn parse_and_or(&mut self, mut after: Option<Connector>) -> Option<usize> {
        let mut pipelines: Vec<usize> = Vec::new();
        let mut connectors: Vec<Connector> = Vec::new();
        while let Some(p) = self.parse_pipeline(after) {
            pipelines.push(p);
            self.skip_space();
            let connector = if self.starts_with("&&") {
                Connector::And
            } else if self.starts_with("||") {
                Connector::Or
            } else {
                break;
            };
            let op = self.pos;
            self.pos += 2;
            self.set_followed_by(p, connector);
            connectors.push(connector);
            after = Some(connector);
            self.skip_linebreaks();
            if !self.can_start_command() {
                self.error(
                    ErrorKind::Missing,
                    op,
                    op + 2,
                    "expected a command after this operator",
                );
                break;
            }
        }
        let mut or_follows = false;
        for (i, &p) in pipelines.iter().enumerate().rev() {
            or_follows |= connectors.get(i) == Some(&Connector::Or);
            self.out.pipelines[p].recovered = or_follows;
        }
        pipelines.last().copied()
    }

    /// `[!] command [| command]…`
    fn parse_pipeline(&mut self, after: Option<Connector>) -> Option<usize> {
        let start = self.pos;
        let mut negated = false;
        while self.peek_reserved() == Some("!") {
            negated = !negated;
            self.pos += 1;
            self.skip_blanks();
        }
        if !self.can_start_command() {
            if negated {
                self.error(
                    ErrorKind::Missing,
                    start,
                    self.pos,
                    "expected a command after `!`",
                );
            }
            return None;
        }
        let p = self.out.pipelines.len();
        self.out.pipelines.push(Pipeline {
            block: self.block,
            context: self.context,
            after,
            negated,
            ..Pipeline::default()
        });
        let mut end = self.span(start, start).start;
        loop {
            let stage = self.out.pipelines[p].stages.len();
            let item = self.parse_command(p, stage);
            let stage_after = if stage == 0 {
                after
            } else {
                Some(Connector::Pipe)
            };
            let span = match item {
                StageItem::Command(c) => {
                    let cmd = &mut self.out.commands[c];
                    cmd.after = stage_after;
                    cmd.negated = negated;
                    cmd.span
                }
                StageItem::Block(b) => {
                    self.out.blocks[b].after = stage_after;
                    self.out.blocks[b].span
                }
            };
            end = end.max(span.end);
            self.out.pipelines[p].stages.push(Stage {
                item,
                span,
                commands: Vec::new(),
            });
            self.skip_space();
            if self.peek() == Some(b'|') && self.byte_at(self.pos + 1) != Some(b'|') {
                let op = self.pos;
                self.pos += if self.byte_at(self.pos + 1) == Some(b'&') {
                    2
                } else {
                    1
                };
                self.set_item_followed_by(item, Connector::Pipe);
                self.skip_linebreaks();
                if !self.can_start_command() {
                    self.error(
                        ErrorKind::Missing,
                        op,
                        op + 1,
                        "expected a command after `|`",
                    );
                    break;
                }
            } else {
                break;
            }
        }
        let first = self.span(start, start).start;
        self.out.pipelines[p].span = crate::source::Span::new(first, end.max(first));
        Some(p)
    }

    fn set_followed_by(&mut self, p: usize, c: Connector) {
        let pipeline = &mut self.out.pipelines[p];
        pipeline.followed_by = Some(c);
        if let Some(item) = pipeline.stages.last().map(|s| s.item) {
            self.set_item_followed_by(item, c);
        }
    }

    fn set_item_followed_by(&mut self, item: StageItem, c: Connector) {
        match item {
            StageItem::Command(i) => self.out.commands[i].followed_by = Some(c),
            StageItem::Block(b) => self.out.blocks[b].followed_by = Some(c),
        }
    }

    // ----- commands ----------------------------------------------------------------------

    fn parse_command(&mut self, p: usize, stage: usize) -> StageItem {
        if self.peek() == Some(b'(') {
            if self.byte_at(self.pos + 1) == Some(b'(') {
                if let Some(end) = self.arith_end(self.pos + 2) {
                    return StageItem::Command(self.parse_arith_command(p, stage, end));
                }
            }
            return StageItem::Block(self.parse_compound(BlockKind::Subshell, p, stage));
        }
        let kind = match self.peek_reserved() {
            Some("{") => Some(BlockKind::Group),
            Some("if") => Some(BlockKind::If),
            Some("while") => Some(BlockKind::While),
            Some("until") => Some(BlockKind::Until),
            Some("for" | "select") => Some(BlockKind::For),
            Some("case") => Some(BlockKind::Case),
            Some("function") => Some(BlockKind::Function),
            Some("[[") => return StageItem::Command(self.parse_cond_command(p, stage)),
            _ => None,
        };
        if let Some(kind) = kind {
            return StageItem::Block(self.parse_compound(kind, p, stage));
        }
        if self.function_def_ahead().is_some() {
            return StageItem::Block(self.parse_compound(BlockKind::Function, p, stage));
        }
        StageItem::Command(self.parse_simple(p, stage))
    }

    fn new_command(&mut self, p: usize, stage: usize) -> usize {
        let index = self.out.commands.len();
        self.out.commands.push(Command {
            index,
            pipeline: p,
            stage,
            block: self.block,
            context: self.context,
            parent: self.owner,
            ..Command::default()
        });
        index
    }

    fn part_owner(command: usize, part: Part) -> Parent {
        Parent { command, part }
    }

    fn parse_simple(&mut self, p: usize, stage: usize) -> usize {
        let start = self.pos;
        let idx = self.new_command(p, stage);
        let mut word_starts: Vec<usize> = Vec::new();
        let mut end = start;
        let mut prefix = true;
        loop {
            self.skip_blanks();
            let Some(c) = self.peek() else {
                break;
            };
            match c {
                b'\n' | b';' | b'|' | b')' | b'#' => break,
                b'&' if self.byte_at(self.pos + 1) != Some(b'>') => break,
                b'(' => {
                    let at = self.pos;
                    self.pos += 1;
                    self.error(ErrorKind::Unexpected, at, at + 1, "unexpected `(`");
                    continue;
                }
                _ => {}
            }
            if self.redirect_ahead() {
                let r = self.out.commands[idx].redirects.len();
                let redirect = self.parse_redirect(
                    Target::Command(idx),
                    r,
                    Some(Self::part_owner(idx, Part::Redirect(r))),
                );
                self.out.commands[idx].redirects.push(redirect);
            } else if let Some(value_at) = prefix.then(|| self.assignment_ahead()).flatten() {
                let a = self.out.commands[idx].assignments.len();
                let word = if self.byte_at(value_at) == Some(b'(') {
                    self.read_array_assignment(value_at)
                } else {
                    self.read_word(
                        Some(Self::part_owner(idx, Part::Assignment(a))),
                        WordMode::Normal,
                    )
                };
                self.out.commands[idx].assignments.push(word);
            } else {
                prefix = false;
                let n = self.out.commands[idx].words.len();
                word_starts.push(self.pos);
                let word =
                    self.read_word(Some(Self::part_owner(idx, Part::Word(n))), WordMode::Normal);
                self.out.commands[idx].words.push(word);
            }
            end = self.pos;
        }
        self.out.commands[idx].span = self.span(start, end);
        self.parse_shell_c(idx, &word_starts);
        idx
    }

    /// `[[ … ]]`: one command named `[[` whose words run up to `]]`.
    fn parse_cond_command(&mut self, p: usize, stage: usize) -> usize {
        let start = self.pos;
        let idx = self.new_command(p, stage);
        let open = self.literal_word(start, start + 2);
        self.out.commands[idx].words.push(open);
        self.pos += 2;
        loop {
            self.skip_linebreaks();
            if self.peek().is_none() {
                self.error(
                    ErrorKind::UnterminatedExpansion,
                    start,
                    start + 2,
                    "`[[` is not closed by `]]`",
                );
                break;
            }
            if self.at_cond_end() {
                let close = self.literal_word(self.pos, self.pos + 2);
                self.out.commands[idx].words.push(close);
                self.pos += 2;
                break;
            }
            let n = self.out.commands[idx].words.len();
            let word = self.read_word(Some(Self::part_owner(idx, Part::Word(n))), WordMode::Cond);
            self.out.commands[idx].words.push(word);
        }
        let end = self.pos;
        let end = self.command_redirects(idx).unwrap_or(end);
        self.out.commands[idx].span = self.span(start, end);
        idx
    }

    /// `]]` followed by a delimiter.
    pub(super) fn at_cond_end(&self) -> bool {
        self.starts_with("]]") && self.byte_at(self.pos + 2).is_none_or(is_meta)
    }

    /// `(( … ))` as a command: words `((`, the expression, `))`.
    fn parse_arith_command(&mut self, p: usize, stage: usize, end: usize) -> usize {
        let start = self.pos;
        let idx = self.new_command(p, stage);
        let words = [
            self.literal_word(start, start + 2),
            self.arith_word(start + 2, end - 2),
            self.literal_word(end - 2, end),
        ];
        self.out.commands[idx].words.extend(words);
        self.scan_substitutions(
            start + 2,
            end - 2,
            Some(Self::part_owner(idx, Part::Word(1))),
        );
        self.pos = end;
        let end = self.command_redirects(idx).unwrap_or(end);
        self.out.commands[idx].span = self.span(start, end);
        idx
    }

    /// Redirections after `]]` or `))`; returns where the last one ends.
    fn command_redirects(&mut self, idx: usize) -> Option<usize> {
        let mut end = None;
        loop {
            self.skip_blanks();
            if !self.redirect_ahead() {
                break;
            }
            let r = self.out.commands[idx].redirects.len();
            let redirect = self.parse_redirect(
                Target::Command(idx),
                r,
                Some(Self::part_owner(idx, Part::Redirect(r))),
            );
            self.out.commands[idx].redirects.push(redirect);
            end = Some(self.pos);
        }
        end
    }

    /// A word made of the literal text `start..end`.
    pub(super) fn literal_word(&self, start: usize, end: usize) -> Word {
        let text = self.text.get(start..end).unwrap_or_default().to_owned();
        Word {
            raw: text.clone(),
            text,
            span: self.span(start, end),
            ..Word::default()
        }
    }

    /// The expression of `(( … ))` or `for (( … ))` as one word.
    fn arith_word(&self, start: usize, end: usize) -> Word {
        let text = self.text.get(start..end).unwrap_or_default();
        let expansion = text.contains(['$', '`']);
        Word {
            text: text.to_owned(),
            raw: text.to_owned(),
            span: self.span(start, end),
            has_expansion: expansion,
            has_substitution: text.contains("$(") || text.contains('`'),
            ..Word::default()
        }
    }

    /// `NAME=` or `NAME+=` (or `NAME[…]=`) at `pos`: the offset just after `=`.
    fn assignment_ahead(&self) -> Option<usize> {
        let mut i = self.pos;
        let first = self.byte_at(i)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        while self
            .byte_at(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            i += 1;
        }
        if self.byte_at(i) == Some(b'[') {
            while let Some(c) = self.byte_at(i) {
                if c == b']' || is_meta(c) {
                    break;
                }
                i += 1;
            }
            if self.byte_at(i) != Some(b']') {
                return None;
            }
            i += 1;
        }
        if self.byte_at(i) == Some(b'+') {
            i += 1;
        }
        (self.byte_at(i) == Some(b'=')).then_some(i + 1)
    }

    /// `NAME=(…)`: kept as one word, its text as written.
    fn read_array_assignment(&mut self, open: usize) -> Word {
        let start = self.pos;
        let mut depth = 0usize;
        let mut i = open;
        let mut closed = false;
        while let Some(c) = self.byte_at(i) {
            match c {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        closed = true;
                        break;
                    }
                }
                b'\\' => i += 1,
                b'\'' | b'"' => {
                    let rest = &self.b[(i + 1).min(self.end)..self.end];
                    match memchr::memchr(c, rest) {
                        Some(k) => i += k + 1,
                        None => i = self.end,
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let i = i.min(self.end);
        if !closed {
            self.error(
                ErrorKind::UnterminatedExpansion,
                start,
                i,
                "array assignment is not closed by `)`",
            );
        }
        self.pos = i;
        let mut word = self.literal_word(start, i);
        word.has_expansion = word.text.contains(['$', '`']);
        word
    }

    /// `name ( )` at `pos`: the name's end.
    fn function_def_ahead(&self) -> Option<usize> {
        let start = self.pos;
        let mut i = start;
        while let Some(c) = self.byte_at(i) {
            if is_meta(c) || matches!(c, b'\'' | b'"' | b'\\' | b'$' | b'`' | b'=') {
                break;
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        let name_end = i;
        let skip = |mut j: usize| {
            while matches!(self.byte_at(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            j
        };
        i = skip(i);
        if self.byte_at(i) != Some(b'(') {
            return None;
        }
        i = skip(i + 1);
        (self.byte_at(i) == Some(b')')).then_some(name_end)
    }

    // ----- redirections ------------------------------------------------------------------

    /// A redirection operator at `pos`, possibly after an fd number.
    pub(super) fn redirect_ahead(&self) -> bool {
        let mut i = self.pos;
        while self.byte_at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        match self.byte_at(i) {
            Some(b'<' | b'>') => i > self.pos || self.byte_at(i + 1) != Some(b'('),
            Some(b'&') => i == self.pos && self.byte_at(i + 1) == Some(b'>'),
            _ => false,
        }
    }

    fn parse_redirect(&mut self, target: Target, index: usize, owner: Option<Parent>) -> Redirect {
        let start = self.pos;
        let digits_end = {
            let mut i = self.pos;
            while self.byte_at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            i
        };
        let fd = self
            .text
            .get(start..digits_end)
            .and_then(|d| d.parse::<u32>().ok());
        self.pos = digits_end;
        let ops: [(&str, RedirectOp); 12] = [
            ("&>>", RedirectOp::AppendOutErr),
            ("&>", RedirectOp::OutErr),
            ("<<<", RedirectOp::HereString),
            ("<<-", RedirectOp::HeredocStripTabs),
            ("<<", RedirectOp::Heredoc),
            ("<&", RedirectOp::DupIn),
            ("<>", RedirectOp::ReadWrite),
            ("<", RedirectOp::In),
            (">>", RedirectOp::Append),
            (">&", RedirectOp::DupOut),
            (">|", RedirectOp::Clobber),
            (">", RedirectOp::Out),
        ];
        let (len, op) = ops
            .iter()
            .find(|(s, _)| self.starts_with(s))
            .map_or((1, RedirectOp::Out), |(s, op)| (s.len(), *op));
        self.pos += len;
        let op_end = self.pos;
        self.skip_blanks();
        let target_word = match self.peek() {
            Some(c) if !is_meta(c) || self.at_process_subst() => {
                Some(self.read_word(owner, WordMode::Normal))
            }
            _ => {
                self.error(
                    ErrorKind::Missing,
                    start,
                    op_end,
                    "redirection has no target",
                );
                None
            }
        };
        let end = if target_word.is_some() {
            self.pos
        } else {
            op_end
        };
        if let (Some(w), RedirectOp::Heredoc | RedirectOp::HeredocStripTabs) = (&target_word, op) {
            self.pending.push(Pending {
                target,
                redirect: index,
                delimiter: w.text.clone(),
                quoted: w.quoted,
                strip_tabs: op == RedirectOp::HeredocStripTabs,
                op_start: start,
            });
        }
        Redirect {
            op,
            fd,
            target: target_word,
            heredoc: None,
            span: self.span(start, end),
        }
    }

    /// `<(` or `>(` at `pos`.
    pub(super) fn at_process_subst(&self) -> bool {
        matches!(self.peek(), Some(b'<' | b'>')) && self.byte_at(self.pos + 1) == Some(b'(')
    }

    // ----- heredocs ----------------------------------------------------------------------

    /// Reads the bodies of the pending heredocs, starting at `pos` (just after a newline).
    fn read_heredocs(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for h in pending {
            let body_start = self.pos.min(self.end);
            let (body_end, next, terminated) = self.find_heredoc_end(body_start, &h);
            self.pos = next;
            if !terminated {
                self.error(
                    ErrorKind::UnterminatedHeredoc,
                    h.op_start,
                    body_end,
                    format!(
                        "heredoc is not terminated by a `{}` line",
                        h.delimiter.escape_debug()
                    ),
                );
            }
            let raw = self.text.get(body_start..body_end).unwrap_or_default();
            let heredoc = Heredoc {
                delimiter: h.delimiter.clone(),
                quoted: h.quoted,
                strip_tabs: h.strip_tabs,
                body: super::word::heredoc_text(raw, h.quoted, h.strip_tabs),
                span: self.span(body_start, body_end),
                terminated,
            };
            // Nested commands of the body sit where the receiving command sits.
            let (script, owner, scope) = match h.target {
                Target::Command(c) => match self.out.commands.get_mut(c) {
                    Some(cmd) => {
                        if let Some(r) = cmd.redirects.get_mut(h.redirect) {
                            r.heredoc = Some(heredoc);
                        }
                        let script = cmd.unwrapped().reads_script_from_stdin();
                        let owner = Some(Self::part_owner(c, Part::Redirect(h.redirect)));
                        (script, owner, (cmd.block, cmd.context, cmd.parent))
                    }
                    None => continue,
                },
                Target::Block(b) => match self.out.blocks.get_mut(b) {
                    Some(block) => {
                        if let Some(r) = block.redirects.get_mut(h.redirect) {
                            r.heredoc = Some(heredoc);
                        }
                        (false, None, (Some(b), block.context, block.owner))
                    }
                    None => continue,
                },
            };
            let saved = self.save_scope();
            (self.block, self.context, self.owner) = scope;
            if script {
                self.parse_heredoc_script(body_start, body_end, owner);
            } else if !h.quoted {
                self.scan_substitutions(body_start, body_end, owner);
            }
            self.restore_scope(saved);
            self.pos = next;
        }
    }

    /// `(body_end, next, terminated)`: the body ends where the delimiter line starts; parsing
    /// resumes after that line.
    fn find_heredoc_end(&self, body_start: usize, h: &Pending) -> (usize, usize, bool) {
        let mut line_start = body_start;
        let mut joined = false;
        while line_start < self.end {
            let rest = &self.b[line_start..self.end];
            let line_end = line_start + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            let next = (line_end + 1).min(self.end);
            let mut line = self.text.get(line_start..line_end).unwrap_or_default();
            line = line.strip_suffix('\r').unwrap_or(line);
            if h.strip_tabs {
                line = line.trim_start_matches('\t');
            }
            if !joined && line == h.delimiter {
                return (line_start, next, true);
            }
            let backslashes = line.len() - line.trim_end_matches('\\').len();
            joined = !h.quoted && backslashes % 2 == 1;
            line_start = if next > line_start { next } else { self.end };
        }
        (self.end, self.end, false)
    }

    fn parse_heredoc_script(&mut self, start: usize, end: usize, owner: Option<Parent>) {
        if !self.enter() {
            return;
        }
        let b = self.open_nested_block(BlockKind::HeredocScript, owner, start, end);
        let saved = self.save_scope();
        self.block = Some(b);
        self.context = Context::HeredocScript;
        self.owner = owner;
        self.parse_range(start, end);
        self.restore_scope(saved);
        self.leave();
    }

    // ----- blocks ------------------------------------------------------------------------

    pub(super) fn save_scope(&self) -> (Option<usize>, Context, Option<Parent>, Option<Parent>) {
        (self.block, self.context, self.owner, self.word_owner)
    }

    pub(super) fn restore_scope(
        &mut self,
        s: (Option<usize>, Context, Option<Parent>, Option<Parent>),
    ) {
        (self.block, self.context, self.owner, self.word_owner) = s;
    }

    /// A block for a nested script (substitution, heredoc script, `-c` string).
    pub(super) fn open_nested_block(
        &mut self,
        kind: BlockKind,
        owner: Option<Parent>,
        start: usize,
        end: usize,
    ) -> usize {
        let b = self.out.blocks.len();
        let span = self.span(start, end);
        self.out.blocks.push(Block {
            kind,
            span,
            parent: self.block,
            context: self.context,
            owner,
            ..Block::default()
        });
        b
    }

    fn parse_compound(&mut self, kind: BlockKind, p: usize, stage: usize) -> usize {
        let start = self.pos;
        let b = self.out.blocks.len();
        self.out.blocks.push(Block {
            kind,
            parent: self.block,
            context: self.context,
            pipeline: Some(p),
            stage,
            ..Block::default()
        });
        if self.enter() {
            let saved = self.save_scope();
            self.block = Some(b);
            // Commands of a compound command keep the owner of the enclosing nested script.
            self.word_owner = None;
            match kind {
                BlockKind::Subshell => self.parse_delimited(1, ")", Context::Subshell, start),
                BlockKind::Group => self.parse_delimited(1, "}", Context::Group, start),
                BlockKind::If => self.parse_if(start),
                BlockKind::While | BlockKind::Until => self.parse_while(start),
                BlockKind::For => self.parse_for(b, start),
                BlockKind::Case => self.parse_case(b, start),
                BlockKind::Function => self.parse_function(b, start),
                _ => {}
            }
            self.restore_scope(saved);
            self.leave();
        }
        let mut end = self.pos.max(start);
        loop {
            self.skip_blanks();
            if !self.redirect_ahead() {
                break;
            }
            let r = self.out.blocks[b].redirects.len();
            let redirect = self.parse_redirect(Target::Block(b), r, None);
            self.out.blocks[b].redirects.push(redirect);
            end = self.pos;
        }
        self.out.blocks[b].span = self.span(start, end);
        b
    }

    /// `{ list }` or `( list )` (after an opener of `open_len` bytes).
    fn parse_delimited(&mut self, open_len: usize, close: &str, context: Context, start: usize) {
        self.pos += open_len;
        self.context = context;
        self.parse_list();
        self.expect(close, start, open_len);
    }

    /// Consumes `token` (a reserved word or `)`), or records that it is missing, pointing at
    /// the opener `start..start + opener_len`.
    fn expect(&mut self, token: &str, start: usize, opener_len: usize) -> bool {
        let found = if token == ")" {
            self.peek() == Some(b')')
        } else {
            self.peek_reserved() == Some(token)
        };
        if found {
            self.pos += token.len();
        } else if !self.aborted {
            let opener = self
                .text
                .get(start..start + opener_len)
                .unwrap_or("?")
                .to_owned();
            self.error(
                ErrorKind::Missing,
                start,
                start + opener_len,
                format!("`{opener}` is not closed by `{token}`"),
            );
        }
        found
    }

    fn parse_if(&mut self, start: usize) {
        self.pos += 2;
        self.context = Context::IfCondition;
        self.parse_list();
        self.expect("then", start, 2);
        self.context = Context::IfBranch;
        self.parse_list();
        loop {
            match self.peek_reserved() {
                Some("elif") => {
                    let at = self.pos;
                    self.pos += 4;
                    self.context = Context::IfCondition;
                    self.parse_list();
                    self.expect("then", at, 4);
                    self.context = Context::IfBranch;
                    self.parse_list();
                }
                Some("else") => {
                    self.pos += 4;
                    self.context = Context::IfBranch;
                    self.parse_list();
                }
                _ => {
                    self.expect("fi", start, 2);
                    break;
                }
            }
        }
    }

    fn parse_while(&mut self, start: usize) {
        // `while` and `until` are both five letters long.
        self.pos += 5;
        self.context = Context::LoopCondition;
        self.parse_list();
        self.parse_do_done(start, 5);
    }

    fn parse_do_done(&mut self, start: usize, opener_len: usize) {
        if self.expect("do", start, opener_len) {
            self.context = Context::LoopBody;
            self.parse_list();
            self.expect("done", start, opener_len);
        }
    }

    fn parse_for(&mut self, b: usize, start: usize) {
        let len = if self.starts_with("select") { 6 } else { 3 };
        self.pos += len;
        self.skip_blanks();
        if self.starts_with("((") {
            match self.arith_end(self.pos + 2) {
                Some(end) => {
                    let word = self.arith_word(self.pos + 2, end - 2);
                    self.out.blocks[b].words.push(word);
                    self.scan_substitutions(self.pos + 2, end - 2, None);
                    self.pos = end;
                }
                None => {
                    self.error(
                        ErrorKind::UnterminatedExpansion,
                        self.pos,
                        self.pos + 2,
                        "`((` is not closed by `))`",
                    );
                }
            }
        } else if self.peek().is_some_and(|c| !is_meta(c)) {
            let name = self.read_word(None, WordMode::Normal);
            self.out.blocks[b].words.push(name);
            self.skip_linebreaks();
            if self.peek_reserved() == Some("in") {
                self.pos += 2;
                loop {
                    self.skip_blanks();
                    match self.peek() {
                        Some(b'#') => self.skip_comment(),
                        Some(c) if !is_meta(c) || self.at_process_subst() => {
                            let item = self.read_word(None, WordMode::Normal);
                            self.out.blocks[b].words.push(item);
                        }
                        _ => break,
                    }
                }
            }
        } else {
            self.error(
                ErrorKind::Missing,
                start,
                start + len,
                "loop variable missing",
            );
        }
        self.skip_space();
        if self.peek() == Some(b';') && !self.at_closer() {
            self.pos += 1;
        }
        self.skip_linebreaks();
        if self.peek_reserved() == Some("{") {
            let open = self.pos;
            self.parse_delimited(1, "}", Context::LoopBody, open);
        } else {
            self.parse_do_done(start, len);
        }
    }

    fn parse_case(&mut self, b: usize, start: usize) {
        self.pos += 4;
        self.skip_blanks();
        if self.peek().is_some_and(|c| !is_meta(c)) {
            let subject = self.read_word(None, WordMode::Normal);
            self.out.blocks[b].words.push(subject);
        } else {
            self.error(
                ErrorKind::Missing,
                start,
                start + 4,
                "`case` has no subject word",
            );
        }
        self.skip_linebreaks();
        if self.peek_reserved() == Some("in") {
            self.pos += 2;
        } else {
            self.error(
                ErrorKind::Missing,
                start,
                start + 4,
                "`case` is missing `in`",
            );
        }
        loop {
            self.skip_linebreaks();
            let iteration = self.pos;
            if self.peek().is_none() {
                self.expect("esac", start, 4);
                return;
            }
            if self.peek_reserved() == Some("esac") {
                self.pos += 4;
                return;
            }
            if self.peek() == Some(b'(') {
                self.pos += 1;
            }
            loop {
                self.skip_blanks();
                if self.peek().is_some_and(|c| !is_meta(c)) {
                    let pattern = self.read_word(None, WordMode::Normal);
                    self.out.blocks[b].words.push(pattern);
                    self.skip_blanks();
                }
                if self.peek() == Some(b'|') {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            if self.peek() == Some(b')') {
                self.pos += 1;
            } else {
                let at = self.pos;
                self.error(
                    ErrorKind::Missing,
                    at,
                    at,
                    "expected `)` after a case pattern",
                );
            }
            self.context = Context::CaseArm;
            self.parse_list();
            if self.starts_with(";;&") {
                self.pos += 3;
            } else if self.starts_with(";;") || self.starts_with(";&") {
                self.pos += 2;
            } else if self.peek_reserved() != Some("esac") {
                self.expect("esac", start, 4);
                return;
            }
            if self.pos == iteration {
                self.skip_unexpected();
            }
        }
    }

    fn parse_function(&mut self, b: usize, start: usize) {
        if self.peek_reserved() == Some("function") {
            self.pos += 8;
            self.skip_blanks();
        }
        if self.peek().is_some_and(|c| !is_meta(c)) {
            let name_start = self.pos;
            let mut i = self.pos;
            while self.byte_at(i).is_some_and(|c| !is_meta(c)) {
                i += 1;
            }
            let name = self.literal_word(name_start, i);
            self.out.blocks[b].words.push(name);
            self.pos = i;
        } else {
            self.error(ErrorKind::Missing, start, self.pos, "function has no name");
        }
        self.skip_blanks();
        if self.peek() == Some(b'(') {
            let mut i = self.pos + 1;
            while matches!(self.byte_at(i), Some(b' ' | b'\t')) {
                i += 1;
            }
            if self.byte_at(i) == Some(b')') {
                self.pos = i + 1;
            }
        }
        self.skip_linebreaks();
        match self.peek() {
            Some(b'(') => {
                let open = self.pos;
                self.parse_delimited(1, ")", Context::FunctionBody, open);
            }
            _ if self.peek_reserved() == Some("{") => {
                let open = self.pos;
                self.parse_delimited(1, "}", Context::FunctionBody, open);
            }
            _ if self.can_start_command() => {
                self.context = Context::FunctionBody;
                self.parse_pipeline(None);
            }
            _ => self.error(ErrorKind::Missing, start, self.pos, "function has no body"),
        }
    }

    // ----- `-c` strings ------------------------------------------------------------------

    /// Parses the `-c` string of `sh -c '…'` / `su -c '…'` (behind wrappers too) as a nested
    /// script, with spans mapped into the word.
    fn parse_shell_c(&mut self, idx: usize, word_starts: &[usize]) {
        let cmd = &self.out.commands[idx];
        let view = cmd.unwrapped();
        let Some(in_view) = view.script_arg_index() else {
            return;
        };
        let wi = cmd.words.len() - view.words.len() + in_view;
        let word = &cmd.words[wi];
        if word.expansion_only || word.text.trim().is_empty() {
            return;
        }
        let discard = word.has_substitution;
        let span = word.span;
        // Every word of a simple command was read by `parse_simple`, which noted its start.
        let Some(&start) = word_starts.get(wi) else {
            return;
        };
        if self.depth() >= MAX_DEPTH {
            return;
        }
        if self.out.rescan_exhausted {
            return;
        }
        let cost = span.len() as usize;
        if cost > self.out.rescan_budget {
            // Every later `-c` string is left unparsed too; `parse` says so once.
            self.out.rescan_exhausted = true;
            return;
        }
        self.out.rescan_budget -= cost;
        let mapped = self.reread_mapped(start);
        let owner = Some(Self::part_owner(idx, Part::Word(wi)));
        let b = self.out.blocks.len();
        self.out.blocks.push(Block {
            kind: BlockKind::ShellC,
            span,
            parent: self.block,
            context: self.context,
            owner,
            ..Block::default()
        });
        let mut nested = Parser::new(&mapped, self.out, self.depth + 1);
        nested.block = Some(b);
        nested.context = Context::ShellC;
        nested.owner = owner;
        nested.discard_substitutions = discard;
        nested.parse_script();
    }

    /// Reads the word at `start` again, building a text whose map points into the file.
    fn reread_mapped(&mut self, start: usize) -> MappedText {
        let saved_pos = self.pos;
        let saved_quiet = self.quiet;
        let marks = self.marks();
        self.pos = start;
        self.quiet = true;
        let mut buf = WordBuf::mapped();
        self.read_word_into(&mut buf, WordMode::Normal);
        self.truncate(marks);
        self.pos = saved_pos;
        self.quiet = saved_quiet;
        let mut mapped = MappedText::new();
        let map = buf.map.unwrap_or_default();
        for (k, &(t0, s0)) in map.iter().enumerate() {
            let t1 = map.get(k + 1).map_or(buf.text.len(), |&(t, _)| t);
            let Some(piece) = buf.text.get(t0..t1) else {
                continue;
            };
            for (ci, ch) in piece.char_indices() {
                let at = (s0 + ci).min(self.text.len().saturating_sub(1));
                let file = self.src.file_offset(at);
                mapped.push(&piece[ci..ci + ch.len_utf8()], file);
            }
        }
        mapped
    }
}

/// A character that ends a word when unquoted.
pub(super) fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

/// Puts indices in source order (when a nested parse produced them out of order), fills
/// the stages' command lists and sorts errors.
fn finish(out: Out) -> Script {
    let Out {
        mut commands,
        mut pipelines,
        mut blocks,
        mut errors,
        ..
    } = out;
    if let Some(map) = order(&mut commands, |c| c.span.start) {
        for c in &mut commands {
            if let Some(p) = &mut c.parent {
                p.command = map[p.command];
            }
        }
        for (i, c) in commands.iter_mut().enumerate() {
            c.index = i;
        }
        for p in &mut pipelines {
            for s in &mut p.stages {
                if let StageItem::Command(c) = &mut s.item {
                    *c = map[*c];
                }
            }
        }
        for b in &mut blocks {
            if let Some(o) = &mut b.owner {
                o.command = map[o.command];
            }
        }
    }
    if let Some(map) = order(&mut pipelines, |p| p.span.start) {
        for c in &mut commands {
            c.pipeline = map[c.pipeline];
        }
        for b in &mut blocks {
            if let Some(p) = &mut b.pipeline {
                *p = map[*p];
            }
        }
    }
    if let Some(map) = order(&mut blocks, |b| b.span.start) {
        for c in &mut commands {
            if let Some(b) = &mut c.block {
                *b = map[*b];
            }
        }
        for p in &mut pipelines {
            if let Some(b) = &mut p.block {
                *b = map[*b];
            }
            for s in &mut p.stages {
                if let StageItem::Block(b) = &mut s.item {
                    *b = map[*b];
                }
            }
        }
        for b in &mut blocks {
            if let Some(parent) = &mut b.parent {
                *parent = map[*parent];
            }
        }
    }
    for c in &commands {
        let (mut p, mut s) = (c.pipeline, c.stage);
        for _ in 0..=4 * MAX_DEPTH {
            let Some(stage) = pipelines.get_mut(p).and_then(|pl| pl.stages.get_mut(s)) else {
                break;
            };
            stage.commands.push(c.index);
            let Some(block) = pipelines[p].block.and_then(|b| blocks.get(b)) else {
                break;
            };
            match block.pipeline {
                Some(outer) if block.kind.is_compound() => (p, s) = (outer, block.stage),
                _ => break,
            }
        }
    }
    errors.sort_by_key(|e| e.span.start);
    Script {
        commands,
        pipelines,
        blocks,
        errors,
    }
}

/// Stable-sorts `items` by `key` when they are out of order; returns old index → new index.
fn order<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u32) -> Option<Vec<usize>> {
    if items.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        return None;
    }
    let mut idx: Vec<usize> = (0..items.len()).collect();
    idx.sort_by_key(|&i| key(&items[i]));
    let mut map = vec![0; items.len()];
    for (new, &old) in idx.iter().enumerate() {
        map[old] = new;
    }
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    for &old in &idx {
        if let Some(item) = slots[old].take() {
            items.push(item);
        }
    }
    Some(map)
}

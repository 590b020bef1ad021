//! Words: quotes, escapes, parameter expansions, command/process substitutions and
//! arithmetic, plus heredoc body text.

use super::parser::{Parser, is_meta};
use super::{BlockKind, Context, ErrorKind, Parent, Word};

/// How word boundaries are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum WordMode {
    /// Shell metacharacters end a word.
    Normal,
    /// Inside `[[ … ]]`: only blanks, newlines and the closing `]]` end a word (`<`, `&&`,
    /// `(`… are operands there).
    Cond,
}

/// A word being built.
#[derive(Debug, Default)]
pub(super) struct WordBuf {
    pub(super) text: String,
    /// `(offset in text, offset in source)` at the start of each piece, when the word is
    /// read for a nested `-c` script.
    pub(super) map: Option<Vec<(usize, usize)>>,
    quoted: bool,
    expansion: bool,
    substitution: bool,
    literal: bool,
}

impl WordBuf {
    pub(super) fn mapped() -> Self {
        Self {
            map: Some(Vec::new()),
            ..Self::default()
        }
    }

    fn push(&mut self, s: &str, src: usize) {
        if s.is_empty() {
            return;
        }
        if let Some(map) = &mut self.map {
            map.push((self.text.len(), src));
        }
        self.text.push_str(s);
    }

    fn push_expansion(&mut self, s: &str, src: usize) {
        self.push(s, src);
        self.expansion = true;
    }
}

/// `s` is a shell variable name.
pub(super) fn is_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn is_blank_or_newline(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl Parser<'_, '_> {
    /// Reads the word at `pos`. `owner` is the command part that nested substitutions
    /// belong to. Always consumes at least one character when not at the end.
    pub(super) fn read_word(&mut self, owner: Option<Parent>, mode: WordMode) -> Word {
        let start = self.pos;
        let saved = self.word_owner;
        self.word_owner = owner;
        let mut buf = WordBuf::default();
        self.read_word_into(&mut buf, mode);
        self.word_owner = saved;
        if self.pos == start && self.peek().is_some() {
            let len = self.char_len(start);
            buf.push(self.text.get(start..start + len).unwrap_or_default(), start);
            buf.literal = true;
            self.pos += len;
        }
        let end = self.pos.max(start);
        Word {
            raw: self.text.get(start..end).unwrap_or_default().to_owned(),
            span: self.span(start, end),
            quoted: buf.quoted,
            has_expansion: buf.expansion,
            has_substitution: buf.substitution,
            expansion_only: buf.expansion && !buf.literal,
            text: buf.text,
        }
    }

    pub(super) fn read_word_into(&mut self, buf: &mut WordBuf, mode: WordMode) {
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.read_escape(buf),
                b'\'' => self.read_single(buf),
                b'"' => self.read_double(buf),
                b'$' => self.read_dollar(buf, false),
                b'`' => self.read_backquote(buf),
                b'<' | b'>' if mode == WordMode::Normal && self.at_process_subst() => {
                    self.read_process_subst(buf);
                }
                _ => {
                    if self.word_ends(c, mode) {
                        break;
                    }
                    let start = self.pos;
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        if matches!(c, b'\\' | b'\'' | b'"' | b'$' | b'`')
                            || self.word_ends(c, mode)
                        {
                            break;
                        }
                        self.pos += 1;
                    }
                    buf.push(self.text.get(start..self.pos).unwrap_or_default(), start);
                    buf.literal = true;
                }
            }
        }
    }

    fn word_ends(&self, c: u8, mode: WordMode) -> bool {
        match mode {
            WordMode::Normal => is_meta(c),
            WordMode::Cond => is_blank_or_newline(c) || (c == b']' && self.at_cond_end()),
        }
    }

    /// Unquoted backslash: a line continuation (removed) or an escaped character.
    fn read_escape(&mut self, buf: &mut WordBuf) {
        let n = self.continuation_len(self.pos);
        if n > 0 {
            self.pos += n;
            return;
        }
        let at = self.pos;
        self.pos += 1;
        buf.quoted = true;
        buf.literal = true;
        if self.peek().is_some() {
            let len = self.char_len(self.pos);
            buf.push(
                self.text.get(self.pos..self.pos + len).unwrap_or_default(),
                self.pos,
            );
            self.pos += len;
        } else {
            buf.push("\\", at);
        }
    }

    fn read_single(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        self.pos += 1;
        buf.quoted = true;
        buf.literal = true;
        let rest = self.b.get(self.pos..self.end).unwrap_or_default();
        if let Some(k) = memchr::memchr(b'\'', rest) {
            buf.push(
                self.text.get(self.pos..self.pos + k).unwrap_or_default(),
                self.pos,
            );
            self.pos += k + 1;
        } else {
            self.error(
                ErrorKind::UnterminatedQuote,
                open,
                self.end,
                "`'` is not closed",
            );
            buf.push(
                self.text.get(self.pos..self.end).unwrap_or_default(),
                self.pos,
            );
            self.pos = self.end;
        }
    }

    fn read_double(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        self.pos += 1;
        buf.quoted = true;
        loop {
            let Some(c) = self.peek() else {
                if !self.aborted {
                    self.error(
                        ErrorKind::UnterminatedQuote,
                        open,
                        self.end,
                        "`\"` is not closed",
                    );
                }
                break;
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let n = self.continuation_len(self.pos);
                    if n > 0 {
                        self.pos += n;
                        continue;
                    }
                    buf.literal = true;
                    if matches!(self.byte_at(self.pos + 1), Some(b'$' | b'`' | b'"' | b'\\')) {
                        buf.push(
                            self.text
                                .get(self.pos + 1..self.pos + 2)
                                .unwrap_or_default(),
                            self.pos + 1,
                        );
                        self.pos += 2;
                    } else {
                        buf.push("\\", self.pos);
                        self.pos += 1;
                    }
                }
                b'$' => self.read_dollar(buf, true),
                b'`' => self.read_backquote(buf),
                _ => {
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| !matches!(c, b'"' | b'\\' | b'$' | b'`'))
                    {
                        self.pos += 1;
                    }
                    buf.push(self.text.get(start..self.pos).unwrap_or_default(), start);
                    buf.literal = true;
                }
            }
        }
    }

    /// `$…` at `pos`: `$'…'`, `$"…"`, `$(( ))`, `$( )`, `${ }`, `$name`, `$1`, `$@`…, or a
    /// lone `$`.
    pub(super) fn read_dollar(&mut self, buf: &mut WordBuf, in_double: bool) {
        let start = self.pos;
        match self.byte_at(start + 1) {
            Some(b'\'') if !in_double => self.read_ansi_c(buf),
            Some(b'"') if !in_double => {
                self.pos += 1;
                self.read_double(buf);
            }
            Some(b'(') => {
                if self.byte_at(start + 2) == Some(b'(') {
                    if let Some(end) = self.arith_end(start + 3) {
                        if self.scan_substitutions(start + 3, end - 2, self.word_owner) {
                            buf.substitution = true;
                        }
                        self.pos = end;
                        buf.push_expansion(self.text.get(start..end).unwrap_or_default(), start);
                        return;
                    }
                }
                self.parse_subst(BlockKind::CommandSubst, start);
                buf.push_expansion(self.text.get(start..self.pos).unwrap_or_default(), start);
                buf.substitution = true;
            }
            Some(b'{') => {
                if self.read_braced(in_double) {
                    buf.substitution = true;
                }
                buf.push_expansion(self.text.get(start..self.pos).unwrap_or_default(), start);
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let mut i = start + 1;
                while self
                    .byte_at(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    i += 1;
                }
                self.pos = i;
                buf.push_expansion(self.text.get(start..i).unwrap_or_default(), start);
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.pos += 2;
                buf.push_expansion(self.text.get(start..self.pos).unwrap_or_default(), start);
            }
            _ => {
                self.pos += 1;
                buf.push("$", start);
                buf.literal = true;
            }
        }
    }

    /// `$'…'` with its escapes resolved.
    fn read_ansi_c(&mut self, buf: &mut WordBuf) {
        let open = self.pos;
        self.pos += 2;
        buf.quoted = true;
        buf.literal = true;
        loop {
            let Some(c) = self.peek() else {
                self.error(
                    ErrorKind::UnterminatedQuote,
                    open,
                    self.end,
                    "`$'` is not closed",
                );
                break;
            };
            match c {
                b'\'' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let at = self.pos;
                    let rest = self.text.get(at..self.end).unwrap_or_default();
                    let (decoded, len) = decode_ansi_escape(rest);
                    buf.push(&decoded, at);
                    self.pos += len.max(1);
                }
                _ => {
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != b'\'' && c != b'\\') {
                        self.pos += 1;
                    }
                    buf.push(self.text.get(start..self.pos).unwrap_or_default(), start);
                }
            }
        }
    }

    /// `${ … }`, with nested quotes, expansions and substitutions. Returns whether a
    /// substitution was inside.
    fn read_braced(&mut self, in_double: bool) -> bool {
        let start = self.pos;
        self.pos += 2;
        if !self.enter() {
            return false;
        }
        let mut scratch = WordBuf::default();
        loop {
            let Some(c) = self.peek() else {
                if !self.aborted {
                    self.error(
                        ErrorKind::UnterminatedExpansion,
                        start,
                        start + 2,
                        "`${` is not closed by `}`",
                    );
                }
                break;
            };
            match c {
                b'}' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    self.pos += 1;
                    if self.peek().is_some() {
                        self.pos += self.char_len(self.pos);
                    }
                }
                b'\'' if !in_double => {
                    let rest = self.b.get(self.pos + 1..self.end).unwrap_or_default();
                    self.pos = memchr::memchr(b'\'', rest).map_or(self.end, |k| self.pos + k + 2);
                }
                b'"' => self.read_double(&mut scratch),
                b'$' => self.read_dollar(&mut scratch, in_double),
                b'`' => self.read_backquote(&mut scratch),
                _ => self.pos += 1,
            }
        }
        self.leave();
        scratch.substitution
    }

    /// `$( … )`, `<( … )` or `>( … )` at `start` (opener of two bytes): the list inside is
    /// parsed as a nested script.
    pub(super) fn parse_subst(&mut self, kind: BlockKind, start: usize) {
        self.pos = start + 2;
        if !self.enter() {
            return;
        }
        let marks = self.discard_substitutions.then(|| self.marks());
        let owner = self.word_owner;
        let b = self.open_nested_block(kind, owner, start, start);
        let saved = self.save_scope();
        self.block = Some(b);
        self.context = match kind {
            BlockKind::ProcessSubstIn => Context::ProcessSubstIn,
            BlockKind::ProcessSubstOut => Context::ProcessSubstOut,
            _ => Context::CommandSubst,
        };
        self.owner = owner;
        self.word_owner = None;
        self.parse_list();
        self.restore_scope(saved);
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else if !self.aborted {
            let opener = self.text.get(start..start + 2).unwrap_or("$(").to_owned();
            self.error(
                ErrorKind::UnterminatedExpansion,
                start,
                start + 2,
                format!("`{opener}` is not closed by `)`"),
            );
        }
        match marks {
            Some(m) => self.truncate(m),
            None => self.out.blocks[b].span = self.span(start, self.pos),
        }
        self.leave();
    }

    fn read_process_subst(&mut self, buf: &mut WordBuf) {
        let start = self.pos;
        let kind = if self.peek() == Some(b'<') {
            BlockKind::ProcessSubstIn
        } else {
            BlockKind::ProcessSubstOut
        };
        self.parse_subst(kind, start);
        buf.push_expansion(self.text.get(start..self.pos).unwrap_or_default(), start);
        buf.substitution = true;
    }

    /// `` `…` ``: the text up to the next unescaped backquote is parsed as a nested script.
    pub(super) fn read_backquote(&mut self, buf: &mut WordBuf) {
        let start = self.pos;
        let mut i = start + 1;
        let mut close = None;
        while i < self.end {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => {
                    close = Some(i);
                    break;
                }
                _ => i += 1,
            }
        }
        let body_end = close.unwrap_or(self.end);
        if close.is_none() {
            self.error(
                ErrorKind::UnterminatedExpansion,
                start,
                self.end,
                "backquote is not closed",
            );
        }
        if self.enter() {
            let marks = self.discard_substitutions.then(|| self.marks());
            let owner = self.word_owner;
            let b = self.open_nested_block(BlockKind::Backquote, owner, start, start);
            let saved = self.save_scope();
            self.block = Some(b);
            self.context = Context::Backquote;
            self.owner = owner;
            self.word_owner = None;
            self.parse_range(start + 1, body_end);
            self.restore_scope(saved);
            let end = close.map_or(self.end, |c| c + 1);
            match marks {
                Some(m) => self.truncate(m),
                None => self.out.blocks[b].span = self.span(start, end),
            }
            self.leave();
        }
        self.pos = close.map_or(self.end, |c| c + 1);
        buf.push_expansion(self.text.get(start..self.pos).unwrap_or_default(), start);
        buf.substitution = true;
    }

    /// For an arithmetic body starting at `i` (after `((` or `$((`): the offset just after
    /// the closing `))`, or `None` when the parentheses do not close as `))` (then the text
    /// is a subshell or command substitution).
    pub(super) fn arith_end(&self, i: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut j = i;
        while j < self.end {
            match self.b[j] {
                b'(' => depth += 1,
                b')' => {
                    if depth == 0 {
                        return (self.byte_at(j + 1) == Some(b')')).then_some(j + 2);
                    }
                    depth -= 1;
                }
                b'\\' => j += 1,
                q @ (b'\'' | b'"' | b'`') => {
                    let rest = self.b.get(j + 1..self.end).unwrap_or_default();
                    j += memchr::memchr(q, rest)? + 1;
                }
                _ => {}
            }
            j += 1;
        }
        None
    }

    /// Parses the `$( )` and backquote substitutions found in `start..end` (an arithmetic
    /// expression or an unquoted heredoc body, where quotes do not protect them). Leaves
    /// `pos` where it was; returns whether any was found.
    pub(super) fn scan_substitutions(
        &mut self,
        start: usize,
        end: usize,
        owner: Option<Parent>,
    ) -> bool {
        let (saved_end, saved_pos, saved_owner) = (self.end, self.pos, self.word_owner);
        self.end = end.min(saved_end);
        self.pos = start;
        self.word_owner = owner;
        let mut scratch = WordBuf::default();
        while let Some(c) = self.peek() {
            match c {
                b'\\' => {
                    self.pos += 1;
                    if self.peek().is_some() {
                        self.pos += self.char_len(self.pos);
                    }
                }
                b'$' => self.read_dollar(&mut scratch, true),
                b'`' => self.read_backquote(&mut scratch),
                _ => self.pos += 1,
            }
        }
        (self.end, self.pos, self.word_owner) = (saved_end, saved_pos, saved_owner);
        scratch.substitution
    }
}

/// Decodes the `$'…'` escape at the start of `s` (which starts with `\`): the text it
/// stands for (never longer than the escape) and the escape's length.
fn decode_ansi_escape(s: &str) -> (String, usize) {
    let mut chars = s.char_indices().skip(1);
    let Some((_, c)) = chars.next() else {
        return ("\\".to_owned(), 1);
    };
    let simple = match c {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'e' | 'E' => Some('\u{1b}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' | '\'' | '"' | '?' => Some(c),
        _ => None,
    };
    if let Some(ch) = simple {
        return (ch.to_string(), 2);
    }
    let digits = |radix: u32, max: usize, from: usize| {
        let body = &s[from..];
        let n = body
            .chars()
            .take(max)
            .take_while(|d| d.is_digit(radix))
            .count();
        let value = u32::from_str_radix(&body[..n], radix).ok();
        (value, n)
    };
    let (value, len) = match c {
        '0'..='7' => {
            let (v, n) = digits(8, 3, 1);
            (v, 1 + n)
        }
        'x' | 'u' | 'U' => {
            let max = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let (v, n) = digits(16, max, 2);
            if n == 0 {
                return (format!("\\{c}"), 2);
            }
            (v, 2 + n)
        }
        'c' => match s[2..].chars().next() {
            Some(k) if k.is_ascii() => (Some(u32::from(k as u8 & 0x1f)), 3),
            _ => return ("\\c".to_owned(), 2),
        },
        _ => return (format!("\\{c}"), 1 + c.len_utf8()),
    };
    let ch = value.and_then(char::from_u32).unwrap_or('\u{fffd}');
    let text = ch.to_string();
    if text.len() > len {
        // Keep the decoded text within the escape so that offsets stay inside it.
        return (s[..len].to_owned(), len);
    }
    (text, len)
}

/// Heredoc body as the receiving command reads it.
pub(super) fn heredoc_text(raw: &str, quoted: bool, strip_tabs: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut continued = false;
    for line in raw.split_inclusive('\n') {
        let line = if strip_tabs && !continued {
            line.trim_start_matches('\t')
        } else {
            line
        };
        continued = false;
        if quoted {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find('\\') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if after == "\n" || after == "\r\n" {
                continued = true;
                rest = "";
                break;
            }
            if let Some(n @ ('$' | '`' | '\\')) = after.chars().next() {
                out.push(n);
                rest = &after[1..];
            } else {
                out.push('\\');
                rest = after;
            }
        }
        out.push_str(rest);
    }
    out
}

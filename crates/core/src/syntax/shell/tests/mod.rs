//! Tests of the shell parser: one module per area, shared test functions here.

mod constructs;
mod official;
mod props;
mod queries;
mod real;

use super::*;
use crate::source::Span;

/// File offset of the first byte of texts built by [`sh`], so that a span left in text
/// coordinates shows up as wrong.
pub(super) const BASE: u32 = 1000;

pub(super) fn sh(text: &str) -> Script {
    parse(&MappedText::contiguous(text, BASE))
}

/// The text at `span` of a text parsed by [`sh`].
pub(super) fn at(text: &str, span: Span) -> &str {
    &text[(span.start - BASE) as usize..(span.end - BASE) as usize]
}

/// What the Dockerfile parser hands over for one `RUN` instruction that starts at
/// `file_start` in `file`: the text after `RUN `, with `\`+newline continuations removed
/// (a backslash followed by blanks counts) and the comment and empty lines inside a
/// continuation dropped.
pub(super) fn run_body(file: &str, file_start: usize) -> MappedText {
    let instr = &file[file_start..];
    let mut pos = file_start + instr.find(char::is_whitespace).unwrap_or(instr.len());
    while file[pos..].starts_with([' ', '\t']) {
        pos += 1;
    }
    let mut out = MappedText::new();
    loop {
        let line_end = file[pos..].find('\n').map_or(file.len(), |i| pos + i);
        let line = &file[pos..line_end];
        let trimmed = line.trim_end_matches([' ', '\t', '\r']);
        if let Some(kept) = trimmed.strip_suffix('\\') {
            out.push(kept, to_u32(pos));
            pos = line_end + 1;
            while pos < file.len() {
                let next_end = file[pos..].find('\n').map_or(file.len(), |i| pos + i);
                let next = file[pos..next_end].trim();
                if next.starts_with('#') || next.is_empty() {
                    pos = next_end + 1;
                } else {
                    break;
                }
            }
            if pos >= file.len() {
                break;
            }
        } else {
            out.push(line, to_u32(pos));
            break;
        }
    }
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("test texts are small")
}

/// Parses the `RUN` instruction `instr` (a whole instruction as in a Dockerfile) placed at
/// offset 0 of a file.
pub(super) fn run(instr: &str) -> (MappedText, Script) {
    let body = run_body(instr, 0);
    let script = parse(&body);
    (body, script)
}

/// Names of all commands, in order (`-` for a command without a name).
pub(super) fn names(s: &Script) -> Vec<&str> {
    s.commands().map(|c| c.name().unwrap_or("-")).collect()
}

/// Word texts of a command.
pub(super) fn argv(c: &Command) -> Vec<&str> {
    c.words.iter().map(|w| w.text.as_str()).collect()
}

/// The first command named `name`.
pub(super) fn first<'a>(s: &'a Script, name: &str) -> &'a Command {
    s.commands()
        .find(|c| c.name() == Some(name))
        .unwrap_or_else(|| panic!("no `{name}` command in {:?}", names(s)))
}

/// Every span of the script, with what it belongs to.
pub(super) fn all_spans(s: &Script) -> Vec<(String, Span)> {
    fn word_spans(out: &mut Vec<(String, Span)>, what: &str, w: &Word) {
        out.push((format!("{what} word {:?}", w.raw), w.span));
    }
    fn redirect_spans(out: &mut Vec<(String, Span)>, r: &Redirect) {
        out.push(("redirect".into(), r.span));
        if let Some(t) = &r.target {
            word_spans(out, "redirect target", t);
        }
        if let Some(h) = &r.heredoc {
            out.push(("heredoc".into(), h.span));
        }
    }
    let mut out = Vec::new();
    for c in s.commands() {
        out.push((format!("command {}", c.index), c.span));
        for w in c.words.iter().chain(&c.assignments) {
            word_spans(&mut out, "command", w);
        }
        for r in &c.redirects {
            redirect_spans(&mut out, r);
        }
    }
    for p in s.pipelines() {
        out.push(("pipeline".into(), p.span));
        for st in &p.stages {
            out.push(("stage".into(), st.span));
        }
    }
    for b in &s.blocks {
        out.push((format!("block {:?}", b.kind), b.span));
        for w in &b.words {
            word_spans(&mut out, "block", w);
        }
        for r in &b.redirects {
            redirect_spans(&mut out, r);
        }
    }
    for e in &s.errors {
        out.push((format!("error {}", e.message), e.span));
    }
    out
}

/// Structural invariants every parse must keep, whatever the input.
pub(super) fn check_invariants(src: &MappedText, s: &Script) {
    let whole = src.span();
    for (what, span) in all_spans(s) {
        assert!(span.start <= span.end, "{what}: reversed span {span}");
        assert!(
            whole.start <= span.start && span.end <= whole.end,
            "{what}: span {span} outside {whole}"
        );
    }
    for (i, c) in s.commands().enumerate() {
        assert_eq!(c.index, i);
        let p = &s.pipelines[c.pipeline];
        assert_eq!(p.stages[c.stage].item, StageItem::Command(i));
        assert!(c.block.is_none_or(|b| b < s.blocks.len()));
        assert!(c.parent.is_none_or(|p| p.command < s.commands.len()));
    }
    for w in s.commands.windows(2) {
        assert!(
            w[0].span.start <= w[1].span.start,
            "commands out of source order"
        );
    }
    for p in s.pipelines() {
        assert!(p.block.is_none_or(|b| b < s.blocks.len()));
        for st in &p.stages {
            match st.item {
                StageItem::Command(c) => assert!(c < s.commands.len()),
                StageItem::Block(b) => {
                    assert!(s.blocks[b].kind.is_compound());
                }
            }
            assert!(st.commands.iter().all(|&c| c < s.commands.len()));
        }
    }
    for b in &s.blocks {
        assert!(b.parent.is_none_or(|p| p < s.blocks.len()));
        assert!(b.pipeline.is_none_or(|p| p < s.pipelines.len()));
        assert!(b.owner.is_none_or(|o| o.command < s.commands.len()));
    }
}

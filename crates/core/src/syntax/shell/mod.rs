//! Shell syntax of `RUN` bodies: the POSIX-sh/bash subset that Dockerfiles use, parsed once
//! per instruction so that rules can ask structural questions ("is `sudo` executed?", "does
//! `curl` pipe into `sh`?", "which flags does this `apt-get install` have?") instead of
//! matching substrings.
//!
//! The parser is hand-written, linear and error tolerant: it never panics, caps nesting at
//! [`MAX_DEPTH`], records problems in [`Script::errors`] and keeps every command it found.
//!
//! # Model
//! A [`Script`] is flat. [`Script::commands`] holds every *simple command* in source order,
//! including the ones nested in `$( … )`, backquotes, `<( … )`, heredoc scripts fed to a shell
//! and `sh -c '…'` strings. Index order is file order, so "A runs before B" is `a.index <
//! b.index` for commands of the same flow. Structure is kept through indices:
//! - [`Command::pipeline`] / [`Command::stage`]: the pipeline the command is a stage of
//!   (a lone command is a one-stage pipeline);
//! - [`Command::block`]: the innermost [`Block`] around it (compound commands such as `if`,
//!   `for`, `{ … }`, and nested scripts such as `$( … )`), and [`Command::context`], its role
//!   there (if-condition, loop body, command substitution…);
//! - [`Command::parent`]: for commands inside a substitution, heredoc script or `-c` string,
//!   the command whose word holds it;
//! - [`Command::after`] / [`Command::followed_by`]: the connectors (`&&`, `||`, `;`, `|`, `&`)
//!   on each side of it.
//!
//! Every [`Span`] is a *file* span obtained through [`MappedText::file_span`].

mod command;
mod parser;
mod word;

#[cfg(test)]
mod tests;

pub use command::{CommandView, FlagValue};

use super::MappedText;
use crate::source::Span;

/// Deepest nesting of compound commands, substitutions and nested scripts that is parsed.
/// Deeper input stops the parse with an [`ErrorKind::TooDeep`] error.
pub const MAX_DEPTH: u32 = 64;

/// Pipeline stages [`Script::downstream`] and [`Script::upstream`] look at on each side of
/// a command, per pipeline. Real pipelines have a handful; a script of 20,000 `a | b | …`
/// stages would otherwise cost every command a walk over all of them.
pub const MAX_PIPE_NEIGHBOURS: usize = 32;

/// Parses a `RUN` body (continuations and comment lines already removed by the Dockerfile
/// parser; shell-level continuations may remain and are handled as the shell does).
pub fn parse(src: &MappedText) -> Script {
    parser::parse(src)
}

/// A parsed shell script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// Every simple command, nested ones included, in source order.
    pub commands: Vec<Command>,
    /// Every pipeline, in source order of their first stage.
    pub pipelines: Vec<Pipeline>,
    /// Compound commands and nested scripts, in source order of their start.
    pub blocks: Vec<Block>,
    /// Syntax problems, in source order. Parsing went on after each of them.
    pub errors: Vec<ShellError>,
}

/// A simple command: assignments, words and redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// Position of this command in [`Script::commands`].
    pub index: usize,
    /// argv: `words[0]` is the program as written.
    pub words: Vec<Word>,
    /// Leading `NAME=value` words (text `NAME=value`).
    pub assignments: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// File span of the whole command (heredoc bodies excluded).
    pub span: Span,
    /// Index into [`Script::pipelines`] of the pipeline this command is a stage of.
    pub pipeline: usize,
    /// Position of this command's stage in that pipeline.
    pub stage: usize,
    /// Innermost enclosing block (index into [`Script::blocks`]).
    pub block: Option<usize>,
    /// Role of the command inside its innermost block.
    pub context: Context,
    /// For commands inside a substitution, heredoc script or `-c` string: the command
    /// (and which of its parts) that holds it.
    pub parent: Option<Parent>,
    /// How this command is joined to what precedes it at the same level (`Pipe` for a stage
    /// after the first; `None` at the start of a list).
    pub after: Option<Connector>,
    /// How this command is joined to what follows it at the same level.
    pub followed_by: Option<Connector>,
    /// The pipeline is negated with `!`.
    pub negated: bool,
}

/// A pipeline: one or more stages joined by `|` or `|&`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pipeline {
    pub stages: Vec<Stage>,
    pub span: Span,
    pub negated: bool,
    /// Innermost enclosing block.
    pub block: Option<usize>,
    /// Role of the pipeline inside that block.
    pub context: Context,
    /// Connector before the pipeline (`And`, `Or`, `Seq`, `Background`).
    pub after: Option<Connector>,
    /// Connector after the pipeline.
    pub followed_by: Option<Connector>,
    /// A later `||` of the same and-or list runs when this pipeline fails (`a || b`,
    /// `a && b || c`), so a failure here does not end the script.
    pub recovered: bool,
}

/// One stage of a pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub item: StageItem,
    pub span: Span,
    /// Simple commands that make up the stage: the command itself, or every command inside a
    /// compound stage (through nested compound commands, not through substitutions), in
    /// source order.
    pub commands: Vec<usize>,
}

/// What a stage is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StageItem {
    /// A simple command (index into [`Script::commands`]).
    Command(usize),
    /// A compound command (index into [`Script::blocks`]).
    Block(usize),
}

/// A compound command or a nested script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Span,
    /// Enclosing block.
    pub parent: Option<usize>,
    /// Role of the block inside its parent.
    pub context: Context,
    /// For compound commands: the pipeline the block is a stage of, and which stage.
    pub pipeline: Option<usize>,
    pub stage: usize,
    /// For nested scripts: the command whose word or redirect holds the block (`None` for a
    /// substitution in a `for` or `case` header, or in a compound command's redirect).
    pub owner: Option<Parent>,
    /// Header words: the variable and items of `for`, the subject and patterns of `case`,
    /// the name of a function, the expression of a C-style `for ((…))`.
    pub words: Vec<Word>,
    /// Redirections applied to a compound command (`done < file`, `} > log`).
    pub redirects: Vec<Redirect>,
    /// Connectors on each side, for compound commands (as for [`Command`]).
    pub after: Option<Connector>,
    pub followed_by: Option<Connector>,
}

/// Kind of a [`Block`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// `( … )`
    #[default]
    Subshell,
    /// `{ …; }`
    Group,
    If,
    /// `for` and `select`.
    For,
    While,
    Until,
    Case,
    /// `f() { … }`, `function f { … }`.
    Function,
    /// `$( … )`
    CommandSubst,
    /// `` ` … ` ``
    Backquote,
    /// `<( … )`
    ProcessSubstIn,
    /// `>( … )`
    ProcessSubstOut,
    /// A heredoc body fed to a shell (`bash <<EOF`).
    HeredocScript,
    /// The string run by `sh -c '…'` or `su -c '…'`.
    ShellC,
}

impl BlockKind {
    /// A compound command (a pipeline stage), as opposed to a nested script.
    pub fn is_compound(self) -> bool {
        matches!(
            self,
            Self::Subshell
                | Self::Group
                | Self::If
                | Self::For
                | Self::While
                | Self::Until
                | Self::Case
                | Self::Function
        )
    }
}

/// Where a command or block sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Context {
    /// Main flow of the script.
    #[default]
    TopLevel,
    Subshell,
    Group,
    /// Condition list of `if` or `elif`.
    IfCondition,
    /// `then` or `else` body.
    IfBranch,
    /// Condition list of `while` or `until`.
    LoopCondition,
    /// Body of `for`, `select`, `while` or `until`.
    LoopBody,
    /// Commands of one `case` arm.
    CaseArm,
    FunctionBody,
    CommandSubst,
    Backquote,
    ProcessSubstIn,
    ProcessSubstOut,
    HeredocScript,
    ShellC,
}

/// The command, and the part of it, that holds a nested script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Parent {
    pub command: usize,
    pub part: Part,
}

/// A part of a command, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// `Command::words[i]`
    Word(usize),
    /// `Command::assignments[i]`
    Assignment(usize),
    /// `Command::redirects[i]` (its target word or heredoc body)
    Redirect(usize),
}

/// How two commands or pipelines are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Connector {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;` or a newline
    Seq,
    /// `|` or `|&`
    Pipe,
    /// `&`
    Background,
}

/// A shell word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// Text with quotes removed and escapes resolved; expansions are kept as written
    /// (`"$HOME"/x` → `$HOME/x`, `$(id -u)` stays `$(id -u)`).
    pub text: String,
    /// Source text as written (after the Dockerfile removed its continuations).
    pub raw: String,
    pub span: Span,
    /// Some part was quoted or backslash-escaped.
    pub quoted: bool,
    /// Contains a parameter expansion, substitution or arithmetic: the value is not literal.
    pub has_expansion: bool,
    /// Contains a command or process substitution (`$( )`, backquotes, `<( )`, `>( )`).
    pub has_substitution: bool,
    /// Made of expansions only (`$X`, `"${X:-y}"`, `$(cmd)`): nothing of it is literal.
    pub expansion_only: bool,
}

impl Word {
    /// No expansion: `text` is the value the shell will use.
    pub fn is_literal(&self) -> bool {
        !self.has_expansion
    }

    /// Text after the last `/` (`/usr/bin/curl` → `curl`).
    pub fn basename(&self) -> &str {
        basename(&self.text)
    }

    /// `NAME=value` (or `NAME+=value`) split into name and value.
    pub fn assignment(&self) -> Option<(&str, &str)> {
        let eq = self.text.find('=')?;
        let name = self.text[..eq]
            .strip_suffix('+')
            .unwrap_or(&self.text[..eq]);
        let name = name.split('[').next().unwrap_or(name);
        word::is_name(name).then(|| (name, &self.text[eq + 1..]))
    }
}

pub(crate) fn basename(text: &str) -> &str {
    // A byte scan: this runs for every program word of every rule, and `rsplit` goes
    // through the general pattern machinery.
    match text.bytes().rposition(|b| b == b'/') {
        Some(i) => &text[i + 1..],
        None => text,
    }
}

/// A redirection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub op: RedirectOp,
    /// Explicit file descriptor (`2>`), if any.
    pub fd: Option<u32>,
    /// The target word (file name, fd number, here-string, or heredoc delimiter as written).
    pub target: Option<Word>,
    /// Heredoc body, for `<<` and `<<-`.
    pub heredoc: Option<Heredoc>,
    /// File span of the operator and its target (not the heredoc body).
    pub span: Span,
}

/// Redirection operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedirectOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupIn,
    /// `>&`
    DupOut,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendOutErr,
    /// `<<`
    Heredoc,
    /// `<<-`
    HeredocStripTabs,
    /// `<<<`
    HereString,
}

/// A heredoc body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heredoc {
    /// Delimiter with quotes removed.
    pub delimiter: String,
    /// The delimiter was quoted: the body is not expanded.
    pub quoted: bool,
    /// `<<-`: leading tabs are removed from body lines.
    pub strip_tabs: bool,
    /// Body as the receiving command reads it: leading tabs removed for `<<-`; for an
    /// unquoted delimiter, `\`+newline removed and `\$`, `` \` ``, `\\` resolved (other
    /// expansions kept as written).
    pub body: String,
    /// File span of the body lines (delimiter line excluded).
    pub span: Span,
    /// The delimiter line was found.
    pub terminated: bool,
}

/// A syntax problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
}

/// Kind of a [`ShellError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A `'`, `"` or `$'` string is not closed.
    UnterminatedQuote,
    /// `$(`, `${`, `$((`, a backquote, `[[` or `((` is not closed.
    UnterminatedExpansion,
    /// A heredoc has no delimiter line, or no body at all.
    UnterminatedHeredoc,
    /// A token that cannot appear here (`)` at top level, `fi` without `if`…).
    Unexpected,
    /// A required token is missing (`fi`, `done`, `then`, a redirect target…).
    Missing,
    /// Nesting deeper than [`MAX_DEPTH`]; the rest of the input was skipped.
    TooDeep,
}

impl Script {
    /// Every simple command, nested ones included, in source order.
    pub fn commands(&self) -> std::slice::Iter<'_, Command> {
        self.commands.iter()
    }

    /// Every pipeline, in source order.
    pub fn pipelines(&self) -> std::slice::Iter<'_, Pipeline> {
        self.pipelines.iter()
    }

    pub fn command(&self, index: usize) -> Option<&Command> {
        self.commands.get(index)
    }

    /// Commands that run program `name`, directly (`curl …`) or behind wrappers (`sudo curl
    /// …`, `env A=b curl …`; see [`Command::unwrapped`]). A wrapper is found by its own name
    /// too: `find("sudo")` returns `sudo curl …`.
    pub fn find<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Command> + 'a {
        self.commands.iter().filter(move |c| c.runs(name))
    }

    /// Some command runs program `name` (see [`Script::find`]).
    pub fn uses_program(&self, name: &str) -> bool {
        self.commands.iter().any(|c| c.runs(name))
    }

    /// Commands nested in the words, redirects, heredoc script or `-c` string of command
    /// `index` (through compound commands inside them, not through further substitutions).
    pub fn children(&self, index: usize) -> impl Iterator<Item = &Command> + '_ {
        self.commands
            .iter()
            .filter(move |c| c.parent.is_some_and(|p| p.command == index))
    }

    /// Blocks around command `index`, innermost first.
    pub fn enclosing_blocks(&self, index: usize) -> impl Iterator<Item = &Block> + '_ {
        let mut next = self.commands.get(index).and_then(|c| c.block);
        let mut steps = 0u32;
        std::iter::from_fn(move || {
            let b = self.blocks.get(next?)?;
            steps += 1;
            next = if steps > 4 * MAX_DEPTH {
                None
            } else {
                b.parent
            };
            Some(b)
        })
    }

    /// Commands that read the standard output of command `index` through a pipe: the later
    /// stages of its pipeline and of every pipeline that a compound command around it is a
    /// stage of (`{ curl …; } | sh`). Substitutions capture output, so the walk stops there.
    /// At most [`MAX_PIPE_NEIGHBOURS`] stages of each pipeline are looked at.
    pub fn downstream(&self, index: usize) -> Vec<&Command> {
        self.pipe_neighbours(index, true)
    }

    /// Commands whose standard output command `index` reads through a pipe (the mirror of
    /// [`Script::downstream`]).
    pub fn upstream(&self, index: usize) -> Vec<&Command> {
        self.pipe_neighbours(index, false)
    }

    fn pipe_neighbours(&self, index: usize, later: bool) -> Vec<&Command> {
        let mut found = Vec::new();
        let Some(cmd) = self.commands.get(index) else {
            return found;
        };
        let (mut p, mut s) = (cmd.pipeline, cmd.stage);
        for _ in 0..=4 * MAX_DEPTH {
            let Some(pipeline) = self.pipelines.get(p) else {
                break;
            };
            let range = if later {
                s.saturating_add(1)..s.saturating_add(1 + MAX_PIPE_NEIGHBOURS)
            } else {
                s.saturating_sub(MAX_PIPE_NEIGHBOURS)..s
            };
            for stage in pipeline
                .stages
                .get(range.start.min(pipeline.stages.len())..range.end.min(pipeline.stages.len()))
                .unwrap_or_default()
            {
                found.extend(stage.commands.iter().filter_map(|&c| self.commands.get(c)));
            }
            let Some(block) = pipeline.block.and_then(|b| self.blocks.get(b)) else {
                break;
            };
            match block.pipeline {
                Some(outer) if block.kind.is_compound() => (p, s) = (outer, block.stage),
                _ => break,
            }
        }
        found.sort_by_key(|c| c.index);
        found
    }

    /// Command `index` runs only on some paths of the script: it is in an `if` branch, a
    /// `case` arm, a loop body or a function body, or follows `||` (at any level), or is
    /// nested in a command that does. The conditions of `if` and `while` always run once.
    pub fn runs_conditionally(&self, index: usize) -> bool {
        let Some(cmd) = self.commands.get(index) else {
            return false;
        };
        let mut p = cmd.pipeline;
        for _ in 0..=4 * MAX_DEPTH {
            let Some(pipeline) = self.pipelines.get(p) else {
                return false;
            };
            if pipeline.after == Some(Connector::Or)
                || matches!(
                    pipeline.context,
                    Context::IfBranch
                        | Context::CaseArm
                        | Context::LoopBody
                        | Context::FunctionBody
                )
            {
                return true;
            }
            match self.outer_pipeline(pipeline.block) {
                Some(outer) => p = outer,
                None => return false,
            }
        }
        false
    }

    /// A failure of command `index` does not stop the script, even under `set -e`: a later
    /// `||` of its and-or list handles it, its pipeline is negated with `!`, or it is (inside)
    /// the condition of `if`, `while` or `until`. The same holds when the command sits in a
    /// compound command or `$( … )` in such a position. (Failures of non-final pipeline
    /// stages, which only `pipefail` reports, are not considered here.)
    pub fn failure_ignored(&self, index: usize) -> bool {
        let Some(cmd) = self.commands.get(index) else {
            return false;
        };
        let mut p = cmd.pipeline;
        for _ in 0..=4 * MAX_DEPTH {
            let Some(pipeline) = self.pipelines.get(p) else {
                return false;
            };
            if pipeline.recovered
                || pipeline.negated
                || matches!(
                    pipeline.context,
                    Context::IfCondition | Context::LoopCondition
                )
            {
                return true;
            }
            match self.outer_pipeline(pipeline.block) {
                Some(outer) => p = outer,
                None => return false,
            }
        }
        false
    }

    /// The pipeline that contains block `block` (as a stage, or through the command that
    /// holds a nested script).
    fn outer_pipeline(&self, mut block: Option<usize>) -> Option<usize> {
        for _ in 0..=4 * MAX_DEPTH {
            let b = self.blocks.get(block?)?;
            if b.kind.is_compound() {
                return b.pipeline;
            }
            if let Some(owner) = b.owner {
                return self.commands.get(owner.command).map(|c| c.pipeline);
            }
            block = b.parent;
        }
        None
    }
}

impl Pipeline {
    /// Simple commands of every stage, in order.
    pub fn commands(&self) -> impl Iterator<Item = usize> + '_ {
        self.stages.iter().flat_map(|s| s.commands.iter().copied())
    }

    /// Number of stages.
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }
}

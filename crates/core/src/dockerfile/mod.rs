//! The analysed Dockerfile that rules read: stages, their bases and inheritance, every
//! instruction's arguments expanded the way BuildKit expands them, and the shell analysis
//! of every `RUN`.
//!
//! Values come from `ARG` defaults, `--build-arg` values (CLI or compose `build.args`) and
//! `ENV` in scope, with BuildKit's scoping: `ARG`s before the first `FROM` are visible to
//! `FROM` lines only, unless re-declared inside a stage; `ENV` is inherited by stages built
//! `FROM` an earlier stage; `ARG`s are not. A value that cannot be known before the build
//! (an `ARG` without default, a variable the base image may define) is *unknown*, and rules
//! never guess it.

mod run;
mod scope;

use std::collections::{BTreeMap, BTreeSet};

use crate::source::{SourceFile, Span, Spanned};
use crate::syntax::dockerfile::{Ast, Flag, Instruction, Keyword};
use crate::syntax::image_ref::ImageRef;
use crate::syntax::shell::Script;

pub use run::ShellKind;

/// Build-time inputs that change what a Dockerfile means.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BuildOptions {
    /// `--build-arg K=V` (CLI) or compose `build.args`.
    pub args: BTreeMap<String, String>,
    /// `--target` (CLI) or compose `build.target`.
    pub target: Option<String>,
    /// Build arguments that are passed but whose value is unknown (a compose `build.args`
    /// entry without a value, or one that depends on an unset variable): the `ARG` default
    /// does not apply and the value is unknown.
    pub unknown_args: BTreeSet<String>,
}

/// An argument after expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    /// The expanded text; unknown parts keep their source text (`$TAG`).
    pub text: String,
    /// As written.
    pub raw: String,
    pub span: Span,
    /// Part of the value depends on something unknown before the build.
    pub unknown: bool,
}

impl Value {
    /// The value when fully known.
    pub fn known(&self) -> Option<&str> {
        (!self.unknown).then_some(self.text.as_str())
    }

    /// Whether the raw text used a variable.
    pub fn uses_variable(&self) -> bool {
        self.raw.contains('$')
    }
}

/// A `key[=value]` after expansion (`ENV`, `LABEL`, `ARG`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub key: Value,
    pub value: Option<Value>,
}

/// What a stage is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// `FROM <earlier stage>`.
    Stage(usize),
    /// A registry image.
    Image(Box<ImageRef>),
    /// The reference depends on a value unknown before the build (`FROM $BASE`).
    Unresolved,
    /// Not a valid image reference (the message says why).
    Invalid(String),
}

/// One build stage.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lower-cased as BuildKit does.
    pub name: Option<Spanned<String>>,
    /// Index of the `FROM` instruction.
    pub from: usize,
    /// One past the stage's last instruction.
    pub end: usize,
    pub base: Base,
    /// The image reference in `FROM`, expanded, with the span of the word.
    pub image: Value,
    pub platform: Option<Value>,
}

impl Stage {
    /// Instruction indices of the stage, `FROM` excluded.
    pub fn body(&self) -> std::ops::Range<usize> {
        self.from + 1..self.end
    }

    /// The registry image this stage is built from, if any.
    pub fn base_image(&self) -> Option<&ImageRef> {
        match &self.base {
            Base::Image(image) => Some(image),
            _ => None,
        }
    }

    /// `name` or `#index` for messages.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("`{}`", n.value),
            None => format!("#{}", self.index),
        }
    }
}

/// Where `COPY --from` / `RUN --mount=from=` takes files from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopySource {
    /// An earlier stage.
    Stage(usize),
    /// An image pulled for the copy.
    Image(Box<ImageRef>),
    /// A name or index that matches no earlier stage and is not a usable image reference,
    /// or the stage itself.
    Unknown(String),
    /// Depends on an unknown value.
    Unresolved,
}

/// A variable an expandable instruction references but nothing declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undeclared {
    pub name: String,
    pub span: Span,
    /// The stage's base is an image, whose environment may define the name.
    pub base_may_define: bool,
}

/// What the analysis knows about one instruction.
#[derive(Clone, Debug, Default)]
pub struct InstrData {
    /// The stage the instruction belongs to (`None` before the first `FROM`).
    pub stage: Option<usize>,
    /// Expanded arguments: each word (`COPY`, `ADD`, `EXPOSE`, `VOLUME`, `FROM`), the whole
    /// text (`USER`, `WORKDIR`, `STOPSIGNAL`), exec-form strings as written (never expanded).
    pub args: Vec<Value>,
    /// Expanded `ENV`/`LABEL`/`ARG` pairs.
    pub pairs: Vec<Pair>,
    /// Expanded flag values, in the order of `Instruction::flags`.
    pub flags: Vec<Option<Value>>,
    /// The shell analysis of a `RUN` (shell form, heredoc script, or exec form of
    /// `sh -c …`).
    pub script: Option<Script>,
    /// Why a `RUN` was not analysed, when it was not (PowerShell `SHELL`, a non-shell
    /// heredoc interpreter).
    pub not_analysed: Option<String>,
    /// The shell in effect for the instruction.
    pub shell: ShellKind,
    /// For `COPY --from` / `RUN --mount=from=`: where each `from` points.
    pub copy_sources: Vec<(Span, CopySource)>,
    pub undeclared: Vec<Undeclared>,
    /// Names of the `ARG`s and `ENV`s visible to this instruction, sorted, with whether each
    /// is an `ENV` (persisted in the image) or an `ARG`. Shared by the instructions that see
    /// the same names; empty past the analysis budget (see the `scope` module).
    pub visible: std::sync::Arc<Vec<(String, bool)>>,
}

/// An instruction with its analysis.
#[derive(Clone, Copy, Debug)]
pub struct Instr<'a> {
    pub index: usize,
    pub inst: &'a Instruction,
    pub data: &'a InstrData,
}

impl<'a> Instr<'a> {
    pub fn keyword(&self) -> Keyword {
        self.inst.keyword
    }

    pub fn stage(&self) -> Option<usize> {
        self.data.stage
    }

    pub fn script(&self) -> Option<&'a Script> {
        self.data.script.as_ref()
    }

    /// Expanded value of a flag.
    pub fn flag_value(&self, name: &str) -> Option<(&'a Flag, Option<&'a Value>)> {
        let i = self
            .inst
            .flags
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(name))?;
        Some((
            &self.inst.flags[i],
            self.data.flags.get(i).and_then(Option::as_ref),
        ))
    }

    pub fn span(&self) -> Span {
        self.inst.span
    }
}

/// A Dockerfile ready for rules.
#[derive(Debug)]
pub struct Dockerfile<'a> {
    pub file: &'a SourceFile,
    pub ast: &'a Ast,
    pub build: &'a BuildOptions,
    pub stages: Vec<Stage>,
    pub data: Vec<InstrData>,
    /// The shipped stage: `--target`, else the last one.
    pub final_stage: Option<usize>,
    /// `--target` named no stage.
    pub unknown_target: Option<String>,
    /// Stages in the final stage's `FROM` chain (the final one included).
    shipped: Vec<bool>,
    /// The instruction at which the analysis reached one of its limits (a value longer than
    /// 1 MiB, or more copying than its budget): from there on some values are unknown.
    pub analysis_limit: Option<Span>,
}

impl<'a> Dockerfile<'a> {
    /// Analyses a parsed Dockerfile for the given build options.
    pub fn analyse(file: &'a SourceFile, ast: &'a Ast, build: &'a BuildOptions) -> Self {
        let mut df = scope::analyse(file, ast, build);
        run::attach_scripts(&mut df);
        df
    }

    pub fn instructions(&self) -> impl Iterator<Item = Instr<'_>> + '_ {
        self.ast
            .instructions
            .iter()
            .zip(&self.data)
            .enumerate()
            .map(|(index, (inst, data))| Instr { index, inst, data })
    }

    pub fn instr(&self, index: usize) -> Instr<'_> {
        Instr {
            index,
            inst: &self.ast.instructions[index],
            data: &self.data[index],
        }
    }

    /// Instructions of one stage, `FROM` excluded.
    pub fn stage_instructions(&self, stage: usize) -> impl Iterator<Item = Instr<'_>> + '_ {
        self.stages[stage].body().map(|i| self.instr(i))
    }

    /// Whether the stage ends up in the shipped image (the final stage or one it is built
    /// `FROM`, directly or through other stages).
    pub fn is_shipped(&self, stage: usize) -> bool {
        self.shipped.get(stage).copied().unwrap_or(false)
    }

    /// The final stage and the stages it inherits from, final first.
    pub fn final_chain(&self) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut cur = self.final_stage;
        while let Some(i) = cur {
            // A stage is built from an earlier one: the chain only goes down (this also
            // ends a loop without searching the chain).
            if chain.last().is_some_and(|&last| i >= last) {
                break;
            }
            chain.push(i);
            cur = match self.stages[i].base {
                Base::Stage(p) => Some(p),
                _ => None,
            };
        }
        chain
    }

    /// Instructions of the shipped chain in build order (root stage first).
    pub fn shipped_instructions(&self) -> impl Iterator<Item = Instr<'_>> + '_ {
        let mut chain = self.final_chain();
        chain.reverse();
        chain
            .into_iter()
            .flat_map(move |s| self.stage_instructions(s))
    }

    /// The stage a name or index refers to, among those before `before`.
    pub fn resolve_stage(&self, reference: &str, before: usize) -> Option<usize> {
        if let Ok(n) = reference.parse::<usize>() {
            return (n < before).then_some(n);
        }
        self.stages[..before.min(self.stages.len())]
            .iter()
            .rev()
            .find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(reference))
            })
            .map(|s| s.index)
    }

    /// The image at the root of a stage's `FROM` chain.
    pub fn root_base(&self, stage: usize) -> &Base {
        let mut cur = stage;
        for _ in 0..self.stages.len() {
            match self.stages[cur].base {
                Base::Stage(p) if p < cur => cur = p,
                _ => break,
            }
        }
        &self.stages[cur].base
    }

    /// Whether the instruction at `index` is of the given keyword and in a shipped stage.
    pub fn in_shipped_stage(&self, index: usize) -> bool {
        self.data[index].stage.is_some_and(|s| self.is_shipped(s))
    }

    /// The last `USER` in the final chain, expanded.
    pub fn final_user(&self) -> Option<(Instr<'_>, &Value)> {
        self.shipped_instructions()
            .filter(|i| i.keyword() == Keyword::User)
            .last()
            .and_then(|i| i.data.args.first().map(|v| (i, v)))
    }

    /// Every registry image the build pulls: `FROM` bases, `COPY --from=<image>` and
    /// `RUN --mount=from=<image>`, with the span of the reference as written.
    pub fn image_refs(&self) -> Vec<ImageUse<'_>> {
        let mut out = Vec::new();
        for stage in &self.stages {
            if let Base::Image(image) = &stage.base {
                out.push(ImageUse {
                    image,
                    span: stage.image.span,
                    raw: &stage.image.raw,
                    stage: stage.index,
                    instruction: stage.from,
                    kind: ImageUseKind::From,
                });
            }
        }
        for instr in self.instructions() {
            for (span, source) in &instr.data.copy_sources {
                if let CopySource::Image(image) = source {
                    out.push(ImageUse {
                        image,
                        span: *span,
                        raw: self.file.slice(*span),
                        stage: instr.data.stage.unwrap_or(0),
                        instruction: instr.index,
                        kind: if instr.keyword() == Keyword::Run {
                            ImageUseKind::MountFrom
                        } else {
                            ImageUseKind::CopyFrom
                        },
                    });
                }
            }
        }
        out.sort_by_key(|u| u.span);
        out
    }
}

/// How an image is used by the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageUseKind {
    From,
    CopyFrom,
    MountFrom,
}

/// An image the build pulls.
#[derive(Clone, Copy, Debug)]
pub struct ImageUse<'a> {
    pub image: &'a ImageRef,
    /// The reference as written (`$BASE`, `node:20`).
    pub span: Span,
    pub raw: &'a str,
    pub stage: usize,
    pub instruction: usize,
    pub kind: ImageUseKind,
}

impl ImageUse<'_> {
    /// `node` or, when written through a variable, `` `$BASE` (`node`) ``-style text for
    /// messages.
    pub fn describe(&self) -> String {
        let text = &self.image.text;
        if self.raw.contains('$') {
            format!("`{}` (= `{text}`)", self.raw)
        } else {
            format!("`{text}`")
        }
    }
}

//! Stage discovery and BuildKit's variable scoping.
//!
//! The analysis of one Dockerfile copies at most [`ANALYSIS_BUDGET`] bytes beyond its own
//! text: what expansions add to values, the lists of names visible to instructions, the
//! variables a stage inherits from the stage it is built on, and global `ARG` values taken
//! into stages. Hostile files would otherwise cost memory and time far beyond their size
//! (`ARG B=$A$A` repeated doubles a value per line; a long value inherited by thousands of
//! stages is copied into each). Past the budget the analysis degrades without guessing:
//! values read as unknown, a stage built on another inherits nothing known, and
//! [`InstrData::visible`] is empty.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::{
    Base, BuildOptions, CopySource, Dockerfile, InstrData, Pair, Stage, Undeclared, Value,
};
use crate::source::{SourceFile, Span, Spanned, to_u32};
use crate::syntax::dockerfile::{Args, Ast, Instruction, Keyword, Word, is_valid_stage_name};
use crate::syntax::expand::{self, Env, Lookup};
use crate::syntax::image_ref::ImageRef;

/// Bytes one Dockerfile's analysis may copy beyond its text (32 MiB).
pub(crate) const ANALYSIS_BUDGET: usize = 32 * 1024 * 1024;

/// What copying one name (with its map entry) costs the budget, besides its bytes.
const ENTRY_COST: usize = 32;

/// The bytes left of [`ANALYSIS_BUDGET`], shared by every scope of one Dockerfile, and
/// whether a limit was reached.
#[derive(Clone, Debug)]
struct Budget(Rc<(Cell<usize>, Cell<bool>)>);

impl Default for Budget {
    fn default() -> Self {
        Budget(Rc::new((Cell::new(ANALYSIS_BUDGET), Cell::new(false))))
    }
}

impl Budget {
    fn remaining(&self) -> usize {
        self.0.0.get()
    }

    /// Takes `n` bytes; `false` (and nothing taken) when fewer are left.
    fn spend(&self, n: usize) -> bool {
        if let Some(left) = self.0.0.get().checked_sub(n) {
            self.0.0.set(left);
            true
        } else {
            self.exceeded();
            false
        }
    }

    /// Records that some value was not kept because of a limit.
    fn exceeded(&self) {
        self.0.1.set(true);
    }

    fn was_exceeded(&self) -> bool {
        self.0.1.get()
    }
}

/// Platform arguments BuildKit defines automatically (their values depend on the builder).
const AUTOMATIC_ARGS: [&str; 10] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
    "BUILDKIT_SBOM_SCAN_STAGE",
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Var {
    Known(String),
    Unknown,
}

impl Var {
    /// Bytes of the value (0 when unknown).
    fn len(&self) -> usize {
        match self {
            Var::Known(v) => v.len(),
            Var::Unknown => 0,
        }
    }

    fn lookup(&self) -> Lookup<'_> {
        match self {
            Var::Known(v) => Lookup::Value(v),
            Var::Unknown => Lookup::Unknown,
        }
    }
}

/// The variables visible at one point.
#[derive(Clone, Debug, Default)]
struct Scope {
    env: HashMap<String, Var>,
    args: HashMap<String, Var>,
    /// Undeclared names may come from the base image's environment.
    base_may_define: bool,
    budget: Budget,
    /// [`visible_names`] of this scope, until a name is declared.
    visible: Option<Arc<Vec<(String, bool)>>>,
    /// What listing the names costs the budget (kept up to date, so that the cost is known
    /// without going over the names).
    names_cost: usize,
}

impl Env for Scope {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        // ENV overrides ARG of the same name.
        if let Some(v) = self.env.get(name).or_else(|| self.args.get(name)) {
            return v.lookup();
        }
        if self.base_may_define {
            Lookup::Unknown
        } else {
            Lookup::Undefined
        }
    }
}

impl Scope {
    fn declares(&self, name: &str) -> bool {
        self.env.contains_key(name) || self.args.contains_key(name)
    }

    fn set_env(&mut self, name: String, var: Var) {
        self.visible = None;
        let cost = name.len() + ENTRY_COST;
        if self.env.insert(name, var).is_none() {
            self.names_cost += cost;
        }
    }

    fn set_arg(&mut self, name: String, var: Var) {
        self.visible = None;
        let cost = name.len() + ENTRY_COST;
        if self.args.insert(name, var).is_none() {
            self.names_cost += cost;
        }
    }
}

struct Analyser<'a> {
    ast: &'a Ast,
    build: &'a BuildOptions,
    escape: char,
    globals: Scope,
    stages: Vec<Stage>,
    data: Vec<InstrData>,
    /// ENV at the end of each stage, inherited by stages built from it.
    /// ENV and ARGs at the end of each stage: a stage built `FROM` it inherits both.
    stage_env: Vec<(HashMap<String, Var>, HashMap<String, Var>)>,
    /// The first instruction at which a limit of the analysis was reached.
    limit_reached: Option<Span>,
    /// Per stage: whether its `FROM` chain reaches an image (see `chain_has_image`).
    has_image: Vec<bool>,
    /// The last stage of each name (lower case) among the stages before the current one.
    named: HashMap<String, usize>,
}

pub(super) fn analyse<'a>(
    file: &'a SourceFile,
    ast: &'a Ast,
    build: &'a BuildOptions,
) -> Dockerfile<'a> {
    let mut a = Analyser {
        ast,
        build,
        escape: ast.escape,
        globals: Scope::default(),
        stages: Vec::new(),
        data: vec![InstrData::default(); ast.instructions.len()],
        stage_env: Vec::new(),
        limit_reached: None,
        has_image: Vec::new(),
        named: HashMap::new(),
    };
    for name in AUTOMATIC_ARGS {
        let var = build
            .args
            .get(name)
            .map_or(Var::Unknown, |v| Var::Known(v.clone()));
        a.globals.set_arg(name.to_owned(), var);
    }
    a.run();
    let (final_stage, unknown_target) = a.final_stage();
    let mut shipped = vec![false; a.stages.len()];
    let mut cur = final_stage;
    while let Some(i) = cur {
        if shipped[i] {
            break;
        }
        shipped[i] = true;
        cur = match a.stages[i].base {
            Base::Stage(p) => Some(p),
            _ => None,
        };
    }
    Dockerfile {
        file,
        ast,
        build,
        stages: a.stages,
        data: a.data,
        final_stage,
        unknown_target,
        shipped,
        analysis_limit: a.limit_reached,
    }
}

impl Analyser<'_> {
    fn run(&mut self) {
        let mut scope = Scope::default();
        let ast = self.ast;
        for (i, inst) in ast.instructions.iter().enumerate() {
            if inst.keyword == Keyword::From {
                if let Some(last) = self.stages.last_mut() {
                    last.end = i;
                    self.stage_env.push((
                        std::mem::take(&mut scope.env),
                        std::mem::take(&mut scope.args),
                    ));
                }
                scope = self.start_stage(i, inst);
                self.note_limit(inst);
                continue;
            }
            let in_stage = !self.stages.is_empty();
            let stage = in_stage.then(|| self.stages.len() - 1);
            let mut data = InstrData {
                stage,
                ..InstrData::default()
            };
            if let Some(s) = stage {
                expand_instruction(
                    inst,
                    &mut scope,
                    self.escape,
                    self.build,
                    true,
                    &self.globals.args,
                    &mut data,
                );
                self.resolve_copy_sources(inst, s, &scope, &mut data);
                data.visible = visible_names(&mut scope);
            } else {
                let empty = HashMap::new();
                expand_instruction(
                    inst,
                    &mut self.globals,
                    self.escape,
                    self.build,
                    false,
                    &empty,
                    &mut data,
                );
                data.visible = visible_names(&mut self.globals);
            }
            self.data[i] = data;
            self.note_limit(inst);
        }
        if let Some(last) = self.stages.last_mut() {
            last.end = ast.instructions.len();
            self.stage_env.push((
                std::mem::take(&mut scope.env),
                std::mem::take(&mut scope.args),
            ));
        }
    }

    fn note_limit(&mut self, inst: &Instruction) {
        if self.limit_reached.is_none() && self.globals.budget.was_exceeded() {
            self.limit_reached = Some(inst.span);
        }
    }

    fn start_stage(&mut self, i: usize, inst: &Instruction) -> Scope {
        let index = self.stages.len();
        // The stage before this one can now be named by `FROM` and `--from`.
        if let Some(name) = self.stages.last().and_then(|s| s.name.as_ref()) {
            self.named.insert(name.value.clone(), index - 1);
        }
        let words = inst.words();
        let image_word = words.first().cloned().unwrap_or(Word {
            text: String::new(),
            span: inst.keyword_span,
        });
        let mut data = InstrData {
            stage: Some(index),
            ..InstrData::default()
        };
        // FROM sees only the global ARGs.
        let image = expand_value(
            &image_word.text,
            image_word.span,
            self.escape,
            &self.globals,
            &mut data,
        );
        let name = (words.len() == 3 && words[1].text.eq_ignore_ascii_case("as"))
            .then(|| Spanned::new(words[2].text.to_ascii_lowercase(), words[2].span));
        let platform = inst.flag("platform").and_then(|f| {
            let v = f.value.as_deref()?;
            Some(expand_value(
                v,
                f.value_span.unwrap_or(f.span),
                self.escape,
                &self.globals,
                &mut data,
            ))
        });
        data.flags = inst
            .flags
            .iter()
            .map(|f| {
                f.value.as_deref().map(|v| {
                    expand_value(
                        v,
                        f.value_span.unwrap_or(f.span),
                        self.escape,
                        &self.globals,
                        &mut InstrData::default(),
                    )
                })
            })
            .collect();
        data.args = words
            .iter()
            .map(|w| {
                expand_value(
                    &w.text,
                    w.span,
                    self.escape,
                    &self.globals,
                    &mut InstrData::default(),
                )
            })
            .collect();
        let base = if image.unknown {
            Base::Unresolved
        } else if image.text.eq_ignore_ascii_case("scratch") {
            Base::Scratch
        } else if let Some(stage) = self.stage_named(&image.text, index) {
            Base::Stage(stage)
        } else {
            match ImageRef::parse(&image.text) {
                Ok(r) => Base::Image(Box::new(r)),
                Err(e) => Base::Invalid(e.to_string()),
            }
        };
        let mut scope = Scope {
            base_may_define: !matches!(base, Base::Scratch),
            budget: self.globals.budget.clone(),
            ..Scope::default()
        };
        if let Base::Stage(p) = base {
            scope.base_may_define = self.chain_has_image(p);
            if let Some((env, args)) = self.stage_env.get(p) {
                let names_cost: usize = env
                    .keys()
                    .chain(args.keys())
                    .map(|k| k.len() + ENTRY_COST)
                    .sum();
                let values_cost: usize = env.values().chain(args.values()).map(Var::len).sum();
                if scope.budget.spend(names_cost + values_cost) {
                    scope.env.clone_from(env);
                    scope.args.clone_from(args);
                    scope.names_cost = names_cost;
                } else {
                    // Past the budget nothing is inherited: every name may be defined, with
                    // a value nobody knows.
                    scope.base_may_define = true;
                }
            }
        }
        data.visible = visible_names(&mut scope);
        self.data[i] = data;
        self.has_image.push(match &base {
            Base::Stage(p) => self.chain_has_image(*p),
            Base::Scratch => false,
            _ => true,
        });
        self.stages.push(Stage {
            index,
            name,
            from: i,
            end: i + 1,
            base,
            image,
            platform,
        });
        scope
    }

    /// Whether the `FROM` chain of `stage` reaches an image (not `scratch`), whose
    /// environment may define names. Known for every stage already created.
    fn chain_has_image(&self, stage: usize) -> bool {
        self.has_image.get(stage).copied().unwrap_or(true)
    }

    /// The last stage named `name` before stage `before` (the current or the next stage).
    fn stage_named(&self, name: &str, before: usize) -> Option<usize> {
        if !is_valid_stage_name(name) {
            return None;
        }
        self.named
            .get(&name.to_ascii_lowercase())
            .copied()
            .filter(|&s| s < before)
    }

    fn resolve_copy_sources(
        &self,
        inst: &Instruction,
        stage: usize,
        scope: &Scope,
        data: &mut InstrData,
    ) {
        let mut refs: Vec<(String, Span)> = Vec::new();
        if inst.keyword == Keyword::Copy {
            for f in inst.flags_named("from") {
                if let Some(v) = &f.value {
                    refs.push((v.clone(), f.value_span.unwrap_or(f.span)));
                }
            }
        }
        if inst.keyword == Keyword::Run {
            for f in inst.flags_named("mount") {
                let Some(v) = &f.value else { continue };
                let Some(span) = f.value_span else { continue };
                let mut offset = 0usize;
                for field in v.split(',') {
                    if let Some(from) = field.strip_prefix("from=") {
                        let start = span.start + to_u32(offset + 5);
                        refs.push((
                            from.to_owned(),
                            Span::new(start, start + to_u32(from.len())),
                        ));
                    }
                    offset += field.len() + 1;
                }
            }
        }
        for (raw, span) in refs {
            let mut sink = InstrData::default();
            let value = expand_value(&raw, span, self.escape, scope, &mut sink);
            let source = if value.unknown {
                CopySource::Unresolved
            } else if let Ok(n) = value.text.parse::<usize>() {
                if n < stage {
                    CopySource::Stage(n)
                } else {
                    CopySource::Unknown(value.text.clone())
                }
            } else if let Some(s) = self.stage_named(&value.text, stage) {
                CopySource::Stage(s)
            } else if self.stages[stage]
                .name
                .as_ref()
                .is_some_and(|n| n.value.eq_ignore_ascii_case(&value.text))
            {
                CopySource::Unknown(value.text.clone())
            } else {
                match ImageRef::parse(&value.text) {
                    Ok(r) => CopySource::Image(Box::new(r)),
                    Err(_) => CopySource::Unknown(value.text.clone()),
                }
            };
            data.copy_sources.push((span, source));
        }
    }

    fn final_stage(&self) -> (Option<usize>, Option<String>) {
        if self.stages.is_empty() {
            return (None, None);
        }
        match &self.build.target {
            Some(t) => match self.stages.iter().find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(t))
            }) {
                Some(s) => (Some(s.index), None),
                None => (Some(self.stages.len() - 1), Some(t.clone())),
            },
            None => (Some(self.stages.len() - 1), None),
        }
    }
}

/// The names visible in `scope`, computed once per set of names (and empty past the budget).
fn visible_names(scope: &mut Scope) -> Arc<Vec<(String, bool)>> {
    if let Some(v) = &scope.visible {
        return Arc::clone(v);
    }
    let names = if scope.budget.spend(scope.names_cost) {
        Arc::new(sorted_names(scope))
    } else {
        Arc::default()
    };
    scope.visible = Some(Arc::clone(&names));
    names
}

fn sorted_names(scope: &Scope) -> Vec<(String, bool)> {
    let mut names: Vec<(String, bool)> = scope
        .env
        .keys()
        .map(|k| (k.clone(), true))
        .chain(
            scope
                .args
                .keys()
                .filter(|k| !scope.env.contains_key(*k))
                .map(|k| (k.clone(), false)),
        )
        .collect();
    names.sort();
    names
}

/// Expands one word; records references to names nothing declares. What the expansion
/// adds to the text is paid from the budget: past it, a longer value is unknown.
fn expand_value(raw: &str, span: Span, escape: char, scope: &Scope, data: &mut InstrData) -> Value {
    let limit = expand::MAX_EXPANDED_LEN.min(raw.len().saturating_add(scope.budget.remaining()));
    match expand::expand_word_within(raw, escape, scope, limit) {
        Ok(e) => {
            scope.budget.spend(e.value.len().saturating_sub(raw.len()));
            if e.too_long {
                scope.budget.exceeded();
            }
            for r in &e.refs {
                if r.guarded || r.is_positional_or_special() || scope.declares(&r.name) {
                    continue;
                }
                let start = (span.start + to_u32(r.start)).min(span.end);
                let end = (span.start + to_u32(r.end)).min(span.end);
                data.undeclared.push(Undeclared {
                    name: r.name.clone(),
                    span: Span::new(start, end),
                    base_may_define: scope.base_may_define,
                });
            }
            Value {
                text: e.value,
                raw: raw.to_owned(),
                span,
                unknown: e.unknown,
            }
        }
        // BuildKit fails such a build; the parse-error rule reports it. Treat the value as
        // unknown so no other rule guesses.
        Err(_) => Value {
            text: raw.to_owned(),
            raw: raw.to_owned(),
            span,
            unknown: true,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn expand_instruction(
    inst: &Instruction,
    scope: &mut Scope,
    escape: char,
    build: &BuildOptions,
    in_stage: bool,
    globals: &HashMap<String, Var>,
    data: &mut InstrData,
) {
    // Flags are expanded (BuildKit expands --from, --chown, --chmod, --mount, --checksum…).
    let mut flag_values = Vec::with_capacity(inst.flags.len());
    for f in &inst.flags {
        flag_values.push(
            f.value
                .as_deref()
                .map(|v| expand_value(v, f.value_span.unwrap_or(f.span), escape, scope, data)),
        );
    }
    data.flags = flag_values;
    match (&inst.args, inst.keyword) {
        (Args::Words(words), Keyword::Copy | Keyword::Add | Keyword::Expose | Keyword::Volume) => {
            data.args = words
                .iter()
                .map(|w| expand_value(&w.text, w.span, escape, scope, data))
                .collect();
        }
        (Args::Exec(items), Keyword::Copy | Keyword::Add | Keyword::Volume) => {
            data.args = items
                .iter()
                .map(|s| expand_value(&s.value, s.span, escape, scope, data))
                .collect();
        }
        (Args::Exec(items), _) => {
            data.args = items
                .iter()
                .map(|s| Value {
                    text: s.value.clone(),
                    raw: s.value.clone(),
                    span: s.span,
                    unknown: false,
                })
                .collect();
        }
        (Args::Text(text), Keyword::User | Keyword::Workdir | Keyword::Stopsignal) => {
            let v = expand_value(&text.text, text.span(), escape, scope, data);
            data.args = vec![v];
        }
        (Args::Text(text) | Args::Shell(text), _) => {
            data.args = vec![Value {
                text: text.text.clone(),
                raw: text.text.clone(),
                span: text.span(),
                unknown: false,
            }];
        }
        (Args::Words(words), _) => {
            data.args = words
                .iter()
                .map(|w| Value {
                    text: w.text.clone(),
                    raw: w.text.clone(),
                    span: w.span,
                    unknown: false,
                })
                .collect();
        }
        (Args::KeyValues(pairs), Keyword::Env | Keyword::Label) => {
            for p in pairs {
                let key = expand_value(&p.key.value, p.key.span, escape, scope, data);
                let value = p
                    .value
                    .as_ref()
                    .map(|v| expand_value(&v.value, v.span, escape, scope, data));
                if inst.keyword == Keyword::Env {
                    let var = match &value {
                        Some(v) if !v.unknown => Var::Known(v.text.clone()),
                        _ => Var::Unknown,
                    };
                    scope.set_env(key.text.clone(), var);
                }
                data.pairs.push(Pair { key, value });
            }
        }
        (Args::KeyValues(pairs), Keyword::Arg) => {
            for p in pairs {
                let name = p.key.value.clone();
                let key = Value {
                    text: name.clone(),
                    raw: name.clone(),
                    span: p.key.span,
                    unknown: false,
                };
                let default = p
                    .value
                    .as_ref()
                    .map(|v| expand_value(&v.value, v.span, escape, scope, data));
                let var = if build.unknown_args.contains(&name) {
                    Var::Unknown
                } else if let Some(v) = build.args.get(&name) {
                    Var::Known(v.clone())
                } else if let Some(d) = &default {
                    if d.unknown {
                        Var::Unknown
                    } else {
                        Var::Known(d.text.clone())
                    }
                } else if in_stage {
                    match globals.get(&name) {
                        Some(Var::Known(v)) if scope.budget.spend(v.len()) => Var::Known(v.clone()),
                        _ => Var::Unknown,
                    }
                } else {
                    Var::Unknown
                };
                scope.set_arg(name, var);
                data.pairs.push(Pair {
                    key,
                    value: default,
                });
            }
        }
        _ => {}
    }
}

/// Whether `Lookup` of a name in a scope would see a value (for tests).
#[cfg(test)]
mod tests {
    use super::super::{Base, BuildOptions, CopySource, Dockerfile};
    use crate::source::{FileId, FileKind, SourceFile};
    use crate::syntax::dockerfile;

    fn analyse_with<R>(src: &str, build: &BuildOptions, f: impl FnOnce(&Dockerfile<'_>) -> R) -> R {
        let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, src);
        let ast = dockerfile::parse(&file.text);
        let df = Dockerfile::analyse(&file, &ast, build);
        f(&df)
    }

    fn analyse<R>(src: &str, f: impl FnOnce(&Dockerfile<'_>) -> R) -> R {
        analyse_with(src, &BuildOptions::default(), f)
    }

    #[test]
    fn global_args_reach_from_only() {
        let src = "ARG TAG=3.20\nFROM alpine:${TAG}\nRUN echo\nUSER $TAG\n";
        analyse(src, |df| {
            let Base::Image(img) = &df.stages[0].base else {
                panic!()
            };
            assert_eq!(img.tag.as_deref(), Some("3.20"));
            // TAG was not re-declared in the stage: USER sees an undeclared name.
            let user = df.instr(3);
            assert_eq!(user.data.undeclared.len(), 1);
            assert!(user.data.args[0].unknown, "base image may define TAG");
        });
    }

    #[test]
    fn redeclared_arg_takes_the_global_default() {
        let src = "ARG TAG=3.20\nFROM alpine\nARG TAG\nUSER $TAG\n";
        analyse(src, |df| {
            assert_eq!(df.instr(3).data.args[0].known(), Some("3.20"));
            assert!(df.instr(3).data.undeclared.is_empty());
        });
    }

    #[test]
    fn build_args_override_defaults() {
        let mut build = BuildOptions::default();
        build.args.insert("TAG".into(), "1.2".into());
        analyse_with("ARG TAG=latest\nFROM node:$TAG\n", &build, |df| {
            assert_eq!(
                df.stages[0].base_image().unwrap().tag.as_deref(),
                Some("1.2")
            );
        });
    }

    #[test]
    fn build_args_with_unknown_values_hide_defaults() {
        let mut build = BuildOptions::default();
        build.unknown_args.insert("TAG".into());
        analyse_with("ARG TAG=latest\nFROM node:$TAG\n", &build, |df| {
            assert_eq!(df.stages[0].base, Base::Unresolved);
        });
    }

    #[test]
    fn arg_without_default_is_unknown() {
        analyse("ARG BASE\nFROM $BASE\n", |df| {
            assert_eq!(df.stages[0].base, Base::Unresolved);
        });
        analyse("ARG V\nFROM node:${V:-20}\n", |df| {
            assert_eq!(df.stages[0].base, Base::Unresolved);
        });
    }

    #[test]
    fn env_and_args_are_inherited_by_child_stages_only() {
        // BuildKit: "arguments and variables are inherited from parent stages".
        let src = "FROM scratch AS a\nENV HOME_DIR=/app\nARG X=1\nFROM a AS b\nWORKDIR $HOME_DIR\nUSER $X\nFROM scratch AS c\nUSER $X\n";
        analyse(src, |df| {
            assert_eq!(df.stages[1].base, Base::Stage(0));
            assert_eq!(df.instr(4).data.args[0].known(), Some("/app"));
            let user = df.instr(5);
            assert_eq!(
                user.data.args[0].known(),
                Some("1"),
                "ARG inherited through FROM a"
            );
            assert!(user.data.undeclared.is_empty());
            let unrelated = df.instr(7);
            assert_eq!(
                unrelated.data.args[0].known(),
                Some(""),
                "scratch chain: X is unset"
            );
            assert_eq!(unrelated.data.undeclared[0].name, "X");
            assert!(!unrelated.data.undeclared[0].base_may_define);
        });
    }

    #[test]
    fn final_stage_and_shipped_chain() {
        let src = "FROM golang AS build\nRUN go build\nFROM alpine AS base\nFROM base AS final\nCOPY --from=build /a /a\nFROM scratch AS other\n";
        analyse(src, |df| {
            assert_eq!(df.final_stage, Some(3));
            assert!(df.is_shipped(3) && !df.is_shipped(0));
        });
        let build = BuildOptions {
            target: Some("FINAL".into()),
            ..BuildOptions::default()
        };
        analyse_with(src, &build, |df| {
            assert_eq!(df.final_stage, Some(2));
            assert_eq!(df.final_chain(), [2, 1]);
            assert!(df.is_shipped(1) && !df.is_shipped(0) && !df.is_shipped(3));
            assert_eq!(df.instr(4).data.copy_sources[0].1, CopySource::Stage(0));
        });
    }

    #[test]
    fn copy_from_index_image_and_unknown() {
        let src = "FROM a AS one\nFROM b\nCOPY --from=0 /x /x\nCOPY --from=nginx:1.27 /y /y\nCOPY --from=5 /z /z\nRUN --mount=type=cache,from=one,target=/c true\n";
        analyse(src, |df| {
            assert_eq!(df.instr(2).data.copy_sources[0].1, CopySource::Stage(0));
            assert!(matches!(
                df.instr(3).data.copy_sources[0].1,
                CopySource::Image(_)
            ));
            assert_eq!(
                df.instr(4).data.copy_sources[0].1,
                CopySource::Unknown("5".into())
            );
            let (span, src_) = &df.instr(5).data.copy_sources[0];
            assert_eq!(src_, &CopySource::Stage(0));
            assert_eq!(&df.file.text[span.range()], "one");
        });
    }

    #[test]
    fn env_values_are_unquoted_and_expanded() {
        let src = "FROM scratch\nENV A=\"two words\" B=${A}-x\nLABEL \"k\"=v\n";
        analyse(src, |df| {
            let pairs = &df.instr(1).data.pairs;
            assert_eq!(pairs[0].value.as_ref().unwrap().known(), Some("two words"));
            assert_eq!(
                pairs[1].value.as_ref().unwrap().known(),
                Some("two words-x")
            );
            assert_eq!(df.instr(2).data.pairs[0].key.known(), Some("k"));
        });
    }

    use std::fmt::Write as _;

    fn quick<R>(src: &str, f: impl FnOnce(&Dockerfile<'_>) -> R) -> R {
        let start = std::time::Instant::now();
        let r = analyse(src, f);
        let took = start.elapsed();
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
        r
    }

    #[test]
    fn doubling_args_are_not_expanded_without_end() {
        // A Dockerfile "billion laughs": every line doubles the value of the line before.
        let mut src = String::from("ARG A0=ab\n");
        for i in 1..80 {
            let _ = writeln!(src, "ARG A{i}=${{A{0}}}${{A{0}}}", i - 1);
        }
        src.push_str("FROM alpine:$A79\nARG A3\nUSER $A3\n");
        quick(&src, |df| {
            assert!(matches!(df.stages[0].base, Base::Unresolved));
            assert!(df.stages[0].image.unknown);
            // 2^20 bytes is the longest value: `A19` has it, `A20` would be twice as long.
            let limit = df.analysis_limit.unwrap();
            assert_eq!(&df.file.text[limit.range()], "ARG A20=${A19}${A19}");
            // Early values are short and known.
            assert_eq!(df.instr(82).data.args[0].known(), Some("abababababababab"));
        });
    }

    #[test]
    fn values_copied_into_many_stages_stop_at_the_budget() {
        let big = "v".repeat(400 * 1024);
        let mut src = format!("FROM alpine:3.20 AS s0\nENV BIG={big}\n");
        for i in 1..200 {
            let _ = write!(src, "FROM s{} AS s{i}\nUSER $BIG\n", i - 1);
        }
        quick(&src, |df| {
            // The first stages inherit the value; once the budget is spent, later ones know
            // only that something may define it.
            let first = df.instr(3);
            assert_eq!(first.data.args[0].known().map(str::len), Some(big.len()));
            let last = df.instr(df.ast.instructions.len() - 1);
            assert!(last.data.args[0].unknown);
            assert!(last.data.undeclared.iter().all(|u| u.base_may_define));
            assert!(df.analysis_limit.is_some());
        });
    }

    #[test]
    fn many_names_and_growing_values_stay_bounded() {
        let mut src = String::new();
        for i in 0..40_000 {
            let _ = writeln!(src, "ARG A{i}");
        }
        src.push_str("FROM alpine:3.20\n");
        for i in 1..20_000 {
            let _ = writeln!(src, "ENV V{i}=${{V{}}}x", i - 1);
        }
        src.push_str("RUN echo\n");
        quick(&src, |df| {
            let n = df.ast.instructions.len();
            // Early on the names are listed; the last instructions are past the budget.
            assert_eq!(
                df.instr(1).data.visible.len(),
                2 + super::AUTOMATIC_ARGS.len()
            );
            assert!(df.instr(n - 1).data.visible.is_empty());
            assert!(
                df.instr(n - 2).data.pairs[0]
                    .value
                    .as_ref()
                    .unwrap()
                    .unknown
            );
        });
    }

    #[test]
    fn instructions_that_declare_nothing_share_the_visible_names() {
        let src = "FROM alpine:3.20\nARG A=1\nRUN echo\nRUN echo\nENV B=2\nRUN echo\n";
        analyse(src, |df| {
            let v = |i: usize| std::sync::Arc::clone(&df.instr(i).data.visible);
            assert!(std::sync::Arc::ptr_eq(&v(2), &v(3)));
            assert!(std::sync::Arc::ptr_eq(&v(1), &v(2)));
            assert!(!std::sync::Arc::ptr_eq(&v(3), &v(4)));
            assert!(v(5).contains(&("B".to_owned(), true)));
            assert!(v(5).contains(&("A".to_owned(), false)));
            assert_eq!(df.analysis_limit, None);
        });
    }
}

use std::collections::HashMap;

use crate::context::{BuildContext, EntryKind};
use crate::knowledge::context_patterns::{self, LocalState};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports local state that a `COPY`/`ADD` sends from the build context because nothing
    /// excludes it: `.git/`, `node_modules/`, Python virtual environments (`.venv/`, `venv/`
    /// holding `pyvenv.cfg`), `__pycache__/`, `.terraform/`, `.idea/`, `.vscode/` and `*.log`
    /// files. There is one finding per directory (the outermost one: a `.git` inside
    /// `node_modules` is part of the `node_modules` finding) and per log file, at the source
    /// of the first `COPY` that sends it.
    ///
    /// ## Why is this bad?
    /// These files describe one developer's machine, not the application. `.git` carries the
    /// whole history, including secrets that were "removed" in a later commit; host-built
    /// `node_modules` or virtual environments hold binaries for the wrong platform and
    /// override the dependencies the image installs; caches, editor settings and logs only add
    /// size and make builds depend on whoever built them.
    ///
    /// ## Example
    /// ```dockerfile,ignore
    /// # the context holds .git/ and node_modules/, and no .dockerignore excludes them
    /// FROM node:22.11-bookworm-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```gitignore
    /// # .dockerignore
    /// .git
    /// node_modules
    /// *.log
    /// ```
    ///
    /// ## References
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - CWE-527: exposure of a version-control repository
    /// - Similar: Dockle DKL-LI-0003 (finds such files in a built image)
    pub struct ContextLeaksLocalState {
        code: "SW306",
        name: "context-leaks-local-state",
        steps: [Dockerignore],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [527],
        equivalents: ["dockle:DKL-LI-0003"],
        summary: "Local state such as .git or node_modules is copied from the build context",
    }
}

/// One piece of local state and the first source that sends it.
struct Leak<'p> {
    /// The directory (or log file), relative to the context.
    path: String,
    dir: bool,
    state: LocalState,
    instr: Instr<'p>,
    span: Span,
    source: &'p str,
    files: usize,
}

impl Rule for ContextLeaksLocalState {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(bc) = cx.context() else { return };
        let plans = bc.copy_plans(df);
        let mut leaks: Vec<Leak<'_>> = Vec::new();
        let mut by_path: HashMap<String, usize> = HashMap::new();
        let mut markers: HashMap<String, bool> = HashMap::new();
        for (instr, plan) in &plans {
            for (f, source) in plan.sent() {
                let path = &bc.entry(f).path;
                let Some((key, dir, state)) = local_state(bc, path, &mut markers) else {
                    continue;
                };
                if let Some(&i) = by_path.get(key) {
                    leaks[i].files += 1;
                    continue;
                }
                by_path.insert(key.to_owned(), leaks.len());
                leaks.push(Leak {
                    path: key.to_owned(),
                    dir,
                    state,
                    instr: *instr,
                    span: source.span,
                    source: &source.text,
                    files: 1,
                });
            }
        }
        for leak in leaks {
            let shown = if leak.dir {
                format!("{}/", leak.path)
            } else {
                leak.path.clone()
            };
            let what = if leak.dir {
                let plural = if leak.files == 1 { "" } else { "s" };
                format!("{}, {} file{plural}", leak.state.label, leak.files)
            } else {
                leak.state.label.to_owned()
            };
            let destination = match leak.instr.stage() {
                Some(s) if !df.is_shipped(s) => format!("into build stage {}", df.stages[s].label()),
                _ => "into the image".to_owned(),
            };
            let ignore = bc.ignore().map_or(".dockerignore", |i| i.name());
            let index = bc.find(&leak.path);
            let finding = cx
                .report(
                    leak.span,
                    format!(
                        "{} `{}` sends `{shown}` ({what}) {destination}",
                        leak.instr.keyword().as_str(),
                        leak.source
                    ),
                )
                .help(format!(
                    "Exclude `{}` in `{ignore}`, or copy only the files the image needs",
                    leak.path
                ))
                .key(format!("state:{}", leak.path));
            if let Some(i) = index {
                finding.related(Location::whole_file(bc.shown_path(i)), leak.state.label);
            }
        }
    }
}

/// The outermost local-state directory `path` lies in, or `path` itself when it is a log
/// file: `(path, is a directory, kind)`.
fn local_state<'a>(
    bc: &BuildContext,
    path: &'a str,
    markers: &mut HashMap<String, bool>,
) -> Option<(&'a str, bool, LocalState)> {
    let mut end = 0;
    let mut parts = path.split('/').peekable();
    while let Some(seg) = parts.next() {
        let last = parts.peek().is_none();
        let seg_end = end + seg.len();
        if !last {
            if let Some(state) = context_patterns::directory(seg) {
                let dir = &path[..seg_end];
                let confirmed = match context_patterns::needs_marker(seg) {
                    None => true,
                    Some(marker) => *markers.entry(dir.to_owned()).or_insert_with(|| {
                        bc.find(&format!("{dir}/{marker}"))
                            .is_some_and(|i| bc.entry(i).kind == EntryKind::File)
                    }),
                };
                if confirmed {
                    return Some((dir, true, state));
                }
            }
        } else if let Some(state) = context_patterns::file(seg) {
            return Some((path, false, state));
        }
        end = seg_end + 1;
    }
    None
}

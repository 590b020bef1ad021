use crate::prelude::*;
use crate::syntax::shell::{Command, Connector, Script};

declare_rule! {
    /// ## What it does
    /// Looks at the main command list of every `RUN` (shell form, heredoc script or exec
    /// form; leading `set` commands skipped) and reports a `cd` that is used in place of
    /// `WORKDIR`:
    /// - a `RUN` that does nothing but `cd` (`RUN cd /app`), which has no effect at all,
    ///   because every `RUN` starts in the `WORKDIR` again;
    /// - a `RUN` that starts with `cd <dir>` to a literal directory and then runs the rest of
    ///   its commands there (`RUN cd /app && npm ci`).
    ///
    /// Not reported: a `cd` in the middle of a `RUN` (`… && cd /tmp && … && cd /`), inside a
    /// subshell (`(cd src && make)`), a condition, a loop or a function, `cd -`, and a `cd` to
    /// a directory computed by the shell (`cd "$(mktemp -d)"`, `cd $SRC_DIR`), which
    /// `WORKDIR` cannot express.
    ///
    /// ## Why is this bad?
    /// The directory a `cd` enters is forgotten when the `RUN` ends. A lone `RUN cd` is a
    /// mistake: the author expected later instructions to run there, and they do not. A `RUN`
    /// that opens with `cd` repeats in every instruction what `WORKDIR` states once: `WORKDIR`
    /// creates the directory, applies to `RUN`, `COPY`, `ADD`, `CMD` and `ENTRYPOINT` alike,
    /// and shows in the image's configuration.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY . /app
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - Similar: hadolint DL3003; Trivy DS013; KICS "RUN Instruction Using 'cd' Instead of
    ///   WORKDIR" (which report every `cd`)
    pub struct CdInsteadOfWorkdir {
        code: "SW809",
        name: "cd-instead-of-workdir",
        steps: [CiScanning],
        severity: Info,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: ["hadolint:DL3003", "trivy:DS013", "kics:run_command_cd_instead_of_workdir"],
        summary: "RUN cd used instead of WORKDIR",
    }
}

impl Rule for CdInsteadOfWorkdir {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            let mut main = script
                .commands()
                .filter(|c| c.block.is_none() && c.parent.is_none())
                .skip_while(|c| c.name() == Some("set"));
            let Some(cd) = main.next() else { continue };
            if cd.name() != Some("cd") || cd.negated {
                continue;
            }
            let target = target(cd);
            // Everything else the script runs, nested commands included (but not a
            // substitution in the `cd` itself).
            let rest = script.commands().any(|c| {
                c.index > cd.index
                    && c.name() != Some("set")
                    && c.parent.is_none_or(|p| p.command != cd.index)
            });
            if !rest {
                let shown = target.map_or_else(|| "cd".to_owned(), |t| format!("cd {}", t.raw));
                let help = match target {
                    Some(t) if t.is_literal() && t.text.starts_with('/') => {
                        format!("Use `WORKDIR {}` to change the directory for the instructions that follow", t.text)
                    }
                    _ => "Use `WORKDIR` with an absolute path to change the directory for the instructions that follow".to_owned(),
                };
                cx.report(
                    cd.span,
                    format!("`{shown}` has no effect: the next instruction starts in the `WORKDIR` again"),
                )
                .help(help);
                continue;
            }
            let Some(target) = target else { continue };
            if !changes_directory_for_the_rest(script, cd)
                || !target.is_literal()
                || target.text == "-"
                || target.text.is_empty()
            {
                continue;
            }
            let help = if target.text.starts_with('/') {
                format!("Set `WORKDIR {}` before this `RUN` and drop the `cd`", target.text)
            } else {
                "Set the directory with `WORKDIR` (an absolute path) before this `RUN` and drop the `cd`".to_owned()
            };
            cx.report(
                cd.span,
                format!(
                    "`cd {}` sets the directory for this `RUN` only; `WORKDIR` states it once for the instructions that follow",
                    target.raw
                ),
            )
            .help(help);
        }
    }
}

/// The directory operand of `cd [-L|-P|-e|-@]… DIR`, when there is exactly one.
fn target(cd: &Command) -> Option<&crate::syntax::shell::Word> {
    let mut operands = cd.args().iter().skip_while(|w| {
        w.text.len() > 1 && w.text.starts_with('-') && w.text[1..].chars().all(|c| "LPe@".contains(c))
    });
    let first = operands.next()?;
    let first = if first.text == "--" { operands.next()? } else { first };
    operands.next().is_none().then_some(first)
}

/// The `cd` runs in the foreground, alone in its pipeline, and is followed by more
/// commands of the main list (`cd /x && make`, `cd /x; make`, `cd /x || exit 1; make`).
fn changes_directory_for_the_rest(script: &Script, cd: &Command) -> bool {
    script.pipelines.get(cd.pipeline).is_some_and(|p| p.len() == 1)
        && matches!(
            cd.followed_by,
            Some(Connector::And | Connector::Seq | Connector::Or)
        )
}

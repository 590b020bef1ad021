use crate::dockerfile::ShellKind;
use crate::knowledge::commands::{self, ShellOption};
use crate::prelude::*;
use crate::syntax::dockerfile::Args;
use crate::syntax::shell::{Pipeline, RedirectOp, Script, Stage, StageItem};

declare_rule! {
    /// ## What it does
    /// Flags a shell-form `RUN` with a pipe (`curl … | tar -x`, `grep … | sha256sum -c -`)
    /// when `pipefail` is not on for it: neither `set -o pipefail` (or `set -euo pipefail`)
    /// earlier in the same shell, nor a `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, nor
    /// `bash -o pipefail -c '…'` around the pipe. One finding per `RUN`, at its first such pipe.
    ///
    /// Not flagged: exec-form `RUN` (no shell parses a `|` there), `RUN`s under a PowerShell or
    /// `cmd` `SHELL`, and pipes whose earlier stages cannot fail: `echo`, `printf`, `yes`,
    /// `true`, `cat` of a heredoc, and `{ … }` groups of those (`echo "$SHA  f" | sha256sum -c -`
    /// loses nothing).
    ///
    /// Like hadolint's DL4006, the rule fires under the default `/bin/sh` too. On Alpine and
    /// BusyBox images `/bin/sh` is `ash`, which supports `set -o pipefail`; Debian's `dash`
    /// supports it from 0.5.11 (bullseye), and Ubuntu's from 23.04. On an older `dash`,
    /// `set -o pipefail` makes the `RUN` fail loudly rather than silently, so writing it is
    /// always safe; there, use `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` instead.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is its last command's. In `curl -fsSL https://… | tar -xz`, a
    /// failed download hands `tar` an empty or truncated stream, and the step may still
    /// succeed with a broken or half-installed tool; with `| grep -q`, a crash upstream reads
    /// as "not found". `pipefail` makes any failing stage fail the pipeline, so the build
    /// stops where the problem is.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///  && curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## References
    /// - [hadolint DL4006](https://github.com/hadolint/hadolint/wiki/DL4006)
    /// - [Bash manual: pipelines](https://www.gnu.org/software/bash/manual/html_node/Pipelines.html)
    /// - CWE-703: improper check or handling of exceptional conditions
    /// - Similar: hadolint DL4006; KICS shell_running_a_pipe_without_pipefail_flag
    pub struct PipeWithoutPipefail {
        code: "SW508",
        name: "pipe-without-pipefail",
        steps: [SignedImages],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [703],
        equivalents: ["hadolint:DL4006", "kics:shell_running_a_pipe_without_pipefail_flag"],
        summary: "Pipe in RUN without pipefail hides failures",
    }
}

/// A command whose failure cannot matter: it only prints its arguments or its heredoc.
fn prints_only(script: &Script, index: usize) -> bool {
    let Some(c) = script.command(index) else {
        return false;
    };
    let view = c.unwrapped();
    match view.name() {
        Some("echo" | "printf" | "yes" | "true" | ":") => true,
        Some("cat") => {
            view.positional(&[]).is_empty() && c.redirects.iter().all(|r| r.op != RedirectOp::In)
        }
        _ => false,
    }
}

/// A stage whose failure cannot matter: such a command, or a `{ … }`/`( … )` made of them.
fn cannot_fail(script: &Script, stage: &Stage) -> bool {
    !stage.commands.is_empty() && stage.commands.iter().all(|&i| prints_only(script, i))
}

/// The program names of a pipeline's stages, for messages (`curl | tar`).
fn describe(script: &Script, p: &Pipeline) -> (String, String) {
    let names: Vec<String> = p
        .stages
        .iter()
        .map(|s| match s.item {
            StageItem::Command(i) => script
                .command(i)
                .and_then(|c| c.unwrapped().name())
                .unwrap_or("…")
                .to_owned(),
            StageItem::Block(_) => "{ … }".to_owned(),
        })
        .collect();
    let first = names.first().cloned().unwrap_or_default();
    let shown = if names.len() > 4 {
        format!("{} | {} | … | {}", names[0], names[1], names[names.len() - 1])
    } else {
        names.join(" | ")
    };
    (shown, first)
}

impl Rule for PipeWithoutPipefail {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Run || matches!(instr.inst.args, Args::Exec(_)) {
                continue;
            }
            let Some(script) = instr.script() else { continue };
            let shell_pipefail = match &instr.data.shell {
                ShellKind::Posix { pipefail, .. } => *pipefail,
                _ => continue,
            };
            let offending: Vec<&Pipeline> = script
                .pipelines()
                .filter(|p| p.len() >= 2)
                .filter(|p| {
                    let Some(first) = p.commands().next() else {
                        return false;
                    };
                    !commands::option_on(script, first, ShellOption::Pipefail, shell_pipefail)
                })
                .filter(|p| {
                    !p.stages[..p.len() - 1]
                        .iter()
                        .all(|s| cannot_fail(script, s))
                })
                .collect();
            let Some(first) = offending.first() else { continue };
            let (pipe, producer) = describe(script, first);
            let more = match offending.len() - 1 {
                0 => String::new(),
                1 => " (and 1 more pipe in this `RUN`)".to_owned(),
                n => format!(" (and {n} more pipes in this `RUN`)"),
            };
            cx.report(
                first.span,
                format!("The pipe `{pipe}` runs without `pipefail`, so a failure of `{producer}` does not fail the `RUN`{more}"),
            )
            .help("Start the `RUN` with `set -o pipefail &&`, or set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before it");
        }
    }
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `RUN` instructions that execute `sudo` (or `doas`) as a command, in any stage,
    /// including inside subshells, `if` branches, `sh -c` strings and heredoc scripts.
    /// `sudo` as a word that is not executed (`apt-get install sudo`, `echo sudo`) is not
    /// flagged; installing the package is `risky-package-in-final-stage` (SW406).
    ///
    /// ## Why is this bad?
    /// Build steps already run as the current `USER`; `sudo` is only needed when that user
    /// is not root, which means the image carries `sudo` and a sudoers rule that lets the
    /// unprivileged runtime user become root again. It also hides in which user's name a
    /// step really runs. Switch users with `USER` instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - [Dockerfile best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - Similar: hadolint DL3004; Trivy DS010; Checkov CKV2_DOCKER_1
    pub struct SudoUsed {
        code: "SW202",
        name: "sudo-used",
        steps: [NonRoot],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [250],
        equivalents: ["hadolint:DL3004", "trivy:DS010", "checkov:CKV2_DOCKER_1", "kics:run_using_sudo"],
        summary: "RUN executes sudo",
    }
}

impl Rule for SudoUsed {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            for command in script.commands() {
                let view = command.unwrapped();
                // `sudo` itself, or a wrapper chain that includes it (`env X=1 sudo …`).
                let sudo = command
                    .words
                    .iter()
                    .take(command.words.len() - view.words.len())
                    .chain(view.program())
                    .find(|w| matches!(w.basename(), "sudo" | "doas") && !w.has_expansion);
                let Some(word) = sudo else { continue };
                let inner = if view.name().is_some_and(|n| n == "sudo" || n == "doas") {
                    String::new()
                } else {
                    view.name().map(|n| format!(" to run `{n}`")).unwrap_or_default()
                };
                cx.report(word.span, format!("`{}` is executed{inner}", word.basename()))
                    .help("Drop `sudo`: run the step as root before switching `USER`, or switch users with `USER`");
            }
        }
    }
}

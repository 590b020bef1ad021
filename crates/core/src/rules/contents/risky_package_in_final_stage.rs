use crate::knowledge::packages::{PackageKind, risky_package};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports packages that widen what an attacker can do inside the running container when
    /// the shipped image installs them: `sudo`, SSH servers (`openssh-server`, the Debian
    /// `ssh` meta-package, Alpine's `openssh`, `dropbear`), `telnet`, `netcat` in all its
    /// variants, `nmap`, `tcpdump`, `gdb` and `strace`. The final stage and the stages it is
    /// built `FROM` are read; builder stages are not. A package removed later in the same
    /// `RUN` (see `SW401` for the idioms) is not reported, and a package list held in a
    /// variable is not guessed.
    ///
    /// ## Why is this bad?
    /// These tools turn a foothold into more: `sudo` is a privilege-escalation path, an SSH or
    /// telnet server is a second way in (with credentials to manage), `netcat` and `nmap`
    /// serve reverse shells and lateral movement, `tcpdump` sniffs traffic, and `gdb`/`strace`
    /// read and alter other processes. Debug with an ephemeral debug container
    /// (`kubectl debug`, `docker debug`) instead of shipping the tools.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends ca-certificates sudo \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends ca-certificates \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: don't install unnecessary packages](https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages)
    /// - [Kubernetes: debugging with an ephemeral container](https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container)
    /// - Similar: hadolint DL3001 (partly)
    pub struct RiskyPackageInFinalStage {
        code: "SW406",
        name: "risky-package-in-final-stage",
        steps: [NonRoot, MultiStage],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: ["hadolint:DL3001"],
        summary: "Risky tool installed in the final image",
    }
}

impl Rule for RiskyPackageInFinalStage {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.shipped_instructions() {
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            for (inv, package) in run.installed() {
                let Some(system) = inv.manager.system() else {
                    continue;
                };
                if package.kind != PackageKind::Named {
                    continue;
                }
                let Some(kind) = risky_package(system, &package.name) else {
                    continue;
                };
                if run.removed_later(inv, &package.name) {
                    continue;
                }
                cx.report(
                    package.word.span,
                    format!(
                        "`{}` ({}) is installed in the final image",
                        package.word.text,
                        kind.describe()
                    ),
                )
                .help("Remove it from the final image; debug with an ephemeral debug container instead");
            }
        }
    }
}

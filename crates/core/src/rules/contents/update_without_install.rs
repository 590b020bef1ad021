use crate::finding::Location;
use crate::knowledge::packages::image::stage_chain;
use crate::knowledge::packages::{Invocation, Manager, Operation};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a package install that relies on a package index refreshed by an earlier
    /// `RUN` that installed nothing: `RUN apt-get update` on its own line, then `RUN
    /// apt-get install …` (likewise `apk update`, `yum`/`dnf makecache` or `update`,
    /// `zypper refresh`, `pacman -Sy`). The finding is on the install that uses the old
    /// index and points back at the lone refresh. An install that refreshes the index itself
    /// (`apk add --no-cache`, `apk add -U`, `apt-get install --update`, `dnf --refresh`, an
    /// update earlier in its own `RUN`) is not reported, and a lone refresh that no later
    /// install uses is left to `SW404` (the lists it leaves behind).
    ///
    /// ## Why is this bad?
    /// The build cache keeps the refresh layer as long as its line does not change, so the
    /// next build may install from an index that is weeks old: packages that were fixed
    /// since are installed in their vulnerable version, or the install fails when the
    /// mirror no longer has the old files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - CIS Docker Benchmark 4.7: ensure update instructions are not used alone in the Dockerfile
    /// - Similar: Trivy DS017; Checkov CKV_DOCKER_5; Dockle CIS-DI-0007
    pub struct UpdateWithoutInstall {
        code: "SW408",
        name: "update-without-install",
        steps: [NoVulnerableBase],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [
            "trivy:DS017",
            "checkov:CKV_DOCKER_5",
            "kics:update_instruction_alone",
            "dockle:CIS-DI-0007",
        ],
        summary: "Package index refreshed in a RUN that installs nothing",
    }
}

/// Refreshes the package index of a system package manager.
fn refreshes(inv: &Invocation<'_>) -> bool {
    inv.manager.system().is_some() && (inv.flags.refresh || inv.operation == Operation::Refresh)
}

impl Rule for UpdateWithoutInstall {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut reported: std::collections::HashSet<Span> = std::collections::HashSet::new();
        for instr in df.instructions() {
            let Some(stage) = instr.stage() else {
                continue;
            };
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            for refresh in run.invocations.iter().filter(|i| refreshes(i)) {
                let alone = !run
                    .invocations
                    .iter()
                    .any(|j| j.installs() && j.manager.same_family(refresh.manager));
                if !alone {
                    continue;
                }
                let Some(install) = next_use(df, cx, stage, instr.index, refresh.manager) else {
                    continue;
                };
                if !reported.insert(install.0) {
                    continue;
                }
                let line = cx.file().line_col(refresh.span().start).line;
                let origin = Location::new(cx.file(), refresh.span());
                cx.report(
                    install.0,
                    format!(
                        "`{}` uses the package index from `{}` in an earlier RUN (line {line}), which the build cache can keep stale",
                        install.1,
                        refresh.display()
                    ),
                )
                .related(
                    origin,
                    "the index is refreshed here, in a RUN that installs nothing",
                )
                .help(format!(
                    "Refresh the index in the same RUN as the install (`{} && {}`)",
                    refresh.display(),
                    install.1
                ));
            }
        }
    }
}

/// The first install after the instruction at `index` (in its stage or a stage built from
/// it) that uses the index refreshed there: `(span, display)`. A later refresh of the same
/// family, or an install that refreshes for itself, ends the search.
fn next_use(
    df: &Dockerfile<'_>,
    cx: &Ctx<'_>,
    stage: usize,
    index: usize,
    manager: Manager,
) -> Option<(Span, String)> {
    let later = (index + 1..df.data.len())
        .map(|i| df.instr(i))
        .filter(|i| i.stage().is_some_and(|s| stage_chain(df, s).contains(&stage)));
    for instr in later {
        let Some(run) = cx.run_packages(&instr) else {
            continue;
        };
        let relevant = run.invocations.iter().find(|j| {
            j.manager.same_family(manager) && (j.installs() || refreshes(j))
        });
        match relevant {
            None => {}
            Some(j)
                if j.installs()
                    && !refreshes(j)
                    && !(j.manager == Manager::Apk && j.flags.no_cache) =>
            {
                return Some((j.span(), j.display()));
            }
            Some(_) => return None,
        }
    }
    None
}

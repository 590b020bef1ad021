use crate::knowledge::packages::image;
use crate::knowledge::packages::Manager;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (and `apt install`) without `--no-install-recommends`, in
    /// every stage. The equivalent settings keep it quiet: `-o
    /// APT::Install-Recommends=false` (or `0`) on the command, and `APT::Install-Recommends
    /// "false";` written into `/etc/apt/apt.conf` or `/etc/apt/apt.conf.d/` earlier in the
    /// image or earlier in the same `RUN` (by `echo`, `printf`, `tee`, a heredoc, or `COPY
    /// <<EOF`). A file copied into `/etc/apt/apt.conf.d/` from the build context may set it
    /// too, so the rule stays quiet after one.
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones *recommend*: often
    /// documentation, GUI helpers or whole toolchains the application never uses. They make
    /// the image larger and add packages whose vulnerabilities are reported against it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install -y python3 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends python3 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [apt.conf(5): APT::Install-Recommends](https://manpages.debian.org/bookworm/apt/apt.conf.5.en.html)
    /// - Similar: hadolint DL3015; Trivy DS029
    pub struct AptRecommendsInstalled {
        code: "SW405",
        name: "apt-recommends-installed",
        steps: [MultiStage],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [
            "hadolint:DL3015",
            "trivy:DS029",
            "kics:apt_get_not_avoiding_additional_packages",
        ],
        summary: "Recommended packages installed by apt",
    }
}

impl Rule for AptRecommendsInstalled {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut apt = image::AptConfigs::default();
        for instr in df.instructions() {
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            for inv in &run.invocations {
                if inv.manager != Manager::Apt
                    || !inv.installs()
                    || inv.flags.build_dep
                    || inv.operands.is_empty()
                    || inv.flags.no_install_recommends
                {
                    continue;
                }
                let config = apt.at(df, instr.index, &run, inv.index());
                if config.no_recommends || config.unknown {
                    continue;
                }
                cx.report(
                    inv.span(),
                    format!(
                        "`{}` without `--no-install-recommends` also installs recommended packages",
                        inv.display()
                    ),
                )
                .help("Add `--no-install-recommends` and name every package the image needs");
            }
        }
    }
}

use crate::knowledge::packages::image;
use crate::knowledge::packages::{Manager, Operation};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports package-manager commands that ask for confirmation and are not told to
    /// answer it: `apt-get`/`apt install`, `upgrade`, `remove`, `purge`, `autoremove`
    /// without `-y`/`--yes`/`--assume-yes`; `yum`/`dnf` without `-y`/`--assumeyes`;
    /// `zypper` without `-n`/`--non-interactive` before the subcommand (or `-y` after
    /// `install`); `pacman` without `--noconfirm`.
    ///
    /// Also accepted: apt's quiet level 2 (`-qq`, `-q=2`, `-q -q`), which implies `-y`;
    /// `-o APT::Get::Assume-Yes=true` or that setting written into the apt configuration
    /// earlier; `dnf --setopt=assumeyes=True`; `yes | apt-get install …`. `microdnf`, `apk`,
    /// `pip` and `npm` do not prompt. `DEBIAN_FRONTEND=noninteractive` is not a substitute:
    /// it silences debconf questions, not apt's confirmation.
    ///
    /// ## Why is this bad?
    /// A build has no terminal: the prompt reads end-of-file and the command aborts
    /// (`Do you want to continue? [Y/n] Abort.`), or the build depends on whether the
    /// command happened to need confirmation this time (apt asks only when it installs more
    /// than was named).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install --no-install-recommends curl \
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
    /// - [apt-get(8): -y, -q](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    /// - [Docker build best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - Similar: hadolint DL3014, DL3030, DL3034, DL3038; Trivy DS021
    pub struct NonInteractiveFlagMissing {
        code: "SW813",
        name: "non-interactive-flag-missing",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [
            "hadolint:DL3014",
            "hadolint:DL3030",
            "hadolint:DL3034",
            "hadolint:DL3038",
            "trivy:DS021",
            "kics:apt_get_missing_flags_to_avoid_manual_input",
            "kics:missing_flag_from_dnf_install",
            "kics:missing_zypper_non_interactive_switch",
            "kics:yum_install_allows_manual_input",
        ],
        summary: "Package manager may stop at a confirmation prompt",
    }
}

impl Rule for NonInteractiveFlagMissing {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut apt = image::AptConfigs::default();
        for instr in df.instructions() {
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            for inv in &run.invocations {
                let (flag, help) = match inv.manager {
                    Manager::Apt => ("-y", "Add `-y` (`apt-get install -y …`)"),
                    Manager::Yum | Manager::Dnf => ("-y", "Add `-y` (`dnf install -y …`)"),
                    Manager::Zypper => (
                        "-n",
                        "Add `--non-interactive` before the subcommand (`zypper -n install …`)",
                    ),
                    Manager::Pacman => ("--noconfirm", "Add `--noconfirm`"),
                    _ => continue,
                };
                let prompts = matches!(
                    inv.operation,
                    Operation::Install | Operation::Upgrade | Operation::Remove | Operation::Autoremove
                );
                if !prompts || inv.flags.assume_yes || run.fed_by_yes(inv.index()) {
                    continue;
                }
                if inv.manager == Manager::Apt {
                    let config = apt.at(df, instr.index, &run, inv.index());
                    if config.assume_yes || config.unknown {
                        continue;
                    }
                }
                cx.report(
                    inv.span(),
                    format!(
                        "`{}` runs without `{flag}`: with no terminal it aborts at the confirmation prompt",
                        inv.display()
                    ),
                )
                .help(help);
            }
        }
    }
}

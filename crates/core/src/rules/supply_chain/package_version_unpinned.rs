use crate::knowledge::packages::Manager;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports packages installed without a version, in every stage:
    /// - `apt-get`/`apt install pkg` (pin with `pkg=1.2.3-1`);
    /// - `apk add pkg` (`pkg=1.2.3-r0`, `pkg~1.2`);
    /// - `yum`/`dnf`/`microdnf install pkg` (`pkg-1.2.3`), `zypper install pkg`
    ///   (`pkg=1.2.3`);
    /// - `pip install pkg` (`pkg==1.2.3`, or any version specifier), `poetry add pkg`;
    /// - `npm install pkg`, `yarn add pkg`, `pnpm add pkg`, also global (`pkg@1.2.3`; a
    ///   dist-tag such as `@latest` is not a version);
    /// - `gem install pkg` (`pkg:1.2.3`, or `-v` with a single gem);
    /// - `go install path@latest` or a branch, `go get path` (`path@v1.2.3`);
    /// - `cargo install crate` (`crate@1.2.3`, `--version`).
    ///
    /// Installs from a lock or requirements file are not reported: `npm ci`, `npm install`
    /// without package names, `yarn install`, `poetry install`, `pip install -r`,
    /// `--require-hashes`, `pip -c
    /// constraints.txt`, `gem install -g`, `go install ./cmd/app`. Local files, URLs, VCS
    /// references and capabilities (`so:libc.musl…`) are not packages of a registry. A
    /// package or version written through a variable (`"pkg=$VERSION"`, `$PACKAGES`) is
    /// trusted or not guessed.
    ///
    /// ## Why is this bad?
    /// Without a version, every build installs whatever the repository serves that day: the
    /// image changes without any change to the Dockerfile, builds are not reproducible, a
    /// breaking or compromised release is picked up silently, and a rebuild cannot bring
    /// back a known-good image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13.1-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13.1-slim
    /// RUN pip install --no-cache-dir flask==3.1.0 gunicorn==23.0.0
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [pip: repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    /// - Similar: hadolint DL3008, DL3013, DL3016, DL3018, DL3028, DL3033, DL3037, DL3041,
    ///   DL3062
    pub struct PackageVersionUnpinned {
        code: "SW507",
        name: "package-version-unpinned",
        steps: [PinnedVersions],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [1357],
        equivalents: [
            "hadolint:DL3008",
            "hadolint:DL3013",
            "hadolint:DL3016",
            "hadolint:DL3018",
            "hadolint:DL3028",
            "hadolint:DL3033",
            "hadolint:DL3037",
            "hadolint:DL3041",
            "hadolint:DL3062",
            "kics:apt_get_install_pin_version_not_defined",
            "kics:gem_install_without_version",
            "kics:missing_version_specification_in_dnf_install",
            "kics:npm_install_without_pinned_version",
            "kics:unpinned_package_version_in_apk_add",
            "kics:unpinned_package_version_in_pip_install",
            "kics:yum_install_without_version",
            "kics:zypper_install_without_version",
        ],
        summary: "Package installed without a version",
    }
}

/// How to pin, per manager.
fn how_to_pin(manager: Manager) -> &'static str {
    match manager {
        Manager::Apt | Manager::AptMark => "Pin the version (`pkg=1.2.3-1`) or install from a lock file",
        Manager::Apk => "Pin the version (`pkg=1.2.3-r0` or `pkg~1.2`)",
        Manager::Yum | Manager::Dnf | Manager::Microdnf => "Pin the version (`pkg-1.2.3`)",
        Manager::Zypper => "Pin the version (`pkg=1.2.3`)",
        Manager::Pip => "Pin the version (`pkg==1.2.3`) or install from a requirements file with hashes",
        Manager::Npm | Manager::Yarn | Manager::Pnpm => {
            "Pin the version (`pkg@1.2.3`) or install from the lock file (`npm ci`)"
        }
        Manager::Gem => "Pin the version (`gem install pkg:1.2.3`) or use `bundle install` with a Gemfile.lock",
        Manager::Go => "Pin the module version (`path@v1.2.3`)",
        Manager::Cargo => "Pin the version (`cargo install crate@1.2.3 --locked`)",
        Manager::Poetry => "Pin the version (`poetry add pkg==1.2.3`) and install from `poetry.lock`",
        Manager::Pacman => "Pin the version",
    }
}

impl Rule for PackageVersionUnpinned {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            for inv in &run.invocations {
                // pacman cannot install an older version from its repositories.
                if !inv.installs()
                    || inv.flags.lock_file
                    || inv.flags.build_dep
                    || matches!(inv.manager, Manager::Pacman | Manager::AptMark)
                {
                    continue;
                }
                for package in inv.packages.iter().filter(|p| p.is_unpinned()) {
                    cx.report(
                        package.word.span,
                        format!(
                            "`{}` installs `{}` without a version",
                            inv.display(),
                            package.word.text
                        ),
                    )
                    .help(how_to_pin(inv.manager));
                }
            }
        }
    }
}

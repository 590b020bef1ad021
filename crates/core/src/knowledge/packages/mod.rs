//! Package managers in `RUN`: which manager a command runs, what it does (install, refresh
//! the index, upgrade, remove, clean, mark), the packages it names with their version pins,
//! the flags that matter to rules, and the idioms of well-built images that undo an install
//! in the same `RUN`.
//!
//! Managers understood: `apt-get`/`apt` and `apt-mark`, `apk`, `yum`/`dnf`/`microdnf`,
//! `zypper`, `pacman`, `pip`/`pip3`/`python -m pip`, `poetry`, `npm`/`yarn`/`pnpm`, `gem`,
//! `go install`/`go get` and `cargo install`, also behind wrappers (`sudo`, `env`, `xargs`).
//!
//! Everything here reads the shell analysis ([`crate::syntax::shell`]): words with quotes
//! removed, commands in source order, substitutions and `sh -c` strings included. A package
//! word that is (partly) an expansion (`$PHPIZE_DEPS`, `"postgresql-$PG_MAJOR"`) is
//! [`PackageKind::Unknown`]: rules never guess what it names. A version written through a
//! variable (`"pkg=$VERSION"`) still counts as a pin.
//!
//! # Idioms that remove what a `RUN` installed ([`RunPackages::removed_later`])
//! - a later `apt-get purge`/`remove`, `apk del`, `yum`/`dnf remove`, `zypper remove`,
//!   `pacman -R` naming the package;
//! - `apk add --virtual NAME …` then `apk del NAME`;
//! - the official images' apt idiom: `savedAptMark="$(apt-mark showmanual)"`, installs,
//!   `apt-mark auto '.*'` (or `apt-mark showmanual | xargs apt-mark auto`), `apt-mark manual
//!   $savedAptMark`, then `apt-get purge -y --auto-remove` (or `apt-get autoremove`): every
//!   package installed after the snapshot and before the `apt-mark auto` is removed, except
//!   the ones marked manual again by name.
//!
//! # Cache cleanup ([`RunPackages::cleaned_after`])
//! `rm -rf /var/lib/apt/lists/*` (or a parent directory), `apt-get dist-clean`,
//! `rm -rf /var/cache/apk/*`, `yum`/`dnf`/`microdnf clean all`, `zypper clean`,
//! `pip cache purge`, `npm cache clean`, `yarn cache clean`, `pnpm store prune`, `rm` or
//! `find … -delete` of the cache directory — later in the same `RUN`. Cache mounts
//! (`RUN --mount=type=cache`) and `PIP_NO_CACHE_DIR` are in [`image`].

pub mod image;
mod parse;
mod tables;
#[cfg(test)]
mod tests;

pub use tables::{BuildTool, RiskyPackage, build_tool, risky_package};

use crate::source::Span;
use crate::syntax::shell::{Command, CommandView, RedirectOp, Script, Word};

/// A package manager program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Manager {
    /// `apt-get`, `apt`.
    Apt,
    /// `apt-mark`.
    AptMark,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Zypper,
    Pacman,
    /// `pip`, `pip3`, `pip3.12`, `python -m pip`.
    Pip,
    Npm,
    Yarn,
    Pnpm,
    Gem,
    /// `go install`, `go get`.
    Go,
    /// `cargo install`.
    Cargo,
    /// `poetry install` (from `poetry.lock`), `poetry add`.
    Poetry,
}

/// The operating-system package families: one package database each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum System {
    /// Debian and Ubuntu (`apt-get`, `apt`, `apt-mark`).
    Apt,
    /// Alpine.
    Apk,
    /// RHEL, Fedora, `CentOS`, Amazon Linux (`yum`, `dnf`, `microdnf`).
    Rpm,
    /// openSUSE and SLES.
    Zypper,
    /// Arch Linux.
    Pacman,
}

impl Manager {
    /// The operating-system family, for the system package managers.
    pub fn system(self) -> Option<System> {
        match self {
            Manager::Apt | Manager::AptMark => Some(System::Apt),
            Manager::Apk => Some(System::Apk),
            Manager::Yum | Manager::Dnf | Manager::Microdnf => Some(System::Rpm),
            Manager::Zypper => Some(System::Zypper),
            Manager::Pacman => Some(System::Pacman),
            _ => None,
        }
    }

    /// Whether two managers share a package database or an index.
    pub fn same_family(self, other: Manager) -> bool {
        match (self.system(), other.system()) {
            (Some(a), Some(b)) => a == b,
            _ => self == other,
        }
    }
}

/// What an invocation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `install`, `add`, `reinstall`, `build-dep`, `localinstall`, `groupinstall`, `pip
    /// install`, `npm ci`, `go install`, `pacman -S pkg`.
    Install,
    /// Refreshes the package index only: `apt-get update`, `apk update`, `yum makecache`,
    /// `zypper refresh`, `pacman -Sy`.
    Refresh,
    /// `upgrade`, `dist-upgrade`, `yum update`, `zypper update`, `pacman -Syu`.
    Upgrade,
    /// `remove`, `purge`, `del`, `erase`, `uninstall`, `pacman -R`.
    Remove,
    /// `apt-get autoremove`, `dnf autoremove`.
    Autoremove,
    /// `clean`, `dist-clean`, `apk cache clean`, `npm cache clean`, `pnpm store prune`.
    Clean,
    /// `apt-mark auto`.
    MarkAuto,
    /// `apt-mark manual`.
    MarkManual,
    /// `apt-mark showmanual`.
    ShowManual,
    /// Anything else (`search`, `info`, `run`, `config`…).
    Other,
}

/// How a package argument names what it installs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PackageKind {
    /// A package of the manager's repository or registry (`curl`, `flask==3.0`).
    Named,
    /// Made (partly) of expansions: what it names is not known before the build.
    Unknown,
    /// A local file or directory (`./x.deb`, `.`, `dist/app.whl`), or a module resolved by
    /// the project's own lock (`go install ./cmd/app`, `go install example.com/x` in module
    /// mode).
    Local,
    /// A URL or a VCS reference (`git+https://…`, `github:user/repo`).
    Remote,
    /// A capability rather than a package (`so:libc.musl…`, `cmd:curl`).
    Provider,
    /// A group, pattern or module (`@development-tools`, `zypper in -t pattern x`).
    Group,
}

/// A package named on a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package<'a> {
    pub word: &'a Word,
    /// The name without version, release, architecture or extras, lower-cased for
    /// repository packages (`libc6-dev:amd64=2.36` → `libc6-dev`).
    pub name: String,
    /// The version constraint as written (`2.36`, `==1.0`, `>=2`), or a marker when the
    /// pin comes from elsewhere (`-v` of `gem install`, a pip constraints file).
    pub version: Option<String>,
    pub kind: PackageKind,
}

impl Package<'_> {
    /// A repository package with no version: what pinning rules report.
    pub fn is_unpinned(&self) -> bool {
        self.kind == PackageKind::Named && self.version.is_none()
    }
}

/// Flags of an invocation that rules ask about.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// Confirmation prompts are answered: `-y`, `--yes`, `--assume-yes`, apt's quiet level 2
    /// (`-qq`, `-q=2`, which implies `-y`), `-o APT::Get::Assume-Yes=true`, `yum
    /// --assumeyes`, `zypper -n`/`--non-interactive`/`install -y`, `pacman --noconfirm`,
    /// or a manager that never prompts (`microdnf`, `apk`, `pip`…).
    pub assume_yes: bool,
    /// `--no-install-recommends` or `-o APT::Install-Recommends=false`.
    pub no_install_recommends: bool,
    /// No cache is left where the manager keeps it by default: `apk --no-cache`, `pip
    /// --no-cache-dir` (or `PIP_NO_CACHE_DIR` set on the command), or a cache directory
    /// chosen on the command line (`pip --cache-dir`, `npm --cache`, `yarn --cache-folder`),
    /// which the author manages.
    pub no_cache: bool,
    /// `apk --no-network`: nothing is downloaded.
    pub no_network: bool,
    /// The invocation refreshes the package index itself: `apt-get install --update`, `apk
    /// add -U`, `dnf --refresh`, `pacman -Sy`, and every [`Operation::Refresh`].
    pub refresh: bool,
    /// `--auto-remove`/`--autoremove` (or an [`Operation::Autoremove`]).
    pub auto_remove: bool,
    /// Installs what a lock or requirements file says: `npm ci`, `pip install -r`,
    /// `--require-hashes`, `yarn install --frozen-lockfile`/`--immutable`, `pnpm install
    /// --frozen-lockfile`, `gem install -g`, `poetry install`.
    pub lock_file: bool,
    /// `npm install -g`, `yarn global add`, `pnpm add -g`.
    pub global: bool,
    /// `apt-get build-dep`: installs the build dependencies of a source package.
    pub build_dep: bool,
    /// For `apt-mark auto`: every package is marked (`'.*'`, no literal name, fed by
    /// `xargs`).
    pub mark_all: bool,
    /// Every `clean` target is cleaned (`yum clean all`, `zypper clean`, `apt-get clean`).
    pub clean_all: bool,
}

/// One package-manager command of a `RUN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation<'a> {
    /// The shell command (wrappers included).
    pub command: &'a Command,
    pub manager: Manager,
    /// The manager's own argv: `words[0]` is the program (or `pip` after `python -m`).
    pub view: CommandView<'a>,
    /// The subcommand word (`install`, `add`, `-S` for pacman), when there is one.
    pub subcommand: Option<&'a Word>,
    pub operation: Operation,
    /// Operands after the subcommand (options and their values removed).
    pub operands: Vec<&'a Word>,
    /// Packages among the operands, for installs and removals.
    pub packages: Vec<Package<'a>>,
    pub flags: Flags,
    /// `apk add --virtual NAME`: the virtual package's name.
    pub virtual_name: Option<String>,
}

impl Invocation<'_> {
    /// Position of the shell command in the script.
    pub fn index(&self) -> usize {
        self.command.index
    }

    /// From the program word to the subcommand: the span rules report for the invocation.
    pub fn span(&self) -> Span {
        let start = self.view.program().map_or(self.command.span, |w| w.span);
        match self.subcommand {
            Some(sub) if sub.span.start >= start.start => start.cover(sub.span),
            _ => start,
        }
    }

    /// `apt-get install`, `pip install`, `pacman -S` for messages.
    pub fn display(&self) -> String {
        let program = self
            .view
            .program()
            .map_or("?", |w| crate::syntax::shell::basename(&w.text));
        match self.subcommand {
            Some(sub) => format!("{program} {}", sub.text),
            None => program.to_owned(),
        }
    }

    /// The cache this invocation fills, when it writes one that stays in the layer.
    pub fn fills_cache(&self) -> Option<Cache> {
        let op = self.operation;
        let installs = matches!(op, Operation::Install | Operation::Upgrade);
        match self.manager {
            Manager::Apt => (op == Operation::Refresh || (installs && self.flags.refresh))
                .then_some(Cache::AptLists),
            Manager::Apk => ((installs || op == Operation::Refresh)
                && !self.flags.no_cache
                && !self.flags.no_network)
                .then_some(Cache::Apk),
            Manager::Yum | Manager::Dnf | Manager::Microdnf => {
                (installs || op == Operation::Refresh).then_some(Cache::Rpm)
            }
            Manager::Zypper => (installs || op == Operation::Refresh).then_some(Cache::Zypper),
            Manager::Pip => {
                (op == Operation::Install && !self.flags.no_cache).then_some(Cache::Pip)
            }
            Manager::Npm => {
                (op == Operation::Install && !self.flags.no_cache).then_some(Cache::Npm)
            }
            Manager::Yarn => {
                (op == Operation::Install && !self.flags.no_cache).then_some(Cache::Yarn)
            }
            Manager::Pnpm => {
                (op == Operation::Install && !self.flags.no_cache).then_some(Cache::Pnpm)
            }
            _ => None,
        }
    }

    /// The invocation installs packages (or build dependencies).
    pub fn installs(&self) -> bool {
        self.operation == Operation::Install
    }
}

/// A cache a package manager leaves in the image layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cache {
    /// `/var/lib/apt/lists`, written by `apt-get update`.
    AptLists,
    /// `/var/cache/apk`.
    Apk,
    /// `/var/cache/yum`, `/var/cache/dnf`.
    Rpm,
    /// `/var/cache/zypp`.
    Zypper,
    /// `~/.cache/pip`.
    Pip,
    /// `~/.npm`.
    Npm,
    /// `/usr/local/share/.cache/yarn`, `~/.cache/yarn`.
    Yarn,
    /// The pnpm store.
    Pnpm,
}

/// A directory, absolute or relative to a home directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Abs(&'static str),
    /// Relative to `$HOME` (`/root` for root, `/home/<user>` otherwise).
    Home(&'static str),
}

impl Cache {
    /// Where the cache lives.
    pub fn dirs(self) -> &'static [Dir] {
        match self {
            Cache::AptLists => &[Dir::Abs("/var/lib/apt/lists")],
            Cache::Apk => &[Dir::Abs("/var/cache/apk"), Dir::Abs("/etc/apk/cache")],
            Cache::Rpm => &[
                Dir::Abs("/var/cache/yum"),
                Dir::Abs("/var/cache/dnf"),
                Dir::Abs("/var/cache/libdnf5"),
            ],
            Cache::Zypper => &[Dir::Abs("/var/cache/zypp")],
            Cache::Pip => &[Dir::Home(".cache/pip")],
            Cache::Npm => &[Dir::Home(".npm")],
            Cache::Yarn => &[
                Dir::Abs("/usr/local/share/.cache/yarn"),
                Dir::Home(".cache/yarn"),
                Dir::Home(".yarn/berry/cache"),
            ],
            Cache::Pnpm => &[
                Dir::Home(".local/share/pnpm/store"),
                Dir::Home(".pnpm-store"),
                Dir::Home(".cache/pnpm"),
            ],
        }
    }

    /// What the cache holds, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Cache::AptLists => "the apt package lists (`/var/lib/apt/lists`)",
            Cache::Apk => "the apk index cache (`/var/cache/apk`)",
            Cache::Rpm => {
                "the yum/dnf metadata and package cache (`/var/cache/yum`, `/var/cache/dnf`)"
            }
            Cache::Zypper => "the zypper cache (`/var/cache/zypp`)",
            Cache::Pip => "the pip download cache (`~/.cache/pip`)",
            Cache::Npm => "the npm cache (`~/.npm`)",
            Cache::Yarn => "the yarn cache",
            Cache::Pnpm => "the pnpm store",
        }
    }

    /// The usual fix, for help texts.
    pub fn fix(self) -> &'static str {
        match self {
            Cache::AptLists => {
                "End the same RUN with `rm -rf /var/lib/apt/lists/*`, or use `RUN --mount=type=cache,target=/var/lib/apt/lists`"
            }
            Cache::Apk => {
                "Use `apk add --no-cache`, or end the same RUN with `rm -rf /var/cache/apk/*`"
            }
            Cache::Rpm => {
                "End the same RUN with `yum clean all` (or `dnf clean all`), or use a cache mount"
            }
            Cache::Zypper => "End the same RUN with `zypper clean --all`, or use a cache mount",
            Cache::Pip => {
                "Use `pip install --no-cache-dir` (or `ENV PIP_NO_CACHE_DIR=1`), or a cache mount on `/root/.cache/pip`"
            }
            Cache::Npm => {
                "End the same RUN with `npm cache clean --force`, or use a cache mount on `/root/.npm`"
            }
            Cache::Yarn => {
                "End the same RUN with `yarn cache clean`, or use a cache mount on the yarn cache"
            }
            Cache::Pnpm => {
                "End the same RUN with `pnpm store prune`, or use a cache mount on the pnpm store"
            }
        }
    }

    /// Whether `path` (an `rm` operand or a mount target) is this cache's directory or one
    /// of its parents.
    pub fn covered_by(self, path: &str) -> bool {
        self.dirs().iter().any(|d| dir_covered_by(*d, path))
    }
}

/// Whether removing or mounting `path` covers `dir`.
pub fn dir_covered_by(dir: Dir, path: &str) -> bool {
    let path = normalise_path(path);
    if path.is_empty() || path == "/" {
        return false;
    }
    let within = |base: &str, p: &str| base == p || base.starts_with(&format!("{p}/"));
    match dir {
        Dir::Abs(d) => within(d, &path),
        Dir::Home(rel) => home_relative(&path).is_some_and(|r| !r.is_empty() && within(rel, r)),
    }
}

/// `path` without trailing `/`, `/.`, `/*`.
fn normalise_path(path: &str) -> String {
    let mut p = path.trim();
    loop {
        let before = p.len();
        for suffix in ["/*", "/.", "/"] {
            if p.len() > suffix.len() {
                p = p.strip_suffix(suffix).unwrap_or(p);
            }
        }
        if p.len() == before {
            break;
        }
    }
    p.to_owned()
}

/// The part of `path` after a home directory (`~/`, `$HOME/`, `${HOME}/`, `/root/`,
/// `/home/<user>/`).
fn home_relative(path: &str) -> Option<&str> {
    for prefix in ["~/", "$HOME/", "${HOME}/", "/root/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return Some(rest);
        }
    }
    if matches!(path, "~" | "$HOME" | "${HOME}" | "/root") {
        return Some("");
    }
    let rest = path.strip_prefix("/home/")?;
    Some(rest.split_once('/').map_or("", |(_, r)| r))
}

/// Every package-manager invocation of a script, in source order.
pub fn invocations(script: &Script) -> Vec<Invocation<'_>> {
    script.commands().filter_map(parse::invocation).collect()
}

/// The package-manager activity of every `RUN` of one analysed Dockerfile, worked out on
/// first use and then shared by the rules that read it (several do), instead of each rule
/// analysing every script again.
#[derive(Debug)]
pub struct SharedRuns<'d> {
    scripts: Vec<Option<&'d Script>>,
    runs: std::cell::OnceCell<Vec<Option<RunPackages<'d>>>>,
}

impl<'d> SharedRuns<'d> {
    /// For the scripts of a Dockerfile's instructions (`scripts[i]` for instruction `i`).
    pub fn new(scripts: Vec<Option<&'d Script>>) -> Self {
        Self {
            scripts,
            runs: std::cell::OnceCell::new(),
        }
    }
}

/// The shared package analysis of a Dockerfile's `RUN`s, by instruction index (see
/// [`SharedRuns`]; a trait so that [`crate::rule::Ctx`] can hold it without another
/// lifetime).
pub trait PackagesOfRuns {
    /// The analysis of instruction `index`'s script, when it has one.
    fn run(&self, index: usize) -> Option<&RunPackages<'_>>;
}

impl PackagesOfRuns for SharedRuns<'_> {
    fn run(&self, index: usize) -> Option<&RunPackages<'_>> {
        let runs = self.runs.get_or_init(|| {
            self.scripts
                .iter()
                .map(|s| s.map(RunPackages::new))
                .collect()
        });
        runs.get(index)?.as_ref()
    }
}

/// The package-manager activity of one `RUN`.
#[derive(Clone, Debug)]
pub struct RunPackages<'a> {
    pub script: &'a Script,
    pub invocations: Vec<Invocation<'a>>,
}

impl<'a> RunPackages<'a> {
    /// Analyses a `RUN` script.
    pub fn new(script: &'a Script) -> Self {
        Self {
            script,
            invocations: invocations(script),
        }
    }

    /// Installs and their packages, in source order.
    pub fn installed(&self) -> impl Iterator<Item = (&Invocation<'a>, &Package<'a>)> + '_ {
        self.invocations
            .iter()
            .filter(|i| i.installs())
            .flat_map(|i| i.packages.iter().map(move |p| (i, p)))
    }

    /// Whether the package `name` ([`Package::name`]), installed by `install`, is removed
    /// later in the same `RUN` (see the module docs for the idioms). For `apt-get build-dep`,
    /// whose packages are not named, pass an empty name: only the apt-mark idiom removes them.
    pub fn removed_later(&self, install: &Invocation<'_>, name: &str) -> bool {
        let at = install.index();
        let later = || self.invocations.iter().filter(move |j| j.index() > at);
        for j in later() {
            if !j.manager.same_family(install.manager) {
                continue;
            }
            if j.operation == Operation::Remove {
                let names_it = j
                    .packages
                    .iter()
                    .any(|p| p.kind != PackageKind::Unknown && p.name == name);
                let virtual_group = install
                    .virtual_name
                    .as_deref()
                    .is_some_and(|v| j.operands.iter().any(|w| !w.has_expansion && w.text == v));
                if names_it || virtual_group {
                    return true;
                }
            }
        }
        install.manager.system() == Some(System::Apt) && self.auto_removed(install, name)
    }

    /// The apt-mark idiom: marked automatic after the install, not marked manual again, then
    /// auto-removed.
    fn auto_removed(&self, install: &Invocation<'_>, name: &str) -> bool {
        let at = install.index();
        let apt = |j: &&Invocation<'_>| j.manager.system() == Some(System::Apt);
        let Some(mark) = self
            .invocations
            .iter()
            .filter(apt)
            .find(|j| j.index() > at && j.operation == Operation::MarkAuto && j.flags.mark_all)
        else {
            return false;
        };
        let Some(remove) = self.invocations.iter().filter(apt).find(|j| {
            j.index() > mark.index()
                && (j.operation == Operation::Autoremove
                    || (j.operation == Operation::Remove && j.flags.auto_remove))
        }) else {
            return false;
        };
        // A snapshot (`saved="$(apt-mark showmanual)"`) taken after the install restores it
        // through `apt-mark manual $saved`.
        let snapshot_after_install = self.invocations.iter().filter(apt).any(|j| {
            j.operation == Operation::ShowManual
                && j.command.parent.is_some()
                && j.index() > at
                && j.index() < mark.index()
        });
        for j in self.invocations.iter().filter(apt) {
            if j.index() <= mark.index()
                || j.index() >= remove.index()
                || j.operation != Operation::MarkManual
            {
                continue;
            }
            if j.packages
                .iter()
                .any(|p| p.kind == PackageKind::Named && p.name == name)
            {
                return false;
            }
            let restores_snapshot = j.packages.iter().any(|p| p.kind == PackageKind::Unknown)
                && !j.command.unwrapped().wrapped_by("xargs");
            if restores_snapshot && snapshot_after_install {
                return false;
            }
        }
        true
    }

    /// Whether a command after command `index` cleans `cache` (see the module docs).
    pub fn cleaned_after(&self, cache: Cache, index: usize) -> bool {
        let by_manager = self
            .invocations
            .iter()
            .any(|j| j.index() > index && j.operation == Operation::Clean && cleans(j, cache));
        by_manager
            || self
                .script
                .commands()
                .filter(|c| c.index > index)
                .any(|c| removes_dir(c, cache))
    }

    /// Whether an `export NAME=…` runs before command `index` (the variable is then in the
    /// environment of later commands).
    pub fn exported_before(&self, name: &str, index: usize) -> bool {
        self.script.commands().filter(|c| c.index < index).any(|c| {
            c.unwrapped().name() == Some("export")
                && c.args()
                    .iter()
                    .any(|w| w.assignment().is_some_and(|(n, _)| n == name))
        })
    }

    /// Whether the output of `yes` is piped into command `index` (answers every prompt).
    pub fn fed_by_yes(&self, index: usize) -> bool {
        self.script
            .upstream(index)
            .iter()
            .any(|c| c.unwrapped().name() == Some("yes"))
    }
}

/// Whether a clean invocation empties `cache`.
fn cleans(j: &Invocation<'_>, cache: Cache) -> bool {
    let sub = |i: usize| j.operands.get(i).map(|w| w.text.as_str());
    match (j.manager, cache) {
        (Manager::Apt, Cache::AptLists) => j
            .subcommand
            .is_some_and(|s| matches!(s.text.as_str(), "dist-clean" | "distclean")),
        (Manager::Yum | Manager::Dnf | Manager::Microdnf, Cache::Rpm)
        | (Manager::Zypper, Cache::Zypper) => j.flags.clean_all,
        (Manager::Pip, Cache::Pip) => matches!(sub(0), Some("purge" | "remove")),
        (Manager::Apk, Cache::Apk)
        | (Manager::Npm, Cache::Npm)
        | (Manager::Yarn, Cache::Yarn)
        | (Manager::Pnpm, Cache::Pnpm) => true,
        _ => false,
    }
}

/// `rm` of the cache directory (or a parent), or `find DIR … -delete`.
fn removes_dir(c: &Command, cache: Cache) -> bool {
    let view = c.unwrapped();
    match view.name() {
        Some("rm") => view
            .positional(&[])
            .iter()
            .any(|w| cache.covered_by(&w.text)),
        Some("find") => {
            let deletes = view.args().iter().any(|w| {
                w.text == "-delete"
                    || (w.text == "-exec" && view.args().iter().any(|x| x.text == "rm"))
            });
            deletes
                && view
                    .args()
                    .first()
                    .is_some_and(|w| cache.covered_by(&w.text))
        }
        _ => false,
    }
}

/// Text written by a script to files whose path satisfies `is_target`: `echo …/printf …`
/// redirected into it, heredocs (`cat <<EOF > file`), `… | tee [-a] file`, and `{ echo …;
/// } > file` groups. Only commands before `before` (a command index) are read.
pub fn text_written_to(
    script: &Script,
    before: usize,
    is_target: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    texts_written_to(script, before, is_target)
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// [`text_written_to`], each text with the index of the command that writes it.
pub fn texts_written_to(
    script: &Script,
    before: usize,
    is_target: &dyn Fn(&str) -> bool,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let writes = |op: RedirectOp| {
        matches!(
            op,
            RedirectOp::Out
                | RedirectOp::Append
                | RedirectOp::Clobber
                | RedirectOp::OutErr
                | RedirectOp::AppendOutErr
        )
    };
    for c in script.commands().filter(|c| c.index < before) {
        let into_target = c
            .redirects
            .iter()
            .any(|r| writes(r.op) && r.target.as_ref().is_some_and(|t| is_target(&t.text)))
            || script.enclosing_blocks(c.index).any(|b| {
                b.redirects
                    .iter()
                    .any(|r| writes(r.op) && r.target.as_ref().is_some_and(|t| is_target(&t.text)))
            });
        let view = c.unwrapped();
        let tee_into_target =
            view.name() == Some("tee") && view.positional(&[]).iter().any(|w| is_target(&w.text));
        if into_target {
            out.extend(printed_text(c).into_iter().map(|t| (c.index, t)));
        }
        if tee_into_target {
            for up in script.upstream(c.index) {
                out.extend(printed_text(up).into_iter().map(|t| (c.index, t)));
            }
            out.extend(
                c.redirects
                    .iter()
                    .filter_map(|r| r.heredoc.as_ref().map(|h| (c.index, h.body.clone()))),
            );
        }
    }
    out
}

/// What a command prints: the arguments of `echo`/`printf`, heredoc bodies fed to `cat`.
fn printed_text(c: &Command) -> Vec<String> {
    let view = c.unwrapped();
    let mut out = Vec::new();
    match view.name() {
        Some("echo" | "printf") => {
            out.push(
                view.args()
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        Some("cat") => {}
        _ => return out,
    }
    out.extend(
        c.redirects
            .iter()
            .filter_map(|r| r.heredoc.as_ref().map(|h| h.body.clone())),
    );
    out
}

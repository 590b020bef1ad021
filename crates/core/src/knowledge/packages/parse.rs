//! Reading one command as a package-manager invocation: the manager, its subcommand, its
//! options (global ones before the subcommand included) and its package operands.

use super::{Flags, Invocation, Manager, Operation, Package, PackageKind};
use crate::syntax::shell::{Command, CommandView, Word};

/// The command as a package-manager invocation, when it runs one.
pub(super) fn invocation(command: &Command) -> Option<Invocation<'_>> {
    let view = command.unwrapped();
    let program = view.program()?;
    if program.has_expansion {
        return None;
    }
    let (manager, view) = identify(view)?;
    let mut inv = Invocation {
        command,
        manager,
        view,
        subcommand: None,
        operation: Operation::Other,
        operands: Vec::new(),
        packages: Vec::new(),
        flags: Flags::default(),
        virtual_name: None,
    };
    match manager {
        Manager::Apt => apt(&mut inv),
        Manager::AptMark => apt_mark(&mut inv),
        Manager::Apk => apk(&mut inv),
        Manager::Yum | Manager::Dnf | Manager::Microdnf => rpm(&mut inv),
        Manager::Zypper => zypper(&mut inv),
        Manager::Pacman => pacman(&mut inv),
        Manager::Pip => pip(&mut inv),
        Manager::Npm => npm(&mut inv),
        Manager::Yarn | Manager::Pnpm => yarn_pnpm(&mut inv),
        Manager::Gem => gem(&mut inv),
        Manager::Go => go(&mut inv),
        Manager::Cargo => cargo(&mut inv),
        Manager::Poetry => poetry(&mut inv),
    }
    // `go build`, `cargo test`: the toolchain, not a package manager.
    if matches!(manager, Manager::Go | Manager::Cargo | Manager::Poetry)
        && inv.operation == Operation::Other
    {
        return None;
    }
    Some(inv)
}

fn identify(view: CommandView<'_>) -> Option<(Manager, CommandView<'_>)> {
    let name = view.name()?;
    let manager = match name {
        "apt-get" | "apt" => Manager::Apt,
        "apt-mark" => Manager::AptMark,
        "apk" => Manager::Apk,
        "yum" => Manager::Yum,
        "dnf" | "dnf5" | "dnf-3" => Manager::Dnf,
        "microdnf" => Manager::Microdnf,
        "zypper" => Manager::Zypper,
        "pacman" => Manager::Pacman,
        "npm" => Manager::Npm,
        "yarn" | "yarnpkg" => Manager::Yarn,
        "pnpm" => Manager::Pnpm,
        "gem" => Manager::Gem,
        "go" => Manager::Go,
        "cargo" => Manager::Cargo,
        "poetry" => Manager::Poetry,
        n if versioned_program(n, "pip") => Manager::Pip,
        n if versioned_program(n, "python") => {
            return python_m_pip(&view).map(|v| (Manager::Pip, v));
        }
        _ => return None,
    };
    Some((manager, view))
}

/// `pip`, `pip3`, `pip3.12`; `python`, `python3.11`.
fn versioned_program(name: &str, base: &str) -> bool {
    name.strip_prefix(base)
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// `python3 [-opts] -m pip …` seen from the `pip` word on.
fn python_m_pip<'a>(view: &CommandView<'a>) -> Option<CommandView<'a>> {
    let words = view.words;
    let mut i = 1;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "-m" {
            let module = words.get(i + 1)?;
            return matches!(module.text.as_str(), "pip" | "pip3").then(|| CommandView {
                command: view.command,
                words: &words[i + 1..],
                wrappers: view.wrappers.clone(),
            });
        }
        if matches!(t, "-mpip" | "-mpip3") {
            return Some(CommandView {
                command: view.command,
                words: &words[i..],
                wrappers: view.wrappers.clone(),
            });
        }
        if matches!(t, "-W" | "-X") {
            i += 2;
            continue;
        }
        if !t.starts_with('-') || t == "-c" || t == "-" {
            return None;
        }
        i += 1;
    }
    None
}

/// The first operand (the subcommand) and the operands after it.
fn split<'a>(view: &CommandView<'a>, value_opts: &[&str]) -> (Option<&'a Word>, Vec<&'a Word>) {
    let operands = view.positional(value_opts);
    match operands.split_first() {
        Some((sub, rest)) => (Some(*sub), rest.to_vec()),
        None => (None, Vec::new()),
    }
}

/// Position of `word` among the view's arguments.
fn position_of(view: &CommandView<'_>, word: &Word) -> Option<usize> {
    view.args().iter().position(|w| std::ptr::eq(w, word))
}

/// `text` with every expansion (`$X`, `${X…}`, `$(…)`, `` `…` ``) replaced by NUL.
pub(super) fn skeleton(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let close = |open: char, close: char, from: usize| {
        let mut depth = 0usize;
        let mut j = from;
        while j < chars.len() {
            if chars[j] == open {
                depth += 1;
            } else if chars[j] == close {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            j += 1;
        }
        chars.len()
    };
    while i < chars.len() {
        let c = chars[i];
        match (c, chars.get(i + 1)) {
            ('$', Some('{')) => {
                i = close('{', '}', i + 1);
                out.push('\0');
            }
            ('$', Some('(')) => {
                i = close('(', ')', i + 1);
                out.push('\0');
            }
            ('$', Some(n)) if n.is_ascii_alphanumeric() || *n == '_' => {
                i += 1;
                if n.is_ascii_digit() {
                    i += 1;
                } else {
                    while chars
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                    {
                        i += 1;
                    }
                }
                out.push('\0');
            }
            ('$', Some('@' | '*' | '#' | '?' | '!' | '-')) => {
                i += 2;
                out.push('\0');
            }
            ('`', _) => {
                i += 1;
                while chars.get(i).is_some_and(|c| *c != '`') {
                    i += 1;
                }
                i += 1;
                out.push('\0');
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A package word with expansions: a literal name with a version operator is a named,
/// pinned package (`curl=$CURL_VERSION`); anything else is unknown, pinned when an operator
/// appears (`"postgresql-$PG_MAJOR=$PG_VERSION"`).
fn with_expansion<'a>(word: &'a Word, is_op: &dyn Fn(char) -> bool) -> Package<'a> {
    let sk = skeleton(&word.text);
    match sk.find(is_op) {
        // The name before the operator is literal, so skeleton and text agree up to `at`.
        Some(at) if at > 0 && !sk[..at].contains('\0') => Package {
            word,
            name: sk[..at].to_ascii_lowercase(),
            version: Some(word.text[at..].to_owned()),
            kind: PackageKind::Named,
        },
        found => Package {
            word,
            name: word.text.clone(),
            version: found.map(|_| word.text.clone()),
            kind: PackageKind::Unknown,
        },
    }
}

fn named<'a>(word: &'a Word, name: &str, version: Option<&str>) -> Package<'a> {
    Package {
        word,
        name: name.to_ascii_lowercase(),
        version: version.filter(|v| !v.is_empty()).map(str::to_owned),
        kind: PackageKind::Named,
    }
}

fn other(word: &Word, kind: PackageKind) -> Package<'_> {
    Package {
        word,
        name: word.text.clone(),
        version: None,
        kind,
    }
}

fn is_url(t: &str) -> bool {
    t.contains("://")
}

/// Whether `t` ends with one of the file extensions `exts` (given with their dot), in any
/// case.
fn has_extension(t: &str, exts: &[&str]) -> bool {
    let lower = t.to_ascii_lowercase();
    exts.iter()
        .any(|e| lower.len() > e.len() && lower.ends_with(e))
}

// ---------------------------------------------------------------------------------------
// apt-get, apt, apt-mark

const APT_VALUE: &[&str] = &[
    "-o",
    "--option",
    "-c",
    "--config-file",
    "-t",
    "--target-release",
    "--default-release",
    "-a",
    "--host-architecture",
    "-P",
    "--build-profiles",
    "--solver",
];

fn apt(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, APT_VALUE);
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        "install" | "reinstall" | "satisfy" => Operation::Install,
        "build-dep" => {
            inv.flags.build_dep = true;
            Operation::Install
        }
        "update" => Operation::Refresh,
        "upgrade" | "dist-upgrade" | "full-upgrade" => Operation::Upgrade,
        "remove" | "purge" => Operation::Remove,
        "autoremove" | "autopurge" => Operation::Autoremove,
        "clean" | "autoclean" | "auto-clean" | "distclean" | "dist-clean" => Operation::Clean,
        _ => Operation::Other,
    };
    let view = &inv.view;
    // `apt-get install -s`: a simulation installs nothing and asks nothing.
    if view.has_flag(&[
        "-s",
        "--simulate",
        "--just-print",
        "--dry-run",
        "--recon",
        "--no-act",
    ]) {
        inv.operation = Operation::Other;
    }
    let options: Vec<(String, String)> = view
        .flag_values(&["-o", "--option"])
        .iter()
        .filter_map(|v| {
            let (k, val) = v.value.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                val.trim().to_ascii_lowercase(),
            ))
        })
        .collect();
    let option = |key: &str| {
        options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let op = inv.operation;
    inv.flags.assume_yes = view.has_flag(&["-y", "--yes", "--assume-yes"])
        || apt_quiet_level(view.args()) >= 2
        || option("apt::get::assume-yes").is_some_and(is_true);
    let recommends_flag = view
        .flag_values(&["--install-recommends"])
        .iter()
        .any(|v| is_false(&v.value.to_ascii_lowercase()));
    inv.flags.no_install_recommends = view.has_flag(&["--no-install-recommends"])
        || recommends_flag
        || option("apt::install-recommends").is_some_and(is_false);
    inv.flags.refresh = op == Operation::Refresh || view.has_flag(&["--update"]);
    inv.flags.auto_remove = op == Operation::Autoremove
        || view.has_flag(&["--auto-remove", "--autoremove"])
        || option("apt::get::automaticremove").is_some_and(is_true);
    inv.flags.clean_all = op == Operation::Clean;
    if matches!(op, Operation::Install | Operation::Remove)
        && !inv.flags.build_dep
        && sub.text != "satisfy"
    {
        inv.packages = operands.iter().filter_map(|w| apt_package(w)).collect();
    }
    inv.operands = operands;
}

fn is_true(v: &str) -> bool {
    matches!(v.trim_matches('"'), "true" | "1" | "yes" | "on")
}

fn is_false(v: &str) -> bool {
    matches!(v.trim_matches('"'), "false" | "0" | "no" | "off")
}

/// apt's quiet level: one per `q` (`-q`, `-qq`, `--quiet`), or the value of `-q=N`.
fn apt_quiet_level(args: &[Word]) -> u32 {
    let mut level = 0u32;
    for w in args {
        let t = w.text.as_str();
        if t == "--" {
            break;
        }
        if let Some(v) = t.strip_prefix("--quiet=").or_else(|| t.strip_prefix("-q=")) {
            level = v.parse().unwrap_or(level);
        } else if t == "--quiet" {
            level += 1;
        } else if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            for ch in cluster.chars() {
                if !ch.is_ascii_alphanumeric() || matches!(ch, 'o' | 'c' | 't' | 'a' | 'P') {
                    break;
                }
                if ch == 'q' {
                    level += 1;
                }
            }
        }
    }
    level
}

fn apt_package(word: &Word) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    if word.has_expansion {
        return Some(with_expansion(word, &|c| c == '='));
    }
    if has_extension(t, &[".deb"]) || t.starts_with('.') || t.starts_with('/') {
        return Some(other(word, PackageKind::Local));
    }
    if t.ends_with('-') && !t.contains('=') {
        // `pkg-` asks apt to remove the package.
        return None;
    }
    let (name, version) = match t.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (t, None),
    };
    let name = name.split('/').next().unwrap_or(name);
    let name = name.split(':').next().unwrap_or(name);
    let name = name.trim_end_matches('+');
    Some(named(word, name, version))
}

fn apt_mark(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(
        &inv.view,
        &["-f", "--file", "-o", "--option", "-c", "--config-file"],
    );
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        "auto" | "markauto" => Operation::MarkAuto,
        "manual" | "unmarkauto" => Operation::MarkManual,
        "showmanual" => Operation::ShowManual,
        _ => Operation::Other,
    };
    inv.packages = operands
        .iter()
        .map(|w| {
            if w.has_expansion {
                other(w, PackageKind::Unknown)
            } else {
                named(w, &w.text, None)
            }
        })
        .collect();
    // `apt-mark auto '.*'`, `apt-mark auto $(apt-mark showmanual)`, `… | xargs apt-mark auto`.
    inv.flags.mark_all = inv.operation == Operation::MarkAuto
        && inv.packages.iter().all(|p| {
            p.kind == PackageKind::Unknown || p.name.contains('*') || p.name.starts_with('^')
        });
    inv.operands = operands;
}

// ---------------------------------------------------------------------------------------
// apk

const APK_VALUE: &[&str] = &[
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "-t",
    "--virtual",
    "--wait",
    "--timeout",
    "--cache-max-age",
    "--progress-fd",
];

fn apk(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, APK_VALUE);
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        "add" => Operation::Install,
        "del" => Operation::Remove,
        "update" => Operation::Refresh,
        "upgrade" => Operation::Upgrade,
        "cache"
            if operands
                .first()
                .is_some_and(|w| matches!(w.text.as_str(), "clean" | "purge")) =>
        {
            Operation::Clean
        }
        _ => Operation::Other,
    };
    let view = &inv.view;
    let op = inv.operation;
    inv.flags.assume_yes = !view.has_flag(&["-i", "--interactive"]);
    inv.flags.no_cache = view.has_flag(&["--no-cache"]);
    inv.flags.no_network = view.has_flag(&["--no-network"]);
    inv.flags.refresh =
        op == Operation::Refresh || view.has_flag(&["-U", "--update-cache", "--update"]);
    inv.flags.clean_all = op == Operation::Clean;
    inv.virtual_name = view
        .flag_value(&["--virtual", "-t"])
        .filter(|v| !v.word.has_expansion)
        .map(|v| v.value.to_owned());
    if matches!(op, Operation::Install | Operation::Remove) {
        inv.packages = operands.iter().filter_map(|w| apk_package(w)).collect();
    }
    inv.operands = operands;
}

fn apk_package(word: &Word) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') || t.starts_with('!') {
        return None;
    }
    let is_op = |c: char| matches!(c, '=' | '~' | '<' | '>');
    if word.has_expansion {
        return Some(with_expansion(word, &is_op));
    }
    if has_extension(t, &[".apk"]) || t.starts_with('.') || t.starts_with('/') || is_url(t) {
        return Some(other(word, PackageKind::Local));
    }
    let (name, version) = match t.find(is_op) {
        Some(at) => (&t[..at], Some(t[at..].trim_start_matches(is_op))),
        None => (t, None),
    };
    if name.contains(':') {
        return Some(other(word, PackageKind::Provider));
    }
    let name = name.split('@').next().unwrap_or(name);
    Some(named(word, name, version))
}

// ---------------------------------------------------------------------------------------
// yum, dnf, microdnf

const RPM_VALUE: &[&str] = &[
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "-x",
    "--exclude",
    "--setopt",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--rpmverbosity",
    "--forcearch",
    "--downloaddir",
    "--destdir",
    "--color",
    "--disableplugin",
    "--enableplugin",
    "--repofrompath",
    "--comment",
    "--advisory",
    "--advisories",
    "--bz",
    "--cve",
    "--sec-severity",
    "--secseverity",
    "--platform-id",
];

/// Known RPM architectures, stripped from `name.arch`.
const RPM_ARCHES: &[&str] = &[
    "x86_64", "noarch", "aarch64", "i686", "i386", "ppc64le", "ppc64", "s390x", "armv7hl", "src",
];

fn rpm(inv: &mut Invocation<'_>) {
    let (sub, mut operands) = split(&inv.view, RPM_VALUE);
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    let mut groups = false;
    inv.operation = match sub.text.as_str() {
        "install" | "in" | "reinstall" | "localinstall" | "downgrade" => Operation::Install,
        "groupinstall" => {
            groups = true;
            Operation::Install
        }
        "group" | "groups" | "module" if operands.first().is_some_and(|w| w.text == "install") => {
            operands.remove(0);
            groups = true;
            Operation::Install
        }
        "builddep" | "build-dep" => {
            inv.flags.build_dep = true;
            Operation::Install
        }
        "update" | "upgrade" | "up" | "update-minimal" | "upgrade-minimal" | "distro-sync"
        | "distrosync" | "dsync" | "dist-upgrade" => Operation::Upgrade,
        "remove" | "erase" | "rm" => Operation::Remove,
        "autoremove" => Operation::Autoremove,
        "clean" => Operation::Clean,
        "makecache" | "mc" | "check-update" | "check-upgrade" => Operation::Refresh,
        _ => Operation::Other,
    };
    let view = &inv.view;
    let op = inv.operation;
    let setopt_yes = view.flag_values(&["--setopt"]).iter().any(|v| {
        v.value
            .split_once('=')
            .is_some_and(|(k, val)| k.trim() == "assumeyes" && is_true(&val.to_ascii_lowercase()))
    });
    inv.flags.assume_yes =
        inv.manager == Manager::Microdnf || view.has_flag(&["-y", "--assumeyes"]) || setopt_yes;
    inv.flags.refresh =
        matches!(op, Operation::Refresh | Operation::Upgrade) || view.has_flag(&["--refresh"]);
    inv.flags.clean_all = op == Operation::Clean && operands.iter().any(|w| w.text == "all");
    inv.flags.auto_remove = op == Operation::Autoremove;
    if op == Operation::Install && groups {
        inv.packages = operands
            .iter()
            .map(|w| other(w, PackageKind::Group))
            .collect();
    } else if matches!(op, Operation::Install | Operation::Remove) && !inv.flags.build_dep {
        inv.packages = operands.iter().filter_map(|w| rpm_package(w)).collect();
    }
    inv.operands = operands;
}

fn rpm_package(word: &Word) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let is_op = |c: char| matches!(c, '=' | '<' | '>');
    if word.has_expansion {
        let p = with_expansion(word, &is_op);
        if p.version.is_some() {
            return Some(p);
        }
        // `rethinkdb-$VERSION`: the part after the last `-` is unknown.
        return Some(other(word, PackageKind::Unknown));
    }
    if is_url(t) {
        return Some(other(word, PackageKind::Remote));
    }
    if has_extension(t, &[".rpm"]) || t.starts_with('.') || t.starts_with('/') {
        return Some(other(word, PackageKind::Local));
    }
    if t.starts_with('@') {
        return Some(other(word, PackageKind::Group));
    }
    if let Some(at) = t.find(is_op) {
        let name = t[..at].trim();
        let version = t[at..].trim_start_matches(is_op).trim();
        return Some(named(word, name, Some(version)));
    }
    let (name, version) = rpm_name_version(t);
    Some(named(word, name, version))
}

/// `name-version[-release][.arch]` split into name and version: the version starts at the
/// first `-`-separated part that begins with a digit (or an `epoch:`) when every later part
/// does too (`java-11-openjdk` has none; `zlib-1.2.11-18.el8` has `1.2.11-18.el8`).
pub(super) fn rpm_name_version(text: &str) -> (&str, Option<&str>) {
    let base = match text.rsplit_once('.') {
        Some((b, arch)) if RPM_ARCHES.contains(&arch) => b,
        _ => text,
    };
    let starts_with_digit = |s: &str| s.as_bytes().first().is_some_and(u8::is_ascii_digit);
    let parts: Vec<&str> = base.split('-').collect();
    for i in 1..parts.len() {
        if !parts[0].is_empty() && parts[i..].iter().all(|p| starts_with_digit(p)) {
            let name_len = parts[..i].iter().map(|p| p.len() + 1).sum::<usize>() - 1;
            return (&base[..name_len], Some(&base[name_len + 1..]));
        }
    }
    (base, None)
}

// ---------------------------------------------------------------------------------------
// zypper

const ZYPPER_GLOBAL_VALUE: &[&str] = &[
    "-R",
    "--root",
    "-c",
    "--config",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "-s",
    "--table-style",
    "--userdata",
];

const ZYPPER_VALUE: &[&str] = &[
    "-R",
    "--root",
    "-c",
    "--config",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "-s",
    "--table-style",
    "--userdata",
    "-t",
    "--type",
    "-r",
    "--repo",
    "--from",
    "--download",
];

fn zypper(inv: &mut Invocation<'_>) {
    let view = inv.view.clone();
    // The subcommand: the first operand when only global options come before it.
    let global_sub = view.positional(ZYPPER_GLOBAL_VALUE).first().copied();
    let Some(sub) = global_sub else { return };
    let at = position_of(&view, sub).unwrap_or(0);
    let after = CommandView {
        command: view.command,
        words: &view.args()[at..],
        wrappers: Vec::new(),
    };
    // `after.words[0]` is the subcommand: its arguments are the operands and options.
    let operands = after.positional(ZYPPER_VALUE);
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        "install" | "in" => Operation::Install,
        "remove" | "rm" => Operation::Remove,
        "refresh" | "ref" => Operation::Refresh,
        "update" | "up" | "dist-upgrade" | "dup" | "patch" => Operation::Upgrade,
        "clean" | "cc" => Operation::Clean,
        _ => Operation::Other,
    };
    let op = inv.operation;
    let global_view = CommandView {
        command: view.command,
        words: &view.words[..=at],
        wrappers: Vec::new(),
    };
    inv.flags.assume_yes = global_view.has_flag(&["-n", "--non-interactive"])
        || after.has_flag(&["-y", "--no-confirm", "--non-interactive"]);
    inv.flags.refresh = matches!(op, Operation::Refresh | Operation::Upgrade);
    inv.flags.clean_all = op == Operation::Clean;
    let typed = after
        .flag_value(&["-t", "--type"])
        .is_some_and(|v| v.value != "package");
    if matches!(op, Operation::Install | Operation::Remove) {
        inv.packages = operands
            .iter()
            .filter_map(|w| {
                if typed || (w.text.contains(':') && !w.has_expansion && !is_url(&w.text)) {
                    Some(other(w, PackageKind::Group))
                } else {
                    rpm_package(w)
                }
            })
            .collect();
    }
    inv.operands = operands;
}

// ---------------------------------------------------------------------------------------
// pacman

const PACMAN_VALUE: &[&str] = &[
    "--overwrite",
    "-r",
    "--root",
    "-b",
    "--dbpath",
    "--cachedir",
    "--config",
    "--arch",
    "--ignore",
    "--ignoregroup",
    "--assume-installed",
    "--gpgdir",
    "--hookdir",
    "--logfile",
    "--print-format",
];

fn pacman(inv: &mut Invocation<'_>) {
    let view = &inv.view;
    let mut letters = String::new();
    let mut sub = None;
    for w in view.args() {
        let t = w.text.as_str();
        if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            if sub.is_none() && cluster.starts_with(|c: char| c.is_ascii_uppercase()) {
                sub = Some(w);
            }
            letters.push_str(cluster);
        } else if let Some(long) = t.strip_prefix("--") {
            let letter = match long {
                "sync" => "S",
                "remove" => "R",
                "upgrade" => "U",
                "refresh" => "y",
                "sysupgrade" => "u",
                "clean" => "c",
                _ => "",
            };
            if sub.is_none() && letter.starts_with(|c: char| c.is_ascii_uppercase()) {
                sub = Some(w);
            }
            letters.push_str(letter);
        }
    }
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    let operands = view.positional(PACMAN_VALUE);
    let has = |c: char| letters.contains(c);
    inv.operation = if has('S') {
        if has('c') {
            Operation::Clean
        } else if !operands.is_empty() {
            Operation::Install
        } else if has('u') {
            Operation::Upgrade
        } else if has('y') {
            Operation::Refresh
        } else {
            Operation::Other
        }
    } else if has('R') {
        Operation::Remove
    } else if has('U') {
        Operation::Install
    } else {
        Operation::Other
    };
    let op = inv.operation;
    inv.flags.assume_yes = view.has_flag(&["--noconfirm"]);
    inv.flags.refresh = has('S') && has('y');
    inv.flags.clean_all = op == Operation::Clean;
    if matches!(op, Operation::Install | Operation::Remove) {
        let local = has('U');
        inv.packages = operands
            .iter()
            .map(|w| {
                if w.has_expansion {
                    other(w, PackageKind::Unknown)
                } else if local || w.text.contains('/') || has_extension(&w.text, &[".pkg.tar.zst"])
                {
                    other(w, PackageKind::Local)
                } else {
                    named(w, &w.text, None)
                }
            })
            .collect();
    }
    inv.operands = operands;
}

// ---------------------------------------------------------------------------------------
// pip

const PIP_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--upgrade-strategy",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--progress-bar",
    "--cache-dir",
    "--log",
    "--log-file",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--global-option",
    "--install-option",
    "--config-settings",
    "-C",
    "--only-binary",
    "--no-binary",
    "--report",
    "--python",
    "--root-user-action",
    "--use-feature",
    "--use-deprecated",
    "--keyring-provider",
    "--group",
];

fn pip(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, PIP_VALUE);
    inv.flags.assume_yes = true;
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        "install" => Operation::Install,
        "uninstall" => Operation::Remove,
        "cache" => Operation::Clean,
        _ => Operation::Other,
    };
    let view = &inv.view;
    let command = inv.command;
    // `env PIP_NO_CACHE_DIR=1 pip …`: assignments among the words before pip's own.
    let before = command.words.len().saturating_sub(view.words.len());
    let env_assignment = command.words[..before]
        .iter()
        .any(|w| w.assignment().is_some_and(|(n, _)| n == "PIP_NO_CACHE_DIR"));
    inv.flags.no_cache = view.has_flag(&["--no-cache-dir", "--cache-dir"])
        || command.assignment("PIP_NO_CACHE_DIR").is_some()
        || env_assignment;
    inv.flags.lock_file = view.has_flag(&["-r", "--requirement", "--require-hashes"]);
    let constrained = view.has_flag(&["-c", "--constraint"]);
    if matches!(inv.operation, Operation::Install | Operation::Remove) {
        inv.packages = operands
            .iter()
            .filter_map(|w| pip_package(w, constrained))
            .collect();
    }
    inv.operands = operands;
}

fn pip_package(word: &Word, constrained: bool) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let is_op = |c: char| matches!(c, '=' | '<' | '>' | '~' | '!');
    if is_url(t)
        || ["git+", "hg+", "svn+", "bzr+"]
            .iter()
            .any(|p| t.starts_with(p))
    {
        return Some(other(word, PackageKind::Remote));
    }
    if word.has_expansion {
        return Some(with_expansion(word, &is_op));
    }
    if t.starts_with('.')
        || t.starts_with('/')
        || t.starts_with('~')
        || has_extension(t, &[".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"])
    {
        return Some(other(word, PackageKind::Local));
    }
    if t.contains('@') {
        return Some(other(word, PackageKind::Remote));
    }
    let spec = t.split(';').next().unwrap_or(t).trim();
    let (name, version) = match spec.find(is_op) {
        Some(at) => (&spec[..at], Some(spec[at..].trim())),
        None => (spec, None),
    };
    let name = name.split('[').next().unwrap_or(name).trim();
    let mut p = named(word, name, version);
    if p.version.is_none() && constrained {
        p.version = Some("(constraints file)".to_owned());
    }
    Some(p)
}

// ---------------------------------------------------------------------------------------
// npm, yarn, pnpm

const NPM_VALUE: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--loglevel",
    "--userconfig",
    "--globalconfig",
    "--tag",
    "--only",
    "--install-strategy",
    "--location",
];

fn npm(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, NPM_VALUE);
    inv.flags.assume_yes = true;
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    let view = &inv.view;
    let mut lock = false;
    inv.operation = match sub.text.as_str() {
        "install" | "i" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isnta"
        | "isntal" | "isntall" | "add" => Operation::Install,
        "ci" | "clean-install" | "ic" | "install-clean" | "isntall-clean" => {
            lock = true;
            Operation::Install
        }
        "uninstall" | "un" | "remove" | "rm" | "r" | "unlink" => Operation::Remove,
        "update" | "up" | "upgrade" | "udpate" => Operation::Upgrade,
        "cache" if operands.first().is_some_and(|w| w.text == "clean") => Operation::Clean,
        _ => Operation::Other,
    };
    inv.flags.lock_file = lock;
    inv.flags.no_cache = view.has_flag(&["--cache"]);
    inv.flags.global = view.has_flag(&["-g", "--global"])
        || view
            .flag_values(&["--location"])
            .iter()
            .any(|v| v.value == "global");
    inv.flags.clean_all = inv.operation == Operation::Clean;
    if matches!(inv.operation, Operation::Install | Operation::Remove) && !lock {
        inv.packages = operands.iter().filter_map(|w| npm_package(w)).collect();
    }
    inv.operands = operands;
}

const YARN_VALUE: &[&str] = &[
    "--cache-folder",
    "--modules-folder",
    "--network-timeout",
    "--registry",
    "--mutex",
    "--cwd",
    "--global-folder",
    "--link-folder",
    "--network-concurrency",
    "--filter",
    "-F",
    "-C",
    "--dir",
    "--store-dir",
    "--reporter",
];

fn yarn_pnpm(inv: &mut Invocation<'_>) {
    let (sub, mut operands) = split(&inv.view, YARN_VALUE);
    inv.flags.assume_yes = true;
    let view = &inv.view;
    let yarn = inv.manager == Manager::Yarn;
    inv.flags.lock_file = view.has_flag(&["--frozen-lockfile", "--immutable", "--pure-lockfile"]);
    inv.flags.no_cache = view.has_flag(&["--cache-folder", "--store-dir"]);
    let Some(sub) = sub else {
        // A bare `yarn` installs the project (unless it only prints its version or help);
        // a bare `pnpm` prints its help.
        if yarn && !view.has_flag(&["--version", "-v", "--help", "-h"]) {
            inv.operation = Operation::Install;
        }
        return;
    };
    inv.subcommand = Some(sub);
    let mut packages = false;
    inv.operation = match sub.text.as_str() {
        "install" | "i" => Operation::Install,
        "add" => {
            packages = true;
            Operation::Install
        }
        "global" if yarn && operands.first().is_some_and(|w| w.text == "add") => {
            operands.remove(0);
            inv.flags.global = true;
            packages = true;
            Operation::Install
        }
        "remove" | "rm" | "uninstall" | "un" => Operation::Remove,
        "cache" if yarn && operands.first().is_some_and(|w| w.text == "clean") => Operation::Clean,
        "store" if !yarn && operands.first().is_some_and(|w| w.text == "prune") => Operation::Clean,
        _ => Operation::Other,
    };
    if !yarn && view.has_flag(&["-g", "--global"]) {
        inv.flags.global = true;
    }
    inv.flags.clean_all = inv.operation == Operation::Clean;
    if packages || inv.operation == Operation::Remove {
        inv.packages = operands.iter().filter_map(|w| npm_package(w)).collect();
    }
    inv.operands = operands;
}

fn npm_package(word: &Word) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if t.starts_with('.')
        || t.starts_with('/')
        || t.starts_with('~')
        || lower.starts_with("file:")
        || has_extension(t, &[".tgz", ".tar.gz"])
    {
        return Some(other(word, PackageKind::Local));
    }
    if is_url(t)
        || ["git+", "git:", "github:", "gitlab:", "bitbucket:", "gist:"]
            .iter()
            .any(|p| lower.starts_with(p))
        || (!t.starts_with('@') && t.contains('/'))
    {
        return Some(other(word, PackageKind::Remote));
    }
    if word.has_expansion {
        let sk = skeleton(t);
        let pinned = sk.get(1..).is_some_and(|rest| rest.contains('@'));
        return Some(Package {
            word,
            name: t.to_owned(),
            version: pinned.then(|| "(variable)".to_owned()),
            kind: PackageKind::Unknown,
        });
    }
    let (name, version) = match t.get(1..).and_then(|rest| rest.rfind('@')) {
        Some(at) => (&t[..=at], Some(&t[at + 2..])),
        None => (t, None),
    };
    let version = version.filter(|v| npm_version_is_pinned(v));
    Some(named(word, name, version))
}

/// A version or range (`1.2.3`, `^1.2`, `~1`, `>=2`), not a dist-tag (`latest`, `next`) or
/// a wildcard.
fn npm_version_is_pinned(v: &str) -> bool {
    let v = v.strip_prefix("npm:").map_or(v, |alias| {
        alias
            .get(1..)
            .and_then(|r| r.rfind('@'))
            .map_or("", |at| &alias[at + 2..])
    });
    let mut chars = v.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('^' | '~' | '<' | '>' | '=') => chars.next().is_some(),
        Some('v') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// gem

const GEM_VALUE: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "--source",
    "-s",
    "-P",
    "--trust-policy",
    "--platform",
    "-g",
    "--file",
    "--build-root",
    "--target-rbconfig",
];

fn gem(inv: &mut Invocation<'_>) {
    // Arguments after `--` go to the extension's build, not to gem.
    let cut = inv
        .view
        .words
        .iter()
        .position(|w| w.text == "--")
        .unwrap_or(inv.view.words.len());
    let view = CommandView {
        command: inv.view.command,
        words: &inv.view.words[..cut],
        wrappers: inv.view.wrappers.clone(),
    };
    let (sub, operands) = split(&view, GEM_VALUE);
    inv.flags.assume_yes = true;
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        "install" | "i" => Operation::Install,
        "uninstall" => Operation::Remove,
        "update" => Operation::Upgrade,
        "cleanup" => Operation::Clean,
        _ => Operation::Other,
    };
    inv.flags.lock_file = view.has_flag(&["-g", "--file"]);
    let version_flag = view.flag_value(&["-v", "--version"]);
    if matches!(inv.operation, Operation::Install | Operation::Remove) {
        let mut packages: Vec<Package<'_>> =
            operands.iter().filter_map(|w| gem_package(w)).collect();
        // `-v` applies when a single gem is named (gem refuses it with several).
        if let (Some(v), [only]) = (version_flag, packages.as_mut_slice()) {
            if only.version.is_none() {
                only.version = Some(v.value.to_owned());
            }
        }
        inv.packages = packages;
    }
    inv.operands = operands;
}

fn gem_package(word: &Word) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    if has_extension(t, &[".gem"]) || t.starts_with('.') || t.starts_with('/') {
        return Some(other(word, PackageKind::Local));
    }
    if word.has_expansion {
        return Some(with_expansion(word, &|c| c == ':'));
    }
    let (name, version) = match t.split_once(':') {
        Some((n, v)) => (n, Some(v)),
        None => (t, None),
    };
    Some(named(word, name, version))
}

// ---------------------------------------------------------------------------------------
// go, cargo

const GO_VALUE: &[&str] = &[
    "-C",
    "-p",
    "-tags",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-mod",
    "-modfile",
    "-overlay",
    "-pkgdir",
    "-toolexec",
    "-buildmode",
    "-compiler",
    "-installsuffix",
    "-o",
    "-exec",
    "-pgo",
    "-covermode",
    "-coverpkg",
    "-gccgoflags",
];

fn go(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, GO_VALUE);
    inv.flags.assume_yes = true;
    let Some(sub) = sub else { return };
    let get = match sub.text.as_str() {
        "install" => false,
        "get" => true,
        _ => return,
    };
    inv.subcommand = Some(sub);
    inv.operation = Operation::Install;
    inv.packages = operands.iter().filter_map(|w| go_package(w, get)).collect();
    inv.operands = operands;
}

fn go_package(word: &Word, get: bool) -> Option<Package<'_>> {
    let t = word.text.as_str();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    if t.starts_with('.') || t.starts_with('/') {
        return Some(other(word, PackageKind::Local));
    }
    if word.has_expansion {
        let sk = skeleton(t);
        return Some(Package {
            word,
            name: t.to_owned(),
            version: sk.contains('@').then(|| "(variable)".to_owned()),
            kind: PackageKind::Unknown,
        });
    }
    match t.split_once('@') {
        Some((_, "none")) => None,
        Some((path, version)) => {
            let pinned = go_version_is_pinned(version);
            Some(Package {
                word,
                name: path.to_owned(),
                version: pinned.then(|| version.to_owned()),
                kind: PackageKind::Named,
            })
        }
        // Without `@`, `go install` builds what the current module's go.mod requires.
        None if !get => Some(other(word, PackageKind::Local)),
        None => Some(Package {
            word,
            name: t.to_owned(),
            version: None,
            kind: PackageKind::Named,
        }),
    }
}

/// `v1.2.3`, `1.2.3` or a commit hash; not `latest`, `upgrade`, `patch` or a branch.
fn go_version_is_pinned(v: &str) -> bool {
    let semver = v
        .strip_prefix('v')
        .unwrap_or(v)
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit);
    let hash = v.len() >= 7 && v.bytes().all(|b| b.is_ascii_hexdigit());
    semver || hash
}

const CARGO_VALUE: &[&str] = &[
    "--version",
    "--vers",
    "--git",
    "--branch",
    "--tag",
    "--rev",
    "--path",
    "--root",
    "--registry",
    "--index",
    "--features",
    "-F",
    "--target",
    "--target-dir",
    "-j",
    "--jobs",
    "--profile",
    "--bin",
    "--example",
    "--config",
    "-Z",
    "--color",
];

fn cargo(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, CARGO_VALUE);
    inv.flags.assume_yes = true;
    let Some(sub) = sub else { return };
    inv.operation = match sub.text.as_str() {
        "install" => Operation::Install,
        "uninstall" => Operation::Remove,
        _ => return,
    };
    inv.subcommand = Some(sub);
    let view = &inv.view;
    let version = view
        .flag_value(&["--version", "--vers"])
        .map(|v| v.value.to_owned());
    let git = view.flag_value(&["--git"]);
    let git_pin = view
        .flag_value(&["--rev", "--tag"])
        .map(|v| v.value.to_owned());
    let mut packages: Vec<Package<'_>> = operands
        .iter()
        .map(|w| {
            if w.has_expansion {
                return other(w, PackageKind::Unknown);
            }
            let (name, v) = match w.text.split_once('@') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (w.text.as_str(), None),
            };
            let v = v.or_else(|| version.clone()).or_else(|| git_pin.clone());
            Package {
                word: w,
                name: name.to_owned(),
                version: v,
                kind: PackageKind::Named,
            }
        })
        .collect();
    if packages.is_empty() && inv.operation == Operation::Install {
        if let Some(g) = git {
            packages.push(Package {
                word: g.word,
                name: g.value.to_owned(),
                version: git_pin,
                kind: PackageKind::Named,
            });
        }
    }
    inv.packages = packages;
    inv.operands = operands;
}

// ---------------------------------------------------------------------------------------
// poetry

const POETRY_VALUE: &[&str] = &[
    "-C",
    "--directory",
    "-P",
    "--project",
    "--with",
    "--without",
    "--only",
    "-E",
    "--extras",
    "-G",
    "--group",
    "--source",
    "--python",
    "--platform",
];

fn poetry(inv: &mut Invocation<'_>) {
    let (sub, operands) = split(&inv.view, POETRY_VALUE);
    inv.flags.assume_yes = true;
    let Some(sub) = sub else { return };
    inv.subcommand = Some(sub);
    inv.operation = match sub.text.as_str() {
        // `poetry install` installs what `poetry.lock` says.
        "install" | "sync" => {
            inv.flags.lock_file = true;
            Operation::Install
        }
        "add" => Operation::Install,
        "remove" => Operation::Remove,
        _ => Operation::Other,
    };
    if sub.text == "add" || inv.operation == Operation::Remove {
        inv.packages = operands
            .iter()
            .filter_map(|w| {
                // `pkg@^1.2` is poetry's own version syntax.
                let p = pip_package(w, false)?;
                Some(match (p.kind, w.text.split_once('@')) {
                    (PackageKind::Remote, Some((name, version)))
                        if !name.is_empty() && !version.is_empty() && !is_url(&w.text) =>
                    {
                        named(w, name, Some(version))
                    }
                    _ => p,
                })
            })
            .collect();
    }
    inv.operands = operands;
}

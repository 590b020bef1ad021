//! File modes set during the build: what a `chmod` mode grants, and every place a `RUN`
//! sets one (`chmod`, `find … -exec chmod`, `mkdir -m`, `install -m`). Shared by SW203
//! `world-writable-permissions` and SW204 `setuid-bit-set`; `COPY`/`ADD --chmod=` values
//! are read with [`parse_mode`].
//!
//! Modes are read as GNU `chmod` reads them:
//!
//! - octal, one to four digits after optional leading zeros (`777`, `0644`, `4755`,
//!   `1777`); the digits set the bits exactly;
//! - symbolic, comma-separated clauses `[ugoa]*([-+=][rwxXst]*)+` (`o+w`, `a=rwx`, `u+s`,
//!   `+t`, `go-w,u+x`). Without a `who`, `r`/`w`/`x` are filtered through the umask, which
//!   is `022` in a build, so `+w` does not reach others; `s` then applies to user and group
//!   and `t` to the file. Copy forms (`o=u`) depend on the file's current mode and are not
//!   counted as granting anything.
//!
//! A mode that depends on a variable, or `--reference=FILE`, is unknown and yields nothing.

use crate::source::Span;
use crate::syntax::shell::{Command, CommandView, Script, Word};

/// What a mode does to the bits the rules care about: `Some(true)` sets the bit,
/// `Some(false)` clears it, `None` leaves it as it was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModeEffect {
    /// Write permission for others (`o+w`, the last octal digit's `2`).
    pub others_write: Option<bool>,
    pub setuid: Option<bool>,
    pub setgid: Option<bool>,
    /// The restricted-deletion ("sticky") bit.
    pub sticky: Option<bool>,
}

impl ModeEffect {
    /// The mode grants write access to every user.
    pub fn grants_world_write(self) -> bool {
        self.others_write == Some(true)
    }

    /// The mode sets the sticky bit: in a world-writable directory only a file's owner may
    /// delete or rename it (the `/tmp` idiom, mode `1777`).
    pub fn sets_sticky(self) -> bool {
        self.sticky == Some(true)
    }

    /// `setuid`, `setgid` or `setuid and setgid`, when the mode sets either.
    pub fn special_bits(self) -> Option<&'static str> {
        match (self.setuid == Some(true), self.setgid == Some(true)) {
            (true, true) => Some("setuid and setgid bits"),
            (true, false) => Some("setuid bit"),
            (false, true) => Some("setgid bit"),
            (false, false) => None,
        }
    }
}

/// Reads a mode (octal or symbolic); `None` when it is not a valid mode.
pub fn parse_mode(mode: &str) -> Option<ModeEffect> {
    if mode.is_empty() {
        return None;
    }
    if mode.bytes().all(|b| b.is_ascii_digit()) {
        return parse_octal(mode);
    }
    parse_symbolic(mode)
}

fn parse_octal(mode: &str) -> Option<ModeEffect> {
    let significant = mode.trim_start_matches('0');
    if significant.len() > 4 || mode.bytes().any(|b| b > b'7') {
        return None;
    }
    let bits = if significant.is_empty() {
        0
    } else {
        u32::from_str_radix(significant, 8).ok()?
    };
    // Fewer than four digits leave the special bits of directories as they were (GNU
    // chmod); they never set them.
    let special = mode.len() >= 4;
    Some(ModeEffect {
        others_write: Some(bits & 0o002 != 0),
        setuid: special.then_some(bits & 0o4000 != 0),
        setgid: special.then_some(bits & 0o2000 != 0),
        sticky: special.then_some(bits & 0o1000 != 0),
    })
}

fn parse_symbolic(mode: &str) -> Option<ModeEffect> {
    let mut effect = ModeEffect::default();
    for clause in mode.split(',') {
        let who_len = clause
            .bytes()
            .take_while(|b| matches!(b, b'u' | b'g' | b'o' | b'a'))
            .count();
        let (who, mut rest) = clause.split_at(who_len);
        let explicit = !who.is_empty();
        let user = !explicit || who.contains(['u', 'a']);
        let group = !explicit || who.contains(['g', 'a']);
        let others = who.contains(['o', 'a']);
        if rest.is_empty() {
            return None;
        }
        while let Some(op) = rest.chars().next() {
            if !matches!(op, '+' | '-' | '=') {
                return None;
            }
            rest = &rest[1..];
            let perm_len = rest
                .bytes()
                .take_while(|b| matches!(b, b'r' | b'w' | b'x' | b'X' | b's' | b't'))
                .count();
            let (perms, after) = rest.split_at(perm_len);
            rest = after;
            // `o=u`: a copy of another class's bits, which depend on the file.
            if perms.is_empty() && rest.starts_with(['u', 'g', 'o']) {
                rest = &rest[1..];
                continue;
            }
            let set = |has: bool| match op {
                '+' => has.then_some(true),
                '-' => has.then_some(false),
                _ => Some(has),
            };
            let apply = |slot: &mut Option<bool>, value: Option<bool>| {
                if value.is_some() {
                    *slot = value;
                }
            };
            // Without `who`, the umask (022 in a build) shields others' `w` from `+` and `-`;
            // `=` clears it.
            if others {
                apply(&mut effect.others_write, set(perms.contains('w')));
            } else if !explicit && op == '=' {
                apply(&mut effect.others_write, Some(false));
            }
            if user {
                apply(&mut effect.setuid, set(perms.contains('s')));
            }
            if group {
                apply(&mut effect.setgid, set(perms.contains('s')));
            }
            if others || !explicit {
                apply(&mut effect.sticky, set(perms.contains('t')));
            }
        }
    }
    Some(effect)
}

/// Which command set a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeCommand {
    /// `chmod MODE FILE…`
    Chmod,
    /// `find PATH… -exec chmod MODE {} …`
    FindExecChmod,
    /// `mkdir -m MODE DIR…`
    Mkdir,
    /// `install -m MODE …`
    Install,
}

/// A mode set by a command of a `RUN`.
#[derive(Clone, Debug)]
pub struct ModeChange<'a> {
    pub command: ModeCommand,
    /// The command in the script.
    pub index: usize,
    /// The mode as written (`777`, `o+w`).
    pub mode: &'a str,
    /// The word holding the mode (`777`, `--mode=1777`).
    pub span: Span,
    pub effect: ModeEffect,
    /// `chmod -R`.
    pub recursive: bool,
    /// The files or directories the mode applies to (for `find`, its starting points).
    pub targets: Vec<&'a Word>,
    /// Every target is a directory: `mkdir -m`, `install -d`, `find -type d`, or a `chmod`
    /// of paths an earlier `mkdir` of the same script created.
    pub directories: bool,
    /// Every target is deleted by a later `rm` of the same script, so the mode never reaches
    /// the image.
    pub removed_later: bool,
}

impl ModeChange<'_> {
    /// `chmod 777`, `chmod -R 777`, `mkdir -m 1777`: the command and mode for messages.
    pub fn describe(&self) -> String {
        match self.command {
            ModeCommand::Chmod if self.recursive => format!("chmod -R {}", self.mode),
            ModeCommand::Chmod => format!("chmod {}", self.mode),
            ModeCommand::FindExecChmod => format!("find … -exec chmod {}", self.mode),
            ModeCommand::Mkdir => format!("mkdir -m {}", self.mode),
            ModeCommand::Install => format!("install -m {}", self.mode),
        }
    }

    /// `` `/app` ``, `` `/a`, `/b` `` or `` `/a` and 3 more `` for messages.
    pub fn describe_targets(&self) -> String {
        match self.targets.as_slice() {
            [] => "the files it names".to_owned(),
            [one] => format!("`{}`", one.text),
            [a, b] => format!("`{}` and `{}`", a.text, b.text),
            [first, rest @ ..] => format!("`{}` and {} more paths", first.text, rest.len()),
        }
    }
}

/// Every mode that a command of `script` sets with a known mode.
pub fn mode_changes(script: &Script) -> Vec<ModeChange<'_>> {
    let mut out = Vec::new();
    for command in script.commands() {
        let view = command.unwrapped();
        let Some(name) = view.name() else { continue };
        let args = view.args();
        let change = match name {
            "chmod" => chmod(args).map(|c| (ModeCommand::Chmod, c)),
            "find" => find_exec_chmod(args).map(|c| (ModeCommand::FindExecChmod, c)),
            "mkdir" => mode_flag(&view, MKDIR_VALUE_OPTS, true).map(|c| (ModeCommand::Mkdir, c)),
            "install" => {
                let dirs = view.has_flag(&["-d", "--directory"]);
                mode_flag(&view, INSTALL_VALUE_OPTS, dirs).map(|c| (ModeCommand::Install, c))
            }
            _ => None,
        };
        let Some((kind, parsed)) = change else {
            continue;
        };
        let Some(effect) = parse_mode(parsed.mode) else {
            continue;
        };
        let directories =
            parsed.directories || all_created_earlier(script, command, &parsed.targets);
        let removed_later = removed_later(script, command, &parsed.targets);
        out.push(ModeChange {
            command: kind,
            index: command.index,
            mode: parsed.mode,
            span: parsed.span,
            effect,
            recursive: parsed.recursive,
            targets: parsed.targets,
            directories,
            removed_later,
        });
    }
    out
}

/// What the argument parsers find.
struct Parsed<'a> {
    mode: &'a str,
    span: Span,
    recursive: bool,
    targets: Vec<&'a Word>,
    directories: bool,
}

/// `chmod [-Rcfv] [--recursive …] MODE FILE…`. Modes may start with `-` (`-w`), so a
/// dash word is an option only when all its letters are `chmod` option letters.
fn chmod(args: &[Word]) -> Option<Parsed<'_>> {
    let mut mode: Option<&Word> = None;
    let mut recursive = false;
    let mut targets = Vec::new();
    let mut operands_only = false;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        i += 1;
        let t = w.text.as_str();
        if !operands_only && mode.is_none() {
            if t == "--" {
                operands_only = true;
                continue;
            }
            if let Some(long) = t.strip_prefix("--") {
                if long.starts_with("reference") {
                    return None;
                }
                recursive |= long == "recursive";
                continue;
            }
            if t.len() > 1 && t.starts_with('-') && t[1..].bytes().all(|b| b"RcfvHLP".contains(&b))
            {
                recursive |= t.contains('R');
                continue;
            }
        }
        if mode.is_none() {
            mode = Some(w);
        } else {
            targets.push(w);
        }
    }
    let mode = mode?;
    if mode.has_expansion {
        return None;
    }
    Some(Parsed {
        mode: &mode.text,
        span: mode.span,
        recursive,
        targets,
        directories: false,
    })
}

/// `find PATH… [expr] -exec chmod MODE {} ;|+`: the first `-exec`/`-execdir` that runs
/// `chmod`.
fn find_exec_chmod(args: &[Word]) -> Option<Parsed<'_>> {
    let paths: Vec<&Word> = args
        .iter()
        .take_while(|w| !w.text.starts_with(['-', '(', '!']) || w.text == "-")
        .collect();
    let directories = args
        .windows(2)
        .any(|p| p[0].text == "-type" && p[1].text == "d");
    let start = args
        .iter()
        .position(|w| matches!(w.text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir"))?;
    let end = args[start + 1..]
        .iter()
        .position(|w| matches!(w.text.as_str(), ";" | "+"))
        .map_or(args.len(), |e| start + 1 + e);
    let exec = &args[start + 1..end];
    if exec.first().is_none_or(|w| w.basename() != "chmod") {
        return None;
    }
    let mut parsed = chmod(&exec[1..])?;
    parsed.targets = paths;
    parsed.directories = directories;
    Some(parsed)
}

const MKDIR_VALUE_OPTS: &[&str] = &["-m", "--mode"];
const INSTALL_VALUE_OPTS: &[&str] = &[
    "-m",
    "--mode",
    "-o",
    "--owner",
    "-g",
    "--group",
    "-t",
    "--target-directory",
    "-S",
    "--suffix",
];

/// `mkdir -m MODE DIR…`, `install -m MODE SRC… DEST`, `install -d -m MODE DIR…`.
fn mode_flag<'a>(
    view: &CommandView<'a>,
    value_opts: &[&str],
    directories: bool,
) -> Option<Parsed<'a>> {
    let value = view.flag_values(&["-m", "--mode"]).into_iter().last()?;
    if value.word.has_expansion {
        return None;
    }
    let positional = view.positional(value_opts);
    let targets = if directories {
        positional
    } else {
        // `install SRC… DEST`: the mode lands on what is installed into DEST.
        positional.last().copied().into_iter().collect()
    };
    Some(Parsed {
        mode: value.value,
        span: value.word.span,
        recursive: false,
        targets,
        directories,
    })
}

/// Every target is a literal or variable path that an earlier `mkdir` of the script
/// created (the same word, as written).
fn all_created_earlier(script: &Script, command: &Command, targets: &[&Word]) -> bool {
    !targets.is_empty()
        && targets.iter().all(|t| {
            script.commands().take(command.index).any(|c| {
                let v = c.unwrapped();
                v.name() == Some("mkdir") && v.args().iter().any(|a| a.text == t.text)
            })
        })
}

/// Every target is deleted by a later `rm` of the script (the same path or a parent).
fn removed_later(script: &Script, command: &Command, targets: &[&Word]) -> bool {
    !targets.is_empty()
        && targets.iter().all(|t| {
            script.commands().skip(command.index + 1).any(|c| {
                let v = c.unwrapped();
                v.name() == Some("rm")
                    && v.args()
                        .iter()
                        .filter(|a| !a.text.starts_with('-'))
                        .any(|a| {
                            let removed = a.text.trim_end_matches('/');
                            !removed.is_empty()
                                && (t.text == removed
                                    || t.text
                                        .strip_prefix(removed)
                                        .is_some_and(|rest| rest.starts_with('/')))
                        })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{MappedText, shell};

    fn effect(mode: &str) -> ModeEffect {
        parse_mode(mode).unwrap_or_else(|| panic!("{mode} does not parse"))
    }

    #[test]
    fn octal_modes() {
        assert!(effect("777").grants_world_write());
        assert!(effect("666").grants_world_write());
        assert!(effect("0777").grants_world_write());
        assert!(effect("00002").grants_world_write());
        assert!(!effect("755").grants_world_write());
        assert!(!effect("0644").grants_world_write());
        assert!(!effect("775").grants_world_write());
        assert!(effect("1777").sets_sticky());
        assert!(!effect("777").sets_sticky());
        assert_eq!(effect("4755").special_bits(), Some("setuid bit"));
        assert_eq!(effect("2755").special_bits(), Some("setgid bit"));
        assert_eq!(
            effect("6755").special_bits(),
            Some("setuid and setgid bits")
        );
        assert_eq!(effect("3777").special_bits(), Some("setgid bit"));
        assert_eq!(effect("0755").special_bits(), None);
        assert_eq!(
            effect("755").setuid,
            None,
            "three digits leave the bits alone"
        );
        assert_eq!(effect("0755").setuid, Some(false));
        for bad in ["8", "0788", "17777", "", "9"] {
            assert!(parse_mode(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn symbolic_modes() {
        assert!(effect("o+w").grants_world_write());
        assert!(effect("a+w").grants_world_write());
        assert!(effect("a=rwx").grants_world_write());
        assert!(effect("ugo+rwx").grants_world_write());
        assert!(effect("u+x,o+w").grants_world_write());
        assert!(effect("o=rw").grants_world_write());
        assert!(
            !effect("+w").grants_world_write(),
            "the umask keeps w from others"
        );
        assert!(!effect("u+w").grants_world_write());
        assert!(!effect("o-w").grants_world_write());
        assert!(!effect("o+w,o-w").grants_world_write());
        assert!(!effect("o=r").grants_world_write());
        assert!(
            !effect("o=u").grants_world_write(),
            "copies are not counted"
        );
        assert!(!effect("u+x").grants_world_write());
        assert!(!effect("-w").grants_world_write());
        assert!(effect("+t").sets_sticky());
        assert!(effect("a+rwxt").sets_sticky());
        assert!(!effect("u+t").sets_sticky());
        assert_eq!(effect("u+s").special_bits(), Some("setuid bit"));
        assert_eq!(effect("g+s").special_bits(), Some("setgid bit"));
        assert_eq!(effect("+s").special_bits(), Some("setuid and setgid bits"));
        assert_eq!(effect("a+s").special_bits(), Some("setuid and setgid bits"));
        assert_eq!(
            effect("ug+rws").special_bits(),
            Some("setuid and setgid bits")
        );
        assert_eq!(effect("o+s").special_bits(), None);
        assert_eq!(effect("u-s").special_bits(), None);
        assert_eq!(effect("a-s").special_bits(), None);
        assert_eq!(effect("u+s,u-s").special_bits(), None);
        assert_eq!(effect("u=rwx").setuid, Some(false));
        assert!(!effect("o+w,=r").grants_world_write());
        for bad in ["o+q", "z+w", "u", "o+w,", "u+w;"] {
            assert!(parse_mode(bad).is_none(), "{bad}");
        }
        // No-op modes are valid.
        assert_eq!(effect("+"), ModeEffect::default());
        assert!(effect("o+w-").grants_world_write());
    }

    #[test]
    fn any_short_mode_parses_without_panicking() {
        const CHARS: [char; 18] = [
            'u', 'g', 'o', 'a', '+', '-', '=', 'r', 'w', 'x', 'X', 's', 't', ',', '0', '1', '7',
            'é',
        ];
        let mut accepted = 0;
        for a in CHARS {
            for b in CHARS {
                for c in CHARS {
                    for d in CHARS {
                        let mode: String = [a, b, c, d].iter().collect();
                        accepted += usize::from(parse_mode(&mode).is_some());
                    }
                }
            }
        }
        // Sanity: a good share of the combinations are valid modes, and not all.
        assert!(accepted > 1_000 && accepted < 18usize.pow(4), "{accepted}");
    }

    fn changes(src: &str) -> Vec<(String, String, bool, bool, bool)> {
        let script = shell::parse(&MappedText::contiguous(src, 0));
        mode_changes(&script)
            .into_iter()
            .map(|c| {
                (
                    c.describe(),
                    c.describe_targets(),
                    c.effect.grants_world_write(),
                    c.directories,
                    c.removed_later,
                )
            })
            .collect::<Vec<_>>()
    }

    #[test]
    fn commands_that_set_modes() {
        assert_eq!(
            changes("chmod 777 /app"),
            [("chmod 777".into(), "`/app`".into(), true, false, false)]
        );
        assert_eq!(
            changes("chmod -R 777 /app /data"),
            [(
                "chmod -R 777".into(),
                "`/app` and `/data`".into(),
                true,
                false,
                false
            )]
        );
        assert_eq!(
            changes("chmod --recursive a+w /srv"),
            [("chmod -R a+w".into(), "`/srv`".into(), true, false, false)]
        );
        assert_eq!(
            changes("chmod -w /etc/x"),
            [("chmod -w".into(), "`/etc/x`".into(), false, false, false)]
        );
        assert_eq!(
            changes("sudo chmod -v 0666 /dev/x"),
            [("chmod 0666".into(), "`/dev/x`".into(), true, false, false)]
        );
        assert_eq!(
            changes("mkdir -p /data && chmod 777 /data"),
            [("chmod 777".into(), "`/data`".into(), true, true, false)]
        );
        assert_eq!(
            changes("d=\"$(mktemp -d)\" && chmod 777 \"$d\" && work && rm -rf \"$d\""),
            [("chmod 777".into(), "`$d`".into(), true, false, true)]
        );
        assert_eq!(
            changes("chmod 777 /tmp/build/out && rm -rf /tmp/build"),
            [(
                "chmod 777".into(),
                "`/tmp/build/out`".into(),
                true,
                false,
                true
            )]
        );
        assert_eq!(
            changes("rm -rf /app && chmod 777 /app"),
            [("chmod 777".into(), "`/app`".into(), true, false, false)]
        );
        assert_eq!(
            changes("mkdir -pm 777 /data"),
            [("mkdir -m 777".into(), "`/data`".into(), true, true, false)]
        );
        assert_eq!(
            changes("install -d -m 1777 /var/lib/app"),
            [(
                "install -m 1777".into(),
                "`/var/lib/app`".into(),
                true,
                true,
                false
            )]
        );
        assert_eq!(
            changes("install --mode=4755 -o root build/tool /usr/local/bin/"),
            [(
                "install -m 4755".into(),
                "`/usr/local/bin/`".into(),
                false,
                false,
                false
            )]
        );
        assert_eq!(
            changes("find /srv -type d -exec chmod 777 {} +"),
            [(
                "find … -exec chmod 777".into(),
                "`/srv`".into(),
                true,
                true,
                false
            )]
        );
        assert_eq!(
            changes("sh -c 'chmod o+w /var/log/app'"),
            [(
                "chmod o+w".into(),
                "`/var/log/app`".into(),
                true,
                false,
                false
            )]
        );
        // Unknown or absent modes.
        assert!(changes("chmod $MODE /app").is_empty());
        assert!(changes("chmod --reference=/etc/passwd /app").is_empty());
        assert!(changes("chmod").is_empty());
        assert!(changes("mkdir -p /data").is_empty());
        assert!(changes("install -m \"$M\" a /b").is_empty());
        assert!(changes("echo chmod 777 /app").is_empty());
        assert!(changes("find / -perm /6000 -type f -print").is_empty());
    }
}

//! Questions rules ask about a command: its program, its arguments and flags, and the real
//! program behind wrappers such as `sudo` or `env`.

use super::{Command, Word};

/// Shells whose `-c` string or standard input is a script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

/// Shell options that take a value (so that the value is not read as the script operand).
const SHELL_VALUE_OPTS: &[&str] = &["-o", "+o", "-O", "+O", "--rcfile", "--init-file"];

/// The value of an option: `-o file`, `-ofile`, `--output=file` or `--output file`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlagValue<'a> {
    /// The word holding the value (the option's own word when the value is attached).
    pub word: &'a Word,
    /// The value text.
    pub value: &'a str,
}

/// A command seen as the program it runs: `sudo -u app env A=b curl -k …` viewed as
/// `curl -k …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandView<'a> {
    pub command: &'a Command,
    /// The program and its arguments (a suffix of `command.words`).
    pub words: &'a [Word],
    /// Wrapper program words that were skipped, outermost first (`sudo`, `env`…).
    pub wrappers: Vec<&'a Word>,
}

impl Command {
    /// The program word as written.
    pub fn program(&self) -> Option<&Word> {
        self.words.first()
    }

    /// Basename of the program (`/usr/bin/curl` → `curl`); `None` when there is no program
    /// word or it is made of expansions only (`$CC`, `"$(which curl)"`).
    pub fn name(&self) -> Option<&str> {
        program_name(&self.words)
    }

    /// Arguments after the program.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or_default()
    }

    /// The command itself as a view, without unwrapping.
    pub fn view(&self) -> CommandView<'_> {
        CommandView {
            command: self,
            words: &self.words,
            wrappers: Vec::new(),
        }
    }

    /// The real program behind wrappers: `sudo [opts]`, `doas`, `env [opts] [A=b…]`,
    /// `nohup`, `exec`, `time`, `command` (not `command -v`), `builtin`, `nice [-n N]`,
    /// `ionice`, `timeout [opts] DURATION`, `xargs [opts]`, `stdbuf`, `gosu USER`,
    /// `su-exec USER`, `chroot DIR`, `eatmydata`, `busybox APPLET`, nested in any order. A
    /// wrapper with no program after it is its own view. `sh -c '…'`/`su -c '…'` strings are
    /// not unwrapped here: they are parsed as nested scripts (context `ShellC`), and
    /// [`CommandView::script_arg`] gives the string word.
    pub fn unwrapped(&self) -> CommandView<'_> {
        let mut start = 0;
        let mut wrappers = Vec::new();
        while let Some(next) = self.words.get(start..).and_then(unwrap_once) {
            wrappers.push(&self.words[start]);
            start += next;
        }
        CommandView {
            command: self,
            words: &self.words[start..],
            wrappers,
        }
    }

    /// Runs program `name`, directly or behind wrappers, or runs the wrapper `name`
    /// (`env A=1 sudo apt-get …` runs `env`, `sudo` and `apt-get`).
    pub fn runs(&self, name: &str) -> bool {
        match self.name() {
            Some(n) if n == name => true,
            Some(n) if is_wrapper(n) => {
                let view = self.unwrapped();
                view.name() == Some(name) || view.wrapped_by(name)
            }
            _ => false,
        }
    }

    /// Any of the flags `names` is present in the arguments (see [`CommandView::has_flag`]).
    pub fn has_flag(&self, names: &[&str]) -> bool {
        has_flag(self.args(), names)
    }

    /// Value of the first of the options `names` that has one (see
    /// [`CommandView::flag_value`]).
    pub fn flag_value(&self, names: &[&str]) -> Option<FlagValue<'_>> {
        flag_values(self.args(), names).into_iter().next()
    }

    /// Values of every occurrence of the options `names`.
    pub fn flag_values(&self, names: &[&str]) -> Vec<FlagValue<'_>> {
        flag_values(self.args(), names)
    }

    /// Arguments that are not options (see [`CommandView::positional`]).
    pub fn positional(&self, takes_value: &[&str]) -> Vec<&Word> {
        positional(self.args(), takes_value)
    }

    /// Value of the leading assignment `NAME=…`, if any (`PIP_INDEX_URL=x pip …`).
    pub fn assignment(&self, name: &str) -> Option<&str> {
        self.assignments
            .iter()
            .filter_map(Word::assignment)
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

impl<'a> CommandView<'a> {
    /// The program word.
    pub fn program(&self) -> Option<&'a Word> {
        self.words.first()
    }

    /// Basename of the program; `None` when it is made of expansions only.
    pub fn name(&self) -> Option<&'a str> {
        program_name(self.words)
    }

    /// Arguments after the program.
    pub fn args(&self) -> &'a [Word] {
        self.words.get(1..).unwrap_or_default()
    }

    /// The program is wrapped by `name` (`sudo`, `env`…).
    pub fn wrapped_by(&self, name: &str) -> bool {
        self.wrappers.iter().any(|w| w.basename() == name)
    }

    /// Any of the flags `names` is present. Long names (`--insecure`) match `--insecure` and
    /// `--insecure=…`; one-letter names (`-k`) also match inside a cluster of short options
    /// (`-fsSLk`), read up to the first character that is not a letter or digit (where an
    /// attached value starts). Other single-dash names (`-name`) match the whole word.
    /// `--kill` never matches `-k`. Arguments after `--` are not options.
    pub fn has_flag(&self, names: &[&str]) -> bool {
        has_flag(self.args(), names)
    }

    /// Value of the first of the options `names` that has one: `-o file`, `-ofile`,
    /// `-sSLo file`, `--output=file`, `--output file`. Options other than `names` are assumed
    /// to take no value.
    pub fn flag_value(&self, names: &[&str]) -> Option<FlagValue<'a>> {
        flag_values(self.args(), names).into_iter().next()
    }

    /// Values of every occurrence of the options `names`.
    pub fn flag_values(&self, names: &[&str]) -> Vec<FlagValue<'a>> {
        flag_values(self.args(), names)
    }

    /// Arguments that are not options nor option values, best effort: `takes_value` lists
    /// the options whose value is the next word (`&["-o", "--output"]`); every argument
    /// after `--` is positional, and so is `-`.
    pub fn positional(&self, takes_value: &[&str]) -> Vec<&'a Word> {
        positional(self.args(), takes_value)
    }

    /// The program is a shell (`sh`, `bash`, `ash`, `dash`, `zsh`, `ksh`, `mksh`).
    pub fn is_shell(&self) -> bool {
        self.name().is_some_and(|n| SHELLS.contains(&n))
    }

    /// The command string of `sh -c STRING` (any shell; `-c` may sit in a cluster such as
    /// `-ec`) or `su -c STRING` / `runuser -c STRING` / `su --command STRING`.
    pub fn script_arg(&self) -> Option<&'a Word> {
        self.script_arg_index().map(|i| &self.words[i])
    }

    /// Index into `self.words` of the `-c` string.
    pub(super) fn script_arg_index(&self) -> Option<usize> {
        let args = self.args();
        let found = if self.is_shell() {
            if !has_flag(args, &["-c"]) {
                return None;
            }
            positional(args, SHELL_VALUE_OPTS).into_iter().next()
        } else if matches!(self.name(), Some("su" | "runuser")) {
            let value = flag_values(args, &["-c", "--command"]).into_iter().next()?;
            // Only a value that is a whole word maps onto the word's text.
            (value.value.len() == value.word.text.len()).then_some(value.word)
        } else {
            None
        }?;
        args.iter()
            .position(|w| std::ptr::eq(w, found))
            .map(|i| i + 1)
    }

    /// The program is a shell that reads its script from standard input: no `-c` string and
    /// no script file operand (or `-s`).
    pub fn reads_script_from_stdin(&self) -> bool {
        if !self.is_shell() || has_flag(self.args(), &["-c"]) {
            return false;
        }
        has_flag(self.args(), &["-s"]) || positional(self.args(), SHELL_VALUE_OPTS).is_empty()
    }
}

fn program_name(words: &[Word]) -> Option<&str> {
    let w = words.first()?;
    if w.expansion_only {
        return None;
    }
    let name = w.basename();
    (!name.is_empty()).then_some(name)
}

const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "nohup",
    "exec",
    "time",
    "command",
    "builtin",
    "nice",
    "ionice",
    "timeout",
    "xargs",
    "stdbuf",
    "gosu",
    "su-exec",
    "chroot",
    "eatmydata",
    "busybox",
];

fn is_wrapper(name: &str) -> bool {
    WRAPPERS.contains(&name)
}

/// When `words[0]` is a wrapper followed by a program, how many words to skip to reach it.
fn unwrap_once(words: &[Word]) -> Option<usize> {
    let name = program_name(words)?;
    let args = &words[1..];
    let next = match name {
        "sudo" => {
            const VALUE: &[&str] = &[
                "-u",
                "-g",
                "-h",
                "-p",
                "-C",
                "-D",
                "-r",
                "-t",
                "-U",
                "-T",
                "--user",
                "--group",
                "--host",
                "--prompt",
                "--close-from",
                "--chdir",
                "--role",
                "--type",
                "--other-user",
                "--command-timeout",
            ];
            skip_options(args, VALUE)
        }
        "doas" => skip_options(args, &["-u", "-C"]),
        "env" => {
            const VALUE: &[&str] = &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"];
            let mut i = skip_options(args, VALUE);
            while args.get(i).is_some_and(|w| w.assignment().is_some()) {
                i += 1;
            }
            i
        }
        "nohup" | "eatmydata" => skip_options(args, &[]),
        "exec" => skip_options(args, &["-a"]),
        "time" => skip_options(args, &["-f", "--format", "-o", "--output"]),
        "command" | "builtin" => {
            if has_flag(args, &["-v", "-V"]) {
                return None;
            }
            skip_options(args, &[])
        }
        "nice" => skip_options(args, &["-n", "--adjustment"]),
        "ionice" => skip_options(args, &["-c", "--class", "-n", "--classdata", "-p", "--pid"]),
        "timeout" => skip_options(args, &["-s", "--signal", "-k", "--kill-after"]) + 1,
        "xargs" => {
            const VALUE: &[&str] = &[
                "-a",
                "-d",
                "-E",
                "-I",
                "-L",
                "-n",
                "-P",
                "-s",
                "--arg-file",
                "--delimiter",
                "--eof",
                "--replace",
                "--max-lines",
                "--max-args",
                "--max-procs",
                "--max-chars",
                "--process-slot-var",
            ];
            skip_options(args, VALUE)
        }
        "stdbuf" => skip_options(args, &["-i", "-o", "-e", "--input", "--output", "--error"]),
        "gosu" | "su-exec" => skip_options(args, &[]) + 1,
        "chroot" => skip_options(args, &["--userspec", "--groups"]) + 1,
        "busybox" => 0,
        _ => return None,
    };
    let program = args.get(next)?;
    if program.text.starts_with('-') && name == "busybox" {
        return None;
    }
    Some(next + 1)
}

/// Index of the first argument that is not an option of the wrapper (POSIX order: options
/// stop at the first operand; `--` is skipped).
fn skip_options(args: &[Word], takes_value: &[&str]) -> usize {
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return i + 1;
        }
        if t == "-" || !t.starts_with('-') {
            return i;
        }
        i += 1;
        if t.starts_with("--") {
            if !t.contains('=') && takes_value.contains(&t) {
                i += 1;
            }
            continue;
        }
        // A short cluster: the first value-taking letter consumes the rest, or the next word.
        for (ci, ch) in t.char_indices().skip(1) {
            if takes_value.iter().any(|n| is_short(n, ch)) {
                if ci + ch.len_utf8() == t.len() {
                    i += 1;
                }
                break;
            }
        }
    }
    i
}

/// `name` is the one-letter option `-ch`.
fn is_short(name: &str, ch: char) -> bool {
    let mut chars = name.chars();
    chars.next() == Some('-') && chars.next() == Some(ch) && chars.next().is_none()
}

/// One item of an argument list.
enum Arg<'a> {
    Short(char, Option<FlagValue<'a>>),
    Long(&'a str, Option<FlagValue<'a>>),
    Positional(&'a Word),
}

/// Walks `args` GNU style (options may follow operands). `takes_value` names options whose
/// value may be the next word; `exact` names single-dash multi-letter options that are read
/// as a whole word instead of a cluster.
fn scan<'a>(args: &'a [Word], takes_value: &[&str], exact: &[&str], f: &mut dyn FnMut(Arg<'a>)) {
    let mut next = 0;
    let mut operands_only = false;
    while let Some(word) = args.get(next) {
        next += 1;
        let text = word.text.as_str();
        if operands_only || text == "-" || !text.starts_with('-') {
            f(Arg::Positional(word));
            continue;
        }
        if text == "--" {
            operands_only = true;
            continue;
        }
        let (name, attached) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        let single_long = !text.starts_with("--")
            && name.len() > 2
            && (exact.contains(&name) || takes_value.contains(&name));
        if text.starts_with("--") || single_long {
            let value = match attached {
                Some(value) => Some(FlagValue { word, value }),
                None if takes_value.contains(&name) => {
                    let next_word = args.get(next);
                    next += usize::from(next_word.is_some());
                    next_word.map(|w| FlagValue {
                        word: w,
                        value: &w.text,
                    })
                }
                None => None,
            };
            f(Arg::Long(name, value));
            continue;
        }
        for (ci, ch) in text.char_indices().skip(1) {
            if !ch.is_ascii_alphanumeric() {
                break;
            }
            if takes_value.iter().any(|n| is_short(n, ch)) {
                let rest = &text[ci + ch.len_utf8()..];
                let value = if rest.is_empty() {
                    let next_word = args.get(next);
                    next += usize::from(next_word.is_some());
                    next_word.map(|w| FlagValue {
                        word: w,
                        value: &w.text,
                    })
                } else {
                    Some(FlagValue { word, value: rest })
                };
                f(Arg::Short(ch, value));
                break;
            }
            f(Arg::Short(ch, None));
        }
    }
}

fn matches_name(names: &[&str], arg: &Arg<'_>) -> bool {
    match arg {
        Arg::Short(ch, _) => names.iter().any(|n| is_short(n, *ch)),
        Arg::Long(name, _) => names.contains(name),
        Arg::Positional(_) => false,
    }
}

pub(super) fn has_flag(args: &[Word], names: &[&str]) -> bool {
    let mut found = false;
    scan(args, &[], names, &mut |arg| {
        found |= matches_name(names, &arg);
    });
    found
}

fn flag_values<'a>(args: &'a [Word], names: &[&str]) -> Vec<FlagValue<'a>> {
    let mut out = Vec::new();
    scan(args, names, names, &mut |arg| {
        if matches_name(names, &arg) {
            if let Arg::Short(_, Some(v)) | Arg::Long(_, Some(v)) = arg {
                out.push(v);
            }
        }
    });
    out
}

fn positional<'a>(args: &'a [Word], takes_value: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    scan(args, takes_value, takes_value, &mut |arg| {
        if let Arg::Positional(w) = arg {
            out.push(w);
        }
    });
    out
}

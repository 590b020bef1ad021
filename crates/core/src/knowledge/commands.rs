//! What commands in `RUN` do: download, interpret a script, verify a file, take a password.

use crate::knowledge::secrets;
use crate::source::Span;
use crate::syntax::shell::{Command, CommandView, Context, Script};

/// Programs that fetch remote content.
pub const DOWNLOADERS: [&str; 4] = ["curl", "wget", "aria2c", "fetch"];

/// Whether `name` downloads.
pub fn is_downloader(name: &str) -> bool {
    DOWNLOADERS.contains(&name)
}

/// Programs that run a script given to them.
pub fn is_interpreter(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash"
            | "ash"
            | "dash"
            | "zsh"
            | "ksh"
            | "mksh"
            | "perl"
            | "ruby"
            | "node"
            | "nodejs"
            | "php"
            | "pwsh"
            | "powershell"
            | "deno"
            | "bun"
            | "eval"
            | "source"
            | "."
    ) || name.starts_with("python")
}

/// Whether an interpreter command reads its program from standard input (`sh`, `bash -s`,
/// `python3 -`, `perl`), rather than from `-c`/`-e` or a file operand.
pub fn reads_program_from_stdin(view: &CommandView<'_>) -> bool {
    let Some(name) = view.name() else {
        return false;
    };
    if view.is_shell() {
        return view.reads_script_from_stdin()
            || (!view.has_flag(&["-c"])
                && view
                    .positional(&["-o", "+o", "-O", "+O"])
                    .first()
                    .is_some_and(|w| w.text == "-"));
    }
    if !is_interpreter(name) || matches!(name, "eval" | "source" | ".") {
        return false;
    }
    if view.has_flag(&[
        "-c",
        "-e",
        "-r",
        "--eval",
        "-m",
        "--command",
        "-Command",
        "-p",
    ]) {
        return false;
    }
    let pos = view.positional(&["-W", "-X", "-I", "--require", "-r"]);
    pos.first().is_none_or(|w| w.text == "-")
}

/// A downloaded script executed without verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteExecution {
    /// The downloader command.
    pub download: Span,
    /// From the downloader to the interpreter (the finding's span).
    pub span: Span,
    /// `curl`.
    pub downloader: String,
    /// `sh`.
    pub interpreter: String,
    /// `piped into`, `run through process substitution by`, …
    pub how: &'static str,
}

/// Every place a download is fed straight to an interpreter: `curl … | sh`,
/// `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(wget -O- …)"`.
pub fn remote_executions(script: &Script) -> Vec<RemoteExecution> {
    let mut out = Vec::new();
    for c in script.commands() {
        let view = c.unwrapped();
        let Some(dl) = view.name() else { continue };
        if !is_downloader(dl) {
            continue;
        }
        // Piped into an interpreter that reads its program from stdin.
        if let Some(d) = script
            .downstream(c.index)
            .into_iter()
            .find(|d| reads_program_from_stdin(&d.unwrapped()))
        {
            out.push(RemoteExecution {
                download: c.span,
                span: c.span.cover(d.span),
                downloader: dl.to_owned(),
                interpreter: d.unwrapped().name().unwrap_or("sh").to_owned(),
                how: "piped into",
            });
            continue;
        }
        // The output of a substitution that an interpreter runs.
        if let Some((owner, how)) = substitution_runner(script, c) {
            let name = owner
                .unwrapped()
                .name()
                .map_or_else(|| "the shell".to_owned(), str::to_owned);
            out.push(RemoteExecution {
                download: c.span,
                span: owner.span.cover(c.span),
                downloader: dl.to_owned(),
                interpreter: name,
                how,
            });
        }
    }
    out
}

/// When `c` sits in a substitution whose output is executed: the executing command.
fn substitution_runner<'a>(
    script: &'a Script,
    c: &'a Command,
) -> Option<(&'a Command, &'static str)> {
    let mut cur = c;
    for _ in 0..8 {
        let parent = cur.parent?;
        let owner = script.command(parent.command)?;
        let via_subst = matches!(
            cur.context,
            Context::CommandSubst | Context::Backquote | Context::ProcessSubstIn
        ) || script.enclosing_blocks(cur.index).next().is_some_and(|b| {
            matches!(
                b.kind,
                crate::syntax::shell::BlockKind::CommandSubst
                    | crate::syntax::shell::BlockKind::Backquote
                    | crate::syntax::shell::BlockKind::ProcessSubstIn
            )
        });
        if via_subst {
            let view = owner.unwrapped();
            let process = cur.context == Context::ProcessSubstIn
                || script
                    .enclosing_blocks(cur.index)
                    .next()
                    .is_some_and(|b| b.kind == crate::syntax::shell::BlockKind::ProcessSubstIn);
            // `$(curl …)` as the program word itself runs the output as a command.
            if matches!(parent.part, crate::syntax::shell::Part::Word(0)) && owner.name().is_none()
            {
                return Some((owner, "executed as a command by"));
            }
            if let Some(name) = view.name() {
                if is_interpreter(name) {
                    if process {
                        return Some((owner, "run through process substitution by"));
                    }
                    // `sh -c "$(curl …)"`: the substitution is the `-c` string.
                    let is_script = view.script_arg().is_some_and(|w| {
                        w.span.start <= cur.span.start && cur.span.end <= w.span.end
                    });
                    if is_script || matches!(name, "eval" | "source" | ".") {
                        return Some((owner, "run through command substitution by"));
                    }
                }
            }
            return None;
        }
        // `sh -c '…'` strings and heredoc scripts: keep climbing.
        if !matches!(cur.context, Context::ShellC | Context::HeredocScript) {
            return None;
        }
        cur = owner;
    }
    None
}

/// Passwords given literally on command lines: `--password=…`, `--password …`,
/// `mysql -p…`, `docker login -p …`, `sshpass -p …`. Returns the span of the password and
/// what it is.
pub fn cli_passwords(script: &Script) -> Vec<(Span, &'static str)> {
    let mut out = Vec::new();
    for c in script.commands() {
        let view = c.unwrapped();
        let Some(name) = view.name() else { continue };
        let mut push = |value: &crate::syntax::shell::FlagValue<'_>, what: &'static str| {
            if value.word.has_expansion
                || secrets::is_placeholder(value.value)
                || value.value.is_empty()
            {
                return;
            }
            // The value is the end of its word (`--password=x`, `-px`, or a whole word).
            let end = value.word.span.end;
            let len = crate::source::to_u32(value.value.len());
            let start = end.saturating_sub(len).max(value.word.span.start);
            out.push((Span::new(start, end), what));
        };
        for v in view.flag_values(&["--password", "--passwd"]) {
            push(&v, "A password");
        }
        let is_mysql = matches!(
            name,
            "mysql"
                | "mysqladmin"
                | "mysqldump"
                | "mariadb"
                | "mariadb-dump"
                | "mariadb-admin"
                | "mysqlimport"
        );
        if is_mysql {
            // Only `-pSECRET`: a separate word after `-p` is a database name.
            for v in view.flag_values(&["-p"]) {
                if v.word.text.len() > v.value.len() {
                    push(&v, "A MySQL password");
                }
            }
        }
        let docker_login =
            name == "docker" && view.args().first().is_some_and(|w| w.text == "login");
        if docker_login
            || name == "sshpass"
            || name == "podman" && view.args().first().is_some_and(|w| w.text == "login")
        {
            for v in view.flag_values(&["-p"]) {
                push(&v, "A password");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{MappedText, shell};

    fn parse(s: &str) -> Script {
        shell::parse(&MappedText::contiguous(s, 0))
    }

    fn remote(s: &str) -> Vec<(String, String, &'static str)> {
        remote_executions(&parse(s))
            .into_iter()
            .map(|r| (r.downloader, r.interpreter, r.how))
            .collect()
    }

    #[test]
    fn remote_scripts() {
        assert_eq!(remote("curl -fsSL https://x/install.sh | sh").len(), 1);
        assert_eq!(
            remote("curl -fsSL https://x/install.sh | sudo -E bash -").len(),
            1
        );
        assert_eq!(remote("wget -qO- https://x | bash -s -- --yes").len(), 1);
        assert_eq!(remote("curl -s x | tee /tmp/i.sh | sh").len(), 1);
        assert_eq!(remote("bash <(curl -fsSL https://x)").len(), 1);
        assert_eq!(remote("sh -c \"$(curl -fsSL https://x)\"").len(), 1);
        assert_eq!(remote("eval \"$(curl -fsSL https://x)\"").len(), 1);
        assert_eq!(remote("curl -fsSL https://x | python3 -").len(), 1);
        assert_eq!(remote("curl -fsSL https://x | python3").len(), 1);
        // Not executions.
        assert!(remote("curl -fsSL https://x | tar -xz").is_empty());
        assert!(
            remote(
                "curl -s https://api/x | python3 -c 'import sys,json; print(json.load(sys.stdin))'"
            )
            .is_empty()
        );
        assert!(remote("curl -fsSL https://x -o i.sh && sha256sum -c sums && sh i.sh").is_empty());
        assert!(remote("echo \"$(curl -s https://x/version)\"").is_empty());
        assert!(remote("curl -s https://x | gpg --dearmor -o /k.gpg").is_empty());
    }

    #[test]
    fn passwords_on_command_lines() {
        let s = "mysql -uroot -pS3cretPw db && mysql -p dbname && docker login -p hunter22x -u me && cmd --password=$PW && app --password=changeme && x --password=Zq8vT0kens";
        let found: Vec<_> = cli_passwords(&parse(s))
            .into_iter()
            .map(|(sp, _)| &s[sp.range()])
            .collect();
        assert_eq!(found, ["S3cretPw", "hunter22x", "Zq8vT0kens"]);
    }
}

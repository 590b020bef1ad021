//! What commands in `RUN` do: download, interpret a script, verify a file, take a password.

use crate::knowledge::secrets;
use crate::source::Span;
use crate::syntax::shell::{Command, CommandView, Context, RedirectOp, Script, Word};

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

/// Where a download is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownloadTarget {
    /// A file, as the command names it (`go.tgz`, `/usr/local/bin/gosu`, `$f`); expansions
    /// are kept as written.
    File(String),
    /// Standard output (`curl URL`, `wget -qO- URL`).
    Stdout,
    /// A name the command does not show (`curl -OJ`, `wget "$url"`).
    Unknown,
}

/// One URL fetched by a downloader command.
#[derive(Clone, Debug)]
pub struct Download<'a> {
    pub command: &'a Command,
    /// `curl`, `wget`, `aria2c`, `fetch`.
    pub downloader: &'a str,
    /// The URL word, when one was found.
    pub url: Option<&'a Word>,
    pub target: DownloadTarget,
}

/// curl options whose value is the next word.
const CURL_VALUE_OPTS: &[&str] = &[
    "-o",
    "--output",
    "-H",
    "--header",
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--data-ascii",
    "-u",
    "--user",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-x",
    "--proxy",
    "-X",
    "--request",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "-w",
    "--write-out",
    "-T",
    "--upload-file",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-r",
    "--range",
    "-C",
    "--continue-at",
    "-K",
    "--config",
    "--cacert",
    "--capath",
    "--cert",
    "-E",
    "--key",
    "--output-dir",
    "-F",
    "--form",
    "--limit-rate",
    "-z",
    "--time-cond",
    "--resolve",
    "--interface",
    "--proto",
    "--proto-redir",
    "--max-filesize",
    "--max-redirs",
    "-Y",
    "--speed-limit",
    "-y",
    "--speed-time",
    "-Q",
    "--quote",
    "--netrc-file",
    "--oauth2-bearer",
    "--url",
    "--ciphers",
    "--cert-type",
    "--key-type",
    "--pass",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "-D",
    "--dump-header",
    "--connect-to",
    "--dns-servers",
    "--local-port",
    "--tls-max",
    "--proxy-user",
    "-U",
    "--header-file",
];

/// wget options whose value is the next word (`-o` is the log file, not the output).
const WGET_VALUE_OPTS: &[&str] = &[
    "-O",
    "--output-document",
    "-o",
    "--output-file",
    "-a",
    "--append-output",
    "-P",
    "--directory-prefix",
    "-t",
    "--tries",
    "-T",
    "--timeout",
    "-U",
    "--user-agent",
    "--header",
    "-e",
    "--execute",
    "-i",
    "--input-file",
    "-B",
    "--base",
    "--post-data",
    "--post-file",
    "--user",
    "--password",
    "--http-user",
    "--http-password",
    "--ca-certificate",
    "--certificate",
    "--private-key",
    "--load-cookies",
    "--save-cookies",
    "-w",
    "--wait",
    "--limit-rate",
    "-Q",
    "--quota",
    "-l",
    "--level",
    "-A",
    "--accept",
    "-R",
    "--reject",
    "-D",
    "--domains",
    "-X",
    "--exclude-directories",
    "-I",
    "--include-directories",
    "--progress",
    "--referer",
    "--method",
    "--body-data",
    "--body-file",
    "--ca-directory",
    "--bind-address",
];

/// aria2c and fetch options whose value is the next word.
const OTHER_VALUE_OPTS: &[&str] = &[
    "-o",
    "--out",
    "-d",
    "--dir",
    "-x",
    "-s",
    "-j",
    "-i",
    "--input-file",
    "--header",
    "--checksum",
    "-T",
    "-N",
];

/// The last path segment of a URL (query and fragment removed); `None` when the URL text
/// does not show it (`$url`, `https://host/`).
pub fn url_file_name(url: &str) -> Option<&str> {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..end];
    let (_, rest) = url.split_once("://")?;
    let (_, path) = rest.split_once('/')?;
    let name = path.rsplit('/').next().unwrap_or(path);
    (!name.is_empty()).then_some(name)
}

fn looks_like_url(word: &Word) -> bool {
    word.text.contains("://")
}

/// The URL operands of a downloader: words with `://`, else the last operand.
fn url_words<'a>(view: &CommandView<'a>, value_opts: &[&str]) -> Vec<&'a Word> {
    let mut urls: Vec<&Word> = view
        .flag_values(&["--url"])
        .into_iter()
        .map(|v| v.word)
        .collect();
    let positional = view.positional(value_opts);
    urls.extend(positional.iter().copied().filter(|w| looks_like_url(w)));
    if urls.is_empty() {
        urls.extend(positional.last().copied());
    }
    urls
}

fn join_dir(dir: Option<&str>, name: &str) -> String {
    match dir {
        Some(d) if !d.is_empty() => format!("{}/{name}", d.trim_end_matches('/')),
        _ => name.to_owned(),
    }
}

fn named_by_url(url: &Word, dir: Option<&str>) -> DownloadTarget {
    match url_file_name(&url.text) {
        Some(name) => DownloadTarget::File(join_dir(dir, name)),
        None => DownloadTarget::Unknown,
    }
}

fn file_or_stdout(value: &str, dir: Option<&str>) -> DownloadTarget {
    match value {
        "-" | "/dev/stdout" => DownloadTarget::Stdout,
        "" => DownloadTarget::Unknown,
        v if v.starts_with('/') => DownloadTarget::File(v.to_owned()),
        v => DownloadTarget::File(join_dir(dir, v)),
    }
}

/// The file a command's standard output is redirected to (`> f`, `>> f`).
pub fn stdout_file(c: &Command) -> Option<&Word> {
    c.redirects
        .iter()
        .filter(|r| {
            matches!(
                r.op,
                RedirectOp::Out
                    | RedirectOp::Append
                    | RedirectOp::Clobber
                    | RedirectOp::OutErr
                    | RedirectOp::AppendOutErr
            ) && r.fd.is_none_or(|fd| fd == 1)
        })
        .filter_map(|r| r.target.as_ref())
        .next_back()
}

/// The URLs a command downloads and where each goes, when the command is a downloader
/// (behind wrappers too). `curl -o F`, `curl -O` (the URL's last segment), `--output-dir`,
/// `wget` (the URL's last segment unless `-O`), `wget -P DIR`, `wget -O-`, `aria2c -o/-d`,
/// `fetch -o`; standard output redirected to a file counts as that file.
pub fn downloads_of(c: &Command) -> Vec<Download<'_>> {
    let view = c.unwrapped();
    let Some(name) = view.name() else {
        return Vec::new();
    };
    if !is_downloader(name) {
        return Vec::new();
    }
    let value_opts = match name {
        "curl" => CURL_VALUE_OPTS,
        "wget" => WGET_VALUE_OPTS,
        _ => OTHER_VALUE_OPTS,
    };
    let urls = url_words(&view, value_opts);
    let mut targets: Vec<DownloadTarget> = Vec::new();
    match name {
        "curl" => {
            let dir = view.flag_value(&["--output-dir"]).map(|v| v.value);
            let outputs = view.flag_values(&["-o", "--output"]);
            let remote = view.has_flag(&["-O", "--remote-name", "--remote-name-all"]);
            let header_name = view.has_flag(&["-J", "--remote-header-name"]);
            for (i, url) in urls.iter().enumerate() {
                targets.push(if let Some(o) = outputs.get(i) {
                    file_or_stdout(o.value, dir)
                } else if remote && header_name {
                    DownloadTarget::Unknown
                } else if remote {
                    named_by_url(url, dir)
                } else {
                    DownloadTarget::Stdout
                });
            }
        }
        "wget" => {
            let dir = view
                .flag_value(&["-P", "--directory-prefix"])
                .map(|v| v.value);
            let output = view.flag_value(&["-O", "--output-document"]);
            for url in &urls {
                targets.push(match &output {
                    Some(o) => file_or_stdout(o.value, dir),
                    None => named_by_url(url, dir),
                });
            }
        }
        _ => {
            let dir = view.flag_value(&["-d", "--dir"]).map(|v| v.value);
            let output = view.flag_value(&["-o", "--out"]);
            for url in &urls {
                targets.push(match &output {
                    Some(o) => file_or_stdout(o.value, dir),
                    None if name == "fetch" => named_by_url(url, None),
                    None => named_by_url(url, dir),
                });
            }
        }
    }
    let redirected = stdout_file(c);
    urls.into_iter()
        .zip(targets)
        .map(|(url, target)| Download {
            command: c,
            downloader: name,
            url: Some(url),
            target: match (target, redirected) {
                (DownloadTarget::Stdout, Some(file)) => file_or_stdout(&file.text, None),
                (t, _) => t,
            },
        })
        .collect()
}

/// Every download in a script, in command order.
pub fn downloads(script: &Script) -> Vec<Download<'_>> {
    script.commands().flat_map(downloads_of).collect()
}

/// Variables a command sets for itself or the rest of the script: leading `NAME=value`
/// words, `export`/`declare`/`typeset`/`readonly`/`local` arguments and the assignments
/// of an `env` (or `sudo`) wrapper. Returns the word and its name and value.
pub fn env_assignments(c: &Command) -> Vec<(&Word, &str, &str)> {
    let mut out: Vec<(&Word, &str, &str)> = c
        .assignments
        .iter()
        .filter_map(|w| w.assignment().map(|(n, v)| (w, n, v)))
        .collect();
    let declares = matches!(
        c.name(),
        Some("export" | "declare" | "typeset" | "readonly" | "local")
    );
    let view = c.unwrapped();
    let program_at = c.words.len() - view.words.len();
    let wrapper_words = if view.wrapped_by("env") || view.wrapped_by("sudo") {
        &c.words[..program_at]
    } else {
        &[][..]
    };
    let declared = if declares { c.args() } else { &[][..] };
    for w in wrapper_words.iter().chain(declared) {
        if let Some((n, v)) = w.assignment() {
            out.push((w, n, v));
        }
    }
    out
}

/// Text a command writes into files: the arguments of `echo`/`printf` whose output goes to
/// a file (`>`, `>>`, or a pipe into `tee`), a heredoc or here-string given to a command whose
/// output goes to a file (`cat > f <<EOF`, `tee f <<EOF`), and what a `sed -i` script puts
/// in (the replacements of `s` commands and the lines of `a`, `i` and `c` commands).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written<'a> {
    /// The command that produces the text.
    pub command: &'a Command,
    /// The text (quotes removed; expansions kept as written).
    pub text: String,
    /// Where the text is in the file.
    pub span: Span,
    /// The files written, as named (`/etc/apt/sources.list.d/x.list`, `~/.npmrc`).
    pub files: Vec<String>,
}

/// Files written by `tee` commands that read the output of command `index`.
fn tee_files(script: &Script, index: usize) -> Vec<String> {
    script
        .downstream(index)
        .into_iter()
        .filter(|d| d.unwrapped().name() == Some("tee"))
        .flat_map(|d| {
            d.unwrapped()
                .positional(&[])
                .into_iter()
                .map(|w| w.text.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn files_written_by(script: &Script, c: &Command) -> Vec<String> {
    let mut files: Vec<String> = stdout_file(c).map(|w| w.text.clone()).into_iter().collect();
    files.extend(tee_files(script, c.index));
    if c.unwrapped().name() == Some("tee") {
        files.extend(
            c.unwrapped()
                .positional(&[])
                .into_iter()
                .map(|w| w.text.clone()),
        );
    }
    files
}

/// Every piece of text the script writes into files (see [`Written`]).
pub fn written_texts(script: &Script) -> Vec<Written<'_>> {
    let mut out = Vec::new();
    for c in script.commands() {
        let view = c.unwrapped();
        let Some(name) = view.name() else { continue };
        let files = files_written_by(script, c);
        match name {
            "echo" | "printf" if !files.is_empty() => {
                let escapes = name == "printf"
                    || view
                        .args()
                        .first()
                        .is_some_and(|w| matches!(w.text.as_str(), "-e" | "-ne" | "-en"));
                let args: Vec<&Word> = view
                    .args()
                    .iter()
                    .skip_while(|w| {
                        name == "echo"
                            && matches!(w.text.as_str(), "-e" | "-n" | "-E" | "-ne" | "-en")
                    })
                    .collect();
                if let (Some(first), Some(last)) = (args.first(), args.last()) {
                    let mut text = args
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    if escapes {
                        text = text.replace("\\n", "\n").replace("\\t", "\t");
                    }
                    out.push(Written {
                        command: c,
                        text,
                        span: first.span.cover(last.span),
                        files: files.clone(),
                    });
                }
            }
            "sed" if view.has_flag(&["-i", "--in-place"]) => {
                let scripts = view.flag_values(&["-e", "--expression"]);
                let positional = view.positional(&["-e", "--expression", "-f", "--file"]);
                let (script_words, targets): (Vec<&Word>, Vec<&Word>) = if scripts.is_empty() {
                    match positional.split_first() {
                        Some((s, rest)) => (vec![*s], rest.to_vec()),
                        None => (Vec::new(), Vec::new()),
                    }
                } else {
                    (scripts.iter().map(|v| v.word).collect(), positional)
                };
                for w in script_words {
                    out.push(Written {
                        command: c,
                        text: sed_inserted(&w.text),
                        span: w.span,
                        files: targets.iter().map(|t| t.text.clone()).collect(),
                    });
                }
            }
            _ => {}
        }
        if files.is_empty() {
            continue;
        }
        for r in &c.redirects {
            if let Some(doc) = &r.heredoc {
                out.push(Written {
                    command: c,
                    text: doc.body.clone(),
                    span: doc.span,
                    files: files.clone(),
                });
            } else if r.op == RedirectOp::HereString {
                if let Some(t) = &r.target {
                    out.push(Written {
                        command: c,
                        text: t.text.clone(),
                        span: t.span,
                        files: files.clone(),
                    });
                }
            }
        }
    }
    out
}

/// What a `sed` script inserts: the replacement of each `s/…/…/` command and the text of
/// `a`, `i` and `c` commands, one per line (`s/gpgcheck=1/gpgcheck=0/` → `gpgcheck=0`).
pub fn sed_inserted(script: &str) -> String {
    let chars: Vec<char> = script.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let at_command = prev.is_none_or(|p| !p.is_alphanumeric() && p != '\\' && p != '_');
        let c = chars[i];
        if at_command && c == 's' {
            if let Some(&delim) = chars.get(i + 1) {
                if !delim.is_alphanumeric() && !delim.is_whitespace() && delim != '\\' {
                    // Skip the pattern, then read the replacement.
                    let mut j = i + 2;
                    let mut part = 0;
                    let mut replacement = String::new();
                    while j < chars.len() && part < 2 {
                        let ch = chars[j];
                        if ch == '\\' && j + 1 < chars.len() {
                            if part == 1 {
                                replacement.push(chars[j + 1]);
                            }
                            j += 2;
                            continue;
                        }
                        if ch == delim {
                            part += 1;
                        } else if part == 1 {
                            replacement.push(ch);
                        }
                        j += 1;
                    }
                    out.push(replacement);
                    i = j;
                    continue;
                }
            }
        }
        let after_address = prev
            .is_none_or(|p| matches!(p, '/' | '$' | ';' | '\n' | '}' | ' ') || p.is_ascii_digit());
        if after_address && matches!(c, 'a' | 'i' | 'c') {
            let next = chars.get(i + 1).copied();
            if next.is_none_or(|n| n == '\\' || n == ' ' || n == '\t') {
                let mut j = i + 1;
                if chars.get(j) == Some(&'\\') {
                    j += 1;
                }
                let start = j;
                while j < chars.len() && chars[j] != '\n' {
                    j += 1;
                }
                out.push(chars[start..j].iter().collect::<String>().trim().to_owned());
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out.join("\n")
}

/// The word holding one of the options `names` (`-k` inside `-fsSLk`, `--insecure`,
/// `--setopt=…`), before any `--`.
pub fn flag_word<'a>(view: &CommandView<'a>, names: &[&str]) -> Option<&'a Word> {
    view.args().iter().take_while(|w| w.text != "--").find(|w| {
        let t = w.text.as_str();
        names.iter().any(|n| {
            if n.starts_with("--") || n.len() > 2 {
                t == *n || t.strip_prefix(n).is_some_and(|r| r.starts_with('='))
            } else {
                let ch = n.chars().nth(1);
                t.starts_with('-')
                    && !t.starts_with("--")
                    && t[1..]
                        .chars()
                        .take_while(char::is_ascii_alphanumeric)
                        .any(|c| Some(c) == ch)
            }
        })
    })
}

/// The file span of `text[start..end]` when `text` was read from `span` unchanged (a
/// heredoc body, an unquoted word), else the whole span.
pub fn sub_span(span: Span, text: &str, start: usize, end: usize) -> Span {
    if span.len() as usize == text.len() && start <= end && end <= text.len() {
        Span::new(
            span.start + crate::source::to_u32(start),
            span.start + crate::source::to_u32(end),
        )
    } else {
        span
    }
}

/// Shell options that change how failures propagate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellOption {
    /// `set -e`: a failing command ends the script.
    Errexit,
    /// `set -o pipefail`: a pipeline fails when any stage fails.
    Pipefail,
}

impl ShellOption {
    fn long(self) -> &'static str {
        match self {
            ShellOption::Errexit => "errexit",
            ShellOption::Pipefail => "pipefail",
        }
    }

    fn short(self) -> Option<char> {
        match self {
            ShellOption::Errexit => Some('e'),
            ShellOption::Pipefail => None,
        }
    }
}

/// How the option words `words` (of `set` or of a shell's command line) change `option`:
/// `-e`, `-eux`, `-o errexit`, `-euo pipefail`, `-opipefail`; `+e`, `+o pipefail` turn it
/// off. Stops at `--`, at `-c`'s script and at the first operand.
fn option_change(words: &[Word], option: ShellOption) -> Option<bool> {
    let mut state = None;
    let mut i = 0;
    while let Some(w) = words.get(i) {
        i += 1;
        let t = w.text.as_str();
        let (on, flags) = match t.as_bytes().first() {
            Some(b'-') if t != "-" && t != "--" => (true, &t[1..]),
            Some(b'+') if t != "+" => (false, &t[1..]),
            _ => break,
        };
        if flags.starts_with('-') {
            // `--rcfile x`, `--norc`, `--posix`: long options of a shell.
            if matches!(t, "--rcfile" | "--init-file") {
                i += 1;
            }
            continue;
        }
        for (ci, ch) in flags.char_indices() {
            if ch == 'o' || ch == 'O' {
                let rest = &flags[ci + 1..];
                let value = if rest.is_empty() {
                    i += 1;
                    words.get(i - 1).map_or("", |w| w.text.as_str())
                } else {
                    rest
                };
                if ch == 'o' && value == option.long() {
                    state = Some(on);
                }
                break;
            }
            if Some(ch) == option.short() {
                state = Some(on);
            }
        }
    }
    state
}

/// Blocks that start a new shell process (`sh -c '…'` strings, heredoc scripts): options
/// set outside do not reach them.
fn is_new_process(kind: crate::syntax::shell::BlockKind) -> bool {
    use crate::syntax::shell::BlockKind;
    matches!(kind, BlockKind::ShellC | BlockKind::HeredocScript)
}

/// Blocks that run in a subshell: options set inside do not last beyond them.
fn is_subshell(kind: crate::syntax::shell::BlockKind) -> bool {
    use crate::syntax::shell::BlockKind;
    matches!(
        kind,
        BlockKind::Subshell
            | BlockKind::CommandSubst
            | BlockKind::Backquote
            | BlockKind::ProcessSubstIn
            | BlockKind::ProcessSubstOut
    )
}

/// Indices of the blocks around command `index` inside its shell process, innermost first,
/// and the block that starts that process (`None`: the `RUN`'s own shell).
fn process_blocks(script: &Script, index: usize) -> (Vec<usize>, Option<usize>) {
    let mut chain = Vec::new();
    let mut next = script.command(index).and_then(|c| c.block);
    for _ in 0..=4 * crate::syntax::shell::MAX_DEPTH {
        let Some(b) = next else { break };
        let Some(block) = script.blocks.get(b) else {
            break;
        };
        if is_new_process(block.kind) {
            return (chain, Some(b));
        }
        chain.push(b);
        next = block.parent;
    }
    (chain, None)
}

/// Whether `option` is on when command `index` runs. It is on when the shell running the
/// command was started with it (`initially` for the `RUN`'s own shell, e.g. from
/// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`; the shell's own options for `bash -eo
/// pipefail -c '…'` strings and `bash -e <<EOF` scripts), then each earlier `set` in the same
/// shell process changes it, unless that `set` ran in a subshell the command is not in.
pub fn option_on(script: &Script, index: usize, option: ShellOption, initially: bool) -> bool {
    let (chain, process) = process_blocks(script, index);
    let mut on = match process {
        None => initially,
        Some(b) => script
            .blocks
            .get(b)
            .and_then(|block| block.owner)
            .and_then(|owner| script.command(owner.command))
            .and_then(|owner| option_change(owner.unwrapped().args(), option))
            .unwrap_or(false),
    };
    for c in script.commands().take(index) {
        if c.name() != Some("set") {
            continue;
        }
        let (set_chain, set_process) = process_blocks(script, c.index);
        if set_process != process {
            continue;
        }
        let confined = set_chain.iter().any(|b| {
            script
                .blocks
                .get(*b)
                .is_some_and(|block| is_subshell(block.kind))
                && !chain.contains(b)
        });
        if confined {
            continue;
        }
        if let Some(state) = option_change(c.args(), option) {
            on = state;
        }
    }
    on
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

    #[test]
    fn url_file_names() {
        assert_eq!(url_file_name("https://x/a/b.tgz?sig=1#f"), Some("b.tgz"));
        assert_eq!(
            url_file_name("https://x/v$V/n-$V.tar.xz"),
            Some("n-$V.tar.xz")
        );
        assert_eq!(url_file_name("https://x/"), None);
        assert_eq!(url_file_name("https://x"), None);
        assert_eq!(url_file_name("$url"), None);
    }

    #[test]
    fn assignments_a_command_makes() {
        let s = parse("A=1 B=2 make; export C=3 D; sudo env E=4 F=5 npm ci; declare -x G=6");
        let names: Vec<(&str, &str)> = s
            .commands()
            .flat_map(env_assignments)
            .map(|(_, n, v)| (n, v))
            .collect();
        assert_eq!(
            names,
            [
                ("A", "1"),
                ("B", "2"),
                ("C", "3"),
                ("E", "4"),
                ("F", "5"),
                ("G", "6")
            ]
        );
    }

    #[test]
    fn text_written_to_files() {
        let s = parse(
            "echo 'deb [trusted=yes] http://r ./' > /etc/apt/sources.list.d/r.list; \
             printf '%s\\n' gpgcheck=0 | sudo tee -a /etc/yum.conf; echo hello; \
             sed -i 's/sslverify=1/sslverify=0/' /etc/dnf/dnf.conf; \
             cat > ~/.npmrc <<EOF\n//r/:_authToken=${T}\nEOF\n",
        );
        let got: Vec<(String, Vec<String>)> = written_texts(&s)
            .into_iter()
            .map(|w| (w.text, w.files))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "deb [trusted=yes] http://r ./".to_owned(),
                    vec!["/etc/apt/sources.list.d/r.list".to_owned()]
                ),
                (
                    "%s\n gpgcheck=0".to_owned(),
                    vec!["/etc/yum.conf".to_owned()]
                ),
                (
                    "sslverify=0".to_owned(),
                    vec!["/etc/dnf/dnf.conf".to_owned()]
                ),
                (
                    "//r/:_authToken=${T}\n".to_owned(),
                    vec!["~/.npmrc".to_owned()]
                ),
            ]
        );
    }

    #[test]
    fn shell_options_in_effect() {
        let on = |s: &str, i: usize, o: ShellOption| option_on(&parse(s), i, o, false);
        // commands: 0 set, 1 a, 2 b
        assert!(on("set -euxo pipefail; a | b", 1, ShellOption::Pipefail));
        assert!(on("set -eux; a", 1, ShellOption::Errexit));
        assert!(!on("set -eux; a", 1, ShellOption::Pipefail));
        assert!(on("set -o errexit -o pipefail; a", 1, ShellOption::Errexit));
        assert!(!on("a | b; set -o pipefail", 0, ShellOption::Pipefail));
        assert!(!on("set -e; set +e; a", 2, ShellOption::Errexit));
        assert!(!on(
            "set -o pipefail; set +o pipefail; a",
            2,
            ShellOption::Pipefail
        ));
        // A subshell's `set` does not last; a subshell inherits.
        assert!(!on("(set -o pipefail); a | b", 1, ShellOption::Pipefail));
        assert!(on("set -o pipefail; (a | b)", 1, ShellOption::Pipefail));
        // `sh -c` strings start fresh, with their shell's options.
        let s = parse("set -o pipefail; sh -c 'a | b'; bash -eo pipefail -c 'c | d'");
        let idx = |n: &str| s.commands().find(|c| c.name() == Some(n)).unwrap().index;
        assert!(!option_on(&s, idx("a"), ShellOption::Pipefail, false));
        assert!(option_on(&s, idx("c"), ShellOption::Pipefail, false));
        assert!(option_on(&s, idx("c"), ShellOption::Errexit, false));
        // The RUN's SHELL.
        assert!(option_on(&parse("a | b"), 0, ShellOption::Pipefail, true));
    }

    #[test]
    fn what_sed_puts_in() {
        assert_eq!(sed_inserted("s/gpgcheck=1/gpgcheck=0/g"), "gpgcheck=0");
        assert_eq!(sed_inserted("s|a|b|; s#x#y\\#z#"), "b\ny#z");
        assert_eq!(sed_inserted("/^\\[main\\]/a sslverify=0"), "sslverify=0");
        assert_eq!(sed_inserted("$a\\gpgcheck=0"), "gpgcheck=0");
        assert_eq!(sed_inserted("/sslverify/d"), "");
    }

    #[test]
    fn flag_words() {
        let s = parse("curl -fsSLk https://x -H 'X-k: 1' --insecure --setopt=a=b -- -k");
        let view = s.commands[0].unwrapped();
        assert_eq!(
            flag_word(&view, &["-k"]).map(|w| w.text.as_str()),
            Some("-fsSLk")
        );
        assert_eq!(
            flag_word(&view, &["--insecure"]).map(|w| w.text.as_str()),
            Some("--insecure")
        );
        assert_eq!(
            flag_word(&view, &["--setopt"]).map(|w| w.text.as_str()),
            Some("--setopt=a=b")
        );
        assert!(flag_word(&view, &["-x"]).is_none());
    }
}

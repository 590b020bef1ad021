use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::knowledge::{commands, secrets};
use crate::prelude::*;
use crate::syntax::shell::{Command, CommandView, RedirectOp, Script, Word};

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that handles a credential without taking it from a BuildKit secret
    /// mount, in every stage:
    /// - it references a visible `ARG` or `ENV` whose name says it holds a secret
    ///   (`$NPM_TOKEN`, `${DB_PASSWORD}`; names as for SW301);
    /// - it writes a token into configuration: `npm`/`yarn`/`pnpm config set
    ///   //…:_authToken`, text holding a credential written to `~/.npmrc`, `.yarnrc.yml`,
    ///   `.pypirc`, `.netrc`, `.git-credentials`, `.docker/config.json`, Maven
    ///   `settings.xml` or `pip.conf`, `git config` with a token in a `url.….insteadOf` URL,
    ///   an `http.extraheader` authorization header or a `credential.helper` that prints a
    ///   password, `aws configure set aws_secret_access_key`;
    /// - it hands a credential to a tool: `gcloud auth activate-service-account --key-file`,
    ///   `docker`/`podman`/`helm registry login -p`/`--password`, `… login --password-stdin`
    ///   fed from something else than a secret, `az login -p`, `curl -u user:password`,
    ///   `curl -H "Authorization: …"`, `wget --password`, and any URL with credentials in
    ///   it (`git clone https://$TOKEN@github.com/…`, `pip install git+https://user:pw@…`).
    ///
    /// The `RUN` is quiet when the credential comes from a `--mount=type=secret` of that
    /// `RUN`: the mount's file (`/run/secrets/<id>` or its `target=`, read with
    /// `$(cat /run/secrets/npm)` or `< /run/secrets/pw`), the variable its `env=` sets, or a
    /// variable the `RUN` assigned from one of those. Placeholders (`changeme`, `<token>`)
    /// are ignored. In builder stages, whose layers are not shipped, the finding is low.
    ///
    /// ## Why is this bad?
    /// Build arguments are recorded in the image history of every `RUN` that uses them,
    /// `ENV` values are in the image configuration, and whatever a `RUN` writes (an
    /// `.npmrc`, a Git remote URL, `~/.docker/config.json`) stays in its layer even if a later
    /// step deletes it. A secret mount exists only while the one `RUN` executes, and never
    /// reaches the history, the cache key or the layers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// ARG NPM_TOKEN
    /// RUN npm config set //registry.npmjs.org/:_authToken "${NPM_TOKEN}" && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## Options
    /// - `[rules.secrets] allowed-names`: names that look secret but are not.
    ///
    /// ## References
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [Dockerfile reference: RUN --mount=type=secret](https://docs.docker.com/reference/dockerfile/#run---mounttypesecret)
    /// - CWE-522: insufficiently protected credentials
    /// - Similar: SW301 (secret-named `ARG`/`ENV`), SW302 (literal credentials); Trivy DS031
    pub struct SecretUsedWithoutMount {
        code: "SW307",
        name: "secret-used-without-mount",
        steps: [Secrets],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [522],
        equivalents: ["trivy:DS031"],
        summary: "Credential used in RUN without a secret mount",
    }
}

/// What the `RUN`'s secret mounts provide.
#[derive(Debug, Default)]
struct Mounts {
    /// Files (`/run/secrets/npm`, `target=` paths).
    files: Vec<String>,
    /// Variables set by `env=`.
    envs: Vec<String>,
}

fn secret_mounts(instr: &Instr<'_>) -> Mounts {
    let mut mounts = Mounts::default();
    for (i, flag) in instr.inst.flags.iter().enumerate() {
        if !flag.name.eq_ignore_ascii_case("mount") {
            continue;
        }
        let value = instr
            .data
            .flags
            .get(i)
            .and_then(Option::as_ref)
            .map(|v| v.text.clone())
            .or_else(|| flag.value.clone())
            .unwrap_or_default();
        let (mut kind, mut id, mut target, mut env) = ("bind".to_owned(), None, None, None);
        for field in value.split(',') {
            let (k, v) = field.split_once('=').unwrap_or((field, ""));
            match k.trim().to_ascii_lowercase().as_str() {
                "type" => kind = v.trim().to_ascii_lowercase(),
                "id" => id = Some(v.trim().to_owned()),
                "target" | "dst" | "destination" => target = Some(v.trim().to_owned()),
                "env" => env = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        if kind != "secret" {
            continue;
        }
        match (&target, &id, &env) {
            (Some(t), _, _) => mounts.files.push(t.clone()),
            (None, Some(id), None) => mounts.files.push(format!("/run/secrets/{id}")),
            _ => {}
        }
        if let Some(e) = env {
            mounts.envs.push(e);
        }
    }
    mounts
}

/// Variables referenced in shell text (`$NAME`, `${NAME…}`, `${#NAME}`), outside single
/// quotes when `quotes` is set, with their byte offsets.
fn var_refs(text: &str, quotes: bool) -> Vec<(String, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut single, mut double) = (0, false, false);
    while i < b.len() {
        let c = b[i];
        if quotes {
            if single {
                if c == b'\'' {
                    single = false;
                }
                i += 1;
                continue;
            }
            match c {
                b'\\' => {
                    i += 2;
                    continue;
                }
                b'\'' if !double => {
                    single = true;
                    i += 1;
                    continue;
                }
                b'"' => double = !double,
                _ => {}
            }
        }
        if c == b'$' {
            let mut j = i + 1;
            if b.get(j) == Some(&b'{') {
                j += 1;
                if matches!(b.get(j), Some(b'#' | b'!')) {
                    j += 1;
                }
            }
            let start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > start && !b[start].is_ascii_digit() {
                out.push((text[start..j].to_owned(), i));
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// Where the credential a `RUN` handles comes from.
struct Sources<'a> {
    mounts: &'a Mounts,
    /// Variables the `RUN` assigned from a mount.
    derived: BTreeSet<String>,
}

impl Sources<'_> {
    /// The text reads a secret mount (its file, its variable, or a variable set from it).
    fn reads_mount(&self, text: &str) -> bool {
        text.contains("/run/secrets/")
            || self.mounts.files.iter().any(|f| !f.is_empty() && text.contains(f.as_str()))
            || var_refs(text, false).iter().any(|(n, _)| {
                self.mounts.envs.iter().any(|e| e == n) || self.derived.contains(n)
            })
    }
}

/// A place where a `RUN` hands over or stores a credential.
struct Sink {
    span: Span,
    what: String,
    /// The credential as written (to tell mounts, variables and placeholders apart).
    value: String,
}

/// Keys of npm/Yarn/pnpm configuration that hold credentials.
fn is_npm_credential_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["_authtoken", "_auth", "_password", "npmauthtoken", "npmauthident"]
        .iter()
        .any(|m| k.contains(m))
}

static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9+.\-]*://([^/@\s]+)@[A-Za-z0-9\[\$]")
        .expect("the URL credential pattern is a valid regex")
});

/// The credential part of a URL's user information, if it carries one: `user:password`,
/// or a lone `$TOKEN`/`${TOKEN}` or a live token (`ghp_…`); a plain user name (`git@`) is not.
fn url_credential(text: &str) -> Option<(usize, usize)> {
    let caps = URL_USERINFO.captures(text)?;
    let m = caps.get(1)?;
    let info = m.as_str();
    let carries = match info.split_once(':') {
        Some((_, pw)) => !pw.is_empty(),
        None => info.contains('$') || !secrets::scan(info).is_empty(),
    };
    carries.then(|| (m.start(), m.end()))
}

/// Credential markers in configuration text.
static CONFIG_CREDENTIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(_authtoken|_auth\s*=|_password|npmauthtoken|npmauthident|\bpassword\b|"auth"\s*:|aws_secret_access_key|aws_session_token|<password>)"#)
        .expect("the configuration credential pattern is a valid regex")
});

/// Configuration files that hold credentials.
fn is_credential_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        ".npmrc" | ".yarnrc" | ".yarnrc.yml" | ".pypirc" | ".netrc" | "_netrc" | ".git-credentials"
            | "settings.xml" | "pip.conf" | "pip.ini" | "gradle.properties"
    ) || path.ends_with(".docker/config.json")
        || path.ends_with(".aws/credentials")
        || path.ends_with(".gem/credentials")
}

fn word_value<'a>(view: &CommandView<'a>, names: &[&str]) -> Option<(&'a Word, &'a str)> {
    view.flag_value(names).map(|v| (v.word, v.value))
}

fn login_command(view: &CommandView<'_>) -> Option<&'static str> {
    let name = view.name()?;
    let pos = view.positional(&["-u", "--username", "-p", "--password", "--authfile"]);
    let has = |s: &str| pos.iter().take(3).any(|w| w.text == s);
    let tool = match name {
        "docker" => "docker",
        "podman" => "podman",
        "buildah" => "buildah",
        "skopeo" => "skopeo",
        "nerdctl" => "nerdctl",
        "oras" => "oras",
        "crane" => "crane",
        "helm" => "helm",
        _ => return None,
    };
    has("login").then_some(tool)
}

fn sinks(script: &Script) -> Vec<Sink> {
    let mut out = Vec::new();
    for c in script.commands() {
        let view = c.unwrapped();
        let Some(name) = view.name() else { continue };
        let args = view.args();
        let mut push = |span: Span, what: String, value: String| out.push(Sink { span, what, value });
        match name {
            "npm" | "yarn" | "pnpm" => {
                if let Some(at) = args.iter().position(|w| w.text == "set") {
                    if let Some(key) = args.get(at + 1) {
                        if let Some((k, v)) = key.text.split_once('=') {
                            if is_npm_credential_key(k) {
                                push(key.span, format!("`{name} config set` writes a registry token into the image's configuration instead of reading it from a secret mount"), v.to_owned());
                            }
                        } else if is_npm_credential_key(&key.text) {
                            let value = args.get(at + 2);
                            push(
                                value.map_or(key.span, |v| key.span.cover(v.span)),
                                format!("`{name} config set` writes a registry token into the image's configuration instead of reading it from a secret mount"),
                                value.map(|v| v.text.clone()).unwrap_or_default(),
                            );
                        }
                    }
                }
            }
            "git" => {
                let configs: Vec<(Span, String, String)> = view
                    .flag_values(&["-c", "--config"])
                    .into_iter()
                    .filter_map(|v| {
                        v.value
                            .split_once('=')
                            .map(|(k, val)| (v.word.span, k.to_owned(), val.to_owned()))
                    })
                    .chain(git_config(args))
                    .collect();
                for (span, key, value) in configs {
                    let lower = key.to_ascii_lowercase();
                    if lower.starts_with("url.") && (lower.ends_with(".insteadof") || lower.ends_with(".pushinsteadof")) {
                        if let Some((s, e)) = url_credential(&key) {
                            push(span, "`git config` stores a credential in a URL rewrite, which stays in the image's Git configuration".to_owned(), key[s..e].to_owned());
                        }
                    } else if lower.ends_with(".extraheader") {
                        let v = value.to_ascii_lowercase();
                        if v.contains("authorization") || v.contains("token") {
                            push(span, "`git config` stores an authorization header in the image's Git configuration".to_owned(), value);
                        }
                    } else if lower.starts_with("credential.") && (value.contains("password") || value.contains('$')) {
                        push(span, "`git config` stores a credential helper that holds the secret in the image's Git configuration".to_owned(), value);
                    }
                }
            }
            "aws" if args.first().is_some_and(|w| w.text == "configure") && args.get(1).is_some_and(|w| w.text == "set") => {
                if let (Some(key), Some(value)) = (args.get(2), args.get(3)) {
                    let k = key.text.to_ascii_lowercase();
                    if k.ends_with("aws_secret_access_key") || k.ends_with("aws_session_token") {
                        push(key.span.cover(value.span), format!("`aws configure set {}` writes the secret into `~/.aws/credentials` in the image", key.text), value.text.clone());
                    }
                }
            }
            "gcloud" if args.first().is_some_and(|w| w.text == "auth") => {
                if let Some((w, v)) = word_value(&view, &["--key-file", "--cred-file"]) {
                    push(w.span, format!("`gcloud auth` reads `{v}`, a key file in the image rather than a secret mount"), v.to_owned());
                }
            }
            "az" if args.first().is_some_and(|w| w.text == "login") => {
                if let Some((w, v)) = word_value(&view, &["-p", "--password", "--federated-token"]) {
                    push(w.span, "`az login` takes the password on its command line instead of from a secret mount".to_owned(), v.to_owned());
                }
            }
            "curl" => {
                if let Some((w, v)) = word_value(&view, &["-u", "--user", "--proxy-user", "-U"]) {
                    if v.split_once(':').is_some_and(|(_, pw)| !pw.is_empty()) {
                        push(w.span, "`curl -u` takes a password on its command line instead of from a secret mount".to_owned(), v.to_owned());
                    }
                }
                if let Some((w, v)) = word_value(&view, &["--oauth2-bearer"]) {
                    push(w.span, "`curl --oauth2-bearer` takes a token on its command line instead of from a secret mount".to_owned(), v.to_owned());
                }
                header_sinks(&view, &["-H", "--header"], &mut push);
            }
            "wget" => {
                if let Some((w, v)) = word_value(&view, &["--password", "--http-password", "--ftp-password"]) {
                    push(w.span, "`wget --password` takes a password on its command line instead of from a secret mount".to_owned(), v.to_owned());
                }
                header_sinks(&view, &["--header"], &mut push);
            }
            _ => {}
        }
        if let Some(tool) = login_command(&view) {
            if let Some((w, v)) = word_value(&view, &["-p", "--password"]) {
                push(w.span, format!("`{tool} login` takes the registry password on its command line instead of from a secret mount"), v.to_owned());
            } else if view.has_flag(&["--password-stdin"]) {
                let fed: Vec<String> = script
                    .upstream(c.index)
                    .iter()
                    .flat_map(|u| u.words.iter().skip(1).map(|w| w.text.clone()))
                    .chain(c.redirects.iter().filter(|r| matches!(r.op, RedirectOp::In | RedirectOp::HereString)).filter_map(|r| r.target.as_ref().map(|t| t.text.clone())))
                    .collect();
                if !fed.is_empty() {
                    push(c.span, format!("`{tool} login --password-stdin` reads a password that does not come from a secret mount"), fed.join(" "));
                }
            }
        }
        // Credentials inside URLs, in any command.
        for w in c.words.iter().skip(1) {
            if let Some((s, e)) = url_credential(&w.text) {
                let info = &w.text[s..e];
                let shown = if info.contains('$') {
                    info.to_owned()
                } else {
                    secrets::mask(info)
                };
                push(
                    w.span,
                    format!("The URL carries the credential `{shown}`, which does not come from a secret mount"),
                    info.to_owned(),
                );
            }
        }
    }
    for w in commands::written_texts(script) {
        let Some(file) = w.files.iter().find(|f| is_credential_file(f)) else { continue };
        let at = CONFIG_CREDENTIAL
            .find(&w.text)
            .map(|m| m.start())
            .or_else(|| url_credential(&w.text).map(|(s, _)| s));
        if let Some(at) = at {
            // The line that holds the credential.
            let start = w.text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = w.text[at..].find('\n').map_or(w.text.len(), |i| at + i);
            out.push(Sink {
                span: commands::sub_span(w.span, &w.text, start, end),
                what: format!("The text written to `{file}` holds a credential that does not come from a secret mount"),
                value: w.text.clone(),
            });
        }
    }
    // One sink per span (a URL credential in a `git config` key is one finding).
    out.sort_by_key(|s| (s.span.start, std::cmp::Reverse(s.span.end)));
    out.dedup_by(|later, first| first.span.start <= later.span.start && later.span.end <= first.span.end);
    out
}

fn header_sinks(view: &CommandView<'_>, names: &[&str], push: &mut impl FnMut(Span, String, String)) {
    for v in view.flag_values(names) {
        let Some((header, value)) = v.value.split_once(':') else { continue };
        let h = header.trim().to_ascii_lowercase();
        if matches!(h.as_str(), "authorization" | "private-token" | "job-token" | "x-api-key" | "x-auth-token" | "x-jfrog-art-api") {
            push(
                v.word.span,
                format!("`{}` sends a `{}` header whose value does not come from a secret mount", view.name().unwrap_or("?"), header.trim()),
                value.trim().to_owned(),
            );
        }
    }
}

/// `(span, key, value)` of `git config [options] KEY VALUE`.
fn git_config(args: &[Word]) -> Vec<(Span, String, String)> {
    let Some(at) = args.iter().position(|w| w.text == "config") else {
        return Vec::new();
    };
    let mut operands = Vec::new();
    let mut i = at + 1;
    while let Some(w) = args.get(i) {
        i += 1;
        if w.text.starts_with('-') {
            if matches!(w.text.as_str(), "-f" | "--file" | "--blob" | "--type" | "--default") {
                i += 1;
            }
            continue;
        }
        operands.push(w);
    }
    match operands.as_slice() {
        [key, value, ..] => vec![(key.span.cover(value.span), key.text.clone(), value.text.clone())],
        [key] => vec![(key.span, key.text.clone(), String::new())],
        [] => Vec::new(),
    }
}

/// Whether a sink's credential is a literal placeholder or nothing at all.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.is_empty() || (!v.contains('$') && secrets::is_placeholder(v))
}

/// Variables the script sets, with the index of the command that sets them, and those
/// set from a secret mount.
fn assignments(script: &Script, mounts: &Mounts) -> (Vec<(String, usize)>, BTreeSet<String>) {
    let mut assigned = Vec::new();
    let mut derived = BTreeSet::new();
    for c in script.commands() {
        for (_, name, value) in commands::env_assignments(c) {
            let sources = Sources { mounts, derived: derived.clone() };
            if sources.reads_mount(value) {
                derived.insert(name.to_owned());
            }
            assigned.push((name.to_owned(), c.index));
        }
        if c.unwrapped().name() == Some("read") {
            let from_mount = c.redirects.iter().any(|r| {
                r.target
                    .as_ref()
                    .is_some_and(|t| Sources { mounts, derived: BTreeSet::new() }.reads_mount(&t.text))
            });
            for w in c.unwrapped().positional(&["-d", "-n", "-N", "-p", "-t", "-u", "-a"]) {
                if from_mount {
                    derived.insert(w.text.clone());
                }
                assigned.push((w.text.clone(), c.index));
            }
        }
    }
    (assigned, derived)
}

/// Texts of a command where variables are expanded: its words, assignments, redirect
/// targets and unquoted heredoc bodies, with their spans and whether shell quoting applies.
fn expanded_texts(c: &Command) -> Vec<(&str, Span, bool)> {
    let mut out: Vec<(&str, Span, bool)> = c
        .assignments
        .iter()
        .chain(&c.words)
        .map(|w| (w.raw.as_str(), w.span, true))
        .collect();
    for r in &c.redirects {
        if let Some(doc) = &r.heredoc {
            if !doc.quoted {
                out.push((doc.body.as_str(), doc.span, false));
            }
        } else if let Some(t) = &r.target {
            out.push((t.raw.as_str(), t.span, true));
        }
    }
    out
}

impl Rule for SecretUsedWithoutMount {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let allowed = &cx.settings().allowed_secret_names;
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            let mounts = secret_mounts(&instr);
            let (assigned, derived) = assignments(script, &mounts);
            let sources = Sources {
                mounts: &mounts,
                derived,
            };
            let low = !df.in_shipped_stage(instr.index);
            let mut reported: Vec<Span> = Vec::new();
            for sink in sinks(script) {
                if sources.reads_mount(&sink.value) || is_placeholder(&sink.value) {
                    continue;
                }
                let finding = cx.report(sink.span, sink.what);
                finding.help("Pass it as a build secret and read it in this `RUN` from `--mount=type=secret,id=…` (its `env=` or file)");
                if low {
                    finding.severity(Severity::Low);
                }
                reported.push(sink.span);
            }
            // References to secret-named ARG/ENV values.
            let mut seen: BTreeSet<String> = BTreeSet::new();
            for c in script.commands() {
                for (text, span, quotes) in expanded_texts(c) {
                    for (name, at) in var_refs(text, quotes) {
                        if seen.contains(&name)
                            || mounts.envs.contains(&name)
                            || assigned.iter().any(|(n, i)| *n == name && *i < c.index)
                        {
                            continue;
                        }
                        let Some((_, is_env)) = instr.data.visible.iter().find(|(n, _)| *n == name) else {
                            continue;
                        };
                        if !secrets::is_secret_name(&name, allowed) {
                            continue;
                        }
                        let end = at + 1 + text[at + 1..].find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '{' || ch == '}' || ch == '#' || ch == '!')).unwrap_or(text.len() - at - 1);
                        let ref_span = commands::sub_span(span, text, at, end);
                        if reported.iter().any(|r| r.start < ref_span.end && ref_span.start < r.end) {
                            continue;
                        }
                        seen.insert(name.clone());
                        let message = if *is_env {
                            format!("`${name}` reads `ENV {name}`, a secret stored in the image configuration, instead of a secret mount")
                        } else {
                            format!("`${name}` reads the build argument `{name}`, whose value is recorded in the image history, instead of a secret mount")
                        };
                        let finding = cx.report(ref_span, message);
                        finding.help(format!("Pass it as a build secret and read it with `RUN --mount=type=secret,id=…,env={name}`"));
                        if low {
                            finding.severity(Severity::Low);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{MappedText, shell};

    fn sink_values(s: &str) -> Vec<String> {
        let script = shell::parse(&MappedText::contiguous(s, 0));
        sinks(&script).into_iter().map(|k| k.value).collect()
    }

    #[test]
    fn variable_references() {
        let refs: Vec<String> = var_refs("a $A ${B:-x} '$C' \"$D\" ${#E} \\$F $1 $$", true)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(refs, ["A", "B", "D", "E"]);
        let refs: Vec<String> = var_refs("x='$T'", false).into_iter().map(|(n, _)| n).collect();
        assert_eq!(refs, ["T"]);
    }

    #[test]
    fn credential_sinks() {
        for (s, want) in [
            ("npm config set //registry.npmjs.org/:_authToken \"$NPM_TOKEN\"", "$NPM_TOKEN"),
            ("npm config set //r/:_authToken=${T}", "${T}"),
            ("yarn config set npmAuthToken $T", "$T"),
            ("git config --global url.\"https://${GITHUB_TOKEN}@github.com/\".insteadOf \"https://github.com/\"", "${GITHUB_TOKEN}"),
            ("git config --global http.https://gitlab.com/.extraheader \"AUTHORIZATION: basic $B64\"", "AUTHORIZATION: basic $B64"),
            ("aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY", "$AWS_SECRET_ACCESS_KEY"),
            ("gcloud auth activate-service-account --key-file=/tmp/key.json", "/tmp/key.json"),
            ("docker login -u me -p $REGISTRY_PASSWORD registry.example.com", "$REGISTRY_PASSWORD"),
            ("echo $PW | docker login -u me --password-stdin r.example.com", "$PW"),
            ("az login --service-principal -u $ID -p $SECRET --tenant t", "$SECRET"),
            ("curl -u deploy:$PASS https://r/x", "deploy:$PASS"),
            ("curl -H \"Authorization: Bearer $TOKEN\" https://api", "Bearer $TOKEN"),
            ("git clone https://$GH_TOKEN@github.com/acme/private.git", "$GH_TOKEN"),
            (concat!("pip install git+https://user:", "s3cr3t", "@git.example.com/x.git"), "user:s3cr3t"),
            ("echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > ~/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}"),
            ("printf 'machine github.com login x password %s\\n' \"$T\" > /root/.netrc", "machine github.com login x password %s\n $T"),
        ] {
            assert_eq!(sink_values(s), [want], "{s}");
        }
        for s in [
            "npm config set registry https://r/",
            "git clone git@github.com:acme/x.git",
            "git clone https://github.com/acme/x.git",
            "echo 'registry=https://r/' > ~/.npmrc",
            "curl -u deploy https://r/x",
            "curl -H 'Accept: application/json' https://api",
            "docker login -u me --password-stdin r.example.com",
            "git config --global user.email a@b",
        ] {
            assert!(sink_values(s).is_empty(), "{s}: {:?}", sink_values(s));
        }
    }

    /// Dockerfile pieces for the supply-chain and secret rules, glued at random.
    const LINES: &[&str] = &[
        "FROM alpine:3.20 AS b\n", "FROM b\n", "ARG NPM_TOKEN\n", "ARG X=$NPM_TOKEN\n",
        "ENV DOCKER_CONTENT_TRUST=0\n", "ENV GIT_SSL_NO_VERIFY\n", "COPY .env *.pem ./\n",
        "COPY --from=b /root/.ssh/id_rsa /x/\n", "ADD https://x/a.tgz /tmp/\n",
        "ADD https://x/r.git#v1 /r\n", "RUN --mount=type=secret,id=t,env=T curl -u a:$T https://x\n",
        "RUN --mount=type=secret, npm ci\n", "RUN curl -fsSL https://x | tar -xz\n",
        "RUN <<EOF\nset -e\ncurl -o f https://x/f\nchmod +x f\nEOF\n", "RUN [\"sh\", \"-c\", \"a | b\"]\n",
        "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n", "RUN echo $NPM_TOKEN > ~/.npmrc \\\n",
        "RUN git clone https://$NPM_TOKEN@x/r.git\n", "é", "\\\n", "\"", "'", "${", "$(", "\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

        #[test]
        fn random_dockerfiles_never_panic(parts in proptest::collection::vec(proptest::sample::select(LINES), 0..24)) {
            let text: String = parts.concat();
            let file = crate::source::SourceFile::new(
                crate::source::FileId(0),
                "Dockerfile",
                crate::source::FileKind::Dockerfile,
                text,
            );
            let codes = ["SW303", "SW307", "SW501", "SW503", "SW504", "SW505", "SW506", "SW508"];
            let settings = crate::settings::Settings::resolve(
                &crate::settings::Options::default(),
                &crate::settings::Overrides {
                    select: Some(codes.iter().map(|c| (*c).to_owned()).collect()),
                    ..Default::default()
                },
            )
            .expect("the rule codes are valid selectors");
            let outcome = crate::engine::check(std::slice::from_ref(&file), &settings);
            for f in &outcome.findings {
                proptest::prop_assert!(f.location.span.end as usize <= file.text.len());
            }
        }
    }
}

use std::sync::LazyLock;

use regex::Regex;

use crate::knowledge::commands;
use crate::prelude::*;
use crate::syntax::shell::{Command, Script, Word};

declare_rule! {
    /// ## What it does
    /// Flags settings that turn off TLS certificate verification, in `ENV`, in `ARG`
    /// defaults (which `RUN` sees as environment variables) and in `RUN` (commands,
    /// `NAME=value` assignments, `export`, and text written into configuration files):
    /// - `curl -k`/`--insecure`/`--proxy-insecure`, `wget --no-check-certificate`
    ///   (or `-e check_certificate=off`);
    /// - `pip install --trusted-host`, `pip config set global.trusted-host`,
    ///   `uv --allow-insecure-host`, `PIP_TRUSTED_HOST`;
    /// - `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `BUNDLE_SSL_VERIFY_MODE=0`,
    ///   `GOINSECURE`;
    /// - `npm`/`yarn`/`pnpm config set strict-ssl false`, `--strict-ssl=false`,
    ///   `NPM_CONFIG_STRICT_SSL=false`, `yarn config set enableStrictSsl false`,
    ///   `YARN_ENABLE_STRICT_SSL=false`;
    /// - `GIT_SSL_NO_VERIFY` (Git honours it whatever its value), `git -c http.sslVerify=false`,
    ///   `git config http.sslVerify false` (also per URL);
    /// - `yum`/`dnf`/`microdnf --setopt=sslverify=0`, `apt-get -o Acquire::https::Verify-Peer=false`,
    ///   `conda config --set ssl_verify false`, `composer config disable-tls true`;
    /// - the same written into files: `sslverify=0` in a `.repo` file or `.gitconfig`,
    ///   `strict-ssl=false` in `.npmrc`, `trusted-host` in `pip.conf`,
    ///   `check_certificate = off` in `.wgetrc`, `insecure` in `.curlrc`.
    ///
    /// Every stage is checked: a package fetched insecurely by a builder stage ends up in the
    /// shipped image just the same.
    ///
    /// ## Why is this bad?
    /// Without certificate checks, anyone on the network path (a proxy, a compromised Wi-Fi
    /// or CI network, a DNS hijack) can serve their own packages, scripts or binaries, and
    /// the build installs them. Settings in `ENV` also stay in the image and weaken every
    /// connection the application makes at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12.7-slim
    /// RUN pip install --no-cache-dir --trusted-host pypi.internal.example.com -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12.7-slim
    /// COPY internal-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates \
    ///  && pip install --no-cache-dir --cert /etc/ssl/certs/ca-certificates.crt -r requirements.txt
    /// ```
    ///
    /// ## References
    /// - [pip: --trusted-host](https://pip.pypa.io/en/stable/cli/pip/#cmdoption-trusted-host)
    /// - [Git: GIT_SSL_NO_VERIFY](https://git-scm.com/docs/git#Documentation/git.txt-codeGITSSLNOVERIFYcode)
    /// - CWE-295: improper certificate validation
    /// - Similar: Checkov CKV2_DOCKER_2 to CKV2_DOCKER_6, CKV2_DOCKER_12 to CKV2_DOCKER_16
    pub struct TlsVerificationDisabled {
        code: "SW503",
        name: "tls-verification-disabled",
        steps: [SignedImages],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [295],
        equivalents: [
            "checkov:CKV2_DOCKER_2",
            "checkov:CKV2_DOCKER_3",
            "checkov:CKV2_DOCKER_4",
            "checkov:CKV2_DOCKER_5",
            "checkov:CKV2_DOCKER_6",
            "checkov:CKV2_DOCKER_12",
            "checkov:CKV2_DOCKER_13",
            "checkov:CKV2_DOCKER_14",
            "checkov:CKV2_DOCKER_15",
            "checkov:CKV2_DOCKER_16",
        ],
        summary: "TLS certificate verification turned off",
    }
}

fn falsy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

/// What an environment variable does to certificate checks, when it turns them off.
/// `value` is `None` when it is not known before the build.
fn insecure_env(name: &str, value: Option<&str>) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    // Git only asks whether the variable is set.
    if upper == "GIT_SSL_NO_VERIFY" {
        return Some("makes Git skip certificate checks, whatever its value");
    }
    let value = value?;
    let set = !value.trim().is_empty();
    match upper.as_str() {
        "PIP_TRUSTED_HOST" if set => {
            Some("makes pip accept invalid certificates and plain HTTP from these hosts")
        }
        "PYTHONHTTPSVERIFY" if value.trim() == "0" => {
            Some("makes Python's standard library skip certificate checks")
        }
        "NODE_TLS_REJECT_UNAUTHORIZED" if value.trim() == "0" => {
            Some("makes Node.js accept any TLS certificate")
        }
        "NPM_CONFIG_STRICT_SSL" if falsy(value) => {
            Some("makes npm accept invalid registry certificates")
        }
        "YARN_ENABLE_STRICT_SSL" | "YARN_STRICT_SSL" if falsy(value) => {
            Some("makes Yarn accept invalid registry certificates")
        }
        "BUNDLE_SSL_VERIFY_MODE" if value.trim() == "0" => {
            Some("makes Bundler skip certificate checks")
        }
        "GOINSECURE" if set => {
            Some("makes Go fetch these modules over HTTP or with invalid certificates")
        }
        _ => None,
    }
}

/// Text patterns that turn verification off in configuration files.
static WRITTEN: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"(?i)\bsslverify\s*=\s*(?:0|false|no|off)\b", "turns off certificate checks for a package repository or Git"),
        (r"(?i)\bstrict-ssl\s*=\s*false\b", "makes npm accept invalid registry certificates"),
        (r"(?i)\btrusted-host\s*=", "makes pip accept invalid certificates and plain HTTP"),
        (r"(?i)\bcheck_certificate\s*=\s*off\b", "makes wget skip certificate checks"),
        (r"(?i)\bssl_verify\s*:\s*false\b", "makes conda skip certificate checks"),
        (r#"(?i)\bverify-(?:peer|host)\s*"?\s*(?:false|0|no)\b"#, "makes apt skip certificate checks"),
        (r"(?i)\bNODE_TLS_REJECT_UNAUTHORIZED\s*=\s*0\b", "makes Node.js accept any TLS certificate"),
        (r"(?i)\bPYTHONHTTPSVERIFY\s*=\s*0\b", "makes Python's standard library skip certificate checks"),
        (r"(?i)\bGIT_SSL_NO_VERIFY\s*=", "makes Git skip certificate checks"),
    ]
    .into_iter()
    .map(|(p, what)| {
        (
            Regex::new(p).expect("the TLS setting patterns are valid regexes"),
            what,
        )
    })
    .collect()
});

static CURLRC_INSECURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?:-k|--insecure|insecure)\s*$")
        .expect("the curlrc pattern is a valid regex")
});

struct Hit {
    span: Span,
    message: String,
}

/// `key value` or `key=value` after `set` (`npm config set strict-ssl false`).
fn config_set(args: &[Word], key: &str) -> Option<(Span, String)> {
    let at = args.iter().position(|w| w.text == "set")?;
    let k = args.get(at + 1)?;
    if let Some((name, value)) = k.text.split_once('=') {
        return name
            .eq_ignore_ascii_case(key)
            .then(|| (k.span, value.to_owned()));
    }
    if !k.text.eq_ignore_ascii_case(key) {
        return None;
    }
    let v = args.get(at + 2)?;
    Some((k.span.cover(v.span), v.text.clone()))
}

fn is_pip(c: &Command) -> bool {
    let view = c.unwrapped();
    match view.name() {
        Some(n) if n.starts_with("pip") => true,
        Some(n) if n.starts_with("python") => view
            .args()
            .windows(2)
            .any(|w| w[0].text == "-m" && w[1].text == "pip"),
        _ => false,
    }
}

/// The `key value` operands of `git config` (after its options).
fn git_config_pair(args: &[Word]) -> Option<(&Word, Option<&Word>)> {
    let at = args.iter().position(|w| w.text == "config")?;
    let mut operands = Vec::new();
    let mut i = at + 1;
    while let Some(w) = args.get(i) {
        i += 1;
        if w.text.starts_with('-') {
            if matches!(w.text.as_str(), "-f" | "--file" | "--blob" | "--type" | "--default" | "--comment") {
                i += 1;
            }
            continue;
        }
        operands.push(w);
    }
    let key = operands.first()?;
    Some((key, operands.get(1).copied()))
}

fn is_ssl_verify_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("http.") && k.ends_with(".sslverify")
}

fn command_hits(c: &Command, out: &mut Vec<Hit>) {
    let view = c.unwrapped();
    let Some(name) = view.name() else { return };
    let mut hit = |span: Span, message: String| out.push(Hit { span, message });
    match name {
        "curl" => {
            if let Some(w) = commands::flag_word(&view, &["-k", "--insecure", "--proxy-insecure"]) {
                hit(w.span, format!("`curl {}` turns off certificate checks", w.text));
            }
        }
        "wget" => {
            if let Some(w) = commands::flag_word(&view, &["--no-check-certificate"]) {
                hit(w.span, "`wget --no-check-certificate` turns off certificate checks".to_owned());
            }
            for v in view.flag_values(&["-e", "--execute"]) {
                let lower = v.value.to_ascii_lowercase().replace(' ', "");
                if lower.starts_with("check_certificate=") && lower.ends_with("=off") {
                    hit(v.word.span, format!("`wget -e {}` turns off certificate checks", v.value));
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            let args = view.args();
            for key in ["strict-ssl", "enableStrictSsl"] {
                if let Some((span, value)) = config_set(args, key) {
                    if falsy(&value) {
                        hit(span, format!("`{name} config set {key} false` makes {name} accept invalid registry certificates"));
                    }
                }
            }
            for v in view.flag_values(&["--strict-ssl"]) {
                if falsy(v.value) {
                    hit(v.word.span, format!("`--strict-ssl={}` makes {name} accept invalid registry certificates", v.value));
                }
            }
            if let Some(w) = commands::flag_word(&view, &["--no-strict-ssl"]) {
                hit(w.span, format!("`--no-strict-ssl` makes {name} accept invalid registry certificates"));
            }
        }
        "git" => {
            for v in view.flag_values(&["-c", "--config"]) {
                if let Some((k, value)) = v.value.split_once('=') {
                    if is_ssl_verify_key(k) && falsy(value) {
                        hit(v.word.span, format!("`git -c {}` turns off certificate checks", v.value));
                    }
                }
            }
            if let Some((key, Some(value))) = git_config_pair(view.args()) {
                if is_ssl_verify_key(&key.text) && falsy(&value.text) {
                    hit(key.span.cover(value.span), format!("`git config {} {}` turns off certificate checks", key.text, value.text));
                }
            }
        }
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "yum-config-manager" => {
            for v in view.flag_values(&["--setopt"]) {
                if let Some((k, value)) = v.value.split_once('=') {
                    let k = k.to_ascii_lowercase();
                    if (k == "sslverify" || k.ends_with(".sslverify")) && falsy(value) {
                        hit(v.word.span, format!("`--setopt={}` turns off certificate checks for the repositories", v.value));
                    }
                }
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            for v in view.flag_values(&["-o", "--option"]) {
                if let Some((k, value)) = v.value.split_once('=') {
                    let k = k.to_ascii_lowercase();
                    if (k.ends_with("::verify-peer") || k.ends_with("::verify-host")) && falsy(value) {
                        hit(v.word.span, format!("`-o {}` makes apt skip certificate checks", v.value));
                    }
                }
            }
        }
        "conda" | "mamba" | "micromamba" => {
            let args = view.args();
            if let Some(i) = args.iter().position(|w| w.text == "--set") {
                if args.get(i + 1).is_some_and(|w| w.text == "ssl_verify")
                    && args.get(i + 2).is_some_and(|w| falsy(&w.text))
                {
                    hit(args[i].span.cover(args[i + 2].span), format!("`{name} config --set ssl_verify false` turns off certificate checks"));
                }
            }
        }
        "composer" => {
            let args = view.args();
            if args.first().is_some_and(|w| w.text == "config") {
                let pos = view.positional(&[]);
                if let [_, key, value, ..] = pos.as_slice() {
                    let bad = (key.text == "disable-tls" && value.text == "true")
                        || (key.text == "secure-http" && falsy(&value.text));
                    if bad {
                        hit(key.span.cover(value.span), format!("`composer config {} {}` lets Composer download without TLS", key.text, value.text));
                    }
                }
            }
        }
        "uv" => {
            if let Some(w) = commands::flag_word(&view, &["--allow-insecure-host", "--trusted-host"]) {
                hit(w.span, format!("`uv {}` accepts invalid certificates and plain HTTP from that host", w.text));
            }
        }
        _ => {}
    }
    if is_pip(c) {
        if let Some(w) = commands::flag_word(&view, &["--trusted-host"]) {
            hit(w.span, "`pip --trusted-host` makes pip accept invalid certificates and plain HTTP from that host".to_owned());
        }
        let args = view.args();
        if let Some(i) = args.iter().position(|w| w.text == "set") {
            if args[..i].iter().any(|w| w.text == "config")
                && args.get(i + 1).is_some_and(|w| w.text.to_ascii_lowercase().ends_with(".trusted-host"))
            {
                hit(args[i + 1].span, format!("`pip config set {}` makes pip accept invalid certificates and plain HTTP", args[i + 1].text));
            }
        }
    }
}

fn script_hits(script: &Script, out: &mut Vec<Hit>) {
    for c in script.commands() {
        for (word, name, value) in commands::env_assignments(c) {
            let known = (!value.contains('$')).then_some(value);
            if let Some(what) = insecure_env(name, known) {
                out.push(Hit {
                    span: word.span,
                    message: format!("`{}` {what}", word.text),
                });
            }
        }
        command_hits(c, out);
    }
    for w in commands::written_texts(script) {
        for (re, what) in WRITTEN.iter() {
            if let Some(m) = re.find(&w.text) {
                out.push(Hit {
                    span: commands::sub_span(w.span, &w.text, m.start(), m.end()),
                    message: format!("`{}` written into a configuration file {what}", m.as_str().trim()),
                });
            }
        }
        let curlrc = w.files.iter().any(|f| f.ends_with(".curlrc"));
        if curlrc {
            if let Some(m) = CURLRC_INSECURE.find(&w.text) {
                out.push(Hit {
                    span: commands::sub_span(w.span, &w.text, m.start(), m.end()),
                    message: format!("`{}` in `.curlrc` makes every later `curl` skip certificate checks", m.as_str().trim()),
                });
            }
        }
    }
}

impl Rule for TlsVerificationDisabled {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut hits = Vec::new();
        for instr in df.instructions() {
            match instr.keyword() {
                Keyword::Env | Keyword::Arg => {
                    for pair in &instr.data.pairs {
                        if pair.key.unknown {
                            continue;
                        }
                        let value = match &pair.value {
                            Some(v) => v.known(),
                            // `ARG NAME` without a default sets nothing.
                            None => continue,
                        };
                        if let Some(what) = insecure_env(&pair.key.text, value) {
                            let shown = match value {
                                Some(v) => format!("{}={v}", pair.key.text),
                                None => pair.key.text.clone(),
                            };
                            let span = pair
                                .value
                                .as_ref()
                                .map_or(pair.key.span, |v| pair.key.span.cover(v.span));
                            hits.push(Hit {
                                span,
                                message: format!("`{shown}` {what}"),
                            });
                        }
                    }
                }
                Keyword::Run => {
                    if let Some(script) = instr.script() {
                        script_hits(script, &mut hits);
                    }
                }
                _ => {}
            }
        }
        for hit in hits {
            cx.report(hit.span, hit.message)
                .help("Keep certificate checks on; trust a private CA by adding its certificate (`update-ca-certificates`, `--cert`, `cafile`) instead");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{MappedText, shell};

    fn messages(s: &str) -> Vec<String> {
        let script = shell::parse(&MappedText::contiguous(s, 0));
        let mut out = Vec::new();
        script_hits(&script, &mut out);
        out.into_iter().map(|h| h.message).collect()
    }

    #[test]
    fn run_commands() {
        for s in [
            "curl -fsSLk https://x/a -o a",
            "curl --insecure https://x",
            "wget --no-check-certificate https://x",
            "wget -e check_certificate=off https://x",
            "pip install --trusted-host pypi.local x",
            "python3 -m pip install --trusted-host=pypi.local x",
            "pip config set global.trusted-host pypi.local",
            "npm config set strict-ssl false",
            "yarn config set strict-ssl false",
            "npm set strict-ssl=false",
            "npm install --strict-ssl=false",
            "yarn config set enableStrictSsl false",
            "git -c http.sslVerify=false clone https://x/r.git",
            "git config --global http.sslVerify false",
            "git config --global http.https://x.example.sslverify 0",
            "git clone -c http.sslverify=false https://x",
            "dnf install -y --setopt=sslverify=0 x",
            "yum-config-manager --save --setopt=myrepo.sslverify=false",
            "apt-get -o Acquire::https::Verify-Peer=false update",
            "conda config --set ssl_verify false",
            "composer config -g disable-tls true",
            "NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci",
            "export GIT_SSL_NO_VERIFY=1",
            "env PYTHONHTTPSVERIFY=0 python x.py",
            "echo sslverify=0 >> /etc/yum.conf",
            "echo 'strict-ssl=false' > ~/.npmrc",
            "printf '[global]\\ntrusted-host = pypi.local\\n' > /etc/pip.conf",
            "echo insecure >> ~/.curlrc",
            "sed -i 's/sslverify=1/sslverify=0/' /etc/yum.repos.d/x.repo",
        ] {
            assert_eq!(messages(s).len(), 1, "{s}: {:?}", messages(s));
        }
    }

    #[test]
    fn quiet_commands() {
        for s in [
            "curl -fsSL https://x -o a",
            "curl -K cfg https://x",
            "wget https://x",
            "pip install --index-url https://pypi.local/simple x",
            "npm config set strict-ssl true",
            "git config --global http.sslVerify true",
            "git config --global user.name x",
            "dnf install -y --setopt=install_weak_deps=False x",
            "echo insecure",
            "echo 'sslverify=1' >> /etc/yum.conf",
            "sed -i 's/sslverify=0/sslverify=1/' /etc/yum.conf",
            "NODE_TLS_REJECT_UNAUTHORIZED=1 npm ci",
            "echo -k >> notes.txt",
        ] {
            assert!(messages(s).is_empty(), "{s}: {:?}", messages(s));
        }
    }
}

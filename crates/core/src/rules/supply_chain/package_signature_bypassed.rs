use std::sync::LazyLock;

use regex::Regex;

use crate::knowledge::commands;
use crate::prelude::*;
use crate::syntax::shell::{Command, CommandView, Script};

declare_rule! {
    /// ## What it does
    /// Flags package-manager options and repository settings that install packages without
    /// checking their signatures, in every stage:
    /// - `apk add --allow-untrusted`;
    /// - `apt-get`/`apt` `--allow-unauthenticated`, `--force-yes`,
    ///   `--allow-insecure-repositories`, `-o APT::Get::AllowUnauthenticated=true`,
    ///   `-o Acquire::AllowInsecureRepositories=true`;
    /// - `yum`/`dnf`/`microdnf`/`tdnf` `--nogpgcheck`, `--setopt=gpgcheck=0` (also per
    ///   repository and `localpkg_gpgcheck`); `zypper --no-gpg-checks`, `zypper addrepo
    ///   --no-gpgcheck`/`-G`;
    /// - `rpm --nosignature`, `--nodigest`, `--noverify`; `dpkg --force-bad-verify`;
    /// - the same written into files: `[trusted=yes]` or `[allow-insecure=yes]` in an apt
    ///   source line, `gpgcheck=0` in a `.repo` file or `yum.conf`,
    ///   `APT::Get::AllowUnauthenticated "true"` in apt configuration, `SigLevel = Never` in
    ///   `pacman.conf`.
    ///
    /// `repo_gpgcheck=0` (unsigned repository metadata, the default of most repositories) is
    /// not flagged, nor are repositories that are a directory of the build itself
    /// (`deb [trusted=yes] file:///tmp/repo ./`, `baseurl=file://…`, as the official nginx
    /// images build and install their own packages), `apk add --allow-untrusted` of package
    /// files under a `RUN --mount=…,from=<stage>` target (built by the build itself) and
    /// `apk index --allow-untrusted`.
    ///
    /// ## Why is this bad?
    /// Package signatures are what ties a package to its distribution or vendor; the
    /// transport (often plain HTTP mirrors) is not trusted. Turning the check off lets a
    /// mirror, proxy or attacker on the path substitute any package, and it runs its
    /// install scripts as root during the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY packages/ /tmp/packages/
    /// RUN apk add --no-cache --allow-untrusted /tmp/packages/*.apk
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY keys/packager.rsa.pub /etc/apk/keys/
    /// COPY packages/ /tmp/packages/
    /// RUN apk add --no-cache /tmp/packages/*.apk
    /// ```
    ///
    /// ## References
    /// - [apt-get(8): --allow-unauthenticated](https://manpages.debian.org/bookworm/apt/apt-get.8.en.html)
    /// - [dnf: gpgcheck](https://dnf.readthedocs.io/en/latest/conf_ref.html)
    /// - CWE-347: improper verification of cryptographic signature
    /// - Similar: Checkov CKV2_DOCKER_7 to CKV2_DOCKER_11
    pub struct PackageSignatureBypassed {
        code: "SW504",
        name: "package-signature-bypassed",
        steps: [SignedImages],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [347],
        equivalents: [
            "checkov:CKV2_DOCKER_7",
            "checkov:CKV2_DOCKER_8",
            "checkov:CKV2_DOCKER_9",
            "checkov:CKV2_DOCKER_10",
            "checkov:CKV2_DOCKER_11",
        ],
        summary: "Package signature checks bypassed",
    }
}

fn truthy(value: &str) -> bool {
    matches!(
        value.trim().trim_matches('"').to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

fn falsy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

static WRITTEN: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(?i)\[[^\]\n]*\b(?:trusted|allow-insecure)\s*=\s*yes\b[^\]\n]*\]",
            "makes apt accept the repository's packages unsigned",
        ),
        (
            r"(?i)(?:^|[^a-z0-9_]|localpkg_)gpgcheck\s*=\s*(?:0|false|no|off)\b",
            "turns off package signature checks for the repository",
        ),
        (
            r#"(?i)\b(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories)\s*"?\s*(?:true|1|yes)\b"#,
            "makes apt accept unsigned packages or repositories",
        ),
        (
            r"(?im)^\s*SigLevel\s*=\s*Never\b",
            "makes pacman accept unsigned packages",
        ),
    ]
    .into_iter()
    .map(|(p, what)| {
        (
            Regex::new(p).expect("the signature setting patterns are valid regexes"),
            what,
        )
    })
    .collect()
});

/// Directories where a `RUN --mount=…,from=<stage or image>` puts files of the build itself.
fn build_mount_targets(instr: &Instr<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, flag) in instr.inst.flags.iter().enumerate() {
        if !flag.name.eq_ignore_ascii_case("mount") {
            continue;
        }
        let Some(value) = instr.data.flags.get(i).and_then(Option::as_ref) else {
            continue;
        };
        if value.unknown {
            continue;
        }
        let mut from = false;
        let mut target = None;
        for field in value.text.split(',') {
            match field.split_once('=') {
                Some(("from", _)) => from = true,
                Some(("target" | "dst" | "destination", t)) => target = Some(t.to_owned()),
                _ => {}
            }
        }
        if let (true, Some(t)) = (from, target) {
            out.push(t);
        }
    }
    out
}

/// `apk add --allow-untrusted` of package files that an earlier stage built and a
/// `--mount=…,from=` provides: they never crossed a network.
fn installs_build_packages(view: &CommandView<'_>, build_dirs: &[String]) -> bool {
    let packages: Vec<&str> = view
        .positional(&["-X", "--repository", "-p", "--root", "--virtual", "-t", "--cache-dir", "--keys-dir"])
        .into_iter()
        .skip(1)
        .map(|w| w.text.as_str())
        .collect();
    !packages.is_empty()
        && packages.iter().all(|p| {
            build_dirs.iter().any(|d| {
                let dir = d.trim_end_matches('/');
                !dir.is_empty() && p.starts_with(dir) && p[dir.len()..].starts_with('/')
            })
        })
}

fn command_hits(c: &Command, build_dirs: &[String], out: &mut Vec<(Span, String)>) {
    let view = c.unwrapped();
    let Some(name) = view.name() else { return };
    let mut flag = |names: &[&str], what: &str| {
        if let Some(w) = commands::flag_word(&view, names) {
            out.push((w.span, format!("`{name} {}` {what}", w.text)));
        }
    };
    match name {
        // `apk index --allow-untrusted` indexes packages the build made itself.
        "apk"
            if matches!(
                view.positional(&[]).first().map(|w| w.text.as_str()),
                Some("add" | "fix" | "upgrade" | "update")
            ) && !installs_build_packages(&view, build_dirs) =>
        {
            flag(&["--allow-untrusted"], "installs packages without checking their signatures");
        }
        "apt-get" | "apt" | "aptitude" => {
            flag(&["--allow-unauthenticated"], "installs packages without checking their signatures");
            flag(&["--force-yes"], "installs unauthenticated packages and downgrades without asking");
            flag(&["--allow-insecure-repositories"], "accepts repositories without signed metadata");
            for v in view.flag_values(&["-o", "--option"]) {
                if let Some((k, value)) = v.value.split_once('=') {
                    let k = k.to_ascii_lowercase();
                    let bad = matches!(
                        k.as_str(),
                        "apt::get::allowunauthenticated"
                            | "acquire::allowinsecurerepositories"
                            | "acquire::allowdowngradetoinsecurerepositories"
                    );
                    if bad && truthy(value) {
                        out.push((v.word.span, format!("`-o {}` makes apt accept unsigned packages or repositories", v.value)));
                    }
                }
            }
        }
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "yum-config-manager" => {
            flag(&["--nogpgcheck", "--no-gpgchecks"], "installs packages without checking their signatures");
            for v in view.flag_values(&["--setopt"]) {
                if let Some((k, value)) = v.value.split_once('=') {
                    let k = k.to_ascii_lowercase();
                    let key = k.rsplit('.').next().unwrap_or(&k);
                    if matches!(key, "gpgcheck" | "localpkg_gpgcheck") && falsy(value) {
                        out.push((v.word.span, format!("`--setopt={}` turns off package signature checks", v.value)));
                    }
                }
            }
        }
        "zypper" => {
            flag(&["--no-gpg-checks"], "installs packages without checking their signatures");
            let sub = view.positional(&[]).first().map(|w| w.text.as_str());
            if matches!(sub, Some("ar" | "addrepo")) {
                flag(&["--no-gpgcheck", "-G"], "adds a repository whose packages are not signature-checked");
            }
        }
        "rpm" => {
            flag(&["--nosignature", "--nodigest", "--noverify"], "installs packages without checking their signatures or digests");
        }
        "dpkg" => flag(&["--force-bad-verify"], "installs packages whose verification failed"),
        _ => {}
    }
}

/// The repository the setting applies to is a directory of the build itself (`deb
/// [trusted=yes] file:///tmp/repo ./`, `baseurl=file:///tmp/repo`): there is no transport to
/// tamper with.
fn local_repository(text: &str, after: usize) -> bool {
    let rest = text[after..].trim_start();
    let local = |s: &str| s.starts_with("file:") || s.starts_with("copy:");
    local(rest) || LOCAL_BASEURL.is_match(text)
}

static LOCAL_BASEURL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?im)^\s*baseurl\s*=\s*file:").expect("the baseurl pattern is a valid regex")
});

fn script_hits(script: &Script, build_dirs: &[String], out: &mut Vec<(Span, String)>) {
    for c in script.commands() {
        command_hits(c, build_dirs, out);
    }
    for w in commands::written_texts(script) {
        for (re, what) in WRITTEN.iter() {
            if let Some(m) = re.find(&w.text) {
                if local_repository(&w.text, m.end()) {
                    continue;
                }
                let matched = m.as_str().trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '[');
                let start = m.end() - matched.len();
                out.push((
                    commands::sub_span(w.span, &w.text, start, m.end()),
                    format!("`{}` written into a configuration file {what}", matched.trim()),
                ));
            }
        }
    }
}

impl Rule for PackageSignatureBypassed {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            let mut hits = Vec::new();
            script_hits(script, &build_mount_targets(&instr), &mut hits);
            for (span, message) in hits {
                cx.report(span, message)
                    .help("Keep signature checks on; import the repository's signing key (`/etc/apk/keys`, `signed-by=`, `rpm --import`) instead");
            }
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
        script_hits(&script, &["/tmp/packages/".to_owned()], &mut out);
        out.into_iter().map(|(_, m)| m).collect()
    }

    #[test]
    fn bypasses() {
        for s in [
            "apk add --allow-untrusted /tmp/x.apk",
            "apt-get install -y --allow-unauthenticated x",
            "apt-get install -y --force-yes x",
            "apt-get update --allow-insecure-repositories",
            "apt-get -o APT::Get::AllowUnauthenticated=true install x",
            "yum install -y --nogpgcheck x",
            "dnf install -y --setopt=gpgcheck=0 x",
            "dnf install -y --setopt=myrepo.gpgcheck=false x",
            "microdnf install --nogpgcheck x",
            "zypper --no-gpg-checks install -y x",
            "zypper ar -G https://r/repo r",
            "rpm -ivh --nosignature x.rpm",
            "rpm -Uvh --nodigest x.rpm",
            "dpkg --force-bad-verify -i x.deb",
            "echo 'deb [trusted=yes] http://r/ ./' > /etc/apt/sources.list.d/r.list",
            "echo \"deb [arch=amd64 trusted=yes] http://r stable main\" | tee /etc/apt/sources.list.d/r.list",
            "printf '[r]\\nbaseurl=http://r\\ngpgcheck=0\\n' > /etc/yum.repos.d/r.repo",
            "sed -i 's/gpgcheck=1/gpgcheck=0/g' /etc/yum.conf",
            "echo 'APT::Get::AllowUnauthenticated \"true\";' > /etc/apt/apt.conf.d/99x",
        ] {
            assert_eq!(messages(s).len(), 1, "{s}: {:?}", messages(s));
        }
    }

    #[test]
    fn quiet() {
        for s in [
            "apk add --no-cache curl",
            "apt-get install -y --no-install-recommends x",
            "dnf install -y --setopt=install_weak_deps=0 x",
            "echo 'repo_gpgcheck=0' >> /etc/yum.repos.d/r.repo",
            "echo 'deb [signed-by=/k.gpg] http://r stable main' > /etc/apt/sources.list.d/r.list",
            "echo \"deb [ trusted=yes ] file://$tempDir ./\" > /etc/apt/sources.list.d/temp.list",
            "printf '[l]\\nbaseurl=file:///tmp/repo\\ngpgcheck=0\\n' > /etc/yum.repos.d/l.repo",
            "apk index --allow-untrusted -o APKINDEX.tar.gz *.apk",
            "apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-${m}-${V}*.apk",
            "sed -i 's/gpgcheck=0/gpgcheck=1/' /etc/yum.conf",
            "rpm --import https://r/key.asc",
            "zypper ar https://r/repo r",
            "echo trusted=yes",
        ] {
            assert!(messages(s).is_empty(), "{s}: {:?}", messages(s));
        }
    }
}

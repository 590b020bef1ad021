use crate::dockerfile::ShellKind;
use crate::knowledge::{commands, verification};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of a remote file (`ADD https://…`) without `--checksum=sha256:…`, and
    /// `ADD` of a Git repository (`https://…/repo.git#ref`, `git@host:repo.git`) whose ref is
    /// not a commit id: a branch, a tag or no ref at all. Every stage is checked.
    ///
    /// An `ADD` of a remote file stays quiet when `--checksum` is given (its value may come
    /// from a build argument), or when a later `RUN` of the stage (one of the next 100) checks
    /// the added file before anything uses it (`echo "<sum>  /tmp/app.tgz" | sha256sum -c -`,
    /// `gpg --verify`), with a check that fails the `RUN` (see SW506 for what counts). A Git ref pinned by
    /// `--checksum=<commit>` or by a full commit id (`#<40 hex digits>`, `?commit=…`,
    /// `?checksum=…`) is quiet.
    ///
    /// ## Why is this bad?
    /// BuildKit fetches the URL at build time and copies whatever the server returns into
    /// the image. Without a checksum, a compromised or changed artifact is accepted silently
    /// and two builds of the same Dockerfile can ship different content. A Git branch or tag
    /// can be moved to another commit at any time; only a commit id names fixed content.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://downloads.example.com/tool/1.4.2/tool-linux-amd64 /usr/local/bin/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:5d9c1c0b6e9d2f0a41b7e3c8f2a6d4e1b0c9a8f7e6d5c4b3a2f1e0d9c8b7a6f5 --chmod=755 \
    ///     https://downloads.example.com/tool/1.4.2/tool-linux-amd64 /usr/local/bin/tool
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    /// - [Dockerfile reference: adding files from a Git repository](https://docs.docker.com/reference/dockerfile/#adding-files-from-a-git-repository)
    /// - CWE-494: download of code without integrity check
    /// - Similar: SW506 (downloads in `RUN`); Trivy DS005; Checkov CKV_DOCKER_4
    pub struct RemoteAddUnverified {
        code: "SW501",
        name: "remote-add-unverified",
        steps: [SignedImages],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [494],
        equivalents: ["trivy:DS005", "checkov:CKV_DOCKER_4"],
        summary: "ADD fetches remote content without a checksum or commit pin",
    }
}

/// What kind of remote source an `ADD` argument is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Remote {
    /// An HTTP(S) file.
    File,
    /// A Git repository, with the ref it names (`None`: the default branch).
    Git(Option<String>),
}

fn has_scheme(text: &str, scheme: &str) -> bool {
    text.len() > scheme.len()
        && text
            .get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
}

/// Classifies an `ADD` source the way BuildKit does: `git@…`, `git://`, `ssh://` and HTTP(S)
/// URLs whose path ends in `.git` are repositories; other HTTP(S) URLs are files.
fn remote_kind(text: &str) -> Option<Remote> {
    let http = has_scheme(text, "http://") || has_scheme(text, "https://");
    let (base, fragment) = match text.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (text, None),
    };
    let (path, query) = match base.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (base, None),
    };
    let git = text.starts_with("git@")
        || has_scheme(text, "git://")
        || has_scheme(text, "ssh://")
        || (http && {
            let p = path.trim_end_matches('/');
            p.len() > 4
                && p.get(p.len() - 4..)
                    .is_some_and(|e| e.eq_ignore_ascii_case(".git"))
        });
    if git {
        // `#ref:subdir`, or the `?ref=`/`?commit=`/`?checksum=` query of newer BuildKit.
        let mut reference = fragment
            .map(|f| f.split(':').next().unwrap_or(f).to_owned())
            .filter(|r| !r.is_empty());
        for pair in query.unwrap_or("").split('&') {
            if let Some((k, v)) = pair.split_once('=') {
                match k {
                    "commit" | "checksum" => return Some(Remote::Git(Some(v.to_owned()))),
                    "ref" | "tag" | "branch" if reference.is_none() => {
                        reference = Some(v.to_owned());
                    }
                    _ => {}
                }
            }
        }
        return Some(Remote::Git(reference));
    }
    http.then_some(Remote::File)
}

/// A full commit id (SHA-1 or SHA-256).
fn is_commit(reference: &str) -> bool {
    matches!(reference.len(), 40 | 64) && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a later `RUN` of the stage checks `file` before anything uses it.
fn verified_later(df: &Dockerfile<'_>, runs: &[usize], instr: &Instr<'_>, file: &str) -> bool {
    let Some(stage) = instr.stage() else {
        return false;
    };
    let end = df.stages[stage].end;
    let first = runs.partition_point(|&i| i <= instr.index);
    let later_runs = runs[first..]
        .iter()
        .take_while(|&&i| i < end)
        .take(MAX_LATER_RUNS);
    for later in later_runs.map(|&i| df.instr(i)) {
        let Some(script) = later.script() else { continue };
        let pipefail = matches!(later.data.shell, ShellKind::Posix { pipefail: true, .. });
        if let Some(verified) = verification::verifies_before_use(script, file, pipefail) {
            return verified;
        }
    }
    false
}

/// `RUN`s after an `ADD` searched for the use of the file it downloads.
const MAX_LATER_RUNS: usize = 100;

impl Rule for RemoteAddUnverified {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        // The instructions with a shell script, in order.
        let runs: Vec<usize> = df
            .instructions()
            .filter(|i| i.script().is_some())
            .map(|i| i.index)
            .collect();
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Add || instr.data.args.len() < 2 {
                continue;
            }
            let checksum = instr.flag_value("checksum").is_some();
            let (dest, sources) = instr
                .data
                .args
                .split_last()
                .expect("an ADD with two or more arguments has a last one");
            for source in sources {
                let Some(kind) = remote_kind(&source.text) else { continue };
                match kind {
                    Remote::File => {
                        if checksum {
                            continue;
                        }
                        let file = match commands::url_file_name(&source.text) {
                            Some(name) if dest.text.ends_with('/') || sources.len() > 1 => {
                                format!("{}/{name}", dest.text.trim_end_matches('/'))
                            }
                            _ => dest.text.clone(),
                        };
                        if !dest.unknown && verified_later(df, &runs, &instr, &file) {
                            continue;
                        }
                        cx.report(
                            source.span,
                            format!("`ADD` fetches `{}` without `--checksum`, so its content is not verified", source.text),
                        )
                        .help("Add `--checksum=sha256:<digest>`, or download it in a `RUN` and check it with `sha256sum -c` before use");
                    }
                    Remote::Git(reference) => {
                        if checksum || reference.as_deref().is_some_and(is_commit) {
                            continue;
                        }
                        if reference.is_none() && source.unknown {
                            continue;
                        }
                        let why = match &reference {
                            Some(r) => format!("is pinned to `{r}`, a branch or tag that can move"),
                            None => "names no ref, so it takes whatever the default branch holds".to_owned(),
                        };
                        cx.report(source.span, format!("`ADD` of the Git repository `{}` {why}", source.text))
                            .help("Pin the repository to a full commit id (`#<commit>`) or add `--checksum=<commit>`");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_sources() {
        assert_eq!(remote_kind("https://x/a.tgz"), Some(Remote::File));
        assert_eq!(remote_kind("HTTP://x/a"), Some(Remote::File));
        assert_eq!(remote_kind("./a.tgz"), None);
        assert_eq!(remote_kind("$URL"), None);
        assert_eq!(
            remote_kind("https://github.com/moby/buildkit.git#v0.10.1"),
            Some(Remote::Git(Some("v0.10.1".into())))
        );
        assert_eq!(
            remote_kind("git@github.com:moby/buildkit.git#main:docs"),
            Some(Remote::Git(Some("main".into())))
        );
        assert_eq!(
            remote_kind("https://github.com/moby/buildkit.git"),
            Some(Remote::Git(None))
        );
        assert_eq!(
            remote_kind("https://github.com/moby/buildkit.git?ref=v1&commit=abc"),
            Some(Remote::Git(Some("abc".into())))
        );
        assert!(is_commit("8b2ed0b1ec68fbb9b7a8ac1ad9d5fe5b5a3c4ff1"));
        assert!(!is_commit("v0.10.1"));
        // Multi-byte text never splits a character.
        assert_eq!(remote_kind("ñandú://x"), None);
        assert_eq!(remote_kind("https://x/ñ"), Some(Remote::File));
        assert_eq!(remote_kind("https://x/añ.gñt"), Some(Remote::File));
    }
}

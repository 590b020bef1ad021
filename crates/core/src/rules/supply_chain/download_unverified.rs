use crate::dockerfile::ShellKind;
use crate::finding::Location;
use crate::knowledge::verification::{self, UseKind};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that downloads a file (`curl -o`, `curl -O`, `wget`, `aria2c`) and then
    /// extracts it (`tar -x`, `unzip`, `gunzip`), installs it (`dpkg -i`, `rpm -i`,
    /// `apk add`, `pip install`, `install`, `chmod +x`) or executes it (`sh f`, `./f`,
    /// `java -jar f`) in the same `RUN` without checking it first, and a download piped
    /// straight into an extractor (`curl … | tar -xz`), which cannot be checked at all.
    ///
    /// A check counts when it names the file (or names none of the other downloaded files)
    /// and its failure stops the use: `echo "<sha256>  f" | sha256sum -c -`,
    /// `sha512sum --check`, `grep f SHA256SUMS | sha256sum -c -`, a digest compared with
    /// `[ "$(sha256sum f | cut -d' ' -f1)" = "$SHA" ]`, `gpg --verify f.asc f`, `gpgv`,
    /// `cosign verify-blob`, `minisign -V`, `openssl dgst -verify`; joined with `&&`, under
    /// `set -e`, followed by `|| exit 1` or in an `if` condition. A check whose failure is
    /// ignored (`|| true`), that only runs on some paths, that comes after the use, or that
    /// uses MD5 does not count. Downloads piped into an interpreter (`curl … | sh`) are
    /// SW502; files fetched with `ADD` are SW501. Every stage is checked.
    ///
    /// ## Why is this bad?
    /// Whatever the server sends (or a compromised mirror, or anyone who can tamper with the
    /// connection) ends up unpacked into the image or run with the build's privileges, and
    /// nothing records what it was. A checksum pinned in the Dockerfile makes the build
    /// reproducible and fail loudly when the artifact changes; a signature check ties it to
    /// its publisher. A truncated or error-page download is caught too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN curl -fsSLo /tmp/tool.tgz https://downloads.example.com/tool/1.4.2/tool-linux-amd64.tar.gz \
    ///  && tar -xzf /tmp/tool.tgz -C /usr/local/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ARG TOOL_SHA256=5d9c1c0b6e9d2f0a41b7e3c8f2a6d4e1b0c9a8f7e6d5c4b3a2f1e0d9c8b7a6f5
    /// RUN curl -fsSLo /tmp/tool.tgz https://downloads.example.com/tool/1.4.2/tool-linux-amd64.tar.gz \
    ///  && echo "${TOOL_SHA256}  /tmp/tool.tgz" | sha256sum -c - \
    ///  && tar -xzf /tmp/tool.tgz -C /usr/local/bin
    /// ```
    ///
    /// ## References
    /// - CWE-494: download of code without integrity check
    /// - [Docker official images: verifying downloads](https://github.com/docker-library/official-images#image-build)
    /// - Similar: SW501 (remote `ADD`), SW502 (downloads piped into a shell)
    pub struct DownloadUnverified {
        code: "SW506",
        name: "download-unverified",
        steps: [NoVulnerableBase, SignedImages],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [494],
        equivalents: [],
        summary: "Downloaded file used without a checksum or signature check",
    }
}

impl Rule for DownloadUnverified {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            let pipefail = matches!(instr.data.shell, ShellKind::Posix { pipefail: true, .. });
            for u in verification::unverified_downloads(script, pipefail) {
                let user = u.user.unwrapped().name().unwrap_or("the next command").to_owned();
                let dl = u.download.downloader;
                let (message, label) = match &u.file {
                    Some(file) => (
                        format!(
                            "`{dl}` downloads `{file}` and `{user}` {} without a checksum or signature check",
                            if user == "chmod" {
                                "makes it executable".to_owned()
                            } else {
                                format!("{} it", u.kind.verb())
                            }
                        ),
                        match u.kind {
                            UseKind::Extract => "extracted here",
                            UseKind::Install => "installed here",
                            UseKind::Execute => "executed here",
                        },
                    ),
                    None => (
                        format!(
                            "The output of `{dl}` is piped into `{user}` and extracted, so it cannot be checked"
                        ),
                        "extracted here",
                    ),
                };
                let related = Location::new(cx.file(), u.user.span);
                cx.report(u.download.command.span, message)
                    .help("Download to a file, check it (`echo \"<sha256>  file\" | sha256sum -c -` or `gpg --verify`), then use it")
                    .related(related, label);
            }
        }
    }
}

use crate::knowledge::commands;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags downloaded scripts that are executed straight away, without any verification
    /// possible: `curl … | sh`, `wget -O- … | bash`, `curl … | python3`, `bash <(curl …)`,
    /// `sh -c "$(curl …)"` and `eval "$(curl …)"`, also behind `sudo` or `env`, in every
    /// stage. A download piped into a program that does not run it (`curl … | tar -xz`,
    /// `curl … | python3 -c '…json…'`) is not flagged; downloading to a file, checking its
    /// checksum or signature and then running it is the fix.
    ///
    /// ## Why is this bad?
    /// The build runs whatever the server (or anyone in between, or whoever compromised it)
    /// sends at that moment, with the build's privileges, and nothing records what it was.
    /// A truncated download can also run half a script. Verification needs the file first.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ARG INSTALL_SHA256=0d4f5c7c4e4b2b1f5a2b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///  && echo "${INSTALL_SHA256}  /tmp/install.sh" | sha256sum -c - \
    ///  && sh /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - CWE-494: download of code without integrity check
    /// - [Docker build best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    pub struct RemoteScriptExecuted {
        code: "SW502",
        name: "remote-script-executed",
        steps: [SignedImages],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [494],
        equivalents: [],
        summary: "Downloaded script executed without verification",
    }
}

impl Rule for RemoteScriptExecuted {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            for exec in commands::remote_executions(script) {
                cx.report(
                    exec.span,
                    format!(
                        "The output of `{}` is {} `{}` without verification",
                        exec.downloader, exec.how, exec.interpreter
                    ),
                )
                .help("Download to a file, verify its checksum or signature (`sha256sum -c`, `gpg --verify`), then run it");
            }
        }
    }
}

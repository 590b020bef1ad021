use crate::prelude::*;
use crate::syntax::shell::{Command, RedirectOp, Script};

declare_rule! {
    /// ## What it does
    /// Flags `RUN` commands that set an account password while the image is built:
    /// `chpasswd` (`echo 'root:secret' | chpasswd`), `passwd --stdin`, `passwd` fed on its
    /// standard input (`echo … | passwd`, here-strings, heredocs), and `usermod`/`useradd`
    /// with `-p`/`--password`. The commands are found in the shell analysis of `RUN`
    /// (heredoc bodies, `sh -c` strings, behind `sudo` or `busybox`), never in `echo`ed
    /// text. Locking an account (`usermod -p '*'`, `-p '!'`, `passwd -l`) is not reported.
    ///
    /// ## Why is this bad?
    /// The password, or its hash, ends up in the image: in `/etc/shadow` of every container
    /// started from it, and in plain text in the layer history (`docker history` shows the
    /// `RUN` line) and in the build logs. Everyone who can pull the image can read or crack
    /// it, and it is the same for every deployment. Containers rarely need passwords at all;
    /// when one does, provide it at run time from a secret store.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd -m app && echo 'app:S3cure!' | chpasswd
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN useradd -m app
    /// USER app
    /// ```
    ///
    /// ## References
    /// - [Docker docs: build secrets](https://docs.docker.com/build/building/secrets/)
    /// - Similar: Checkov CKV2_DOCKER_17; SW301, SW302
    pub struct PasswordSetInBuild {
        code: "SW206",
        name: "password-set-in-build",
        steps: [Secrets],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [798],
        equivalents: ["checkov:CKV2_DOCKER_17"],
        summary: "RUN sets an account password during the build",
    }
}

/// Password hashes that lock an account instead of setting a password.
fn is_lock(value: &str) -> bool {
    matches!(value, "*" | "!" | "!!" | "!*" | "x")
}

/// `passwd` reads the new password from standard input: a pipe into it, or a here-string,
/// heredoc or file on its standard input.
fn passwd_reads_stdin(script: &Script, command: &Command) -> bool {
    !script.upstream(command.index).is_empty()
        || command.redirects.iter().any(|r| {
            matches!(
                r.op,
                RedirectOp::HereString | RedirectOp::Heredoc | RedirectOp::HeredocStripTabs
            ) || (r.op == RedirectOp::In && r.fd.is_none_or(|fd| fd == 0))
        })
}

impl Rule for PasswordSetInBuild {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            for command in script.commands() {
                let view = command.unwrapped();
                let Some(name) = view.name() else { continue };
                let found = match name {
                    "chpasswd" => view.program().map(|w| (w.span, "`chpasswd` sets account passwords".to_owned())),
                    "passwd" => {
                        // Locking, unlocking, deleting, expiring and status queries set nothing.
                        if view.has_flag(&[
                            "-l", "-u", "-d", "-e", "-S", "--lock", "--unlock", "--delete", "--expire", "--status",
                        ]) {
                            None
                        } else if let Some(w) = view.args().iter().find(|w| w.text == "--stdin") {
                            Some((w.span, "`passwd --stdin` sets a password".to_owned()))
                        } else if passwd_reads_stdin(script, command) {
                            view.program().map(|w| {
                                (w.span, "`passwd` sets a password read from its standard input".to_owned())
                            })
                        } else {
                            None
                        }
                    }
                    "usermod" | "useradd" => view
                        .flag_values(&["-p", "--password"])
                        .into_iter()
                        .find(|v| !is_lock(v.value))
                        .map(|v| (v.word.span, format!("`{name}` sets a password hash"))),
                    _ => None,
                };
                if let Some((span, what)) = found {
                    cx.report(span, format!("{what} while the image is built; it stays in the image and its history"))
                        .help("Do not set passwords in the image; pass credentials at run time from a secret store, or lock the account");
                }
            }
        }
    }
}

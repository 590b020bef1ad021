use crate::knowledge::permissions;
use crate::prelude::*;
use crate::rules::user::world_writable_permissions::where_applied;

declare_rule! {
    /// ## What it does
    /// Flags file modes that set the setuid or setgid bit: `chmod u+s`, `chmod g+s`,
    /// `chmod +s`, `chmod 4755`, `chmod 2755`, `chmod 6755`, the same through `find … -exec
    /// chmod` and `install -m`, and `COPY --chmod=4755` / `ADD --chmod=…`. Modes are read
    /// from the shell analysis of `RUN` (heredoc bodies and `sh -c` strings included) and
    /// from expanded `--chmod` values; unknown values are not guessed.
    ///
    /// Directories are not reported: the setgid bit on a directory only makes new files
    /// inherit its group (the shared-directory idiom, `mkdir -m 2775`, `install -d -m 3777`),
    /// and Linux ignores setuid on directories. A path counts as a directory when `mkdir`
    /// or `install -d` sets the mode, when `find -type d` selects it, or when an earlier
    /// `mkdir` of the same `RUN` created it. Removing the bits (`chmod a-s`, the usual
    /// hardening step) is never reported.
    ///
    /// ## Why is this bad?
    /// A setuid program runs with the privileges of its owner, usually root, whoever starts
    /// it; a setgid program with those of its group. Each one is a way from an unprivileged
    /// process back to root: a bug in the program, or a way to make it run something else,
    /// undoes the non-root `USER` of the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// COPY tool /usr/local/bin/tool
    /// RUN chmod u+s /usr/local/bin/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// COPY tool /usr/local/bin/tool
    /// RUN chmod 0755 /usr/local/bin/tool
    /// ```
    ///
    /// ## References
    /// - [CIS Docker Benchmark 4.8: ensure setuid and setgid permissions are removed](https://www.cisecurity.org/benchmark/docker)
    /// - [GNU coreutils: directories and the set-user-ID and set-group-ID bits](https://www.gnu.org/software/coreutils/manual/html_node/Directory-Setuid-and-Setgid.html)
    /// - Similar: dockle CIS-DI-0008 (checks built images); SW203
    pub struct SetuidBitSet {
        code: "SW204",
        name: "setuid-bit-set",
        steps: [NonRoot],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: ["dockle:CIS-DI-0008"],
        summary: "File mode sets the setuid or setgid bit",
    }
}

impl Rule for SetuidBitSet {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if let Some(script) = instr.script() {
                for change in permissions::mode_changes(script) {
                    let Some(bits) = change.effect.special_bits() else {
                        continue;
                    };
                    if change.directories || change.removed_later {
                        continue;
                    }
                    cx.report(
                        change.span,
                        format!(
                            "`{}` sets the {bits} on {}",
                            change.describe(),
                            where_applied(&change)
                        ),
                    )
                    .help("Do not ship setuid or setgid programs: do the privileged work during the build, or grant one capability with `setcap`");
                }
            }
            if !matches!(instr.keyword(), Keyword::Copy | Keyword::Add) {
                continue;
            }
            let Some((flag, Some(value))) = instr.flag_value("chmod") else {
                continue;
            };
            let Some(mode) = value.known() else { continue };
            let Some(bits) = permissions::parse_mode(mode).and_then(permissions::ModeEffect::special_bits) else {
                continue;
            };
            cx.report(
                flag.span,
                format!(
                    "`--chmod={mode}` sets the {bits} on what `{}` copies",
                    instr.keyword()
                ),
            )
            .help("Copy with a mode without the special bits, such as `--chmod=755`");
        }
    }
}

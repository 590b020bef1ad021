use crate::knowledge::permissions::{self, ModeChange, ModeCommand};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags file modes that give every user write access: `chmod 777`, `chmod 666`,
    /// `chmod o+w`, `chmod a+w`, `chmod -R 777`, the same through `find … -exec chmod`,
    /// `mkdir -m` and `install -m`, and `COPY --chmod=777` / `ADD --chmod=…`. Modes are read
    /// from the shell analysis of `RUN` (heredoc bodies and `sh -c` strings included) and
    /// from expanded `--chmod` values; a mode held in an unknown variable is not guessed.
    ///
    /// Two cases stay quiet. A mode that also sets the sticky bit (`1777`, `+t`) is the
    /// shared-directory idiom of `/tmp`, which the official images use so that any `--user`
    /// can write while only a file's owner may delete or rename it. A path that a later
    /// `rm` of the same `RUN` deletes (a temporary build directory) never reaches the image.
    ///
    /// ## Why is this bad?
    /// A world-writable file or directory can be changed by any process in the container,
    /// whatever user it runs as: a compromised low-privilege process can rewrite
    /// application code, configuration or scripts that a more privileged process later
    /// runs, and the image loses the protection that running as a non-root user was
    /// meant to give.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY . /app
    /// RUN chmod -R 777 /app
    /// USER node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY --chown=node:node . /app
    /// RUN chmod -R go-w /app
    /// USER node
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --chmod](https://docs.docker.com/reference/dockerfile/#copy---chown---chmod)
    /// - [GNU coreutils: chmod](https://www.gnu.org/software/coreutils/manual/html_node/chmod-invocation.html)
    /// - Similar: SW204
    pub struct WorldWritablePermissions {
        code: "SW203",
        name: "world-writable-permissions",
        steps: [NonRoot],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [732],
        equivalents: [],
        summary: "File mode gives every user write access",
    }
}

/// "`/app`", "`/app` and everything under it", "what `find` selects under `/srv`".
pub(crate) fn where_applied(change: &ModeChange<'_>) -> String {
    let targets = change.describe_targets();
    match change.command {
        ModeCommand::FindExecChmod => format!("what `find` selects under {targets}"),
        _ if change.recursive => format!("{targets} and everything under it"),
        _ => targets,
    }
}

impl Rule for WorldWritablePermissions {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if let Some(script) = instr.script() {
                for change in permissions::mode_changes(script) {
                    let effect = change.effect;
                    if !effect.grants_world_write() || effect.sets_sticky() || change.removed_later
                    {
                        continue;
                    }
                    cx.report(
                        change.span,
                        format!(
                            "`{}` gives every user write access to {}",
                            change.describe(),
                            where_applied(&change)
                        ),
                    )
                    .help("Make the path owned by the user that writes to it (`chown`, `COPY --chown`) and drop write access for others; a shared scratch directory needs the sticky bit (`1777`)");
                }
            }
            if !matches!(instr.keyword(), Keyword::Copy | Keyword::Add) {
                continue;
            }
            let Some((flag, Some(value))) = instr.flag_value("chmod") else {
                continue;
            };
            let Some(mode) = value.known() else { continue };
            let Some(effect) = permissions::parse_mode(mode) else {
                continue;
            };
            if effect.grants_world_write() && !effect.sets_sticky() {
                cx.report(
                    flag.span,
                    format!(
                        "`--chmod={mode}` gives every user write access to what `{}` copies",
                        instr.keyword()
                    ),
                )
                .help("Use a mode without write access for others, such as `--chmod=755` or `--chmod=644`, with `--chown` for the user that writes");
            }
        }
    }
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` with several sources (files, directories, URLs or heredocs,
    /// after build arguments are expanded) whose destination does not end with `/`, in every
    /// stage. A destination of `.` or `..`, or ending in `/.`, names a directory and is fine;
    /// so is a Windows destination ending in `\`. A destination that depends on a value unknown
    /// before the build is not checked.
    ///
    /// A single source with wildcards (`COPY *.json /app/config`) is not reported: whether it
    /// matches several files depends on the build context.
    ///
    /// ## Why is this bad?
    /// With several sources the destination must be a directory, and Docker only treats it as
    /// one when it ends with `/`. Without the slash, the legacy builder refuses the build and
    /// BuildKit copies every source onto the same path, so the last one wins and the others
    /// are silently lost, or the copy fails once a source is a directory.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    /// - Similar: hadolint DL3021; Trivy DS011; KICS "Copy With More Than Two Arguments Not
    ///   Ending With Slash"
    pub struct CopyMultipleSourcesToFile {
        code: "SW808",
        name: "copy-multiple-sources-to-file",
        steps: [CiScanning],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [
            "hadolint:DL3021",
            "trivy:DS011",
            "kics:copy_with_more_than_two_arguments_not_ending_with_slash",
        ],
        summary: "COPY with several sources to a destination that is not a directory",
    }
}

impl Rule for CopyMultipleSourcesToFile {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let kind = instr.keyword();
            if !matches!(kind, Keyword::Copy | Keyword::Add) || instr.stage().is_none() {
                continue;
            }
            let Some((dest, sources)) = instr.data.args.split_last() else {
                continue;
            };
            if sources.len() < 2 || dest.unknown || names_directory(dest.text.trim()) {
                continue;
            }
            let dest_text = dest.text.trim();
            cx.report(
                dest.span,
                format!(
                    "`{kind}` has {} sources but its destination `{dest_text}` does not end with `/`",
                    sources.len()
                ),
            )
            .help(format!(
                "End the destination with `/` (`{dest_text}/`) so that the sources go into that directory"
            ));
        }
    }
}

/// The destination is a directory by its spelling.
fn names_directory(dest: &str) -> bool {
    dest.is_empty()
        || dest.ends_with('/')
        || dest.ends_with('\\')
        || matches!(dest, "." | "..")
        || dest.ends_with("/.")
        || dest.ends_with("/..")
        || dest.ends_with("\\.")
        || dest.ends_with("\\..")
}

#[cfg(test)]
mod tests {
    use super::names_directory;

    #[test]
    fn directory_spellings() {
        for d in ["/app/", ".", "..", "./", "/app/.", "../..", "C:\\app\\", ""] {
            assert!(names_directory(d), "{d}");
        }
        for d in ["/app", "app", "my_app", "/app/..x", "C:\\app"] {
            assert!(!names_directory(d), "{d}");
        }
    }
}

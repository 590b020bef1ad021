use crate::context::SourceKind;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY`/`ADD` source that the ignore file leaves out of the build context: a
    /// path that is excluded (itself or through a directory above it) with no exception
    /// bringing anything below it back, or a wildcard that matches only excluded files. The
    /// decisive pattern of the ignore file (the last one that matches) is given as a related
    /// location.
    ///
    /// ## Why is this bad?
    /// Docker never sends excluded files to the builder, so a `COPY` of one fails with "not
    /// found" although the file is right there on disk; a wildcard that only matches excluded
    /// files silently copies nothing. Either the ignore file is too broad or the `COPY` is
    /// stale, and the contradiction usually surfaces only in CI.
    ///
    /// ## Example
    /// ```dockerfile,ignore
    /// # .dockerignore holds `target`
    /// FROM eclipse-temurin:21-jre
    /// COPY target/app.jar /app/app.jar
    /// ```
    ///
    /// Use instead:
    /// ```gitignore
    /// # .dockerignore
    /// target
    /// !target/app.jar
    /// ```
    ///
    /// ## References
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - [BuildKit check CopyIgnoredFile](https://docs.docker.com/reference/build-checks/copy-ignored-file/)
    /// - Similar: BuildKit CopyIgnoredFile
    pub struct CopyOfIgnoredFile {
        code: "SW308",
        name: "copy-of-ignored-file",
        steps: [Dockerignore],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: ["buildkit:CopyIgnoredFile"],
        summary: "COPY names a file that the ignore file leaves out of the build context",
    }
}

impl Rule for CopyOfIgnoredFile {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(bc) = cx.context() else { return };
        let Some(ignore) = bc.ignore() else { return };
        for (instr, plan) in bc.copy_plans(df) {
            for source in &plan.sources {
                let Some(excluded) = &source.ignored else {
                    continue;
                };
                let keyword = instr.keyword().as_str();
                let name = ignore.name();
                let message = if source.kind == SourceKind::Glob {
                    format!(
                        "{keyword} `{}` matches only paths that `{name}` leaves out of the build context, so it copies nothing",
                        source.text
                    )
                } else if *excluded == source.path {
                    format!(
                        "{keyword} `{}` names a path that `{name}` leaves out of the build context, so the build fails",
                        source.text
                    )
                } else {
                    format!(
                        "{keyword} `{}` is inside `{excluded}`, which `{name}` leaves out of the build context, so the build fails",
                        source.text
                    )
                };
                let finding = cx.report(source.span, message).help(format!(
                    "Narrow the pattern in `{name}` or add an exception such as `!{}`, or stop copying it",
                    source.path
                ));
                if let Some(pattern) = bc.decisive_pattern(excluded) {
                    finding.related(
                        ignore.location(pattern),
                        format!("the pattern that excludes `{excluded}`"),
                    );
                }
            }
        }
    }
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that copies a directory (or the whole context with `.`) from a
    /// build context that has no ignore file: neither `<Dockerfile name>.dockerignore` beside
    /// the Dockerfile nor `.dockerignore` at the context root. The finding points at the first
    /// `COPY`/`ADD` source that copies a directory. Copies of single files, heredocs, remote
    /// sources and `COPY --from` do not need an ignore file.
    ///
    /// ## Why is this bad?
    /// Without an ignore file, Docker sends the whole directory to the builder, and a
    /// directory copy puts all of it into the image: `.git` history, `.env` files, local
    /// credentials, host-built dependencies, logs. An ignore file is the one place that keeps
    /// them out of every build, whoever adds the next `COPY`.
    ///
    /// ## Example
    /// ```dockerfile,ignore
    /// # no .dockerignore in the build context
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// Use instead:
    /// ```gitignore
    /// # .dockerignore beside the Dockerfile, at the context root
    /// .git
    /// .env*
    /// !.env.example
    /// .venv
    /// __pycache__
    /// *.log
    /// ```
    ///
    /// ## References
    /// - [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - Similar: none of the common Dockerfile linters look at the build context
    pub struct DockerignoreMissing {
        code: "SW305",
        name: "dockerignore-missing",
        steps: [Dockerignore],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [],
        summary: "A directory is copied from a build context without an ignore file",
    }
}

impl Rule for DockerignoreMissing {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(bc) = cx.context() else { return };
        if bc.ignore().is_some() {
            return;
        }
        for (instr, plan) in bc.copy_plans(df) {
            let Some(source) = plan.directory_source() else {
                continue;
            };
            let keyword = instr.keyword().as_str();
            let message = if source.whole_context {
                format!(
                    "{keyword} `{}` sends the whole build context, which has no `.dockerignore`",
                    source.text
                )
            } else {
                format!(
                    "{keyword} `{}` copies a directory from a build context that has no `.dockerignore`",
                    source.text
                )
            };
            let root = bc.shown(".dockerignore");
            cx.report(source.span, message).help(format!(
                "Create `{root}` to leave out `.git`, secrets such as `.env`, dependencies and logs"
            ));
            return;
        }
    }
}

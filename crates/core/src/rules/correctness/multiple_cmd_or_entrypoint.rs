use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of the same kind
    /// in the same stage replaces, in every stage. Each ineffective instruction is reported,
    /// with the one that wins as related location. (`HEALTHCHECK` is included as BuildKit's
    /// MultipleInstructionsDisallowed check does.)
    ///
    /// ## Why is this bad?
    /// Only the last `CMD`, `ENTRYPOINT` and `HEALTHCHECK` of a stage end up in the image; the
    /// earlier ones are dead code that a reader takes for the container's command. Usually one
    /// of them is left over from an edit, or two commands were meant to run together, which
    /// takes a script or a process manager, not two instructions.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY . /app
    /// CMD ["python", "/app/migrate.py"]
    /// CMD ["python", "/app/server.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY . /app
    /// CMD ["python", "/app/server.py"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    /// - [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - Similar: hadolint DL4003, DL4004; Trivy DS007, DS016; KICS "Multiple CMD
    ///   Instructions Listed", "Multiple ENTRYPOINT Instructions Listed"; BuildKit
    ///   MultipleInstructionsDisallowed
    pub struct MultipleCmdOrEntrypoint {
        code: "SW804",
        name: "multiple-cmd-or-entrypoint",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [561],
        equivalents: [
            "hadolint:DL4003",
            "hadolint:DL4004",
            "trivy:DS007",
            "trivy:DS016",
            "kics:multiple_cmd_instructions_listed",
            "kics:multiple_entrypoint_instructions_listed",
            "buildkit:MultipleInstructionsDisallowed",
        ],
        summary: "More than one CMD or ENTRYPOINT in a stage",
    }
}

const KINDS: [Keyword; 3] = [Keyword::Cmd, Keyword::Entrypoint, Keyword::Healthcheck];

impl Rule for MultipleCmdOrEntrypoint {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for stage in 0..df.stages.len() {
            for kind in KINDS {
                let all: Vec<Instr<'_>> = df
                    .stage_instructions(stage)
                    .filter(|i| i.keyword() == kind)
                    .collect();
                let Some((last, earlier)) = all.split_last() else {
                    continue;
                };
                let last_line = df.file.line_col(last.span().start).line;
                for instr in earlier {
                    cx.report(
                        instr.inst.keyword_span,
                        format!("This `{kind}` has no effect: the `{kind}` on line {last_line} replaces it"),
                    )
                    .help(format!("Remove this `{kind}`; only the last `{kind}` of a stage is used"))
                    .related(Location::new(df.file, last.span()), format!("the `{kind}` that takes effect"));
                }
            }
        }
    }
}

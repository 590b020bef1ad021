use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that the shipped image has a `HEALTHCHECK`: the final stage (the `--target`
    /// stage, else the last one) or one of the stages it is built `FROM`. `HEALTHCHECK NONE`
    /// counts as a deliberate choice. Builder stages whose output is only copied with `COPY
    /// --from` are not looked at. The finding points at the final stage's `FROM`.
    ///
    /// Not reported: an image built from `scratch` that exposes no port. Such images are
    /// static binaries, command-line tools or data images, with no service to probe and
    /// nothing in them to run a probe with.
    ///
    /// seaworthy cannot see a `HEALTHCHECK` that the base image defines; when the base image
    /// provides one, or when the orchestrator probes the container instead (a compose
    /// `healthcheck:`, Kubernetes probes), suppress the finding or turn the rule off.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker only knows whether the main process is running, not
    /// whether it still serves: a deadlocked or wedged service looks healthy, is never
    /// restarted, and keeps receiving traffic. `docker ps`, compose `depends_on: condition:
    /// service_healthy` and Swarm rolling updates all rely on the health status.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27.3-alpine
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27.3-alpine
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost/ || exit 1
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - CIS Docker Benchmark 4.6: ensure that HEALTHCHECK instructions have been added to
    ///   container images
    /// - Similar: hadolint DL3057; Trivy DS026; Checkov CKV_DOCKER_2; KICS "Healthcheck
    ///   Instruction Missing"
    pub struct HealthcheckMissing {
        code: "SW810",
        name: "healthcheck-missing",
        steps: [CiScanning],
        severity: Info,
        fix: Never,
        set: Default,
        precision: Medium,
        cwe: [],
        equivalents: [
            "hadolint:DL3057",
            "trivy:DS026",
            "checkov:CKV_DOCKER_2",
            "kics:healthcheck_instruction_missing",
            "dockle:CIS-DI-0006",
        ],
        summary: "Final image has no HEALTHCHECK",
    }
}

impl Rule for HealthcheckMissing {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(final_index) = df.final_stage else { return };
        let mut exposes = false;
        for instr in df.shipped_instructions() {
            match instr.keyword() {
                Keyword::Healthcheck => return,
                Keyword::Expose => exposes = true,
                _ => {}
            }
        }
        if !exposes && matches!(df.root_base(final_index), Base::Scratch) {
            return;
        }
        let stage = &df.stages[final_index];
        let which = match &stage.name {
            Some(name) => format!("The final stage `{}`", name.value),
            None => "The final stage".to_owned(),
        };
        cx.report(
            df.instr(stage.from).span(),
            format!("{which} has no `HEALTHCHECK`, so Docker cannot tell whether the service still works"),
        )
        .help("Add a `HEALTHCHECK CMD …` that probes the service, or `HEALTHCHECK NONE` if health is checked elsewhere");
    }
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a build stage whose `AS` name was already given to an earlier stage. Stage names
    /// are compared without regard to letter case, as BuildKit does (`AS Build` and `AS build`
    /// are the same name). The later stage is reported, with the earlier one as related
    /// location.
    ///
    /// ## Why is this bad?
    /// `FROM build`, `COPY --from=build` and `--target build` must name one stage. With two
    /// stages of that name, which one a reference reaches depends on where it sits and on the
    /// builder, so a build can silently copy files from the wrong stage, or fail with a
    /// confusing error after a harmless-looking reordering.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim AS build
    /// RUN npm ci && npm run build
    ///
    /// FROM nginx:1.27.3-alpine AS build
    /// COPY --from=build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim AS build
    /// RUN npm ci && npm run build
    ///
    /// FROM nginx:1.27.3-alpine AS web
    /// COPY --from=build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM … AS name](https://docs.docker.com/reference/dockerfile/#from)
    /// - [BuildKit check DuplicateStageName](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
    /// - Similar: hadolint DL3024; Trivy DS012; Checkov CKV_DOCKER_11; KICS "Same Alias In
    ///   Different Froms"; BuildKit DuplicateStageName
    pub struct DuplicateStageName {
        code: "SW803",
        name: "duplicate-stage-name",
        steps: [MultiStage],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [
            "hadolint:DL3024",
            "trivy:DS012",
            "checkov:CKV_DOCKER_11",
            "kics:same_alias_in_different_froms",
            "buildkit:DuplicateStageName",
        ],
        summary: "Two build stages share a name",
    }
}

impl Rule for DuplicateStageName {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        // The first stage of each name (names are kept in lower case).
        let mut first_of: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        for (i, stage) in df.stages.iter().enumerate() {
            let Some(name) = &stage.name else { continue };
            let first = *first_of.entry(name.value.to_ascii_lowercase()).or_insert(i);
            if first == i {
                continue;
            }
            let first = &df.stages[first];
            let first_from = df.instr(first.from).span();
            let line = df.file.line_col(first_from.start).line;
            cx.report(
                name.span,
                format!(
                    "Stage name `{}` is already used by the stage on line {line}",
                    name.value
                ),
            )
            .help("Give every stage a unique name and update the `FROM`/`--from` references")
            .related(Location::new(df.file, first_from), "first stage with this name");
        }
    }
}

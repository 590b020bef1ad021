use crate::knowledge::packages::{PackageKind, build_tool};
use crate::knowledge::toolchain;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile with a single stage that compiles or packages the application:
    /// `go build`, `cargo build`, `mvn package`/`install`/`verify`, `gradle build`/`bootJar`,
    /// `npm run build`, `yarn build`, `pnpm build`, `dotnet publish`/`build`, and `make`,
    /// `ninja` or `cmake --build` after the Dockerfile installed a compiler. The first build
    /// command is reported.
    ///
    /// Multi-stage files are not checked, and interpreted applications without a build step
    /// do not trigger it. A build in a `RUN` that installs its toolchain and removes it again
    /// in the same `RUN` (the official images' build-from-source idiom: `apk add --virtual
    /// .build-deps …`, build, `apk del .build-deps`) leaves no toolchain behind and is not
    /// reported either.
    ///
    /// ## Why is this bad?
    /// In a single stage, everything the build needed ships with the result: the compiler or
    /// SDK, the sources, build caches and development dependencies. The image is larger,
    /// slower to pull and scan, and gives an attacker a ready-made toolchain.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23.4
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /usr/local/bin/app ./cmd/app
    /// CMD ["app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    ///
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /out/app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## References
    /// - [Docker docs: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - Similar: no direct equivalent in hadolint, Trivy or Checkov
    pub struct SingleStageBuild {
        code: "SW402",
        name: "single-stage-build",
        steps: [MultiStage],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [],
        summary: "Single-stage Dockerfile compiles the application",
    }
}

impl Rule for SingleStageBuild {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        if df.stages.len() != 1 {
            return;
        }
        // A compiler installed by an earlier RUN and kept.
        let mut compiler_kept = false;
        for instr in df.stage_instructions(0) {
            let Some(script) = instr.script() else {
                continue;
            };
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            // (command index, kept) of every compiler-like package installed in this RUN.
            let mut compilers: Vec<(usize, bool)> = Vec::new();
            let mut tools_removed = false;
            for inv in run.invocations.iter().filter(|i| i.flags.build_dep) {
                let removed = run.removed_later(inv, "");
                tools_removed |= removed;
                compilers.push((inv.index(), !removed));
            }
            for (inv, package) in run.installed() {
                let Some(system) = inv.manager.system() else {
                    continue;
                };
                if package.kind != PackageKind::Named {
                    continue;
                }
                let Some(tool) = build_tool(system, &package.name) else {
                    continue;
                };
                let removed = run.removed_later(inv, &package.name);
                tools_removed |= removed;
                if tool.compiles() {
                    compilers.push((inv.index(), !removed));
                }
            }
            let kept_here = compilers.iter().any(|(_, kept)| *kept);
            for step in toolchain::build_steps(script) {
                let at = step.command.index;
                let reported = if step.needs_compiler {
                    compiler_kept || compilers.iter().any(|(i, kept)| *kept && *i < at)
                } else {
                    // Installed and removed around the build: nothing stays behind.
                    !tools_removed || kept_here
                };
                if reported {
                    cx.report(
                        step.span,
                        format!(
                            "`{}` compiles in the only stage, so the toolchain and the sources ship with the image",
                            step.what
                        ),
                    )
                    .help("Compile in a builder stage and `COPY --from` only the output into a minimal final stage");
                    return;
                }
            }
            compiler_kept |= kept_here;
        }
    }
}

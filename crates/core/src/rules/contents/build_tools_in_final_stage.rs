use crate::knowledge::packages::{PackageKind, build_tool};
use crate::knowledge::toolchain;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports compilers and build tooling that the shipped image installs and keeps: the
    /// final stage and the stages it is built `FROM` are read, builder stages whose output is
    /// only copied with `COPY --from` are not. Build tooling is `gcc`, `g++`, `clang`, `make`,
    /// `cmake`, `build-essential`, `build-base`, `autoconf`, `automake`, `libtool`,
    /// `pkg-config`, `*-dev` and `*-devel` headers, `git`, `golang`, `rust`/`cargo`, `maven`,
    /// `gradle` and JDKs, installed with `apt-get`, `apk`, `yum`/`dnf`/`microdnf`, `zypper`
    /// or `pacman`, and `apt-get build-dep`.
    ///
    /// A package removed later in the same `RUN` is not reported: `apt-get purge`/`remove`
    /// naming it, `apk add --virtual .build-deps …` then `apk del .build-deps`, the official
    /// images' `apt-mark auto '.*'` … `apt-get purge -y --auto-remove` idiom, `dnf remove`,
    /// `zypper remove`, `pacman -R`. A package list held in a variable (`$PHPIZE_DEPS`) is
    /// not guessed. When the final image is built on a toolchain image (`golang`,
    /// `buildpack-deps`, a JDK…), the image is an SDK by design and `SW403` reports that
    /// instead.
    ///
    /// ## Why is this bad?
    /// Compilers, headers and source-control tools do nothing for the running application,
    /// but they help whoever gets a shell in the container to build and fetch tools on the
    /// spot, and every one of their vulnerabilities is reported against the image. Removing
    /// them in a later `RUN` does not help: the earlier layer still holds them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///  && pip install --no-cache-dir psycopg2==2.9.10 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim AS build
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends gcc libpq-dev \
    ///  && pip wheel --no-cache-dir --wheel-dir /wheels psycopg2==2.9.10
    ///
    /// FROM python:3.13-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends libpq5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// COPY --from=build /wheels /wheels
    /// RUN pip install --no-cache-dir --no-index /wheels/*
    /// ```
    ///
    /// ## References
    /// - [Docker docs: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - [Docker build best practices: don't install unnecessary packages](https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages)
    /// - Similar: no direct equivalent in hadolint, Trivy or Checkov
    pub struct BuildToolsInFinalStage {
        code: "SW401",
        name: "build-tools-in-final-stage",
        steps: [MultiStage],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [],
        summary: "Build tools installed in the final image",
    }
}

impl Rule for BuildToolsInFinalStage {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(final_stage) = df.final_stage else {
            return;
        };
        if let Base::Image(image) = df.root_base(final_stage) {
            if toolchain::toolchain_image(image).is_some() {
                return;
            }
        }
        for instr in df.shipped_instructions() {
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            for inv in run.invocations.iter().filter(|i| i.installs()) {
                let Some(system) = inv.manager.system() else {
                    continue;
                };
                if inv.flags.build_dep {
                    if !run.removed_later(inv, "") {
                        cx.report(
                            inv.span(),
                            format!(
                                "`{}` installs build dependencies in the final image and does not remove them in the same RUN",
                                inv.display()
                            ),
                        )
                        .help("Build in a separate stage and copy only the result, or remove the build dependencies in the same RUN (`apt-mark auto '.*'` then `apt-get purge -y --auto-remove`)");
                    }
                    continue;
                }
                for package in &inv.packages {
                    if package.kind != PackageKind::Named {
                        continue;
                    }
                    let Some(kind) = build_tool(system, &package.name) else {
                        continue;
                    };
                    if run.removed_later(inv, &package.name) {
                        continue;
                    }
                    cx.report(
                        package.word.span,
                        format!(
                            "`{}` ({}) is installed in the final image and not removed in the same RUN",
                            package.word.text,
                            kind.describe()
                        ),
                    )
                    .help("Build in a separate stage and copy only the result, or remove build tools in the same RUN (`apk del .build-deps`, `apt-get purge -y --auto-remove`)");
                }
            }
        }
    }
}

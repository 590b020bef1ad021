use crate::knowledge::packages::image::{self, EnvValue};
use crate::knowledge::packages::{Cache, RunPackages};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` of the shipped image that leaves a package manager's cache in its
    /// layer:
    /// - `apt-get update` (or `apt-get install --update`) without `rm -rf
    ///   /var/lib/apt/lists/*` (or `apt-get dist-clean`) later in the same `RUN`;
    /// - `apk add`, `apk upgrade` or `apk update` without `--no-cache` (or `rm -rf
    ///   /var/cache/apk/*`);
    /// - `yum`, `dnf` or `microdnf` installs without `… clean all`, `zypper` installs without
    ///   `zypper clean`;
    /// - `pip install` without `--no-cache-dir` (or `PIP_NO_CACHE_DIR` in `ENV`/`ARG`, on the
    ///   command or exported, or `pip cache purge`);
    /// - `npm install`/`npm ci` without `npm cache clean --force`, `yarn` installs without
    ///   `yarn cache clean`, `pnpm` installs without `pnpm store prune`.
    ///
    /// Removing the cache directory (or a parent) with `rm` or `find … -delete` later in the
    /// same `RUN`, and a `RUN --mount=type=cache` (or `type=tmpfs`) on it, keep the rule
    /// quiet. `apt-get clean` does not: it empties `/var/cache/apt/archives`, not the lists.
    ///
    /// Only the final stage and the stages it is built `FROM` are checked: a cache in a
    /// builder stage whose output is copied with `COPY --from` does not reach the image.
    ///
    /// ## Why is this bad?
    /// Package indexes and download caches are tens to hundreds of megabytes the running
    /// container never reads. Once committed in a layer, deleting them in a later `RUN`
    /// does not make the image smaller. Stale apt lists also invite a later `apt-get
    /// install` to use an outdated index.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [Docker docs: cache mounts](https://docs.docker.com/build/cache/optimize/#use-cache-mounts)
    /// - Similar: hadolint DL3009, DL3019, DL3032, DL3036, DL3040, DL3042, DL3060; Trivy
    ///   DS015, DS019, DS020, DS025, DS027; Dockle DKL-DI-0004, DKL-DI-0005
    pub struct PackageCacheKept {
        code: "SW404",
        name: "package-cache-kept",
        steps: [MultiStage],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [
            "hadolint:DL3009",
            "hadolint:DL3019",
            "hadolint:DL3032",
            "hadolint:DL3036",
            "hadolint:DL3040",
            "hadolint:DL3042",
            "hadolint:DL3060",
            "trivy:DS015",
            "trivy:DS019",
            "trivy:DS020",
            "trivy:DS025",
            "trivy:DS027",
            "kics:apk_add_using_local_cache_path",
            "kics:apt_get_install_lists_were_not_deleted",
            "kics:missing_dnf_clean_all",
            "kics:missing_zypper_clean",
            "kics:pip_install_keeping_cached_packages",
            "kics:yum_clean_all_missing",
            "dockle:DKL-DI-0004",
            "dockle:DKL-DI-0005",
        ],
        summary: "Package manager cache left in the image",
    }
}

impl Rule for PackageCacheKept {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        // `PIP_NO_CACHE_DIR` at each instruction, read once when a pip command asks.
        let mut pip_env: Option<Vec<Option<EnvValue>>> = None;
        for instr in df.shipped_instructions() {
            let Some(run) = cx.run_packages(&instr) else {
                continue;
            };
            let mut reported: Vec<Cache> = Vec::new();
            for inv in &run.invocations {
                let Some(cache) = inv.fills_cache() else {
                    continue;
                };
                if reported.contains(&cache)
                    || run.cleaned_after(cache, inv.index())
                    || image::cache_mounted(&instr, cache)
                    || (cache == Cache::Pip && pip_cache_disabled(
                            pip_env
                                .get_or_insert_with(|| {
                                    image::env_values_before(df, "PIP_NO_CACHE_DIR")
                                })
                                .get(instr.index)
                                .cloned()
                                .flatten(),
                            &run,
                            inv.index(),
                        ))
                {
                    continue;
                }
                reported.push(cache);
                cx.report(
                    inv.span(),
                    format!("`{}` leaves {} in the layer", inv.display(), cache.what()),
                )
                .help(cache.fix());
            }
        }
    }
}

/// `PIP_NO_CACHE_DIR` is set for the command: in `ENV`/`ARG` (any value disables the cache,
/// as pip reads it; an unknown value is not guessed) or exported earlier in the `RUN`.
fn pip_cache_disabled(env: Option<EnvValue>, run: &RunPackages<'_>, command: usize) -> bool {
    let in_env = match env {
        Some(EnvValue::Set(v)) => !v.is_empty(),
        Some(EnvValue::Unknown) => true,
        None => false,
    };
    in_env || run.exported_before("PIP_NO_CACHE_DIR", command)
}

use crate::knowledge::users::wildcard;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags Docker Hub images that are not Docker Official Images (`library/…`, written
    /// `node`, `python`) and whose namespace is not in `trusted-namespaces`: `someuser/node`,
    /// `bitnami/redis` unless you trust `bitnami`. Images on other registries (`ghcr.io`,
    /// `quay.io`, your own) are not Docker Hub images and are not reported; SW107 controls
    /// which registries are allowed. Images that depend on a build argument without a value
    /// are not guessed.
    ///
    /// ## Why is this bad?
    /// Anyone can publish under a Docker Hub namespace. Official Images are reviewed,
    /// rebuilt for security fixes and documented; an image from an individual account may be
    /// abandoned, unpatched, typo-squatted (`nodejs/node`, `pyhton`) or deliberately
    /// malicious, and nothing tells you when its owner changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM someuser/nodejs:20.11
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20.11-bookworm-slim
    /// ```
    ///
    /// ## Options
    /// - `[rules.base-image] trusted-namespaces`: Docker Hub namespaces trusted like Official
    ///   Images (`bitnami`, `grafana`, `my-org`; `*` wildcards allowed).
    ///
    /// ## References
    /// - [Docker Official Images](https://docs.docker.com/docker-hub/image-library/trusted-content/#docker-official-images)
    /// - Similar: SW107
    pub struct ImageNotOfficial {
        code: "SW108",
        name: "image-not-official",
        steps: [OfficialMinimalBase],
        severity: Info,
        fix: Never,
        set: Extended,
        precision: VeryHigh,
        cwe: [829],
        equivalents: [],
        summary: "Docker Hub image is not an Official Image nor from a trusted namespace",
    }
}

impl Rule for ImageNotOfficial {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let trusted = &cx.settings().trusted_namespaces;
        for used in df.image_refs() {
            let image = used.image;
            if !image.is_docker_hub() || image.is_official() || image.is_scratch() {
                continue;
            }
            let Some((namespace, _)) = image.path.split_once('/') else {
                continue;
            };
            let is_trusted = trusted.iter().any(|t| {
                let t = t.trim().trim_end_matches('/');
                let t = t.strip_prefix("docker.io/").unwrap_or(t);
                wildcard(t, namespace)
            });
            if is_trusted {
                continue;
            }
            cx.report(
                used.span,
                format!(
                    "{} comes from the Docker Hub namespace `{namespace}`, which is neither an Official Image nor trusted",
                    used.describe()
                ),
            )
            .help("Prefer a Docker Official Image, or add the namespace to `trusted-namespaces` once you have reviewed its publisher");
        }
    }
}

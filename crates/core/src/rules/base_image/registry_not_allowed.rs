use crate::knowledge::users::wildcard;
use crate::prelude::*;
use crate::syntax::image_ref::{DOCKER_HUB, ImageRef};

declare_rule! {
    /// ## What it does
    /// When `allowed-registries` is configured, flags every image the build pulls (`FROM`,
    /// `COPY --from=<image>`, `RUN --mount=from=<image>`) from a registry that is not on
    /// the list. Without the option the rule is quiet.
    ///
    /// An entry is a registry host (`ghcr.io`, `registry.example.com:5000`), a host with a
    /// path prefix that limits the namespace (`ghcr.io/acme`, `docker.io/library` for Docker
    /// Official Images only), and may use `*` wildcards (`*.gcr.io`, `*.dkr.ecr.*.amazonaws.com`).
    /// Images without a registry in their name come from Docker Hub, `docker.io`
    /// (`index.docker.io` is the same registry). Images that depend on a build argument
    /// without a value are not guessed.
    ///
    /// ## Why is this bad?
    /// An organisation that mirrors, scans and signs its base images in its own registry
    /// loses those guarantees the moment a Dockerfile pulls from somewhere else: the image
    /// bypasses the vulnerability gate, builds break when the outside registry rate-limits
    /// or disappears, and a typo-squatted or hijacked image goes unnoticed.
    ///
    /// ## Example
    /// With this configuration in `.seaworthy.toml`:
    /// ```toml
    /// [rules.base-image]
    /// allowed-registries = ["registry.example.com", "docker.io/library"]
    /// ```
    /// ```dockerfile
    /// FROM quay.io/keycloak/keycloak:26.0.5
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.example.com/mirror/keycloak/keycloak:26.0.5
    /// ```
    ///
    /// ## Options
    /// - `[rules.base-image] allowed-registries`: the registries (and optional path
    ///   prefixes) images may come from; unset means any registry.
    ///
    /// ## References
    /// - [Docker docs: registry mirrors](https://docs.docker.com/docker-hub/image-library/mirror/)
    /// - Similar: hadolint DL3026 (`trustedRegistries`); SW108
    pub struct RegistryNotAllowed {
        code: "SW107",
        name: "registry-not-allowed",
        steps: [OfficialMinimalBase],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [829],
        equivalents: ["hadolint:DL3026"],
        summary: "Image comes from a registry that is not allowed",
    }
}

/// Whether `entry` (`host[/path-prefix]`, with `*` wildcards) allows `image`.
pub(crate) fn allows(entry: &str, image: &ImageRef) -> bool {
    let entry = entry.trim().trim_end_matches('/');
    let (host, prefix) = entry.split_once('/').unwrap_or((entry, ""));
    let host = host.to_ascii_lowercase();
    let host = match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => DOCKER_HUB,
        h => h,
    };
    if !wildcard(host, &image.domain.to_ascii_lowercase()) {
        return false;
    }
    if prefix.is_empty() {
        return true;
    }
    // Component by component, so `ghcr.io/acme` does not allow `ghcr.io/acme-evil/x`.
    let mut path = image.path.split('/');
    prefix
        .split('/')
        .all(|p| path.next().is_some_and(|c| wildcard(p, c)))
}

impl Rule for RegistryNotAllowed {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(allowed) = &cx.settings().allowed_registries else {
            return;
        };
        for used in df.image_refs() {
            if used.image.is_scratch() || allowed.iter().any(|e| allows(e, used.image)) {
                continue;
            }
            let registry = if used.image.explicit_domain || used.image.domain != DOCKER_HUB {
                format!("`{}`", used.image.domain)
            } else {
                format!("`{DOCKER_HUB}` (Docker Hub)")
            };
            cx.report(
                used.span,
                format!(
                    "{} comes from {registry}, and no `allowed-registries` entry covers it",
                    used.describe()
                ),
            )
            .help("Pull the image through an allowed registry, or add its registry to `allowed-registries`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(entry: &str, image: &str) -> bool {
        allows(entry, &ImageRef::parse(image).unwrap())
    }

    #[test]
    fn entries() {
        assert!(ok("docker.io", "node:20"));
        assert!(ok("index.docker.io", "bitnami/redis:7"));
        assert!(ok("docker.io/library", "node:20"));
        assert!(!ok("docker.io/library", "bitnami/redis:7"));
        assert!(ok("docker.io/bitnami", "bitnami/redis:7"));
        assert!(ok("ghcr.io", "ghcr.io/acme/app:1"));
        assert!(ok("ghcr.io/acme", "ghcr.io/acme/app:1"));
        assert!(ok("ghcr.io/acme/", "ghcr.io/acme/team/app:1"));
        assert!(!ok("ghcr.io/acme", "ghcr.io/acme-evil/app:1"));
        assert!(!ok("ghcr.io/acme/app", "ghcr.io/acme:1"));
        assert!(ok("*.gcr.io", "eu.gcr.io/p/app:1"));
        assert!(!ok("*.gcr.io", "gcr.io/p/app:1"));
        assert!(ok("*.dkr.ecr.*.amazonaws.com", "123.dkr.ecr.eu-west-1.amazonaws.com/app:1"));
        assert!(ok("registry.example.com:5000", "registry.example.com:5000/app"));
        assert!(!ok("registry.example.com", "registry.example.com:5000/app"));
        assert!(ok("GHCR.io", "ghcr.io/acme/app:1"));
        assert!(!ok("quay.io", "node:20"));
        assert!(!ok("docker.io", "quay.io/x/y"));
    }
}

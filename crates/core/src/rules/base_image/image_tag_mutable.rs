use crate::compose_check::pulled_images;
use crate::knowledge::tags::{self, TagPin};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags images that have neither a tag nor a digest, or whose tag is `latest` or another
    /// release channel (`stable`, `edge`, `current`, `nightly`, `rolling`, `main`, `master`,
    /// `dev`, `mainline`), or only a variant that follows `latest` (`node:alpine`,
    /// `python:slim`), in `FROM`, `COPY --from=<image>` and `RUN --mount=from=<image>`.
    /// Build arguments are expanded first, so `ARG TAG=1.27` then `FROM nginx:${TAG}` is
    /// pinned, while `FROM nginx:${TAG:-latest}` with no value for `TAG` is not.
    ///
    /// In a compose file it checks the `image:` of services that do not `build:` (with
    /// `build:`, `image:` names the image the build produces). Variables are interpolated as
    /// compose does; a reference with a default whose variable is unset
    /// (`postgres:${TAG:-latest}`) is checked as the default it gives, and the message says
    /// so; a reference without a default (`postgres:${TAG}`) is unknown and not reported.
    ///
    /// ## Why is this bad?
    /// `node` and `node:latest` mean "whatever was pushed last". Two builds of the same commit
    /// can ship different software, a rebuild can silently pick up a new major version, and a
    /// broken or malicious upstream push reaches production without any change in this
    /// repository.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Docker build best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - Similar: hadolint DL3006, DL3007; Trivy DS001; Checkov CKV_DOCKER_7
    pub struct ImageTagMutable {
        code: "SW101",
        name: "image-tag-mutable",
        steps: [PinnedVersions],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [1357],
        equivalents: [
            "hadolint:DL3006",
            "hadolint:DL3007",
            "trivy:DS001",
            "checkov:CKV_DOCKER_7",
            "kics:image_version_not_explicit",
            "kics:image_version_using_latest",
            "dockle:DKL-DI-0006",
        ],
        summary: "Image is not pinned to a version tag or digest",
    }
}

impl Rule for ImageTagMutable {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for used in df.image_refs() {
            let message = match tags::pin(used.image) {
                TagPin::Missing => {
                    format!("{} has no tag or digest, so it means `latest`", used.describe())
                }
                TagPin::Channel(tag) => format!("{} uses the moving tag `{tag}`", used.describe()),
                _ => continue,
            };
            cx.report(used.span, message)
                .help("Pin a version tag, or a digest: `image:1.2.3@sha256:…`");
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for pulled in pulled_images(project) {
            let shown = pulled.describe();
            let message = match tags::pin(&pulled.image) {
                TagPin::Missing => format!("{shown} has no tag or digest, so it means `latest`"),
                TagPin::Channel(tag) => format!("{shown} uses the moving tag `{tag}`"),
                _ => continue,
            };
            cx.report_compose(pulled.field.file, pulled.field.span, message)
                .help("Pin a version tag, or a digest: `image:1.2.3@sha256:…`");
        }
    }
}

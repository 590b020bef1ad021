use crate::compose_check::pulled_images;
use crate::knowledge::tags::{self, TagPin};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags images referenced without an `@sha256:` digest in `FROM`, `COPY --from=<image>`
    /// and `RUN --mount=from=<image>`, whatever their tag. `scratch` and stage names are not
    /// images and are never reported; an image that depends on a build argument without a
    /// value is left to SW109.
    ///
    /// In a compose file it checks the `image:` of services that do not `build:` (with
    /// `build:`, `image:` names the image the build produces). Variables are interpolated as
    /// compose does; a reference with a default whose variable is unset
    /// (`redis:${TAG:-7.4.1}`) is checked as the default it gives; a reference without a
    /// default (`redis:${TAG}`) is unknown and not reported.
    ///
    /// ## Why is this bad?
    /// Every tag, even `1.27.3`, is a pointer the publisher (or whoever controls the
    /// registry account) can move. Only a digest names exactly the bytes you reviewed and
    /// scanned: with it, a rebuild cannot pick up a different image, and a compromised
    /// registry cannot substitute one. Keep the tag next to the digest so people (and update
    /// bots such as Renovate or Dependabot) can still read and bump the version.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27.3-alpine
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27.3-alpine@sha256:41523187cf7d7a2f2677a80609d9caa14388bf5c1fbca9c410ba3de602aaaab4
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - Similar: Checkov CKV_K8S_43 (Kubernetes images); SW101, SW102
    pub struct ImageNotDigestPinned {
        code: "SW103",
        name: "image-not-digest-pinned",
        steps: [PinnedVersions, SignedImages],
        severity: Low,
        fix: Never,
        set: Extended,
        precision: VeryHigh,
        cwe: [1357],
        equivalents: ["checkov:CKV_K8S_43"],
        summary: "Image is not pinned to a digest",
    }
}

impl Rule for ImageNotDigestPinned {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for used in df.image_refs() {
            if used.image.is_scratch() || tags::pin(used.image) == TagPin::Digest {
                continue;
            }
            cx.report(
                used.span,
                format!("{} is not pinned to a digest", used.describe()),
            )
            .help("Append the digest you reviewed: `image:tag@sha256:…`");
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for pulled in pulled_images(project) {
            if pulled.image.is_scratch() || tags::pin(&pulled.image) == TagPin::Digest {
                continue;
            }
            cx.report_compose(
                pulled.field.file,
                pulled.field.span,
                format!("{} is not pinned to a digest", pulled.describe()),
            )
            .help("Append the digest you reviewed: `image:tag@sha256:…`");
        }
    }
}

use crate::knowledge::images::{self, Footprint};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a shipped image built on a full-size distribution or language image when its
    /// publisher offers a smaller variant: `debian:bookworm` (there is `-slim`), `ubuntu`,
    /// `node:22`, `python:3.12` and the other language images whose default variant is
    /// built on `buildpack-deps` (there are `-slim` and `-alpine`), JDK images such as
    /// `openjdk:17` or `eclipse-temurin:21-jdk` (there are `-jre` images), and the full
    /// Rocky Linux, AlmaLinux, Oracle Linux and Red Hat UBI images (there are `-minimal`,
    /// `-slim` and `ubi-minimal`/`ubi-micro`).
    ///
    /// Only the image the final stage is built from counts (through `FROM <stage>` chains):
    /// builder stages may use full images, since only what they `COPY --from` is shipped.
    /// Slim, Alpine, distroless, Chainguard, `-jre`, BusyBox and `scratch` bases are never
    /// reported, and neither are images the table does not know (application images,
    /// toolchain images, which SW403 covers, and distributions without a smaller variant).
    ///
    /// ## Why is this bad?
    /// The full variants carry compilers, headers, version-control tools and hundreds of
    /// packages the application never runs. Each is attack surface and a source of scanner
    /// findings that have to be triaged and patched, and the image is several times larger
    /// to store, pull and start.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12.7
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12.7-slim-bookworm
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: choose the right base image](https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image)
    /// - [Distroless images](https://github.com/GoogleContainerTools/distroless)
    /// - Similar: SW403 (toolchain images in the final stage)
    pub struct BaseImageNotMinimal {
        code: "SW106",
        name: "base-image-not-minimal",
        steps: [OfficialMinimalBase],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [],
        summary: "Final image is built on a full-size base where a minimal variant exists",
    }
}

impl Rule for BaseImageNotMinimal {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        // The root of the final chain is the stage whose `FROM` names the shipped base.
        let Some(&root) = df.final_chain().last() else {
            return;
        };
        let stage = &df.stages[root];
        let Base::Image(image) = &stage.base else {
            return;
        };
        let Footprint::Full { what, smaller } = images::footprint(image) else {
            return;
        };
        let shown = if stage.image.uses_variable() {
            format!("`{}` (= `{}`)", stage.image.raw, image.text)
        } else {
            format!("`{}`", image.text)
        };
        cx.report(
            stage.image.span,
            format!("The shipped image is built on {shown}, {what}"),
        )
        .help(format!("Use {smaller}"));
    }
}

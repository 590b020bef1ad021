use crate::compose_check::pulled_images;
use crate::knowledge::tags::{self, TagPin};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags images whose tag names only a major version (`node:20`, `python:3`,
    /// `alpine:3`, `node:20-alpine`), a release line (`node:lts`) or a bare distribution
    /// codename (`debian:bookworm-slim`, `ubuntu:jammy`). A digest makes the reference
    /// immutable and keeps the rule quiet.
    ///
    /// In a compose file it checks the `image:` of services that do not `build:`, reading a
    /// variable reference with a default (`node:${NODE:-20}`) as its default.
    ///
    /// ## Why is this bad?
    /// A major-only tag moves with every minor and point release: the image you tested is
    /// not the one the next build pulls. It is better than `latest`, but builds are still
    /// not reproducible, and a minor release can change behaviour.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12.7-slim-bookworm
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub struct ImageTagMajorOnly {
        code: "SW102",
        name: "image-tag-major-only",
        steps: [PinnedVersions],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [1357],
        equivalents: [],
        summary: "Image tag names only a major version or a release line",
    }
}

impl Rule for ImageTagMajorOnly {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for used in df.image_refs() {
            let what = match tags::pin(used.image) {
                TagPin::MajorOnly(major) => format!("the major version `{major}`"),
                TagPin::ReleaseLine(line) => format!("the release line `{line}`"),
                _ => continue,
            };
            cx.report(
                used.span,
                format!("{} names only {what}, which moves with every release", used.describe()),
            )
            .help("Pin the minor or patch version, or a digest");
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for pulled in pulled_images(project) {
            let what = match tags::pin(&pulled.image) {
                TagPin::MajorOnly(major) => format!("the major version `{major}`"),
                TagPin::ReleaseLine(line) => format!("the release line `{line}`"),
                _ => continue,
            };
            cx.report_compose(
                pulled.field.file,
                pulled.field.span,
                format!(
                    "{} names only {what}, which moves with every release",
                    pulled.describe()
                ),
            )
            .help("Pin the minor or patch version, or a digest");
        }
    }
}

use crate::compose_check::pulled_images;
use crate::eol::{self, EolStatus};
use crate::prelude::*;
use crate::syntax::compose::Project;
use crate::syntax::image_ref::ImageRef;

declare_rule! {
    /// ## What it does
    /// Flags images whose product cycle no longer receives security updates on the scan
    /// date: the runtime (`node:16`, `python:3.8-slim`, `golang:1.20`), the distribution
    /// (`ubuntu:18.04`, `alpine:3.16`, `centos:7`, `debian:buster`), or the distribution a
    /// variant tag names (`python:3.12-slim-buster` is Debian 10). Each product is reported
    /// on its own, so `node:18-alpine3.16` gives two findings: Node.js 18 and Alpine Linux
    /// 3.16, each with its end date. Every image the build pulls is checked: `FROM`,
    /// `COPY --from=<image>` and `RUN --mount=from=<image>`; in a compose file, the `image:`
    /// of every service that does not `build:` (with `build:`, `image:` names the image the
    /// build produces). Compose variables are interpolated first: a reference with a default
    /// whose variable is unset (`node:${NODE:-16}`) is checked as the default it gives, and
    /// one without a default (`node:${NODE}`) is not guessed.
    ///
    /// Dates come from the embedded end-of-life table (derived from endoflife.date;
    /// `seaworthy eol` prints it with its source and age). The scan date is today, or
    /// `--date YYYY-MM-DD` for reproducible results. Nothing is guessed: unknown images,
    /// channel tags (`latest`, `lts`), versions coarser than a cycle (`python:3`) and
    /// variants without a version (`-alpine`) are not reported.
    ///
    /// Which end counts is the end of the security updates the **image** receives:
    ///
    /// - **Debian** (and Debian variants of other images): the official images keep
    ///   receiving Debian LTS updates, so this rule uses the end of Debian LTS. Between the
    ///   end of regular security support and the LTS end, SW105 reports "security support
    ///   only through Debian LTS".
    /// - **Ubuntu**: the end of standard support. Expanded Security Maintenance needs Ubuntu
    ///   Pro and is not in the public images.
    /// - **Everything else** (Alpine, Red Hat family, Node.js, Python, Go, PHP, Java…): the
    ///   product's end of security support, not paid extended support.
    ///
    /// ## Why is this bad?
    /// An end-of-life release gets no more security fixes: every vulnerability found from
    /// then on stays open in your image, and scanners report a growing list that can no
    /// longer be fixed by rebuilding. Distribution package mirrors for old releases are also
    /// moved or removed, which breaks builds at the worst moment.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:16.20-alpine3.18
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:24.11-alpine3.22
    /// ```
    ///
    /// ## References
    /// - [endoflife.date](https://endoflife.date): release cycles and end-of-life dates
    /// - [Debian LTS](https://wiki.debian.org/LTS)
    /// - [Ubuntu release cycle](https://ubuntu.com/about/release-cycle)
    /// - Similar: SW105 (ends soon); Trivy only logs a warning for end-of-life OS versions
    pub struct BaseImageEndOfLife {
        code: "SW104",
        name: "base-image-end-of-life",
        steps: [NoVulnerableBase],
        severity: High,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [1104],
        equivalents: [],
        summary: "Image contains a release past its end of life",
    }
}

const HELP: &str =
    "Move to a supported release; `seaworthy eol` lists the known cycles and their dates";

/// The messages for the ended cycles of `image`, described as `shown`.
fn ended(image: &ImageRef, shown: &str, cx: &Ctx<'_>) -> Vec<String> {
    let today = cx.settings().today;
    let soon = cx.settings().eol_warning_days;
    eol::lookup(image)
        .into_iter()
        .filter_map(|info| {
            let EolStatus::Ended { date } = eol::status(&info, today, soon) else {
                return None;
            };
            Some(format!(
                "{shown} ships {}, whose {} ended on {date}",
                info.label,
                info.support_kind.describe()
            ))
        })
        .collect()
}

impl Rule for BaseImageEndOfLife {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for used in df.image_refs() {
            for message in ended(used.image, &used.describe(), cx) {
                cx.report(used.span, message).help(HELP);
            }
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for pulled in pulled_images(project) {
            for message in ended(&pulled.image, &pulled.describe(), cx) {
                cx.report_compose(pulled.field.file, pulled.field.span, message)
                    .help(HELP);
            }
        }
    }
}

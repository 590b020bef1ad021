use crate::compose_check::pulled_images;
use crate::eol::{self, EolStatus};
use crate::prelude::*;
use crate::syntax::compose::Project;
use crate::syntax::image_ref::ImageRef;

declare_rule! {
    /// ## What it does
    /// Warns ahead of SW104: an image's product cycle stops receiving security updates
    /// within the warning window (90 days by default) of the scan date, or, for Debian, its
    /// regular security support has already ended and only Debian LTS still covers it.
    /// Like SW104, it checks every image the build pulls, reports the runtime and the
    /// distribution separately (`php:8.2-fpm-bookworm` is PHP 8.2 and Debian 12), and never
    /// guesses unknown images or tags. In a compose file it checks the `image:` of services
    /// that do not `build:`, reading interpolated values as SW104 does.
    ///
    /// Per family:
    ///
    /// - **Debian**: reported once regular security support has ended, with the date Debian
    ///   LTS ends ("security support only through Debian LTS until …"), and again when
    ///   the LTS end comes within the window. SW104 takes over when LTS ends.
    /// - **Ubuntu**: the end of standard support (ESM is not in the public images).
    /// - **Everything else**: the product's end of security support.
    ///
    /// ## Why is this bad?
    /// Moving to a new major release of a runtime or distribution takes time: testing,
    /// dependency updates, sometimes code changes. Starting when support has already ended
    /// leaves the image without security fixes in the meantime. Debian LTS is run by a
    /// volunteer and sponsored team and covers fewer packages than regular security
    /// support, so it is a grace period, not a place to stay.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-20241111-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:trixie-20251117-slim
    /// ```
    ///
    /// ## Options
    /// - `[rules.base-image] eol-warning-days`: how many days ahead of the end to warn
    ///   (default 90; 0 warns only about Debian LTS-only releases).
    ///
    /// ## References
    /// - [endoflife.date](https://endoflife.date): release cycles and end-of-life dates
    /// - [Debian LTS](https://wiki.debian.org/LTS)
    /// - Similar: SW104 (already ended)
    pub struct BaseImageEolSoon {
        code: "SW105",
        name: "base-image-eol-soon",
        steps: [NoVulnerableBase],
        severity: Low,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [1104],
        equivalents: [],
        summary: "Image contains a release whose support ends soon",
    }
}

const HELP: &str =
    "Plan the move to a newer release; `seaworthy eol` lists the known cycles and their dates";

/// The messages for the cycles of `image` that end soon, described as `shown`.
fn ending(image: &ImageRef, shown: &str, cx: &Ctx<'_>) -> Vec<String> {
    let today = cx.settings().today;
    let soon = cx.settings().eol_warning_days;
    eol::lookup(image)
        .into_iter()
        .filter_map(|info| match eol::status(&info, today, soon) {
            EolStatus::EndsSoon { date, days } => Some(format!(
                "{shown} ships {}, whose {} ends on {date} (in {days} {})",
                info.label,
                info.support_kind.describe(),
                if days == 1 { "day" } else { "days" }
            )),
            EolStatus::LtsOnly {
                regular_end,
                lts_end,
            } => Some(format!(
                "{shown} ships {}, whose regular security support ended on {regular_end}: security support only through Debian LTS until {lts_end}",
                info.label
            )),
            EolStatus::Supported | EolStatus::Ended { .. } => None,
        })
        .collect()
}

impl Rule for BaseImageEolSoon {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for used in df.image_refs() {
            for message in ending(used.image, &used.describe(), cx) {
                cx.report(used.span, message).help(HELP);
            }
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for pulled in pulled_images(project) {
            for message in ending(&pulled.image, &pulled.describe(), cx) {
                cx.report_compose(pulled.field.file, pulled.field.span, message)
                    .help(HELP);
            }
        }
    }
}

//! End of life of base images: which product cycles an image contains and when each stops
//! receiving security updates. Used by SW104 `base-image-end-of-life` and SW105
//! `base-image-eol-soon`.
//!
//! The dates come from an embedded table derived from endoflife.date (see
//! `data/SOURCE.md`; [`table_info`] gives its commit and date). [`lookup`] maps an image
//! reference to the cycles its name and tag spell out (`node:18-alpine3.16` is Node.js 18
//! and Alpine Linux 3.16) and never guesses: unknown repositories, channel tags (`latest`,
//! `lts`, `stable`), versions coarser than a cycle (`python:3`) and variants without a
//! version (`-alpine`, `-slim`) name nothing.
//!
//! # Which date counts
//!
//! The date is the end of the security updates that the **image** receives, per family:
//!
//! - **Debian** (`debian`, and Debian variants of other images): the official images keep
//!   receiving Debian LTS updates, so [`CycleInfo::eol`] is the end of Debian LTS
//!   (endoflife.date `eoes`) and [`CycleInfo::regular_eol`] the earlier end of regular
//!   security support; between the two, [`status`] is [`EolStatus::LtsOnly`]. Kind:
//!   [`SupportKind::DebianLts`] (releases from before Debian LTS existed, 5 and older, end
//!   with regular support: [`SupportKind::Security`]).
//! - **Ubuntu**: the end of standard support (`eol`); Expanded Security Maintenance needs
//!   Ubuntu Pro and is not in public images. Kind: [`SupportKind::UbuntuStandard`].
//! - **Everything else**: the product's end of (security) support (`eol`), not paid
//!   extended support (Oracle Linux, `RabbitMQ`, `MariaDB` list one). Kind:
//!   [`SupportKind::Security`].
//!
//! # What is covered
//!
//! [`known_products`] lists every product with the repositories mapped to it: the
//! distributions (`alpine`, `debian`, `ubuntu`, `buildpack-deps`, `centos`, `rockylinux`,
//! `almalinux`, `fedora`, `amazonlinux`, `oraclelinux`, `opensuse/leap`, distroless
//! `-debianN`), the language images (`node`, `python`, `golang`, `php`, `ruby`,
//! `eclipse-temurin`, `amazoncorretto`, `mcr.microsoft.com/dotnet/*`, `perl`, `erlang`,
//! `elixir`, `oven/bun`, `denoland/deno`), servers and applications (`postgres`, `redis`,
//! `nginx`, `mysql`, `mariadb`, `mongo`, `httpd`, `tomcat`, `rabbitmq`, `haproxy`,
//! `memcached`, `traefik`, Elastic's three, `wordpress`, `drupal`), their Bitnami
//! counterparts and the Docker Hub mirrors on `public.ecr.aws` and `mirror.gcr.io`. Besides
//! the data, one fixed fact is built in: the Node.js LTS release names (`hydrogen` is 18).
//!
//! # Not covered
//!
//! - `openjdk`: the Docker image is deprecated and its GA tags stopped receiving updates in
//!   2022; endoflife.date's `openjdk-builds-from-oracle` describes jdk.java.net builds, which
//!   were not the source of every tag (8 and 11 were not), so no date can be given.
//! - Red Hat UBI (and `-ubi9` variants): whether public UBI images follow RHEL maintenance
//!   or extended support is not in the data.
//! - Azul Zulu, Chainguard/Wolfi, Windows variants, Azure Linux (`-cbl-mariner`,
//!   `-azurelinux`): not in the data or rolling.

mod images;
mod table;

use std::fmt;

use serde::Serialize;

use crate::date::Date;
use crate::syntax::image_ref::ImageRef;

use table::{Cycle, Product};

/// SW105's default warning window, in days.
pub const DEFAULT_SOON_DAYS: i64 = 90;

/// Which support ends on [`CycleInfo::eol`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupportKind {
    /// The product's end of (security) support.
    Security,
    /// Debian: the end of Debian LTS; regular security support ends earlier
    /// ([`CycleInfo::regular_eol`]).
    DebianLts,
    /// Ubuntu: the end of standard support; ESM is not in public images.
    UbuntuStandard,
}

impl SupportKind {
    /// What ends, for messages: "security support", "Debian LTS support", …
    pub const fn describe(self) -> &'static str {
        match self {
            SupportKind::Security => "security support",
            SupportKind::DebianLts => "Debian LTS security support",
            SupportKind::UbuntuStandard => {
                "Ubuntu standard security support (ESM is not in public images)"
            }
        }
    }
}

impl fmt::Display for SupportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// One product cycle an image contains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CycleInfo {
    /// endoflife.date product key: `nodejs`, `debian`, `alpine-linux`.
    pub product: &'static str,
    /// Product title and cycle for messages: `Node.js 18`, `Debian 12 (Bookworm)`,
    /// `Ubuntu 22.04 (Jammy Jellyfish)`.
    pub label: String,
    /// The cycle as the data names it: `18`, `3.8`, `12`, `22.04`.
    pub cycle: String,
    /// The day the image's security updates end (the date SW104 compares with); `None` when
    /// no end is announced yet.
    pub eol: Option<Date>,
    /// Which support ends on `eol`.
    pub support_kind: SupportKind,
    /// Debian only: the earlier end of regular security support, after which only Debian
    /// LTS updates arrive until `eol`. `None` elsewhere and when there was no LTS.
    pub regular_eol: Option<Date>,
}

/// Where a cycle stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EolStatus {
    /// Supported for more than the warning window (or no end announced).
    Supported,
    /// Support ends in `days` days (`1..=soon_days`), on `date`.
    EndsSoon { date: Date, days: i64 },
    /// Support ended on `date` (today is that day or later).
    Ended { date: Date },
    /// Debian: regular security support ended on `regular_end`; Debian LTS continues until
    /// `lts_end`, which is further away than the warning window.
    LtsOnly { regular_end: Date, lts_end: Date },
}

impl EolStatus {
    /// Whether SW104 fires.
    pub fn is_ended(self) -> bool {
        matches!(self, EolStatus::Ended { .. })
    }

    /// Whether SW105 fires.
    pub fn is_warning(self) -> bool {
        matches!(self, EolStatus::EndsSoon { .. } | EolStatus::LtsOnly { .. })
    }
}

/// The cycles `image` contains: its own product first (the runtime of `node:18-alpine3.16`
/// or the distribution of `debian:12`), then the distribution or second runtime its tag
/// names. Empty for unknown images and tags, and for references without a tag (a digest
/// alone does not say what it is).
pub fn lookup(image: &ImageRef) -> Vec<CycleInfo> {
    let table = table::table();
    images::cycles(table, image)
        .into_iter()
        .filter_map(|(product, cycle)| Some(cycle_info(table.product(product)?, product, cycle)))
        .collect()
}

/// The status of `info` on `today`, warning `soon_days` ahead.
///
/// The end date is the first day without support: on `eol` itself the cycle has
/// [`EolStatus::Ended`]; one day before, it [`EolStatus::EndsSoon`] with `days: 1`; exactly
/// `soon_days` before, it ends soon with `days: soon_days`. A `soon_days` of 0 or less never
/// warns ahead. For Debian the order is Ended, `EndsSoon` (LTS end near), `LtsOnly`, Supported.
pub fn status(info: &CycleInfo, today: Date, soon_days: i64) -> EolStatus {
    let Some(eol) = info.eol else {
        return EolStatus::Supported;
    };
    let days = today.days_until(eol);
    if days <= 0 {
        return EolStatus::Ended { date: eol };
    }
    if days <= soon_days {
        return EolStatus::EndsSoon { date: eol, days };
    }
    match info.regular_eol {
        Some(regular_end) if today >= regular_end => EolStatus::LtsOnly {
            regular_end,
            lts_end: eol,
        },
        _ => EolStatus::Supported,
    }
}

/// Where the table comes from, for `seaworthy eol` and reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// `endoflife-date/endoflife.date, products/*.md front matter`.
    pub source: String,
    /// Commit of the source the data was taken from.
    pub commit: String,
    /// Date of that commit: the data knows nothing later.
    pub data_date: Option<Date>,
    pub license: String,
    pub products: usize,
    pub cycles: usize,
}

pub fn table_info() -> TableInfo {
    let t = table::table();
    TableInfo {
        source: t.source.clone(),
        commit: t.commit.clone(),
        data_date: t.date,
        license: t.license.clone(),
        products: t.products.len(),
        cycles: t.cycle_count(),
    }
}

/// A product the table knows, with the images that map to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProductInfo {
    /// endoflife.date key: `nodejs`.
    pub key: &'static str,
    /// `Node.js`.
    pub title: &'static str,
    /// Repositories (canonical names: `node`, `bitnami/node`, `quay.io/centos/centos`) and
    /// patterns (`gcr.io/distroless/nodejs<N>-debian<N>`) whose tags name its cycles.
    pub images: Vec<&'static str>,
    pub support_kind: SupportKind,
    /// Newest first.
    pub cycles: Vec<CycleInfo>,
}

/// Every product in the table, sorted by key.
pub fn known_products() -> Vec<ProductInfo> {
    let t = table::table();
    t.products
        .iter()
        .map(|p| {
            let key = p.key.as_str();
            ProductInfo {
                key,
                title: p.title.as_str(),
                images: images::image_names_for(p),
                support_kind: support_kind(key),
                cycles: p.cycles.iter().map(|c| cycle_info(p, key, c)).collect(),
            }
        })
        .collect()
}

fn support_kind(product: &str) -> SupportKind {
    match product {
        "debian" => SupportKind::DebianLts,
        "ubuntu" => SupportKind::UbuntuStandard,
        _ => SupportKind::Security,
    }
}

fn cycle_info(product: &Product, key: &'static str, cycle: &Cycle) -> CycleInfo {
    let label = match &cycle.codename {
        Some(name) => format!("{} {} ({name})", product.title, cycle.cycle),
        None => format!("{} {}", product.title, cycle.cycle),
    };
    let mut kind = support_kind(key);
    let (eol, regular_eol) = match (kind, cycle.eol, cycle.eoes) {
        (SupportKind::DebianLts, Some(regular), Some(lts)) if lts > regular => {
            (Some(lts), Some(regular))
        }
        _ => (cycle.eol, None),
    };
    if kind == SupportKind::DebianLts && regular_eol.is_none() {
        // Releases before Debian LTS existed end with regular security support.
        kind = SupportKind::Security;
    }
    CycleInfo {
        product: key,
        label,
        cycle: cycle.cycle.clone(),
        eol,
        support_kind: kind,
        regular_eol,
    }
}

#[cfg(test)]
mod tests;

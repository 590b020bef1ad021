//! How large a base image is: the full-size distribution and language images that have a
//! smaller variant, and the variants and images that are already minimal. Used by SW106
//! `base-image-not-minimal`.
//!
//! The table is deliberately short: an image is listed as full-size only when its publisher
//! ships a smaller variant of the same software, so the advice can always be followed.
//!
//! | image | full-size when | smaller choice |
//! |---|---|---|
//! | `debian` | the tag has no `slim` word (`debian:12`, `debian:bookworm`, `debian`) | `debian:<release>-slim` |
//! | `ubuntu` | always (the image has no slim variant) | `debian:<release>-slim`, Alpine, or distroless |
//! | `node`, `python`, `ruby`, `perl`, `erlang`, `elixir`, `pypy` | the tag has no `slim` or `alpine` word: the default variant is built on `buildpack-deps`, a Debian with compilers, headers and version-control tools | the `-slim` or `-alpine` variant |
//! | `openjdk`, `eclipse-temurin` | the tag is not a `jre` variant (a JDK: compiler and tools) | a `-jre` variant (`eclipse-temurin:<version>-jre`) |
//! | `rockylinux`, `almalinux` | the tag has no `minimal` word | `<image>:<version>-minimal` |
//! | `oraclelinux` | the tag has no `slim` word | `oraclelinux:<version>-slim` |
//! | Red Hat UBI (`registry.access.redhat.com/ubi9`, `…/ubi9/ubi`, `registry.redhat.io/…`, `redhat/ubi9`) | the standard `ubi` image | `ubiN/ubi-minimal` or `ubiN/ubi-micro` |
//!
//! Docker Hub images are also recognised through their mirrors (`public.ecr.aws/docker/library/…`,
//! `mirror.gcr.io/library/…`).
//!
//! Minimal: tags with a `slim`, `alpine…`, `minimal`, `micro`, `jre`, `chiseled` or
//! `distroless` word, and the images `alpine`, `busybox`, distroless (`gcr.io/distroless/*`),
//! Chainguard (`cgr.dev/*`), UBI `ubi-minimal`/`ubi-micro`. (`scratch` is not an image; the
//! rule treats it apart.)
//!
//! Everything else is [`Footprint::Unknown`] and never judged: application and server
//! images (`nginx`, `postgres`), toolchain images (`golang`, `rust`, `maven`, `gcc`,
//! `buildpack-deps`: SW403 `final-stage-sdk-image` reports those), Windows variants, and
//! distributions without a smaller variant in their repository (`centos`, `fedora`,
//! `amazonlinux`, `opensuse/leap`).

use crate::syntax::image_ref::{DOCKER_HUB, ImageRef};

/// What the table says about an image's size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Footprint {
    /// A full-size image whose publisher ships a smaller variant.
    Full {
        /// What the image is, for messages: "the full Debian image".
        what: &'static str,
        /// The smaller choice, for help texts: "the `-slim` variant (`debian:bookworm-slim`)".
        smaller: String,
    },
    /// A minimal image or variant; the reason names it ("a `slim` variant").
    Minimal(&'static str),
    /// Not in the table: never judged.
    Unknown,
}

/// Language images whose default variant is built on `buildpack-deps`, and how messages
/// name that variant.
const BUILDPACK_LANGUAGES: [(&str, &str); 7] = [
    ("node", "the full Node.js image, built on `buildpack-deps`"),
    ("python", "the full Python image, built on `buildpack-deps`"),
    ("ruby", "the full Ruby image, built on `buildpack-deps`"),
    ("perl", "the full Perl image, built on `buildpack-deps`"),
    ("erlang", "the full Erlang image, built on `buildpack-deps`"),
    ("elixir", "the full Elixir image, built on `buildpack-deps`"),
    ("pypy", "the full PyPy image, built on `buildpack-deps`"),
];

/// Tag words that make a variant minimal, and how messages name them.
fn minimal_word(word: &str) -> Option<&'static str> {
    Some(match word {
        "slim" => "a `slim` variant",
        w if w.starts_with("alpine") => "an Alpine variant",
        "minimal" => "a `minimal` variant",
        "micro" => "a `micro` variant",
        w if w.starts_with("jre") => "a JRE variant",
        "chiseled" => "a chiseled variant",
        "distroless" => "a distroless variant",
        _ => return None,
    })
}

/// The Docker Hub official name (`node`), also through the Hub mirrors; `None` otherwise.
fn official_name(image: &ImageRef) -> Option<&str> {
    let rest = match image.domain.as_str() {
        DOCKER_HUB | "mirror.gcr.io" => image.path.strip_prefix("library/"),
        "public.ecr.aws" => image.path.strip_prefix("docker/library/"),
        _ => None,
    }?;
    (!rest.contains('/')).then_some(rest)
}

/// A Red Hat Universal Base Image path split into release and image: `ubi9` → (`ubi9`,
/// `ubi`), `ubi9/ubi-minimal` → (`ubi9`, `ubi-minimal`), the older `ubi8-minimal` → (`ubi8`,
/// `ubi-minimal`).
fn ubi(image: &ImageRef) -> Option<(&str, String)> {
    let path = match image.domain.as_str() {
        "registry.access.redhat.com" | "registry.redhat.io" => image.path.as_str(),
        DOCKER_HUB => image.path.strip_prefix("redhat/")?,
        _ => return None,
    };
    let (release, name) = match path.split_once('/') {
        Some((release, name)) => (release, name.to_owned()),
        None => match path.split_once('-') {
            Some((release, variant)) => (release, format!("ubi-{variant}")),
            None => (path, "ubi".to_owned()),
        },
    };
    let is_release = release
        .strip_prefix("ubi")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (is_release && !name.contains('/')).then_some((release, name))
}

/// How large `image` is, per the table in the module docs.
pub fn footprint(image: &ImageRef) -> Footprint {
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let words: Vec<&str> = tag.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    if words
        .iter()
        .any(|w| matches!(*w, "windowsservercore" | "nanoserver") || w.starts_with("ltsc"))
    {
        return Footprint::Unknown;
    }
    let minimal = words.iter().find_map(|w| minimal_word(w));

    if image.domain == "gcr.io" && image.path.starts_with("distroless/") {
        return Footprint::Minimal("a distroless image");
    }
    if image.domain == "cgr.dev" {
        return Footprint::Minimal("a Chainguard image");
    }
    if let Some((release, name)) = ubi(image) {
        return match name.as_str() {
            "ubi" => Footprint::Full {
                what: "the standard Red Hat UBI image",
                smaller: format!("`{release}/ubi-minimal` or `{release}/ubi-micro`"),
            },
            "ubi-minimal" | "ubi-micro" => Footprint::Minimal("a minimal UBI image"),
            _ => Footprint::Unknown,
        };
    }
    let Some(name) = official_name(image) else {
        return Footprint::Unknown;
    };
    // The tag with the variant words, for suggestions: `bookworm` in `debian:bookworm`.
    let version = words.first().copied().unwrap_or("<version>");
    let version = if matches!(version, "latest" | "") {
        "<version>"
    } else {
        version
    };
    match name {
        "alpine" => Footprint::Minimal("Alpine Linux"),
        "busybox" => Footprint::Minimal("BusyBox"),
        "debian" => match minimal {
            Some(why) => Footprint::Minimal(why),
            None => Footprint::Full {
                what: "the full Debian image",
                smaller: format!(
                    "the `-slim` variant (`debian:{}-slim`)",
                    debian_release(version)
                ),
            },
        },
        "ubuntu" => Footprint::Full {
            what: "the Ubuntu image",
            smaller: "`debian:<release>-slim`, an Alpine or a distroless image".to_owned(),
        },
        "openjdk" | "eclipse-temurin" => match minimal {
            Some(why) if words.iter().any(|w| w.starts_with("jre")) => Footprint::Minimal(why),
            _ => Footprint::Full {
                what: "a JDK image (compiler and development tools)",
                smaller: format!(
                    "a JRE image (`eclipse-temurin:{}-jre`)",
                    java_version(version)
                ),
            },
        },
        "rockylinux" | "almalinux" => match words.iter().find_map(|w| minimal_word(w)) {
            Some(why) if words.contains(&"minimal") => Footprint::Minimal(why),
            _ => Footprint::Full {
                what: if name == "rockylinux" {
                    "the full Rocky Linux image"
                } else {
                    "the full AlmaLinux image"
                },
                smaller: format!("the `-minimal` variant (`{name}:{version}-minimal`)"),
            },
        },
        "oraclelinux" => match minimal {
            Some(why) if words.contains(&"slim") => Footprint::Minimal(why),
            _ => Footprint::Full {
                what: "the full Oracle Linux image",
                smaller: format!("the `-slim` variant (`oraclelinux:{version}-slim`)"),
            },
        },
        _ => {
            let Some(&(_, what)) = BUILDPACK_LANGUAGES.iter().find(|(n, _)| *n == name) else {
                return Footprint::Unknown;
            };
            match minimal {
                Some(why)
                    if words
                        .iter()
                        .any(|w| *w == "slim" || w.starts_with("alpine")) =>
                {
                    Footprint::Minimal(why)
                }
                _ => Footprint::Full {
                    what,
                    smaller: format!(
                        "the `-slim` or `-alpine` variant (`{name}:{}-slim`)",
                        language_version(&words)
                    ),
                },
            }
        }
    }
}

/// The version word of a language tag (`20.11` in `20.11-bookworm`), or a placeholder for
/// channel and codename tags.
fn language_version(words: &[&str]) -> String {
    match words.first() {
        Some(w) if w.starts_with(|c: char| c.is_ascii_digit()) => {
            let rest: Vec<&str> = words[1..]
                .iter()
                .copied()
                .filter(|w| is_debian_codename(w))
                .collect();
            match rest.first() {
                Some(codename) => format!("{w}-{codename}"),
                None => (*w).to_owned(),
            }
        }
        _ => "<version>".to_owned(),
    }
}

/// `bookworm` for `debian:bookworm`, `12` for `debian:12.5`.
fn debian_release(version: &str) -> &str {
    if version.starts_with(|c: char| c.is_ascii_digit()) {
        version.split('.').next().unwrap_or(version)
    } else {
        version
    }
}

/// `17` for `openjdk:17.0.2`, `21` for `eclipse-temurin:21.0.5_11-jdk`.
fn java_version(version: &str) -> &str {
    if version.starts_with(|c: char| c.is_ascii_digit()) {
        version.split('.').next().unwrap_or(version)
    } else {
        "<version>"
    }
}

fn is_debian_codename(word: &str) -> bool {
    matches!(
        word,
        "buster" | "bullseye" | "bookworm" | "trixie" | "forky" | "stretch" | "jessie"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(s: &str) -> Footprint {
        footprint(&ImageRef::parse(s).unwrap())
    }

    fn is_full(s: &str) -> bool {
        matches!(fp(s), Footprint::Full { .. })
    }

    fn smaller(s: &str) -> String {
        match fp(s) {
            Footprint::Full { smaller, .. } => smaller,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn full_distributions() {
        for image in [
            "debian",
            "debian:latest",
            "debian:12",
            "debian:12.8",
            "debian:bookworm",
            "debian:bookworm-20240101",
            "docker.io/library/debian:trixie",
            "ubuntu",
            "ubuntu:24.04",
            "ubuntu:noble",
            "rockylinux:9",
            "almalinux:9.4",
            "oraclelinux:9",
            "registry.access.redhat.com/ubi9",
            "registry.access.redhat.com/ubi9/ubi:9.4",
            "redhat/ubi8:8.10",
            "public.ecr.aws/docker/library/debian:12",
            "mirror.gcr.io/library/ubuntu:22.04",
        ] {
            assert!(is_full(image), "{image}: {:?}", fp(image));
        }
        assert_eq!(
            smaller("debian:bookworm"),
            "the `-slim` variant (`debian:bookworm-slim`)"
        );
        assert_eq!(
            smaller("debian:12.8"),
            "the `-slim` variant (`debian:12-slim`)"
        );
        assert_eq!(
            smaller("debian"),
            "the `-slim` variant (`debian:<version>-slim`)"
        );
        assert_eq!(
            smaller("rockylinux:9"),
            "the `-minimal` variant (`rockylinux:9-minimal`)"
        );
        assert_eq!(
            smaller("registry.access.redhat.com/ubi9/ubi"),
            "`ubi9/ubi-minimal` or `ubi9/ubi-micro`"
        );
    }

    #[test]
    fn full_language_images() {
        for image in [
            "node",
            "node:20",
            "node:20.11.1-bookworm",
            "node:lts",
            "node:bookworm",
            "python:3.12",
            "python:3.12-bookworm",
            "ruby:3.3",
            "perl:5.40-threaded",
            "erlang:27",
            "elixir:1.17",
            "pypy:3.10",
            "openjdk:17",
            "openjdk:17-jdk-slim",
            "eclipse-temurin:21",
            "eclipse-temurin:21-jdk-jammy",
            "eclipse-temurin:21-jdk-alpine",
        ] {
            assert!(is_full(image), "{image}: {:?}", fp(image));
        }
        assert_eq!(
            smaller("node:20.11.1-bookworm"),
            "the `-slim` or `-alpine` variant (`node:20.11.1-bookworm-slim`)"
        );
        assert_eq!(
            smaller("python:3.12"),
            "the `-slim` or `-alpine` variant (`python:3.12-slim`)"
        );
        assert_eq!(
            smaller("node:lts"),
            "the `-slim` or `-alpine` variant (`node:<version>-slim`)"
        );
        assert_eq!(
            smaller("openjdk:17.0.2"),
            "a JRE image (`eclipse-temurin:17-jre`)"
        );
    }

    #[test]
    fn minimal_images() {
        for image in [
            "debian:bookworm-slim",
            "debian:12-slim",
            "node:20-slim",
            "node:20-alpine3.19",
            "node:alpine",
            "python:3.12-slim-bookworm",
            "python:3.12-alpine",
            "perl:5.40-slim-threaded",
            "eclipse-temurin:21-jre",
            "eclipse-temurin:21-jre-alpine",
            "openjdk:11-jre-slim",
            "rockylinux:9-minimal",
            "almalinux:9-minimal",
            "oraclelinux:9-slim",
            "registry.access.redhat.com/ubi9/ubi-minimal",
            "registry.access.redhat.com/ubi9/ubi-micro:9.4",
            "registry.access.redhat.com/ubi8-minimal:8.10",
            "alpine:3.20",
            "busybox:1.36",
            "gcr.io/distroless/static-debian12:nonroot",
            "gcr.io/distroless/java21-debian12",
            "cgr.dev/chainguard/node:latest",
        ] {
            assert!(
                matches!(fp(image), Footprint::Minimal(_)),
                "{image}: {:?}",
                fp(image)
            );
        }
    }

    #[test]
    fn unknown_images_are_not_judged() {
        for image in [
            "nginx:1.27",
            "postgres:17",
            "golang:1.23",
            "rust:1.82",
            "buildpack-deps:bookworm",
            "maven:3.9-eclipse-temurin-21",
            "centos:7",
            "fedora:41",
            "amazonlinux:2023",
            "php:8.3-apache",
            "bitnami/node:20",
            "ghcr.io/acme/python:3.12",
            "python:3.13-windowsservercore-ltsc2022",
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            "registry.access.redhat.com/ubi9/nodejs-20",
        ] {
            assert_eq!(fp(image), Footprint::Unknown, "{image}");
        }
    }
}

//! What an image tag says about how pinned the image is.

use crate::syntax::image_ref::ImageRef;

/// Tags that name a release channel rather than a release.
const CHANNELS: [&str; 10] = [
    "latest", "stable", "edge", "current", "nightly", "rolling", "main", "master", "dev",
    "mainline",
];

/// Distribution codenames (Debian, Ubuntu) and Node.js LTS line names.
const CODENAMES: [&str; 20] = [
    "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "sid", "xenial",
    "bionic", "focal", "jammy", "noble", "oracular", "plucky", "questing", "hydrogen", "iron",
    "jod", "krypton",
];

/// Words that name an image variant, not a version.
const VARIANTS: [&str; 12] = [
    "alpine",
    "slim",
    "jre",
    "jdk",
    "windowsservercore",
    "nanoserver",
    "ltsc2019",
    "ltsc2022",
    "fpm",
    "cli",
    "apache",
    "zts",
];

/// Images whose tags are the distribution's own release names.
const DISTRO_IMAGES: [&str; 5] = [
    "library/debian",
    "library/ubuntu",
    "library/buildpack-deps",
    "bitnami/minideb",
    "library/neurodebian",
];

/// How much a tag pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagPin {
    /// A digest: immutable.
    Digest,
    /// No tag and no digest: `latest`.
    Missing,
    /// A channel (`latest`, `stable-alpine`) or a variant-only tag (`alpine`, `slim`) that
    /// follows `latest`.
    Channel(String),
    /// Only a major version (`20`, `3-slim`).
    MajorOnly(String),
    /// A release line or codename (`lts`, `bookworm-slim`, `jammy`).
    ReleaseLine(String),
    /// Minor or patch version, or a dated snapshot.
    Version,
}

fn is_codename(word: &str) -> bool {
    CODENAMES.contains(&word)
}

fn is_variant(word: &str) -> bool {
    VARIANTS.iter().any(|v| word.starts_with(v)) || is_codename(word)
}

fn is_date_stamp(word: &str) -> bool {
    word.len() >= 8 && word.bytes().all(|b| b.is_ascii_digit())
}

/// Classifies an image reference's tag.
pub fn pin(image: &ImageRef) -> TagPin {
    if image.digest.is_some() {
        return TagPin::Digest;
    }
    let Some(tag) = image.tag.as_deref() else {
        return TagPin::Missing;
    };
    let lower = tag.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    let head = words.first().copied().unwrap_or("");
    if CHANNELS.contains(&head) {
        return TagPin::Channel(tag.to_owned());
    }
    let dated = words.iter().any(|w| is_date_stamp(w));
    if !head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()) {
        if is_date_stamp(head) {
            return TagPin::Version;
        }
        return TagPin::MajorOnly(head.to_owned());
    }
    if head.bytes().next().is_some_and(|b| b.is_ascii_digit())
        || head.starts_with('v') && head[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return TagPin::Version;
    }
    let distro = DISTRO_IMAGES.contains(&image.path.as_str());
    // Windows base images: `ltsc2022` is the release line, patched monthly under one tag.
    if head.starts_with("ltsc") && image.path.starts_with("windows/") {
        return TagPin::ReleaseLine(head.to_owned());
    }
    if head == "lts" {
        return TagPin::ReleaseLine(head.to_owned());
    }
    let node_line =
        matches!(head, "hydrogen" | "iron" | "jod" | "krypton") && image.path == "library/node";
    if (is_codename(head) && distro) || node_line {
        if dated {
            return TagPin::Version;
        }
        return TagPin::ReleaseLine(head.to_owned());
    }
    if !words.is_empty() && words.iter().all(|w| is_variant(w)) && !dated {
        return TagPin::Channel(tag.to_owned());
    }
    TagPin::Version
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> TagPin {
        pin(&ImageRef::parse(s).unwrap())
    }

    #[test]
    fn classification() {
        assert_eq!(p("node"), TagPin::Missing);
        assert_eq!(
            p("node@sha256:0123456789012345678901234567890123456789012345678901234567890123"),
            TagPin::Digest
        );
        assert!(matches!(p("node:latest"), TagPin::Channel(_)));
        assert!(matches!(p("node:stable-alpine"), TagPin::Channel(_)));
        assert!(matches!(p("node:alpine"), TagPin::Channel(_)));
        assert!(matches!(p("python:slim-bookworm"), TagPin::Channel(_)));
        assert!(matches!(p("node:bookworm"), TagPin::Channel(_)));
        assert!(matches!(p("node:20"), TagPin::MajorOnly(_)));
        assert!(matches!(p("python:3-slim"), TagPin::MajorOnly(_)));
        assert!(matches!(p("node:lts-alpine"), TagPin::ReleaseLine(_)));
        assert!(matches!(p("node:iron"), TagPin::ReleaseLine(_)));
        assert!(matches!(p("debian:bookworm-slim"), TagPin::ReleaseLine(_)));
        assert!(matches!(p("ubuntu:jammy"), TagPin::ReleaseLine(_)));
        assert_eq!(p("debian:bookworm-20240101"), TagPin::Version);
        assert_eq!(p("node:20.11-alpine"), TagPin::Version);
        assert_eq!(p("ubuntu:22.04"), TagPin::Version);
        assert_eq!(p("traefik:v2.10"), TagPin::Version);
        assert_eq!(
            p("gcr.io/distroless/static-debian12:nonroot"),
            TagPin::Version
        );
        assert_eq!(p("ubuntu:20240101"), TagPin::Version);
        assert!(matches!(
            p("mcr.microsoft.com/windows/servercore:ltsc2022"),
            TagPin::ReleaseLine(_)
        ));
        assert!(matches!(
            p("golang:windowsservercore-ltsc2022"),
            TagPin::Channel(_)
        ));
        assert_eq!(p("python:3.13-windowsservercore-ltsc2022"), TagPin::Version);
    }
}

//! Docker image references: `[domain[:port]/]path[:tag][@algorithm:hex]`.
//!
//! The grammar is the one of the distribution `reference` package that Docker and `BuildKit`
//! use:
//!
//! - The first `/`-separated component is a registry domain when it contains `.` or `:` or
//!   is `localhost`; otherwise the image lives on Docker Hub (`docker.io`), and a name of a
//!   single component is an official image under `library/`. `index.docker.io` is the same
//!   registry as `docker.io`.
//! - A domain is host name components (letters, digits, inner `-`) joined by `.`, or an
//!   IPv6 address in brackets, with an optional `:port`.
//! - Path components are lowercase letters and digits, with single separators `.`, `_`,
//!   `__` or a run of `-` between them.
//! - A tag is `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
//! - A digest is `algorithm:hex`; `sha256`, `sha384` and `sha512` are known and need 64, 96
//!   and 128 lowercase hex digits.
//! - The name (domain and path as written) is at most 255 bytes.
//!
//! One deliberate difference: newer Docker releases also read an uppercase first component
//! (`Registry/app`) as a host name. A registry host written in capitals and without a dot or
//! port does not occur in practice, while `MyApp/web` is a common mistake, so here an
//! uppercase first component is reported as an uppercase repository name.

use std::fmt;
use std::ops::Range;

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The reference as written.
    pub text: String,
    /// Registry host (and port): `docker.io`, `ghcr.io`, `localhost:5000`, `gcr.io`.
    pub domain: String,
    /// Whether `text` named the registry (`docker.io/library/node` did, `node` did not).
    pub explicit_domain: bool,
    /// Repository path on the registry: `library/node`, `bitnami/redis`,
    /// `distroless/static-debian12`.
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:<hex>`.
    pub digest: Option<String>,
    /// Byte range of the name (domain and path as written) in `text`.
    pub name_range: Range<usize>,
    /// Byte range of the tag in `text`, without the `:`.
    pub tag_range: Option<Range<usize>>,
    /// Byte range of the digest in `text`, without the `@`.
    pub digest_range: Option<Range<usize>>,
}

/// Why a reference is invalid, and the byte offset in the text where the problem is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {offset})")]
pub struct ImageRefError {
    pub kind: ImageRefErrorKind,
    pub offset: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageRefErrorKind {
    /// The reference is empty.
    Empty,
    /// A tag or digest without a name (`:1.0`, `@sha256:…`).
    MissingName,
    /// A character that no part of a reference allows (space, `$`, `!`, non-ASCII…).
    InvalidCharacter,
    /// An uppercase letter in the repository path.
    Uppercase,
    /// The registry host or port is malformed.
    InvalidDomain,
    /// `a//b`, a leading or trailing `/`.
    EmptyPathComponent,
    /// A path component that starts or ends with a separator or has two in a row.
    InvalidPathComponent,
    /// The name is longer than 255 bytes.
    NameTooLong,
    /// `image:` — a `:` with no tag after it.
    EmptyTag,
    /// The tag has a character other than letters, digits, `_`, `.`, `-`, or starts with
    /// `.` or `-`.
    InvalidTag,
    /// The tag is longer than 128 bytes.
    TagTooLong,
    /// `image@` — an `@` with no digest after it.
    EmptyDigest,
    /// The digest is not `algorithm:hex` with the algorithm's length of lowercase hex.
    InvalidDigest,
    /// A well-formed digest whose algorithm is not `sha256`, `sha384` or `sha512`.
    UnsupportedDigestAlgorithm,
    /// 64 hex digits are an image ID, which cannot be used as a repository name.
    HexIdentifier,
}

impl fmt::Display for ImageRefErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageRefErrorKind::Empty => "empty image reference",
            ImageRefErrorKind::MissingName => "image reference has no repository name",
            ImageRefErrorKind::InvalidCharacter => "invalid character in image reference",
            ImageRefErrorKind::Uppercase => "repository name must be lowercase",
            ImageRefErrorKind::InvalidDomain => "invalid registry host or port",
            ImageRefErrorKind::EmptyPathComponent => "empty path component in repository name",
            ImageRefErrorKind::InvalidPathComponent => {
                "invalid repository name component (separators `.`, `_`, `__`, `-` must sit between letters or digits)"
            }
            ImageRefErrorKind::NameTooLong => "repository name is longer than 255 bytes",
            ImageRefErrorKind::EmptyTag => "empty tag after `:`",
            ImageRefErrorKind::InvalidTag => {
                "invalid tag (letters, digits, `_`, `.`, `-`; not starting with `.` or `-`)"
            }
            ImageRefErrorKind::TagTooLong => "tag is longer than 128 bytes",
            ImageRefErrorKind::EmptyDigest => "empty digest after `@`",
            ImageRefErrorKind::InvalidDigest => "invalid digest",
            ImageRefErrorKind::UnsupportedDigestAlgorithm => {
                "unsupported digest algorithm (expected sha256, sha384 or sha512)"
            }
            ImageRefErrorKind::HexIdentifier => {
                "64 hex digits are an image ID, not a repository name"
            }
        })
    }
}

/// Docker Hub's canonical domain.
pub const DOCKER_HUB: &str = "docker.io";
const LEGACY_DOCKER_HUB: &str = "index.docker.io";
const OFFICIAL_PREFIX: &str = "library/";
const NAME_MAX: usize = 255;
const TAG_MAX: usize = 128;

impl ImageRef {
    /// Parses and validates a reference. `scratch` parses as `docker.io/library/scratch`;
    /// callers decide what it means.
    pub fn parse(text: &str) -> Result<ImageRef, ImageRefError> {
        let err = |kind, offset| Err(ImageRefError { kind, offset });
        if text.is_empty() {
            return err(ImageRefErrorKind::Empty, 0);
        }
        if let Some(i) = text.bytes().position(|b| !is_reference_byte(b)) {
            return err(ImageRefErrorKind::InvalidCharacter, i);
        }
        if text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return err(ImageRefErrorKind::HexIdentifier, 0);
        }

        // `@digest` ends the reference; `:tag` ends the name when the last `:` comes after
        // the last `/` (a `:` before it belongs to a registry port).
        let (before_digest, digest_range) = match text.find('@') {
            Some(at) => {
                if at + 1 == text.len() {
                    return err(ImageRefErrorKind::EmptyDigest, at);
                }
                validate_digest(&text[at + 1..], at + 1)?;
                (at, Some(at + 1..text.len()))
            }
            None => (text.len(), None),
        };
        let name_and_tag = &text[..before_digest];
        let last_slash = name_and_tag.rfind('/');
        let (name_end, tag_range) = match name_and_tag.rfind(':') {
            Some(colon) if last_slash.is_none_or(|s| colon > s) => {
                if colon + 1 == before_digest {
                    return err(ImageRefErrorKind::EmptyTag, colon);
                }
                validate_tag(&text[colon + 1..before_digest], colon + 1)?;
                (colon, Some(colon + 1..before_digest))
            }
            _ => (before_digest, None),
        };
        let name = &text[..name_end];
        if name.is_empty() {
            return err(ImageRefErrorKind::MissingName, 0);
        }

        let (domain, explicit_domain, path) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                validate_domain(first, 0)?;
                validate_path(rest, first.len() + 1)?;
                let domain = if first == LEGACY_DOCKER_HUB {
                    DOCKER_HUB
                } else {
                    first
                };
                let path = if domain == DOCKER_HUB && !rest.contains('/') {
                    format!("{OFFICIAL_PREFIX}{rest}")
                } else {
                    rest.to_owned()
                };
                (domain.to_owned(), true, path)
            }
            Some(_) => {
                validate_path(name, 0)?;
                (DOCKER_HUB.to_owned(), false, name.to_owned())
            }
            None => {
                validate_path(name, 0)?;
                (
                    DOCKER_HUB.to_owned(),
                    false,
                    format!("{OFFICIAL_PREFIX}{name}"),
                )
            }
        };
        if name.len() > NAME_MAX {
            return err(ImageRefErrorKind::NameTooLong, NAME_MAX);
        }

        Ok(ImageRef {
            text: text.to_owned(),
            domain,
            explicit_domain,
            path,
            tag: tag_range.clone().map(|r| text[r].to_owned()),
            digest: digest_range.clone().map(|r| text[r].to_owned()),
            name_range: 0..name_end,
            tag_range,
            digest_range,
        })
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.domain == DOCKER_HUB
    }

    /// Whether the image is a Docker Official Image (`docker.io/library/<name>`).
    pub fn is_official(&self) -> bool {
        self.official_name().is_some()
    }

    /// The short name Docker shows: `node`, `bitnami/redis`, `ghcr.io/acme/app`.
    pub fn familiar_name(&self) -> String {
        if let Some(name) = self.official_name() {
            name.to_owned()
        } else if self.is_docker_hub() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The last path component: `node`, `static-debian12`.
    pub fn repo_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// Whether this is the reserved empty base image `scratch` (written exactly so).
    pub fn is_scratch(&self) -> bool {
        self.text == "scratch"
    }

    fn official_name(&self) -> Option<&str> {
        if !self.is_docker_hub() {
            return None;
        }
        self.path
            .strip_prefix(OFFICIAL_PREFIX)
            .filter(|rest| !rest.contains('/'))
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for ImageRef {
    type Err = ImageRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImageRef::parse(s)
    }
}

/// Bytes that may appear somewhere in a reference.
fn is_reference_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b'_' | b'-' | b'/' | b':' | b'@' | b'+' | b'[' | b']'
        )
}

fn error<T>(kind: ImageRefErrorKind, offset: usize) -> Result<T, ImageRefError> {
    Err(ImageRefError { kind, offset })
}

/// `host[:port]` where host is DNS-style components or a bracketed IPv6 address.
fn validate_domain(domain: &str, base: usize) -> Result<(), ImageRefError> {
    use ImageRefErrorKind::InvalidDomain;
    let (host_len, port_start) = if domain.starts_with('[') {
        let Some(close) = domain.find(']') else {
            return error(InvalidDomain, base);
        };
        let inner = &domain[1..close];
        if inner.is_empty() {
            return error(InvalidDomain, base + 1);
        }
        if let Some(i) = inner
            .bytes()
            .position(|b| !(b.is_ascii_hexdigit() || b == b':'))
        {
            return error(InvalidDomain, base + 1 + i);
        }
        match domain.as_bytes().get(close + 1) {
            None => (close + 1, None),
            Some(b':') => (close + 1, Some(close + 2)),
            Some(_) => return error(InvalidDomain, base + close + 1),
        }
    } else {
        let host_len = domain.find(':').unwrap_or(domain.len());
        let host = &domain[..host_len];
        let mut start = 0;
        for label in host.split('.') {
            let b = label.as_bytes();
            if b.is_empty() || b[0] == b'-' {
                return error(InvalidDomain, base + start);
            }
            if b[b.len() - 1] == b'-' {
                return error(InvalidDomain, base + start + b.len() - 1);
            }
            if let Some(i) = b
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-'))
            {
                return error(InvalidDomain, base + start + i);
            }
            start += label.len() + 1;
        }
        let port_start = (host_len < domain.len()).then_some(host_len + 1);
        (host_len, port_start)
    };
    if let Some(port_start) = port_start {
        let port = &domain[port_start..];
        if port.is_empty() {
            return error(InvalidDomain, base + host_len);
        }
        if let Some(i) = port.bytes().position(|b| !b.is_ascii_digit()) {
            return error(InvalidDomain, base + port_start + i);
        }
    }
    Ok(())
}

/// `/`-separated components of `[a-z0-9]+` joined by `.`, `_`, `__` or a run of `-`.
fn validate_path(path: &str, base: usize) -> Result<(), ImageRefError> {
    let mut start = 0;
    for component in path.split('/') {
        if component.is_empty() {
            return error(ImageRefErrorKind::EmptyPathComponent, base + start);
        }
        validate_component(component, base + start)?;
        start += component.len() + 1;
    }
    Ok(())
}

fn validate_component(component: &str, base: usize) -> Result<(), ImageRefError> {
    use ImageRefErrorKind::{InvalidCharacter, InvalidPathComponent, Uppercase};
    let b = component.as_bytes();
    let mut i = 0;
    loop {
        // A run of letters and digits.
        let run_start = i;
        while i < b.len() && (b[i].is_ascii_lowercase() || b[i].is_ascii_digit()) {
            i += 1;
        }
        if i < b.len() && b[i].is_ascii_uppercase() {
            return error(Uppercase, base + i);
        }
        if i == run_start {
            // Start of the component, or right after a separator.
            return match b.get(i) {
                Some(b'.' | b'_' | b'-') | None => error(InvalidPathComponent, base + i),
                Some(_) => error(InvalidCharacter, base + i),
            };
        }
        if i == b.len() {
            return Ok(());
        }
        // One separator, then another run must follow.
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if b.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while b.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return error(InvalidCharacter, base + i),
        }
    }
}

fn validate_tag(tag: &str, base: usize) -> Result<(), ImageRefError> {
    let b = tag.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    if !b.first().is_some_and(|&c| word(c)) {
        return error(ImageRefErrorKind::InvalidTag, base);
    }
    if let Some(i) = b.iter().position(|&c| !(word(c) || c == b'.' || c == b'-')) {
        return error(ImageRefErrorKind::InvalidTag, base + i);
    }
    if b.len() > TAG_MAX {
        return error(ImageRefErrorKind::TagTooLong, base + TAG_MAX);
    }
    Ok(())
}

/// `algorithm:hex`: algorithm components `[A-Za-z][A-Za-z0-9]*` joined by `+`, `.`, `_` or
/// `-`; then the encoded digest, checked against the algorithm's length.
fn validate_digest(digest: &str, base: usize) -> Result<(), ImageRefError> {
    use ImageRefErrorKind::{InvalidDigest, UnsupportedDigestAlgorithm};
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return error(InvalidDigest, base);
    };
    let a = algorithm.as_bytes();
    let mut expect_alpha = true;
    for (i, &c) in a.iter().enumerate() {
        let ok = if expect_alpha {
            c.is_ascii_alphabetic()
        } else {
            c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'_' | b'-')
        };
        if !ok {
            return error(InvalidDigest, base + i);
        }
        expect_alpha = matches!(c, b'+' | b'.' | b'_' | b'-');
    }
    if a.is_empty() || expect_alpha {
        return error(InvalidDigest, base + a.len());
    }
    let hex_base = base + a.len() + 1;
    if let Some(i) = hex.bytes().position(|c| !c.is_ascii_hexdigit()) {
        return error(InvalidDigest, hex_base + i);
    }
    let expected_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ if hex.len() >= 32 => return error(UnsupportedDigestAlgorithm, base),
        _ => return error(InvalidDigest, hex_base),
    };
    if let Some(i) = hex.bytes().position(|c| c.is_ascii_uppercase()) {
        return error(InvalidDigest, hex_base + i);
    }
    if hex.len() != expected_len {
        return error(InvalidDigest, hex_base + hex.len().min(expected_len));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImageRefErrorKind as K;

    const HEX: &str = "4c5b8d8e2b1f3f6e0f6e7d2a9b1c3d4e5f60718293a4b5c6d7e8f90112233445";

    fn ok(text: &str) -> ImageRef {
        ImageRef::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn bad(text: &str) -> (ImageRefErrorKind, usize) {
        let e = ImageRef::parse(text).expect_err(text);
        (e.kind, e.offset)
    }

    /// (text, domain, explicit, path, tag, digest, familiar name)
    #[allow(clippy::type_complexity)]
    #[rustfmt::skip]
    const VALID: &[(&str, &str, bool, &str, Option<&str>, bool, &str)] = &[
        ("node", "docker.io", false, "library/node", None, false, "node"),
        ("node:20", "docker.io", false, "library/node", Some("20"), false, "node"),
        ("node:20.11.1-alpine3.19", "docker.io", false, "library/node", Some("20.11.1-alpine3.19"), false, "node"),
        ("bitnami/redis:7.2", "docker.io", false, "bitnami/redis", Some("7.2"), false, "bitnami/redis"),
        ("docker.io/library/node:18", "docker.io", true, "library/node", Some("18"), false, "node"),
        ("docker.io/node", "docker.io", true, "library/node", None, false, "node"),
        ("index.docker.io/library/alpine:3.19", "docker.io", true, "library/alpine", Some("3.19"), false, "alpine"),
        ("docker.io/bitnami/redis", "docker.io", true, "bitnami/redis", None, false, "bitnami/redis"),
        ("ghcr.io/acme/app:v1.2.3", "ghcr.io", true, "acme/app", Some("v1.2.3"), false, "ghcr.io/acme/app"),
        ("localhost/app", "localhost", true, "app", None, false, "localhost/app"),
        ("localhost:5000/a:1", "localhost:5000", true, "a", Some("1"), false, "localhost:5000/a"),
        ("registry:5000/ns/a", "registry:5000", true, "ns/a", None, false, "registry:5000/ns/a"),
        ("127.0.0.1:5000/img:tag", "127.0.0.1:5000", true, "img", Some("tag"), false, "127.0.0.1:5000/img"),
        ("[::1]:5000/img", "[::1]:5000", true, "img", None, false, "[::1]:5000/img"),
        ("[fe80::1]/img:2", "[fe80::1]", true, "img", Some("2"), false, "[fe80::1]/img"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com", true, "dotnet/sdk", Some("8.0"), false, "mcr.microsoft.com/dotnet/sdk"),
        ("gcr.io/distroless/static-debian12:nonroot", "gcr.io", true, "distroless/static-debian12", Some("nonroot"), false, "gcr.io/distroless/static-debian12"),
        ("Registry.Example.com/team/app", "Registry.Example.com", true, "team/app", None, false, "Registry.Example.com/team/app"),
        ("a.b/c__d/e-f---g/h.i_j", "a.b", true, "c__d/e-f---g/h.i_j", None, false, "a.b/c__d/e-f---g/h.i_j"),
        ("scratch", "docker.io", false, "library/scratch", None, false, "scratch"),
        ("ubuntu:_underscore", "docker.io", false, "library/ubuntu", Some("_underscore"), false, "ubuntu"),
        ("node:LATEST", "docker.io", false, "library/node", Some("LATEST"), false, "node"),
        ("a/b/c/d:1", "docker.io", false, "a/b/c/d", Some("1"), false, "a/b/c/d"),
    ];

    #[test]
    fn parses_valid_references() {
        for &(text, domain, explicit, path, tag, digest, familiar) in VALID {
            let r = ok(text);
            assert_eq!(r.text, text);
            assert_eq!(r.domain, domain, "{text}");
            assert_eq!(r.explicit_domain, explicit, "{text}");
            assert_eq!(r.path, path, "{text}");
            assert_eq!(r.tag.as_deref(), tag, "{text}");
            assert_eq!(r.digest.is_some(), digest, "{text}");
            assert_eq!(r.familiar_name(), familiar, "{text}");
            // Ranges point at what they name.
            if let Some(range) = &r.tag_range {
                assert_eq!(Some(&text[range.clone()]), tag);
            }
            assert!(r.name_range.start == 0 && r.name_range.end <= text.len());
        }
    }

    #[test]
    fn tag_and_digest_ranges() {
        let text = format!("registry:5000/ns/a:1.2@sha256:{HEX}");
        let r = ok(&text);
        assert_eq!(r.domain, "registry:5000");
        assert_eq!(r.path, "ns/a");
        assert_eq!(&text[r.name_range.clone()], "registry:5000/ns/a");
        assert_eq!(&text[r.tag_range.clone().unwrap()], "1.2");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        let digest = format!("sha256:{HEX}");
        assert_eq!(&text[r.digest_range.clone().unwrap()], digest);
        assert_eq!(r.digest.as_deref(), Some(digest.as_str()));
    }

    #[test]
    fn digest_only_and_port_without_tag() {
        let text = format!("registry:5000/ns/a@sha256:{HEX}");
        let r = ok(&text);
        assert_eq!(r.domain, "registry:5000");
        assert_eq!(r.path, "ns/a");
        assert_eq!(r.tag, None);
        assert_eq!(r.tag_range, None);
        assert_eq!(r.name_range, 0.."registry:5000/ns/a".len());

        let text = format!("alpine@sha256:{HEX}");
        let r = ok(&text);
        assert_eq!(r.path, "library/alpine");
        assert_eq!(r.tag, None);
        assert_eq!(r.digest_range, Some(7..text.len()));
        assert!(r.is_official());
    }

    #[test]
    fn tag_with_digest_on_docker_hub() {
        let text = format!("node:20-alpine@sha256:{HEX}");
        let r = ok(&text);
        assert_eq!(r.tag.as_deref(), Some("20-alpine"));
        assert_eq!(r.tag_range, Some(5..14));
        assert_eq!(r.digest_range, Some(15..text.len()));
    }

    #[test]
    fn longer_digest_algorithms() {
        let r = ok(&format!("a@sha512:{}", "ab".repeat(64)));
        assert!(r.digest.unwrap().starts_with("sha512:"));
        ok(&format!("a@sha384:{}", "0".repeat(96)));
    }

    #[test]
    fn single_component_with_colon_is_a_tag_not_a_port() {
        let r = ok("localhost:5000");
        assert_eq!(r.path, "library/localhost");
        assert_eq!(r.tag.as_deref(), Some("5000"));
        assert!(!r.explicit_domain);
    }

    #[test]
    fn helpers() {
        let r = ok("node:20");
        assert!(r.is_docker_hub() && r.is_official());
        assert_eq!(r.repo_name(), "node");
        let r = ok("bitnami/redis");
        assert!(r.is_docker_hub() && !r.is_official());
        assert_eq!(r.repo_name(), "redis");
        let r = ok("gcr.io/distroless/static-debian12:nonroot");
        assert!(!r.is_docker_hub() && !r.is_official());
        assert_eq!(r.repo_name(), "static-debian12");
        // `library/` on another registry is not an official image.
        assert!(!ok("mirror.example.com/library/node").is_official());
        // Nested `library/` paths are not official either.
        assert!(!ok("library/a/b").is_official());
        assert!(ok("library/node").is_official());
        assert!(ok("scratch").is_scratch());
        assert!(!ok("scratch:1").is_scratch());
        assert!(!ok("docker.io/library/scratch").is_scratch());
        assert_eq!(ok("node:20").to_string(), "node:20");
    }

    #[test]
    fn reports_invalid_references_with_offsets() {
        #[rustfmt::skip]
        let cases: &[(&str, ImageRefErrorKind, usize)] = &[
            ("", K::Empty, 0),
            ("image:", K::EmptyTag, 5),
            ("ghcr.io/a/b:", K::EmptyTag, 11),
            ("image@", K::EmptyDigest, 5),
            (":tag", K::MissingName, 0),
            ("Node", K::Uppercase, 0),
            ("node/Web:1", K::Uppercase, 5),
            ("MyApp/web", K::Uppercase, 0),
            ("ghcr.io/Acme/app", K::Uppercase, 8),
            ("ghcr.io/acme/appX", K::Uppercase, 16),
            ("node:20 ", K::InvalidCharacter, 7),
            (" node", K::InvalidCharacter, 0),
            ("no$de", K::InvalidCharacter, 2),
            ("nöde", K::InvalidCharacter, 1),
            ("a//b", K::EmptyPathComponent, 2),
            ("a/", K::EmptyPathComponent, 2),
            ("/a", K::EmptyPathComponent, 0),
            ("ghcr.io/", K::EmptyPathComponent, 8),
            ("-a", K::InvalidPathComponent, 0),
            ("a-", K::InvalidPathComponent, 2),
            ("a..b", K::InvalidPathComponent, 2),
            ("a___b", K::InvalidPathComponent, 3),
            ("a._b", K::InvalidPathComponent, 2),
            ("a/b:c/d", K::InvalidCharacter, 3),
            ("a+b", K::InvalidCharacter, 1),
            ("node:-1", K::InvalidTag, 5),
            ("node:.1", K::InvalidTag, 5),
            ("node:1+2", K::InvalidTag, 6),
            ("node:a:b", K::InvalidCharacter, 4),
            ("exa_mple.com/a", K::InvalidDomain, 3),
            ("-bad.com/a", K::InvalidDomain, 0),
            ("bad-.com/a", K::InvalidDomain, 3),
            ("bad..com/a", K::InvalidDomain, 4),
            ("host:/a", K::InvalidDomain, 4),
            ("host:50a0/a", K::InvalidDomain, 7),
            ("[::1/a", K::InvalidDomain, 0),
            ("[]:5000/a", K::InvalidDomain, 1),
            ("[::g]/a", K::InvalidDomain, 3),
            ("a@sha256", K::InvalidDigest, 2),
            ("a@sha256:abc", K::InvalidDigest, 12),
            ("a@256:abc", K::InvalidDigest, 2),
            ("a@sha256+:abc", K::InvalidDigest, 9),
            ("a@:abc", K::InvalidDigest, 2),
            ("a@sha256:xyz", K::InvalidDigest, 9),
            ("a@b@c", K::InvalidDigest, 2),
        ];
        for &(text, kind, offset) in cases {
            assert_eq!(bad(text), (kind, offset), "{text:?}");
        }
    }

    #[test]
    fn rejects_bad_digests() {
        let upper = format!("a@sha256:{}", HEX.to_uppercase());
        // HEX starts "4c": the first uppercase digit is its second.
        assert_eq!(bad(&upper), (K::InvalidDigest, 10));
        let short = format!("a@sha256:{}", &HEX[..63]);
        assert_eq!(bad(&short), (K::InvalidDigest, 9 + 63));
        let long = format!("a@sha256:{HEX}0");
        assert_eq!(bad(&long), (K::InvalidDigest, 9 + 64));
        let md5 = format!("a@md5:{HEX}");
        assert_eq!(bad(&md5), (K::UnsupportedDigestAlgorithm, 2));
        // Digest errors are found even when the tag is also bad: the digest is checked first.
        assert_eq!(bad("a:-x@sha256:1"), (K::InvalidDigest, 13));
    }

    #[test]
    fn rejects_long_names_and_tags_and_image_ids() {
        let long_name = format!("a/{}", "b".repeat(254));
        assert_eq!(bad(&long_name), (K::NameTooLong, 255));
        ok(&format!("a/{}", "b".repeat(253)));
        let long_tag = format!("a:{}", "t".repeat(129));
        assert_eq!(bad(&long_tag), (K::TagTooLong, 2 + 128));
        ok(&format!("a:{}", "t".repeat(128)));
        assert_eq!(bad(HEX), (K::HexIdentifier, 0));
        // An ID with a tag is an ordinary (odd) name.
        ok(&format!("{HEX}:1"));
    }

    #[test]
    fn error_messages_name_the_problem() {
        let e = ImageRef::parse("image:").unwrap_err();
        assert_eq!(e.to_string(), "empty tag after `:` (at byte 5)");
        let e = ImageRef::parse("Node").unwrap_err();
        assert_eq!(
            e.to_string(),
            "repository name must be lowercase (at byte 0)"
        );
    }
}

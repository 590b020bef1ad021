//! Which product cycles an image reference names.
//!
//! An image is first matched by repository against [`IMAGES`]; unknown repositories name
//! nothing. Its tag is then split at `-` into words: the first word carries the version or
//! release name of the image's own product, and the other words may name the distribution
//! underneath (`bookworm`, `slim-buster`, `alpine3.18`, `jammy`, `al2023`) or a second
//! runtime (`otp-26` in `elixir`, `jdk21-temurin` in `tomcat`, `php8.2` in `wordpress`).
//!
//! Nothing is guessed: a channel tag (`latest`, `lts`, `stable`, `current`), a version
//! coarser than the product's cycles (`python:3`, `alpine:3`, `redis:7`) or a variant
//! without a version (`-alpine`, `-slim`) names no cycle.

use super::table::{Cycle, Product, Table};
use crate::syntax::image_ref::{DOCKER_HUB, ImageRef};

/// How a repository's tags are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    /// `alpine`: the first word is the Alpine version.
    Alpine,
    /// `debian`: the first word is the Debian version or release name.
    Debian,
    /// `ubuntu`: the first word is the Ubuntu version or release name.
    Ubuntu,
    /// `buildpack-deps`: the first word is a Debian or Ubuntu release name.
    DebianOrUbuntu,
    /// `centos`: `7`, `centos7.9.2009`, or `stream9` (`CentOS` Stream).
    CentOs,
    /// Another distribution whose first word is its version.
    Os(&'static str),
    /// A runtime or server: the first word is its version; other words may name the
    /// distribution and, per [`Extra`], a second runtime.
    App(&'static str, Extra),
}

/// Tag conventions particular to one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Extra {
    None,
    /// `node`: the first word may be an LTS release name (`hydrogen` is 18).
    NodeCodenames,
    /// `elixir`: `-otp-26` names the Erlang/OTP major.
    Otp,
    /// `tomcat`: `-jdk21-temurin` / `-jre17-corretto` name the Java runtime.
    Jdk,
    /// `wordpress`, `drupal`: `-php8.2` names the PHP version.
    Php,
    /// `traefik`: versions are written `v2.10`.
    VPrefix,
    /// `denoland/deno`: the variant comes first (`alpine-1.40.0`) and names no version of
    /// the distribution.
    VariantFirst,
}

impl Family {
    /// The products whose cycles the image's own name or first tag word can name.
    pub(super) fn products(&self) -> &[&'static str] {
        match self {
            Family::Alpine => &[ALPINE],
            Family::Debian => &[DEBIAN],
            Family::Ubuntu => &[UBUNTU],
            Family::DebianOrUbuntu => &[DEBIAN, UBUNTU],
            Family::CentOs => &["centos", "centos-stream"],
            Family::Os(p) | Family::App(p, _) => std::slice::from_ref(p),
        }
    }
}

const ALPINE: &str = "alpine-linux";
const DEBIAN: &str = "debian";
const UBUNTU: &str = "ubuntu";

/// Repositories the table knows, by canonical name: the official-image name (`node`; also
/// for the Docker Hub mirrors `public.ecr.aws/docker/library/…` and
/// `mirror.gcr.io/library/…`), `namespace/name` for other Docker Hub images, and
/// `registry/path` elsewhere.
pub(super) const IMAGES: &[(&str, Family)] = &[
    // Distributions.
    ("alpine", Family::Alpine),
    ("debian", Family::Debian),
    ("bitnami/minideb", Family::Debian),
    ("ubuntu", Family::Ubuntu),
    ("buildpack-deps", Family::DebianOrUbuntu),
    ("centos", Family::CentOs),
    ("quay.io/centos/centos", Family::CentOs),
    ("rockylinux", Family::Os("rocky-linux")),
    ("rockylinux/rockylinux", Family::Os("rocky-linux")),
    ("quay.io/rockylinux/rockylinux", Family::Os("rocky-linux")),
    ("almalinux", Family::Os("almalinux")),
    ("quay.io/almalinuxorg/almalinux", Family::Os("almalinux")),
    ("fedora", Family::Os("fedora")),
    ("registry.fedoraproject.org/fedora", Family::Os("fedora")),
    ("quay.io/fedora/fedora", Family::Os("fedora")),
    ("amazonlinux", Family::Os("amazon-linux")),
    (
        "public.ecr.aws/amazonlinux/amazonlinux",
        Family::Os("amazon-linux"),
    ),
    ("oraclelinux", Family::Os("oracle-linux")),
    (
        "container-registry.oracle.com/os/oraclelinux",
        Family::Os("oracle-linux"),
    ),
    ("opensuse/leap", Family::Os("opensuse")),
    (
        "registry.opensuse.org/opensuse/leap",
        Family::Os("opensuse"),
    ),
    ("opensuse", Family::Os("opensuse")),
    // Language runtimes.
    ("node", Family::App("nodejs", Extra::NodeCodenames)),
    ("bitnami/node", Family::App("nodejs", Extra::None)),
    ("python", Family::App("python", Extra::None)),
    ("bitnami/python", Family::App("python", Extra::None)),
    ("golang", Family::App("go", Extra::None)),
    ("bitnami/golang", Family::App("go", Extra::None)),
    ("php", Family::App("php", Extra::None)),
    ("bitnami/php-fpm", Family::App("php", Extra::None)),
    ("ruby", Family::App("ruby", Extra::None)),
    ("bitnami/ruby", Family::App("ruby", Extra::None)),
    (
        "eclipse-temurin",
        Family::App("eclipse-temurin", Extra::None),
    ),
    (
        "amazoncorretto",
        Family::App("amazon-corretto", Extra::None),
    ),
    (
        "public.ecr.aws/amazoncorretto/amazoncorretto",
        Family::App("amazon-corretto", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/sdk",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/aspnet",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/runtime",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/runtime-deps",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/core/sdk",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/core/aspnet",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/core/runtime",
        Family::App("dotnet", Extra::None),
    ),
    (
        "mcr.microsoft.com/dotnet/core/runtime-deps",
        Family::App("dotnet", Extra::None),
    ),
    ("perl", Family::App("perl", Extra::None)),
    ("erlang", Family::App("erlang", Extra::None)),
    ("elixir", Family::App("elixir", Extra::Otp)),
    ("oven/bun", Family::App("bun", Extra::None)),
    ("denoland/deno", Family::App("deno", Extra::VariantFirst)),
    // Servers and applications.
    ("postgres", Family::App("postgresql", Extra::None)),
    ("bitnami/postgresql", Family::App("postgresql", Extra::None)),
    ("redis", Family::App("redis", Extra::None)),
    ("bitnami/redis", Family::App("redis", Extra::None)),
    ("nginx", Family::App("nginx", Extra::None)),
    ("bitnami/nginx", Family::App("nginx", Extra::None)),
    ("mysql", Family::App("mysql", Extra::None)),
    ("bitnami/mysql", Family::App("mysql", Extra::None)),
    ("mariadb", Family::App("mariadb", Extra::None)),
    ("bitnami/mariadb", Family::App("mariadb", Extra::None)),
    ("mongo", Family::App("mongodb", Extra::None)),
    ("bitnami/mongodb", Family::App("mongodb", Extra::None)),
    ("httpd", Family::App("apache-http-server", Extra::None)),
    (
        "bitnami/apache",
        Family::App("apache-http-server", Extra::None),
    ),
    ("tomcat", Family::App("tomcat", Extra::Jdk)),
    ("bitnami/tomcat", Family::App("tomcat", Extra::None)),
    ("rabbitmq", Family::App("rabbitmq", Extra::None)),
    ("bitnami/rabbitmq", Family::App("rabbitmq", Extra::None)),
    ("haproxy", Family::App("haproxy", Extra::None)),
    ("bitnami/haproxy", Family::App("haproxy", Extra::None)),
    ("memcached", Family::App("memcached", Extra::None)),
    ("bitnami/memcached", Family::App("memcached", Extra::None)),
    ("traefik", Family::App("traefik", Extra::VPrefix)),
    ("elasticsearch", Family::App("elasticsearch", Extra::None)),
    (
        "docker.elastic.co/elasticsearch/elasticsearch",
        Family::App("elasticsearch", Extra::None),
    ),
    (
        "bitnami/elasticsearch",
        Family::App("elasticsearch", Extra::None),
    ),
    ("kibana", Family::App("kibana", Extra::None)),
    (
        "docker.elastic.co/kibana/kibana",
        Family::App("kibana", Extra::None),
    ),
    ("bitnami/kibana", Family::App("kibana", Extra::None)),
    ("logstash", Family::App("logstash", Extra::None)),
    (
        "docker.elastic.co/logstash/logstash",
        Family::App("logstash", Extra::None),
    ),
    ("bitnami/logstash", Family::App("logstash", Extra::None)),
    ("wordpress", Family::App("wordpress", Extra::Php)),
    ("bitnami/wordpress", Family::App("wordpress", Extra::None)),
    ("drupal", Family::App("drupal", Extra::Php)),
    ("bitnami/drupal", Family::App("drupal", Extra::None)),
];

/// Distroless repositories, matched by pattern rather than by name.
pub(super) const DISTROLESS_PATTERNS: &[(&str, &str)] = &[
    ("gcr.io/distroless/<image>-debian<N>", DEBIAN),
    ("gcr.io/distroless/nodejs<N>-debian<N>", "nodejs"),
];

/// Node.js LTS release names, fixed when each line entered LTS.
const NODE_CODENAMES: &[(&str, &str)] = &[
    ("argon", "4"),
    ("boron", "6"),
    ("carbon", "8"),
    ("dubnium", "10"),
    ("erbium", "12"),
    ("fermium", "14"),
    ("gallium", "16"),
    ("hydrogen", "18"),
    ("iron", "20"),
    ("jod", "22"),
    ("krypton", "24"),
];

/// The name under which [`IMAGES`] lists the image.
pub(super) fn canonical_name(image: &ImageRef) -> String {
    let path = image.path.as_str();
    let mirrored = match image.domain.as_str() {
        DOCKER_HUB | "mirror.gcr.io" => path.strip_prefix("library/"),
        "public.ecr.aws" => path.strip_prefix("docker/library/"),
        _ => None,
    };
    match mirrored {
        Some(name) if !name.contains('/') => name.to_owned(),
        _ if image.domain == DOCKER_HUB => path.to_owned(),
        _ => format!("{}/{}", image.domain, path),
    }
}

pub(super) fn family(name: &str) -> Option<Family> {
    IMAGES.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
}

/// The `(product key, cycle)` pairs an image names: its own product first, then others.
pub(super) fn cycles<'t>(table: &'t Table, image: &ImageRef) -> Vec<(&'static str, &'t Cycle)> {
    let mut out = Vec::new();
    let name = canonical_name(image);
    if let Some(found) = distroless(table, &name) {
        out.extend(found);
        return out;
    }
    let (Some(family), Some(tag)) = (family(&name), image.tag.as_deref()) else {
        return out;
    };
    let words: Vec<&str> = tag.split('-').collect();
    let first = words[0];
    let mut push = |product: &'static str, found: Option<&'t Cycle>| {
        if let Some(c) = found {
            if !out
                .iter()
                .any(|(p, o): &(&str, &Cycle)| *p == product && o.cycle == c.cycle)
            {
                out.push((product, c));
            }
        }
    };
    match family {
        Family::Alpine => push(ALPINE, by_version(table, ALPINE, first)),
        Family::Debian => push(DEBIAN, by_version_or_codename(table, DEBIAN, first)),
        Family::Ubuntu => push(UBUNTU, by_version_or_codename(table, UBUNTU, first)),
        Family::DebianOrUbuntu => {
            push(DEBIAN, by_codename(table, DEBIAN, first));
            push(UBUNTU, by_codename(table, UBUNTU, first));
        }
        Family::CentOs => {
            if let Some(stream) = first.strip_prefix("stream") {
                push("centos-stream", by_version(table, "centos-stream", stream));
            } else {
                let version = first.strip_prefix("centos").unwrap_or(first);
                push("centos", by_version(table, "centos", version));
            }
        }
        Family::Os(product) => push(product, by_version(table, product, first)),
        Family::App(product, extra) => {
            let (version_word, rest) = match extra {
                Extra::VariantFirst => {
                    // `alpine-1.40.0`, `distroless-2.1.4`, or a plain version; the variant
                    // words carry no distribution version, so only the version is read.
                    let i = usize::from(
                        words.len() > 1
                            && matches!(
                                first,
                                "alpine" | "debian" | "distroless" | "ubuntu" | "bin"
                            ),
                    );
                    (words[i], &[][..])
                }
                _ => (first, &words[1..]),
            };
            let own = match extra {
                Extra::NodeCodenames => NODE_CODENAMES
                    .iter()
                    .find(|(name, _)| *name == version_word)
                    .and_then(|&(_, major)| table.product(product)?.cycle(major))
                    .or_else(|| by_version(table, product, version_word)),
                Extra::VPrefix => by_version(
                    table,
                    product,
                    version_word.strip_prefix('v').unwrap_or(version_word),
                ),
                _ => by_version(table, product, version_word),
            };
            push(product, own);
            // `golang:alpine3.18`, `php:fpm-bookworm`: without a version the first word may
            // itself be a variant.
            let variant_words = if own.is_none() && extra != Extra::VariantFirst {
                &words[..]
            } else {
                rest
            };
            match extra {
                Extra::Otp => push(
                    "erlang",
                    after(variant_words, "otp").and_then(|v| by_version(table, "erlang", v)),
                ),
                Extra::Jdk => {
                    if let Some((product, major)) = tomcat_java(variant_words) {
                        push(product, by_version(table, product, major));
                    }
                }
                Extra::Php => push(
                    "php",
                    variant_words
                        .iter()
                        .find_map(|w| w.strip_prefix("php"))
                        .and_then(|v| by_version(table, "php", v)),
                ),
                _ => {}
            }
            if let Some((os, c)) = distribution(table, variant_words) {
                push(os, Some(c));
            }
        }
    }
    out
}

/// `gcr.io/distroless/<image>-debian<N>`: Debian N, and Node.js for `nodejs<N>-debian<N>`.
fn distroless<'t>(table: &'t Table, name: &str) -> Option<Vec<(&'static str, &'t Cycle)>> {
    let image = name.strip_prefix("gcr.io/distroless/")?;
    if image.contains('/') {
        return None;
    }
    let (base, debian) = image.rsplit_once("-debian")?;
    let mut out = Vec::new();
    if let Some(major) = base.strip_prefix("nodejs").filter(|m| is_number(m)) {
        if let Some(c) = table.product("nodejs").and_then(|p| p.cycle(major)) {
            out.push(("nodejs", c));
        }
    }
    if is_number(debian) {
        if let Some(c) = table.product(DEBIAN).and_then(|p| p.cycle(debian)) {
            out.push((DEBIAN, c));
        }
    }
    Some(out)
}

/// The distribution a tag's variant words name, if any.
fn distribution<'t>(table: &'t Table, words: &[&str]) -> Option<(&'static str, &'t Cycle)> {
    for (i, &w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        let found = if let Some(v) = w.strip_prefix("alpine") {
            // `alpine3.18`, or `alpine-3.21` as eclipse-temurin writes it.
            let v = if v.is_empty() {
                next.filter(|n| is_major_minor(n)).unwrap_or("")
            } else {
                v
            };
            (!v.is_empty()).then(|| (ALPINE, by_version(table, ALPINE, v)))
        } else if w == "debian" {
            // `-debian-12-r5` (Bitnami).
            next.filter(|n| is_number(n))
                .map(|n| (DEBIAN, table.product(DEBIAN).and_then(|p| p.cycle(n))))
        } else if w == "al2" || w == "al2023" {
            Some(("amazon-linux", by_version(table, "amazon-linux", &w[2..])))
        } else if let Some(v) = w.strip_prefix("oraclelinux").filter(|v| is_number(v)) {
            Some(("oracle-linux", by_version(table, "oracle-linux", v)))
        } else if let Some(c) = by_codename(table, DEBIAN, w) {
            Some((DEBIAN, Some(c)))
        } else {
            by_codename(table, UBUNTU, w).map(|c| (UBUNTU, Some(c)))
        };
        if let Some((os, Some(c))) = found {
            return Some((os, c));
        }
    }
    None
}

/// `jdk21-temurin`, `jre17-corretto-al2`: the Java product and major. Without a named vendor
/// (`9.0-jdk17`, `jdk11-openjdk`) the support of the JDK is unknown.
fn tomcat_java<'w>(words: &[&'w str]) -> Option<(&'static str, &'w str)> {
    let i = words
        .iter()
        .position(|w| (w.starts_with("jdk") || w.starts_with("jre")) && is_number(&w[3..]))?;
    let major = &words[i][3..];
    let vendor = match *words.get(i + 1)? {
        "temurin" => "eclipse-temurin",
        "corretto" => "amazon-corretto",
        _ => return None,
    };
    Some((vendor, major))
}

/// The word after `key` (`otp` → `26`).
fn after<'w>(words: &[&'w str], key: &str) -> Option<&'w str> {
    let i = words.iter().position(|w| *w == key)?;
    words.get(i + 1).copied()
}

fn by_version<'t>(table: &'t Table, product: &str, word: &str) -> Option<&'t Cycle> {
    let version = leading_version(word)?;
    table.product(product)?.cycle_for_version(version)
}

fn by_codename<'t>(table: &'t Table, product: &str, word: &str) -> Option<&'t Cycle> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    table.product(product)?.cycle_for_codename(word)
}

fn by_version_or_codename<'t>(table: &'t Table, product: &str, word: &str) -> Option<&'t Cycle> {
    by_version(table, product, word).or_else(|| by_codename(table, product, word))
}

/// The leading `N(.N)*` of a word: `3.8.10` of `3.8.10rc1`, `17.0.9` of `17.0.9_9`, `8` of
/// `8u392`.
fn leading_version(word: &str) -> Option<&str> {
    let b = word.as_bytes();
    let mut end = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        end = i;
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            break;
        }
    }
    (end > 0).then(|| &word[..end])
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `3.21` (and `3.21.2`): a version with at least two parts.
fn is_major_minor(s: &str) -> bool {
    leading_version(s).is_some_and(|v| v.len() == s.len() && v.contains('.'))
}

/// The repositories (and distroless patterns) that name cycles of `product`, for listing.
pub(super) fn image_names_for(product: &Product) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = IMAGES
        .iter()
        .filter(|(_, f)| f.products().contains(&product.key.as_str()))
        .map(|&(n, _)| n)
        .collect();
    names.extend(
        DISTROLESS_PATTERNS
            .iter()
            .filter(|(_, p)| *p == product.key)
            .map(|&(n, _)| n),
    );
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_versions() {
        assert_eq!(leading_version("3.8.10"), Some("3.8.10"));
        assert_eq!(leading_version("3.14.0rc1"), Some("3.14.0"));
        assert_eq!(leading_version("17.0.9_9"), Some("17.0.9"));
        assert_eq!(leading_version("8u392"), Some("8"));
        assert_eq!(leading_version("3."), Some("3"));
        assert_eq!(leading_version("1.22rc1"), Some("1.22"));
        assert_eq!(leading_version("v2.10"), None);
        assert_eq!(leading_version("latest"), None);
        assert_eq!(leading_version(""), None);
    }

    #[test]
    fn canonical_names() {
        let name = |s: &str| canonical_name(&ImageRef::parse(s).unwrap());
        assert_eq!(name("node:20"), "node");
        assert_eq!(name("docker.io/library/node"), "node");
        assert_eq!(name("public.ecr.aws/docker/library/node:20"), "node");
        assert_eq!(name("mirror.gcr.io/library/python"), "python");
        assert_eq!(name("rockylinux/rockylinux:9"), "rockylinux/rockylinux");
        assert_eq!(
            name("quay.io/centos/centos:stream9"),
            "quay.io/centos/centos"
        );
        assert_eq!(
            name("mcr.microsoft.com/dotnet/sdk:8.0"),
            "mcr.microsoft.com/dotnet/sdk"
        );
        // A private registry's `library/node` is not the official image.
        assert_eq!(
            name("registry.example.com/library/node"),
            "registry.example.com/library/node"
        );
    }

    #[test]
    fn image_names_are_unique() {
        for (i, (name, _)) in IMAGES.iter().enumerate() {
            assert!(IMAGES[..i].iter().all(|(n, _)| n != name), "{name}");
        }
    }
}

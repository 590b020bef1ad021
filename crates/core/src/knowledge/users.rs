//! Users: whether a `USER` value is root, and which base images are known to default to a
//! non-root user.
//!
//! The built-in table is deliberately small and conservative: an image is listed only when
//! its publisher documents that it runs as a non-root user by default.
//!
//! | pattern | why |
//! |---|---|
//! | `gcr.io/distroless/*` with a `nonroot` tag (`:nonroot`, `:debug-nonroot`, `:latest-nonroot`) | distroless `nonroot` variants set uid 65532 |
//! | any image whose tag is `nonroot` or ends in `-nonroot` | the common naming convention for such variants |
//! | `cgr.dev/chainguard/*`, except `-dev` tags | Chainguard images run as uid 65532; `-dev` variants are treated as unknown |
//! | `nginxinc/nginx-unprivileged`, `nginxinc/nginx-unprivileged` mirrors | runs nginx as uid 101 |
//! | `bitnami/*` | Bitnami containers run as uid 1001 |
//! | `mcr.microsoft.com/dotnet/*` with a `chiseled` tag | chiseled .NET images run as the `app` user |
//!
//! Users extend it with `[rules.user] non-root-images = ["registry/repo", "repo:tag-*"]`.

use crate::dockerfile::{Base, Dockerfile, Value};
use crate::source::Span;
use crate::syntax::image_ref::ImageRef;

/// What a `USER` value means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKind {
    /// `root`, `0`, `root:…`, `0:…`.
    Root,
    NonRoot,
    /// Depends on a value unknown before the build.
    Unknown,
}

/// Classifies an expanded `USER` value.
pub fn classify(value: &str, unknown: bool) -> UserKind {
    if unknown {
        return UserKind::Unknown;
    }
    let user = value.trim().split(':').next().unwrap_or("").trim();
    if user.is_empty() || user == "root" || user.bytes().all(|b| b == b'0') {
        UserKind::Root
    } else {
        UserKind::NonRoot
    }
}

/// The user the shipped image of a Dockerfile runs as (its final stage, or the `--target`
/// / compose `build.target` stage, and the stages it is built `FROM`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FinalUser<'d> {
    /// The last `USER` of the final chain names root (`root`, `0`, `root:…`, `0:…`).
    RootUser(&'d Value),
    /// No `USER` in the final chain, and the image at its root runs as root.
    RootBase {
        /// The final stage's `FROM` instruction.
        from: Span,
        /// The final stage's `AS` name.
        stage: Option<&'d str>,
        /// Why the base runs as root, for messages (`` `node:20` runs as root by default ``).
        reason: String,
    },
    /// A non-root `USER`, or a base image known to run as a non-root user.
    NonRoot,
    /// Depends on a value unknown before the build, or on a base that cannot be resolved.
    Unknown,
}

/// Decides which user the shipped image runs as; `extra` are the configured
/// `non-root-images`. Shared by the Dockerfile rule (SW201) and the compose rule (SW608).
pub fn final_user<'d>(df: &'d Dockerfile<'_>, extra: &[String]) -> FinalUser<'d> {
    let Some(final_index) = df.final_stage else {
        return FinalUser::Unknown;
    };
    if let Some((_, user)) = df.final_user() {
        return match classify(&user.text, user.unknown) {
            UserKind::Root => FinalUser::RootUser(user),
            UserKind::NonRoot => FinalUser::NonRoot,
            UserKind::Unknown => FinalUser::Unknown,
        };
    }
    let stage = &df.stages[final_index];
    let reason = match df.root_base(final_index) {
        Base::Scratch => "a `scratch` image runs as uid 0".to_owned(),
        Base::Image(image) => {
            if known_non_root(image, extra).is_some() {
                return FinalUser::NonRoot;
            }
            format!("`{}` runs as root by default", image.text)
        }
        // An unknown or invalid base: no guess.
        Base::Unresolved | Base::Invalid(_) | Base::Stage(_) => return FinalUser::Unknown,
    };
    FinalUser::RootBase {
        from: df.instr(stage.from).span(),
        stage: stage.name.as_ref().map(|n| n.value.as_str()),
        reason,
    }
}

/// Why an image is known to run as non-root, if it is.
pub fn known_non_root(image: &ImageRef, extra: &[String]) -> Option<String> {
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let full = format!("{}/{}", image.domain, image.path);
    let familiar = image.familiar_name();
    if image.domain == "gcr.io" && image.path.starts_with("distroless/") && tag.contains("nonroot")
    {
        return Some("distroless `nonroot` images run as uid 65532".to_owned());
    }
    if tag == "nonroot" || tag.ends_with("-nonroot") {
        return Some(format!("the `{tag}` variant runs as a non-root user"));
    }
    if image.domain == "cgr.dev" && image.path.starts_with("chainguard/") && !tag.contains("dev") {
        return Some("Chainguard images run as uid 65532".to_owned());
    }
    if image.is_docker_hub() && image.path == "nginxinc/nginx-unprivileged" {
        return Some("nginx-unprivileged runs as uid 101".to_owned());
    }
    if image.is_docker_hub() && image.path.starts_with("bitnami/") {
        return Some("Bitnami images run as uid 1001".to_owned());
    }
    if image.domain == "mcr.microsoft.com"
        && image.path.starts_with("dotnet/")
        && tag.contains("chiseled")
    {
        return Some("chiseled .NET images run as the `app` user".to_owned());
    }
    for pattern in extra {
        if matches_pattern(pattern, &familiar, &tag) || matches_pattern(pattern, &full, &tag) {
            return Some(format!("configured in `non-root-images` as `{pattern}`"));
        }
    }
    None
}

/// `repo` or `repo:tag`, `*` matching any run of characters.
fn matches_pattern(pattern: &str, name: &str, tag: &str) -> bool {
    match pattern.rsplit_once(':') {
        Some((p_name, p_tag)) if !p_tag.contains('/') => {
            wildcard(p_name, name) && wildcard(p_tag, tag)
        }
        _ => wildcard(pattern, name),
    }
}

/// Glob with `*` only.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(pos) = rest.find(part) else {
                return false;
            };
            rest = &rest[pos + part.len()..];
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn user_values() {
        assert_eq!(classify("root", false), UserKind::Root);
        assert_eq!(classify("0", false), UserKind::Root);
        assert_eq!(classify("0:0", false), UserKind::Root);
        assert_eq!(classify("root:staff", false), UserKind::Root);
        assert_eq!(classify("1000", false), UserKind::NonRoot);
        assert_eq!(classify("app:app", false), UserKind::NonRoot);
        assert_eq!(classify("1000:0", false), UserKind::NonRoot);
        assert_eq!(classify("$U", true), UserKind::Unknown);
    }

    #[test]
    fn non_root_table() {
        assert!(known_non_root(&img("gcr.io/distroless/static-debian12:nonroot"), &[]).is_some());
        assert!(
            known_non_root(&img("gcr.io/distroless/static-debian12:debug-nonroot"), &[]).is_some()
        );
        assert!(known_non_root(&img("gcr.io/distroless/static-debian12"), &[]).is_none());
        assert!(known_non_root(&img("cgr.dev/chainguard/static:latest"), &[]).is_some());
        assert!(known_non_root(&img("cgr.dev/chainguard/python:latest-dev"), &[]).is_none());
        assert!(known_non_root(&img("nginxinc/nginx-unprivileged:1.27"), &[]).is_some());
        assert!(known_non_root(&img("bitnami/redis:7.4"), &[]).is_some());
        assert!(
            known_non_root(
                &img("mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled"),
                &[]
            )
            .is_some()
        );
        assert!(known_non_root(&img("node:20"), &[]).is_none());
        assert!(known_non_root(&img("nginx:1.27"), &[]).is_none());
        let extra = vec!["acme/base".to_owned(), "ghcr.io/acme/*:*-secure".to_owned()];
        assert!(known_non_root(&img("acme/base:1"), &extra).is_some());
        assert!(known_non_root(&img("ghcr.io/acme/app:2-secure"), &extra).is_some());
        assert!(known_non_root(&img("ghcr.io/acme/app:2"), &extra).is_none());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("*.gcr.io", "eu.gcr.io"));
        assert!(wildcard("a*b*c", "aXXbYYc"));
        assert!(!wildcard("a*b", "ac"));
        assert!(wildcard("*", ""));
    }
}

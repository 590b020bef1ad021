//! Files that hold secrets by their name: environment files, SSH and TLS private keys, key
//! stores, registry and cloud credentials, Terraform state. Shared by the rules on `COPY`/`ADD`
//! sources and on the build context.
//!
//! # Patterns
//! A pattern is matched case-insensitively against a relative, `/`-separated path, with
//! Docker's glob syntax (`*`, `?`, `[…]`, `\`) inside one path segment:
//! - `*.pem`, `.env*`: a *name* pattern, matched against the last segment;
//! - `.ssh/`: a *directory* pattern (trailing `/`), matched against every segment, so it
//!   covers the directory itself and everything below it;
//! - `.docker/config.json`: a *path* pattern (a `/` inside), matched against the last
//!   segments of the path; with a leading `/` it must match the whole path.
//!
//! The built-in list ([`SensitivePatterns::builtin`]) has its own exceptions: public keys
//! (`*.pub`), example files (`*.example`, `*.sample`, `*.template`, `*.dist`), SSH files that
//! hold no secret (`known_hosts`, `authorized_keys`, `.ssh/config`) and PEM files named as
//! certificates (`cert.pem`, `*-cert.pem`, `fullchain.pem`, `ca.pem`, `ca-bundle.pem`,
//! `*public.pem`), which hold no private key. Configuration adds patterns (`extend`, which
//! win over the built-in exceptions) and exceptions (`allow`, which win over everything):
//! see [`SensitivePatterns::new`].

use std::sync::LazyLock;

use crate::syntax::docker_glob::{self, GlobError};

/// What a sensitive file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SensitiveKind {
    /// `.env`, `.env.production`.
    EnvFile,
    /// `id_rsa`, `id_ed25519`, `.ssh/`.
    SshKey,
    /// `*.pem`, `*.key`.
    PrivateKey,
    /// `*.p12`, `*.pfx`.
    KeyStore,
    /// `.npmrc`, `.pypirc`.
    RegistryCredentials,
    /// `.netrc`.
    Netrc,
    /// `.git-credentials`.
    GitCredentials,
    /// `.htpasswd`.
    PasswordFile,
    /// `.docker/config.json`.
    DockerCredentials,
    /// `.aws/`, `kubeconfig`, `credentials*.json`, `service-account*.json`.
    CloudCredentials,
    /// `*.tfstate`.
    TerraformState,
    /// A pattern from the configuration's `extend` list.
    Configured,
}

impl SensitiveKind {
    /// What the file is, for messages ("an SSH private key").
    pub fn label(self) -> &'static str {
        match self {
            SensitiveKind::EnvFile => "an environment file",
            SensitiveKind::SshKey => "an SSH private key",
            SensitiveKind::PrivateKey => "a private key",
            SensitiveKind::KeyStore => "a key store",
            SensitiveKind::RegistryCredentials => "package registry credentials",
            SensitiveKind::Netrc => "a `.netrc` with login credentials",
            SensitiveKind::GitCredentials => "stored Git credentials",
            SensitiveKind::PasswordFile => "a password file",
            SensitiveKind::DockerCredentials => "Docker registry credentials",
            SensitiveKind::CloudCredentials => "cloud credentials",
            SensitiveKind::TerraformState => "Terraform state, which holds secrets in clear",
            SensitiveKind::Configured => "a file configured as sensitive",
        }
    }
}

/// A pattern that is not a valid glob.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid sensitive-file pattern `{pattern}`: {source}")]
pub struct PatternError {
    pub pattern: String,
    pub source: GlobError,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Shape {
    /// Matched against the last segment.
    Name(SegmentGlob),
    /// Matched against every segment.
    Dir(SegmentGlob),
    /// Matched against the last segments, or the whole path when anchored.
    Path {
        segments: Vec<SegmentGlob>,
        anchored: bool,
    },
}

/// A glob matched against one path segment (which never holds a `/`). The usual shapes
/// (`.env`, `*.pem`, `id_rsa*`, `credentials*.json`) are decided by comparing bytes, which
/// is what `filepath.Match` does for them on a segment; anything else goes to
/// [`docker_glob::glob_match`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum SegmentGlob {
    /// No wildcard: the segment equals the text.
    Exact(String),
    /// `prefix*suffix` (either may be empty) with no other wildcard.
    Star {
        prefix: String,
        suffix: String,
    },
    Other(String),
}

impl SegmentGlob {
    fn new(glob: &str) -> Self {
        let literal = |s: &str| !s.contains(['*', '?', '[', '\\']);
        match glob.split_once('*') {
            None if literal(glob) => SegmentGlob::Exact(glob.to_owned()),
            Some((prefix, suffix)) if literal(prefix) && literal(suffix) => SegmentGlob::Star {
                prefix: prefix.to_owned(),
                suffix: suffix.to_owned(),
            },
            _ => SegmentGlob::Other(glob.to_owned()),
        }
    }

    /// Whether `segment` (without `/`) matches.
    fn matches(&self, segment: &str) -> bool {
        match self {
            SegmentGlob::Exact(g) => segment == g,
            SegmentGlob::Star { prefix, suffix } => {
                segment.len() >= prefix.len() + suffix.len()
                    && segment.starts_with(prefix.as_str())
                    && segment.ends_with(suffix.as_str())
            }
            SegmentGlob::Other(g) => docker_glob::glob_match(g, segment).unwrap_or(false),
        }
    }
}

/// One pattern (see the module docs for the syntax).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// As written.
    pub text: String,
    shape: Shape,
}

impl Pattern {
    /// Parses a pattern; errors on invalid globs.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let lower = text.trim().to_lowercase();
        let anchored = lower.starts_with('/');
        let body = lower.trim_start_matches('/');
        let globs: Vec<&str> = match body.strip_suffix('/') {
            Some(dir) => vec![dir],
            None => body.split('/').collect(),
        };
        for g in &globs {
            if let Err(source) = docker_glob::glob_match(g, "") {
                return Err(PatternError {
                    pattern: text.to_owned(),
                    source,
                });
            }
        }
        let shape = if let Some(dir) = body.strip_suffix('/') {
            Shape::Dir(SegmentGlob::new(dir))
        } else if body.contains('/') || anchored {
            Shape::Path {
                segments: globs.into_iter().map(SegmentGlob::new).collect(),
                anchored,
            }
        } else {
            Shape::Name(SegmentGlob::new(body))
        };
        Ok(Pattern {
            text: text.to_owned(),
            shape,
        })
    }

    /// Whether the pattern matches the path given as lower-case segments.
    fn matches(&self, segments: &[&str]) -> bool {
        let glob = |g: &SegmentGlob, s: &str| g.matches(s);
        match &self.shape {
            Shape::Name(g) => segments.last().is_some_and(|s| glob(g, s)),
            Shape::Dir(g) => segments.iter().any(|s| glob(g, s)),
            Shape::Path {
                segments: pat,
                anchored,
            } => {
                if *anchored && pat.len() != segments.len() {
                    return false;
                }
                segments.len() >= pat.len()
                    && pat
                        .iter()
                        .zip(&segments[segments.len() - pat.len()..])
                        .all(|(g, s)| glob(g, s))
            }
        }
    }

    /// Whether the pattern names a file (not a directory pattern).
    fn names_a_file(&self) -> bool {
        !matches!(self.shape, Shape::Dir(_))
    }
}

/// A match: what the file is and the pattern that said so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SensitiveMatch {
    pub kind: SensitiveKind,
    /// The pattern as written (`*.pem`, `.ssh/`).
    pub pattern: String,
}

/// The built-in patterns.
const BUILTIN: &[(&str, SensitiveKind)] = &[
    (".env", SensitiveKind::EnvFile),
    (".env*", SensitiveKind::EnvFile),
    (".envrc", SensitiveKind::EnvFile),
    ("id_rsa*", SensitiveKind::SshKey),
    ("id_dsa*", SensitiveKind::SshKey),
    ("id_ecdsa*", SensitiveKind::SshKey),
    ("id_ed25519*", SensitiveKind::SshKey),
    (".ssh/", SensitiveKind::SshKey),
    ("*.pem", SensitiveKind::PrivateKey),
    ("*.key", SensitiveKind::PrivateKey),
    ("*.p12", SensitiveKind::KeyStore),
    ("*.pfx", SensitiveKind::KeyStore),
    ("*.jks", SensitiveKind::KeyStore),
    ("*.keystore", SensitiveKind::KeyStore),
    (".npmrc", SensitiveKind::RegistryCredentials),
    (".pypirc", SensitiveKind::RegistryCredentials),
    (".netrc", SensitiveKind::Netrc),
    ("_netrc", SensitiveKind::Netrc),
    (".htpasswd", SensitiveKind::PasswordFile),
    (".git-credentials", SensitiveKind::GitCredentials),
    (".docker/config.json", SensitiveKind::DockerCredentials),
    (".aws/", SensitiveKind::CloudCredentials),
    ("kubeconfig*", SensitiveKind::CloudCredentials),
    (".kube/config", SensitiveKind::CloudCredentials),
    ("credentials*.json", SensitiveKind::CloudCredentials),
    ("service-account*.json", SensitiveKind::CloudCredentials),
    ("*.tfstate", SensitiveKind::TerraformState),
    ("*.tfstate.backup", SensitiveKind::TerraformState),
];

/// Exceptions to the built-in patterns.
const BUILTIN_EXCEPTIONS: &[&str] = &[
    "*.pub",
    "*.example",
    "*.sample",
    "*.template",
    "*.dist",
    "*.tpl",
    "*.schema",
    "known_hosts*",
    "authorized_keys*",
    ".ssh/config",
    "cert.pem",
    "*-cert.pem",
    "*_cert.pem",
    "*.cert.pem",
    "*.crt.pem",
    "certificate.pem",
    "*-certificate.pem",
    "chain.pem",
    "fullchain.pem",
    "*-chain.pem",
    "ca.pem",
    "*-ca.pem",
    "*_ca.pem",
    "rootca.pem",
    "cacert.pem",
    "ca-bundle.pem",
    "ca-certificates.pem",
    "*public.pem",
    "*-pub.pem",
    "*_pub.pem",
];

fn parse_all(
    texts: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<Vec<Pattern>, PatternError> {
    texts
        .into_iter()
        .map(|t| Pattern::parse(t.as_ref()))
        .collect()
}

/// The sensitive-file list in effect: the built-in patterns, minus their exceptions, plus
/// the configured `extend` patterns, minus the configured `allow` patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SensitivePatterns {
    builtin: Vec<(Pattern, SensitiveKind)>,
    exceptions: Vec<Pattern>,
    extend: Vec<Pattern>,
    allow: Vec<Pattern>,
}

static BUILTIN_PATTERNS: LazyLock<SensitivePatterns> = LazyLock::new(|| SensitivePatterns {
    builtin: BUILTIN
        .iter()
        .map(|(t, k)| {
            (
                Pattern::parse(t).expect("the built-in sensitive-file patterns are valid globs"),
                *k,
            )
        })
        .collect(),
    exceptions: parse_all(BUILTIN_EXCEPTIONS)
        .expect("the built-in sensitive-file exceptions are valid globs"),
    extend: Vec::new(),
    allow: Vec::new(),
});

impl Default for SensitivePatterns {
    fn default() -> Self {
        Self::builtin().clone()
    }
}

impl SensitivePatterns {
    /// The built-in list.
    /// The built-in list, owned.
    pub fn defaults() -> SensitivePatterns {
        Self::builtin().clone()
    }

    /// What kind of sensitive file `path` is, as a label for messages.
    pub fn classify(&self, path: &str) -> Option<&'static str> {
        self.kind(path).map(SensitiveKind::label)
    }

    pub fn builtin() -> &'static SensitivePatterns {
        &BUILTIN_PATTERNS
    }

    /// The built-in list with configured additions (`extend`) and exceptions (`allow`).
    pub fn new(extend: &[String], allow: &[String]) -> Result<SensitivePatterns, PatternError> {
        let mut patterns = Self::builtin().clone();
        patterns.extend = parse_all(extend)?;
        patterns.allow = parse_all(allow)?;
        Ok(patterns)
    }

    /// The match for a path of the build context (relative, `/`-separated; `./` and a
    /// leading `/` are ignored), checked on its last segment and on its directories.
    pub fn matches(&self, path: &str) -> Option<SensitiveMatch> {
        let lower = path.to_lowercase();
        let segments = segments(&lower);
        self.find(&segments, false)
    }

    /// What a path holds, if it is sensitive (see [`SensitivePatterns::matches`]).
    pub fn kind(&self, path: &str) -> Option<SensitiveKind> {
        self.matches(path).map(|m| m.kind)
    }

    /// The match for a `COPY`/`ADD` source as written, which may be a glob: a wildcard
    /// segment counts when, read literally, the pattern matches it, so `*.pem`, `.env.*`,
    /// `id_rsa*` and `.ssh/*` are reported while `*`, `*.json` and `config/*` are not.
    pub fn matches_source(&self, source: &str) -> Option<SensitiveMatch> {
        self.matches(source)
    }

    /// The match for a `COPY`/`ADD` destination that names a file (`/root/.ssh/id_rsa`,
    /// `/app/.env`): only name and path patterns count, since copying into `.ssh/` is not
    /// itself a leak.
    pub fn matches_destination(&self, dest: &str) -> Option<SensitiveMatch> {
        let lower = dest.to_lowercase();
        let segments = segments(&lower);
        self.find(&segments, true)
    }

    fn find(&self, segments: &[&str], files_only: bool) -> Option<SensitiveMatch> {
        if segments.is_empty() || self.allow.iter().any(|p| p.matches(segments)) {
            return None;
        }
        let usable = |p: &Pattern| !files_only || p.names_a_file();
        if let Some(p) = self
            .extend
            .iter()
            .find(|p| usable(p) && p.matches(segments))
        {
            return Some(SensitiveMatch {
                kind: SensitiveKind::Configured,
                pattern: p.text.clone(),
            });
        }
        if self.exceptions.iter().any(|p| p.matches(segments)) {
            return None;
        }
        self.builtin
            .iter()
            .find(|(p, _)| usable(p) && p.matches(segments))
            .map(|(p, kind)| SensitiveMatch {
                kind: *kind,
                pattern: p.text.clone(),
            })
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect()
}

/// What a path holds, by the built-in list (see [`SensitivePatterns::matches`]).
pub fn sensitive_kind(path: &str) -> Option<SensitiveKind> {
    SensitivePatterns::builtin().kind(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_and_directories() {
        use SensitiveKind::*;
        let cases: &[(&str, Option<SensitiveKind>)] = &[
            (".env", Some(EnvFile)),
            ("app/.env.production", Some(EnvFile)),
            (".env.local", Some(EnvFile)),
            (".env.example", None),
            (".env.sample", None),
            (".env.template", None),
            ("id_rsa", Some(SshKey)),
            ("keys/id_ed25519", Some(SshKey)),
            ("id_ecdsa_deploy", Some(SshKey)),
            ("id_rsa.pub", None),
            (".ssh", Some(SshKey)),
            (".ssh/", Some(SshKey)),
            ("home/.ssh/deploy_key", Some(SshKey)),
            (".ssh/known_hosts", None),
            (".ssh/config", None),
            ("tls/server.key", Some(PrivateKey)),
            ("privkey.pem", Some(PrivateKey)),
            ("certs/server.pem", Some(PrivateKey)),
            ("certs/fullchain.pem", None),
            ("certs/ca.pem", None),
            ("certs/server-cert.pem", None),
            ("ca-bundle.pem", None),
            ("client.p12", Some(KeyStore)),
            ("CERT.PFX", Some(KeyStore)),
            (".npmrc", Some(RegistryCredentials)),
            (".pypirc", Some(RegistryCredentials)),
            (".netrc", Some(Netrc)),
            (".git-credentials", Some(GitCredentials)),
            (".docker/config.json", Some(DockerCredentials)),
            ("config.json", None),
            (".aws/credentials", Some(CloudCredentials)),
            (".aws", Some(CloudCredentials)),
            ("kubeconfig", Some(CloudCredentials)),
            ("deploy/kubeconfig.yaml", Some(CloudCredentials)),
            (".kube/config", Some(CloudCredentials)),
            ("credentials.json", Some(CloudCredentials)),
            ("Credentials-prod.json", Some(CloudCredentials)),
            ("service-account.json", Some(CloudCredentials)),
            ("service-account-ci.json", Some(CloudCredentials)),
            ("terraform.tfstate", Some(TerraformState)),
            ("terraform.tfstate.backup", Some(TerraformState)),
            ("src/main.rs", None),
            ("package.json", None),
            ("environment.yml", None),
            ("keyboard.c", None),
            ("", None),
            ("./", None),
        ];
        for (path, want) in cases {
            assert_eq!(sensitive_kind(path), *want, "{path}");
        }
    }

    #[test]
    fn copy_sources_as_globs() {
        let p = SensitivePatterns::builtin();
        for source in [
            "*.pem",
            ".env*",
            ".env.*",
            "id_rsa*",
            ".ssh/*",
            "./secrets/*.key",
            "/.aws",
            "terraform/*.tfstate",
        ] {
            assert!(p.matches_source(source).is_some(), "{source}");
        }
        for source in [
            "*",
            "*.json",
            "config/*",
            ".",
            "src/",
            "*.pub",
            "id_*",
            ".env.example",
            "*.crt",
        ] {
            assert!(p.matches_source(source).is_none(), "{source}");
        }
        assert_eq!(
            p.matches_source("conf/*.pem").map(|m| m.pattern),
            Some("*.pem".to_owned())
        );
    }

    #[test]
    fn destinations_name_files_only() {
        let p = SensitivePatterns::builtin();
        assert!(p.matches_destination("/root/.ssh/id_rsa").is_some());
        assert!(p.matches_destination("/app/.env").is_some());
        assert!(p.matches_destination("/root/.docker/config.json").is_some());
        assert!(p.matches_destination("/root/.ssh/").is_none());
        assert!(p.matches_destination("/root/.ssh/known_hosts").is_none());
        assert!(p.matches_destination("/root/.aws/config").is_none());
    }

    #[test]
    fn configured_extend_and_allow() {
        let p = SensitivePatterns::new(
            &[
                "*.secret".to_owned(),
                "vault/".to_owned(),
                "ca.pem".to_owned(),
            ],
            &[".env.test".to_owned(), "/fixtures/id_rsa".to_owned()],
        )
        .unwrap();
        assert_eq!(p.kind("app.secret"), Some(SensitiveKind::Configured));
        assert_eq!(p.kind("vault/token"), Some(SensitiveKind::Configured));
        // `extend` wins over the built-in exceptions…
        assert_eq!(p.kind("ca.pem"), Some(SensitiveKind::Configured));
        // …and `allow` over everything.
        assert_eq!(p.kind(".env.test"), None);
        assert_eq!(p.kind("fixtures/id_rsa"), None);
        assert_eq!(p.kind("other/fixtures/id_rsa"), Some(SensitiveKind::SshKey));
        assert_eq!(p.kind(".env"), Some(SensitiveKind::EnvFile));
        assert!(SensitivePatterns::new(&["[".to_owned()], &[]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn random_paths_and_patterns_never_panic(path in "\\PC{0,40}", pattern in "\\PC{0,12}") {
            let p = SensitivePatterns::builtin();
            let _ = p.matches(&path);
            let _ = p.matches_destination(&path);
            if let Ok(custom) = SensitivePatterns::new(std::slice::from_ref(&pattern), std::slice::from_ref(&pattern)) {
                let _ = custom.matches(&path);
            }
        }

        /// The byte comparisons of the usual shapes decide a segment as `filepath.Match`.
        #[test]
        fn segment_globs_agree_with_filepath_match(
            glob in "[a.*?é\\\\\\[\\]-]{0,6}",
            segment in "[a.*?é\\[\\]-]{0,6}",
        ) {
            let expected = docker_glob::glob_match(&glob, &segment).unwrap_or(false);
            proptest::prop_assert_eq!(SegmentGlob::new(&glob).matches(&segment), expected, "{} on {}", glob, segment);
        }
    }
}

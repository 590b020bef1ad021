//! Files that should never end up in an image: environment files, private keys, keystores,
//! registry and cloud credentials, infrastructure state. Shared by the rules that look at what
//! `COPY`/`ADD` names and what the build context sends.
//!
//! [`SensitivePatterns::classify`] takes a `/`-separated path (relative to the build context,
//! or as written in a `COPY`) and says what kind of sensitive file it is. Names are matched
//! wherever they are in the tree (`config/.env` is an environment file); the directories
//! `.ssh/` and `.aws/` make everything below them sensitive. Templates (`.env.example`,
//! `.env.sample`) and public keys (`*.pub`) are not.
//!
//! The configuration adds patterns (`extend`) and removes matches (`allow`). A pattern without
//! `/` is a glob matched against every component of the path (`*.secret`, `private`); a pattern
//! with `/` is matched from the context root with `.dockerignore` syntax (`config/prod/*.json`,
//! `keys/**`), and also covers everything below a directory it matches.

use crate::syntax::docker_glob::glob_match;
use crate::syntax::dockerignore::IgnoreFile;

/// Label of files matched by a configured `extend` pattern.
const CONFIGURED: &str = "file configured as sensitive";

/// The sensitive-file patterns in effect: the built-in list plus the configuration.
#[derive(Clone, Debug)]
pub struct SensitivePatterns {
    extend: UserPatterns,
    allow: UserPatterns,
}

/// Configured patterns, split by how they match.
#[derive(Clone, Debug, Default)]
struct UserPatterns {
    /// Globs without `/`, matched against each path component.
    components: Vec<String>,
    /// Patterns with `/`, anchored at the context root.
    anchored: Option<IgnoreFile>,
}

impl UserPatterns {
    fn new(patterns: &[String]) -> Self {
        let mut components = Vec::new();
        let mut anchored = Vec::new();
        for p in patterns {
            let p = p.trim();
            let trimmed = p.trim_end_matches('/');
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.contains('/') {
                anchored.push(trimmed.trim_start_matches("./").trim_start_matches('/'));
            } else {
                components.push(trimmed.to_owned());
            }
        }
        Self {
            components,
            anchored: (!anchored.is_empty()).then(|| IgnoreFile::from_patterns(anchored)),
        }
    }

    fn matches(&self, path: &str) -> bool {
        if path.split('/').any(|seg| {
            self.components
                .iter()
                .any(|g| glob_match(g, seg) == Ok(true))
        }) {
            return true;
        }
        self.anchored.as_ref().is_some_and(|f| f.is_excluded(path))
    }
}

impl Default for SensitivePatterns {
    fn default() -> Self {
        Self::defaults()
    }
}

impl SensitivePatterns {
    /// The built-in list only.
    pub fn defaults() -> Self {
        Self {
            extend: UserPatterns::default(),
            allow: UserPatterns::default(),
        }
    }

    /// The built-in list, plus `extend`, minus whatever `allow` matches.
    pub fn with(extend: &[String], allow: &[String]) -> Self {
        Self {
            extend: UserPatterns::new(extend),
            allow: UserPatterns::new(allow),
        }
    }

    /// What kind of sensitive file `path` is, or `None` if it is not one.
    pub fn classify(&self, path: &str) -> Option<&'static str> {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        if path.is_empty() || self.allow.matches(path) {
            return None;
        }
        builtin(path).or_else(|| self.extend.matches(path).then_some(CONFIGURED))
    }
}

/// Suffixes of `.env` files that are templates, not configuration.
const ENV_TEMPLATES: [&str; 6] = [
    ".example",
    ".sample",
    ".template",
    ".dist",
    ".tpl",
    ".schema",
];

fn has_extension(name: &str, ext: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// The built-in classification.
fn builtin(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if has_extension(name, "pub") {
        return None;
    }
    let dirs: Vec<&str> = path.split('/').collect();
    let dirs = &dirs[..dirs.len() - 1];
    if dirs.contains(&".ssh") {
        return Some("file from an SSH directory");
    }
    if dirs.contains(&".aws") {
        return Some("AWS credentials or configuration");
    }
    if lower == ".env" || lower.starts_with(".env.") || lower == ".envrc" {
        if ENV_TEMPLATES.iter().any(|t| lower.ends_with(t)) {
            return None;
        }
        return Some("environment file");
    }
    for key in ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"] {
        if lower.starts_with(key) {
            return Some("SSH private key");
        }
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "pem" => return Some("PEM key or certificate"),
        "key" => return Some("private key"),
        "p12" | "pfx" => return Some("PKCS #12 keystore"),
        "jks" | "keystore" => return Some("Java keystore"),
        "tfstate" => return Some("Terraform state"),
        _ => {}
    }
    if lower.ends_with(".tfstate.backup") {
        return Some("Terraform state");
    }
    match lower.as_str() {
        ".npmrc" => return Some("npm configuration, may hold registry tokens"),
        ".pypirc" => return Some("PyPI configuration, may hold upload tokens"),
        ".netrc" | "_netrc" => return Some("netrc credentials"),
        ".git-credentials" => return Some("Git credential store"),
        ".htpasswd" => return Some("password file"),
        "kubeconfig" => return Some("Kubernetes credentials"),
        _ => {}
    }
    if lower == "config.json" && dirs.last() == Some(&".docker") {
        return Some("Docker registry credentials");
    }
    if lower == "config" && dirs.last() == Some(&".kube") {
        return Some("Kubernetes credentials");
    }
    if has_extension(name, "json")
        && (lower.starts_with("credentials") || lower.starts_with("service-account"))
    {
        return Some("credentials file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list() {
        let p = SensitivePatterns::defaults();
        for (path, kind) in [
            (".env", "environment file"),
            ("backend/.env", "environment file"),
            (".env.production", "environment file"),
            (".env.local", "environment file"),
            ("id_rsa", "SSH private key"),
            ("deploy/id_ed25519", "SSH private key"),
            ("certs/server.pem", "PEM key or certificate"),
            ("tls.key", "private key"),
            ("store.p12", "PKCS #12 keystore"),
            ("cert.pfx", "PKCS #12 keystore"),
            (".npmrc", "npm configuration, may hold registry tokens"),
            (".pypirc", "PyPI configuration, may hold upload tokens"),
            (".netrc", "netrc credentials"),
            (".git-credentials", "Git credential store"),
            (".aws/credentials", "AWS credentials or configuration"),
            ("home/.ssh/known_hosts", "file from an SSH directory"),
            (".docker/config.json", "Docker registry credentials"),
            ("kubeconfig", "Kubernetes credentials"),
            ("infra/terraform.tfstate", "Terraform state"),
            ("terraform.tfstate.backup", "Terraform state"),
            ("credentials.json", "credentials file"),
            ("gcp/service-account-prod.json", "credentials file"),
        ] {
            assert_eq!(p.classify(path), Some(kind), "{path}");
        }
        for path in [
            ".env.example",
            ".env.sample",
            "app/.env.template",
            "id_rsa.pub",
            ".ssh/id_ed25519.pub",
            "src/main.rs",
            "environment.ts",
            "package.json",
            "config.json",
            "keys.txt",
            ".envoy.yaml",
            "docs/key-management.md",
        ] {
            assert_eq!(p.classify(path), None, "{path}");
        }
    }

    #[test]
    fn configuration_extends_and_allows() {
        let p = SensitivePatterns::with(
            &[
                "*.secret".into(),
                "config/prod/*.json".into(),
                "vault/".into(),
            ],
            &["certs/ca.pem".into(), "*.test.key".into()],
        );
        assert_eq!(p.classify("a/b/db.secret"), Some(CONFIGURED));
        assert_eq!(p.classify("config/prod/db.json"), Some(CONFIGURED));
        assert_eq!(p.classify("config/dev/db.json"), None);
        assert_eq!(p.classify("vault/token"), Some(CONFIGURED));
        assert_eq!(p.classify("certs/ca.pem"), None);
        assert_eq!(
            p.classify("certs/server.pem"),
            Some("PEM key or certificate")
        );
        assert_eq!(p.classify("fixtures/client.test.key"), None);
        assert_eq!(p.classify("./.env"), Some("environment file"));
    }
}

//! What secrets look like: names of variables that hold them, and the formats of live
//! credentials. Shared by the rules on `ARG`/`ENV` names, literal credentials, build-context
//! files and compose environments.
//!
//! A matched secret is never printed in full: [`mask`] keeps the first four characters and
//! the length.

use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

/// A credential format.
struct Format {
    id: &'static str,
    label: &'static str,
    /// The secret is capture group 1 when present, else the whole match.
    pattern: &'static str,
    /// Values in capture group 1 may be placeholders (`changeme`, `${PASSWORD}`).
    check_placeholder: bool,
    /// Text that every match contains: a text without it is not searched.
    anchor: Anchor,
}

/// What every match of a format contains, as a cheap test run before the expression.
enum Anchor {
    /// One of these strings.
    Any(&'static [&'static str]),
    /// This string in any ASCII case. Only for letters that fold to nothing outside ASCII
    /// under Unicode case folding (unlike `k` and `s`).
    AsciiCaseless(&'static str),
    /// `://` and `@`.
    UrlCredentials,
}

const FORMATS: &[Format] = &[
    Format {
        id: "aws-access-key-id",
        label: "AWS access key id",
        pattern: r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b",
        check_placeholder: true,
        anchor: Anchor::Any(&["AKIA", "ASIA", "ABIA", "ACCA"]),
    },
    Format {
        id: "aws-secret-access-key",
        label: "AWS secret access key",
        pattern: r#"(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+]|$)"#,
        check_placeholder: true,
        anchor: Anchor::AsciiCaseless("ecret"),
    },
    Format {
        id: "github-token",
        label: "GitHub token",
        pattern: r"\b(gh[pousr]_[A-Za-z0-9]{36,255})\b",
        check_placeholder: false,
        anchor: Anchor::Any(&["gh"]),
    },
    Format {
        id: "github-fine-grained-token",
        label: "GitHub fine-grained token",
        pattern: r"\b(github_pat_[A-Za-z0-9_]{22,255})\b",
        check_placeholder: false,
        anchor: Anchor::Any(&["github_pat_"]),
    },
    Format {
        id: "gitlab-token",
        label: "GitLab personal access token",
        pattern: r"\b(glpat-[A-Za-z0-9_\-]{20,})",
        check_placeholder: false,
        anchor: Anchor::Any(&["glpat-"]),
    },
    Format {
        id: "slack-token",
        label: "Slack token",
        pattern: r"\b(xox[abposr]-[A-Za-z0-9-]{10,})",
        check_placeholder: false,
        anchor: Anchor::Any(&["xox"]),
    },
    Format {
        id: "slack-webhook",
        label: "Slack webhook URL",
        pattern: r"(https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
        check_placeholder: false,
        anchor: Anchor::Any(&["hooks.slack.com"]),
    },
    Format {
        id: "stripe-live-key",
        label: "Stripe live secret key",
        pattern: r"\b((?:sk|rk)_live_[A-Za-z0-9]{20,})\b",
        check_placeholder: false,
        anchor: Anchor::Any(&["_live_"]),
    },
    Format {
        id: "google-api-key",
        label: "Google API key",
        pattern: r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
        check_placeholder: false,
        anchor: Anchor::Any(&["AIza"]),
    },
    Format {
        id: "npm-token",
        label: "npm access token",
        pattern: r"\b(npm_[A-Za-z0-9]{36})\b",
        check_placeholder: false,
        anchor: Anchor::Any(&["npm_"]),
    },
    Format {
        id: "pypi-token",
        label: "PyPI API token",
        pattern: r"\b(pypi-[A-Za-z0-9_\-]{50,})",
        check_placeholder: false,
        anchor: Anchor::Any(&["pypi-"]),
    },
    Format {
        id: "private-key",
        label: "private key",
        pattern: r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----)",
        check_placeholder: false,
        anchor: Anchor::Any(&["-----BEGIN "]),
    },
    Format {
        id: "url-credentials",
        label: "password in a URL",
        pattern: r"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^\s:/@'\x22]+:([^\s/@'\x22]+)@[A-Za-z0-9]",
        check_placeholder: true,
        anchor: Anchor::UrlCredentials,
    },
    Format {
        id: "docker-config-auth",
        label: "Docker registry credential",
        pattern: r#""auth"\s*:\s*"([A-Za-z0-9+/]{16,}={0,2})""#,
        check_placeholder: false,
        anchor: Anchor::Any(&["\"auth\""]),
    },
];

/// Searchers for the [`Anchor::Any`] strings, by format.
static ANCHORS: LazyLock<Vec<Vec<memmem::Finder<'static>>>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|f| match f.anchor {
            Anchor::Any(texts) => texts.iter().map(memmem::Finder::new).collect(),
            Anchor::AsciiCaseless(_) | Anchor::UrlCredentials => Vec::new(),
        })
        .collect()
});

/// Whether `text` holds format `i`'s anchor: a necessary condition for a match.
fn anchored(i: usize, text: &str) -> bool {
    let bytes = text.as_bytes();
    match FORMATS[i].anchor {
        Anchor::Any(_) => ANCHORS[i].iter().any(|f| f.find(bytes).is_some()),
        Anchor::AsciiCaseless(word) => {
            let w = word.as_bytes();
            let first = w[0].to_ascii_lowercase();
            memchr::memchr2_iter(first, first.to_ascii_uppercase(), bytes).any(|at| {
                bytes
                    .get(at..at + w.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(w))
            })
        }
        Anchor::UrlCredentials => {
            memmem::find(bytes, b"://").is_some() && memchr::memchr(b'@', bytes).is_some()
        }
    }
}

static REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    FORMATS
        .iter()
        .map(|f| Regex::new(f.pattern).expect("the built-in credential patterns are valid regexes"))
        .collect()
});

/// Documented example credentials that must never be reported.
const EXAMPLES: [&str; 3] = [
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
];

/// A credential found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    /// Format id (`github-token`).
    pub kind: &'static str,
    /// What it is, for messages ("GitHub token").
    pub label: &'static str,
    /// Byte range of the secret in the scanned text.
    pub start: usize,
    pub end: usize,
}

/// Finds live-looking credentials in `text`, in order of position.
///
/// Each format is searched only when the text holds its anchor, so most texts are never
/// handed to a regular expression.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    let mut out = Vec::new();
    for (i, format) in FORMATS.iter().enumerate() {
        if !anchored(i, text) {
            continue;
        }
        for caps in REGEXES[i].captures_iter(text) {
            let Some(m) = caps.get(1).or_else(|| caps.get(0)) else {
                continue;
            };
            let value = m.as_str();
            if EXAMPLES.contains(&value) || value.contains("EXAMPLE") {
                continue;
            }
            if format.check_placeholder && is_placeholder(value) {
                continue;
            }
            out.push(SecretMatch {
                kind: format.id,
                label: format.label,
                start: m.start(),
                end: m.end(),
            });
        }
    }
    out.sort_by_key(|m| (m.start, m.end));
    out.dedup_by(|a, b| a.start < b.end && b.start < a.end);
    out
}

/// Whether a value is a placeholder rather than a credential: variable references,
/// template markers, and the usual stand-in words.
pub fn is_placeholder(value: &str) -> bool {
    const WORDS: [&str; 22] = [
        "changeme",
        "change_me",
        "change-me",
        "password",
        "passwd",
        "secret",
        "example",
        "dummy",
        "placeholder",
        "redacted",
        "your_password",
        "yourpassword",
        "your-password",
        "mypassword",
        "pass",
        "pwd",
        "test",
        "testing",
        "none",
        "null",
        "todo",
        "xxx",
    ];
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return true;
    }
    if v.contains('$')
        || v.contains("{{")
        || v.starts_with('<')
        || v.starts_with('%')
        || v.starts_with('[')
    {
        return true;
    }
    if v.chars()
        .all(|c| c == '*' || c == 'x' || c == 'X' || c == '.' || c == '-' || c == '_')
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    WORDS.iter().any(|w| lower == *w)
        || lower.starts_with("your")
        || lower.contains("changeme")
        || lower.contains("example")
        || lower.contains("placeholder")
}

/// A credential label with its indefinite article: "an AWS access key id", "a GitHub token".
pub fn with_article(label: &str) -> String {
    let vowel = label
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    format!("{} {label}", if vowel { "an" } else { "a" })
}

/// `ghp_… (40 characters)`: at most the first four characters and the length.
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    let shown: String = secret.chars().take(4.min(count / 2)).collect();
    format!("{shown}… ({count} characters)")
}

/// Words that make a variable name look like it holds a secret.
const SECRET_WORDS: [&str; 11] = [
    "password",
    "passwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "auth",
    "pwd",
];

/// Last words that say the variable holds something other than the secret itself.
const NOT_SECRET_SUFFIXES: [&str; 30] = [
    "version",
    "file",
    "files",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "host",
    "enabled",
    "disabled",
    "enable",
    "length",
    "ttl",
    "timeout",
    "expiry",
    "expiration",
    "type",
    "method",
    "mode",
    "name",
    "provider",
    "header",
    "algorithm",
    "policy",
    "required",
    "issuer",
    "audience",
    "id",
    "user",
];

/// Well-known names that hold secrets even without a secret word.
const KNOWN_NAMES: [&str; 4] = [
    "aws_secret_access_key",
    "aws_session_token",
    "database_password",
    "private_key",
];

/// Splits `NPM_AUTH_TOKEN`, `npmAuthToken`, `api-key` into lower-case words.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a variable name looks like it holds a secret (`DB_PASSWORD`, `NPM_TOKEN`,
/// `API_KEY`, `PRIVATE_KEY`), excluding names that hold something about a secret
/// (`PASSWORD_FILE`, `TOKEN_URL`, `NODE_VERSION`, `GPG_KEY`, `PUBLIC_KEY`) and names in
/// `allowed` (case-insensitive).
pub fn is_secret_name(name: &str, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if KNOWN_NAMES.contains(&lower.as_str()) {
        return true;
    }
    let w = words(name);
    let Some(last) = w.last() else { return false };
    if NOT_SECRET_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    if w.iter().any(|x| SECRET_WORDS.contains(&x.as_str())) {
        // `PWD` alone is the working directory, not a password.
        return !(w.len() == 1 && last == "pwd");
    }
    w.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            (
                "api" | "private" | "access" | "secret" | "signing" | "encryption" | "master",
                "key"
            ) | ("client", "secret")
        )
    }) && last != "id"
}

#[cfg(test)]
mod tests {
    // Credentials are spelt in pieces so that this file holds none a scanner would find.
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        scan(text).iter().map(|m| m.kind).collect()
    }

    mod anchors {
        use super::*;
        use proptest::prelude::*;

        /// Whole credentials of every format, pieces of them and near misses, glued at
        /// random.
        fn text() -> impl Strategy<Value = String> {
            const A20: &str = "abcdefghijABCDEFGHIJ";
            let whole: Vec<String> = vec![
                concat!("AKIA", "Z7X3K2LQ4M5N6P7Q").to_owned(),
                format!("aws_secret_access_key={A20}{A20}"),
                format!("AWS_\u{17f}ECRET_ACCESS_KEY: {A20}{A20}"),
                format!("{}{A20}0123456789abcdef", concat!("gh", "p_")),
                format!("{}{A20}ab", concat!("github_", "pat_")),
                format!("{}{A20}", concat!("gl", "pat-")),
                concat!("xo", "xb-", "abcdefghij12").to_owned(),
                format!("https://hooks.slack.com/services/T0123456/B0123456/{A20}"),
                format!("{}{A20}", concat!("sk", "_live_")),
                format!("{}{A20}0123456789abcde", concat!("AI", "za")),
                format!("{}{A20}0123456789abcdef", concat!("npm", "_")),
                format!("{}{A20}{A20}0123456789", concat!("pypi", "-")),
                concat!("-----BEGIN ", "PRIVATE KEY-----").to_owned(),
                concat!("https://", "user:", "p4ss", "@", "host").to_owned(),
                format!("\"auth\": \"{A20}\""),
            ];
            let pieces: Vec<String> = [
                "AKIA",
                "gh",
                "p_",
                "xox",
                "b-",
                "_live_",
                "AIza",
                "npm_",
                "pypi-",
                "https://",
                "user:",
                "@",
                "\"auth\"",
                ": \"",
                "=",
                " ",
                "\n",
                "AWS_",
                "\u{17f}",
                "SECRET",
                "secret",
                "_ACCESS_KEY",
                "abcdefghij",
                "é",
                "\"",
                "'",
                "-",
            ]
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
            let piece = prop_oneof![
                1 => prop::sample::select(whole),
                3 => prop::sample::select(pieces),
            ];
            prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4096))]

            /// A format's anchor is in every text the format matches.
            #[test]
            fn anchors_are_necessary(t in text()) {
                for (i, re) in REGEXES.iter().enumerate() {
                    if re.is_match(&t) {
                        prop_assert!(anchored(i, &t), "{} in {}", FORMATS[i].id, t);
                    }
                }
            }
        }

        #[test]
        fn anchors_and_case_folding() {
            let aws = FORMATS
                .iter()
                .position(|f| f.id == "aws-secret-access-key")
                .unwrap();
            // The case-insensitive `s` of the key name may be `ſ` (U+017F).
            let folded = concat!(
                "aws_\u{17f}ecret_access_key=",
                "abcdefghijABCDEFGHIJ0123456789abcdefghij"
            );
            assert!(REGEXES[aws].is_match(folded) && anchored(aws, folded));
            assert!(anchored(aws, "AWS_SeCrEt"));
            let url = FORMATS
                .iter()
                .position(|f| f.id == "url-credentials")
                .unwrap();
            assert!(!anchored(url, "https://example.com/install.sh"));
            assert!(anchored(url, concat!("ftp://u", ":p", "@h")));
        }
    }

    #[test]
    fn live_formats_are_found() {
        assert_eq!(
            kinds(concat!("key=AKIA", "Z7X3K2LQ4M5N6P7Q")),
            ["aws-access-key-id"]
        );
        assert_eq!(
            kinds(concat!("ghp_", "abcdefghijklmnopqrstuvwxyzABCDEF0123")),
            ["github-token"]
        );
        assert_eq!(
            kinds(concat!("token: glpat-", "xY12aB34cD56eF78gH90")),
            ["gitlab-token"]
        );
        assert_eq!(
            kinds(concat!("xoxb-", "123456789012-abcdefghij")),
            ["slack-token"]
        );
        assert_eq!(
            kinds(concat!("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc")),
            ["stripe-live-key"]
        );
        assert_eq!(
            kinds(concat!("AIza", "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY")),
            ["google-api-key"]
        );
        assert_eq!(
            kinds(concat!(
                "//registry.npmjs.org/:_authToken=npm_",
                "abcdefghijklmnopqrstuvwxyz0123456789"
            )),
            ["npm-token"]
        );
        assert_eq!(
            kinds(concat!("-----BEGIN OPENSSH PRIVATE", " KEY-----")),
            ["private-key"]
        );
        assert_eq!(
            kinds(concat!("postgres://app:", "s3cr3tP4ss", "@db:5432/app")),
            ["url-credentials"]
        );
        assert_eq!(
            kinds(concat!(
                "aws_secret_access_key = ",
                "Zx9kLmN0pQrStUvWxYz0123456789AbCdEfGhIjK"
            )),
            ["aws-secret-access-key"]
        );
    }

    #[test]
    fn placeholders_and_examples_are_not() {
        assert!(kinds("AKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(kinds("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty());
        assert!(kinds("postgres://app:${DB_PASSWORD}@db/app").is_empty());
        assert!(kinds("postgres://app:changeme@db/app").is_empty());
        assert!(kinds("https://user:<token>@example.com").is_empty());
        assert!(kinds("http://localhost:8080/path").is_empty());
        assert!(kinds("ghp_short").is_empty());
        assert!(kinds("-----BEGIN PUBLIC KEY-----").is_empty());
    }

    #[test]
    fn secret_positions() {
        let text = concat!("url=https://bob:", "hunter22", "@git.example.org/repo");
        let m = &scan(text)[0];
        assert_eq!(&text[m.start..m.end], "hunter22");
    }

    #[test]
    fn masking_never_shows_more_than_four_characters() {
        assert_eq!(
            mask(concat!("ghp_", "abcdefghijklmnopqrstuvwxyz0123456789")),
            "ghp_… (40 characters)"
        );
        assert_eq!(mask("abc"), "a… (3 characters)");
        assert_eq!(mask(""), "… (0 characters)");
    }

    #[test]
    fn secret_names() {
        for name in [
            "DB_PASSWORD",
            "NPM_TOKEN",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "API_KEY",
            "APIKEY",
            "apiKey",
            "PRIVATE_KEY",
            "SSH_PRIVATE_KEY",
            "CLIENT_SECRET",
            "NODE_AUTH_TOKEN",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "REGISTRY_CREDENTIALS",
            "DB_PASS",
            "MYSQL_ROOT_PASSWORD",
        ] {
            assert!(is_secret_name(name, &[]), "{name}");
        }
        for name in [
            "NODE_VERSION",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "GPG_KEY",
            "PUBLIC_KEY",
            "AUTHOR",
            "SECRET_PATH",
            "PWD",
            "AUTH_TYPE",
            "AWS_ACCESS_KEY_ID",
            "PYTHON_GET_PIP_SHA256",
            "HOME",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "BYPASS_CACHE",
        ] {
            assert!(!is_secret_name(name, &[]), "{name}");
        }
        assert!(!is_secret_name("MY_TOKEN", &["my_token".to_owned()]));
    }
}

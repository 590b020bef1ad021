use crate::knowledge::secrets;
use crate::prelude::*;
use crate::source::to_u32;
use crate::syntax::compose::{KeyValue, Project};

declare_rule! {
    /// ## What it does
    /// Flags `environment` entries and `build.args` of compose services whose name says they
    /// hold a secret (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`: the names of `SW301`) and
    /// whose value is written in the compose file, and any entry whose value contains a live
    /// credential format of `SW302` (a token, a password in a URL). The finding points at the
    /// entry's name.
    ///
    /// Values taken from a variable (`${DB_PASSWORD}`), entries without a value (compose takes
    /// them from its environment), `true`/`false`-like switches (`MYSQL_ALLOW_EMPTY_PASSWORD:
    /// "yes"`), paths under `/run/secrets/`, and the names in `allowed-names` are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// A secret written in a compose file is in the repository, in every clone and in CI logs.
    /// In `environment` it is also readable by anyone who can `docker inspect` the container,
    /// and by every process in it; in `build.args` it is kept in the image history. Compose
    /// `secrets:` mount the value as a file instead, and an env file kept out of version
    /// control keeps it out of the repository.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4-bookworm
    ///     environment:
    ///       POSTGRES_PASSWORD: Tr0ub4dor3x
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4-bookworm
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets:
    ///       - db_password
    /// secrets:
    ///   db_password:
    ///     file: ./db_password.txt
    /// ```
    ///
    /// ## Options
    /// - `[rules.secrets] allowed-names`: names that look secret but are not.
    ///
    /// ## References
    /// - [Compose: secrets in compose](https://docs.docker.com/compose/how-tos/use-secrets/)
    /// - CWE-798: use of hard-coded credentials
    /// - Similar: seaworthy SW301 (`ARG`/`ENV` in a Dockerfile), SW302 (credential formats)
    pub struct SecretInEnvironment {
        code: "SW609",
        name: "secret-in-environment",
        steps: [Secrets],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [798, 522],
        equivalents: [],
        summary: "Secret written in a compose environment or build argument",
    }
}

/// A value that switches something rather than holding a secret.
fn is_switch_or_reference(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with("/run/secrets/")
        || ["true", "false", "yes", "no", "on", "off", "0", "1", "y", "n"]
            .iter()
            .any(|w| v.eq_ignore_ascii_case(w))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Environment,
    BuildArg,
}

fn check_entry(kv: &KeyValue, service: &str, place: Place, cx: &mut Ctx<'_>) {
    let Some(value) = &kv.value else { return };
    let raw = &value.value.raw;
    let name = &kv.key.value;
    // The text no output may print in full: the credential, else the whole value.
    let mut secret = raw.as_str();
    let message = if let Some(m) = secrets::scan(raw).first() {
        secret = &raw[m.start..m.end];
        format!(
            "The value of `{name}` in service `{service}` contains a credential ({}): `{}`",
            m.label,
            secrets::mask(secret)
        )
    } else if !value.value.interpolated
        && !is_switch_or_reference(raw)
        && secrets::is_secret_name(name, &cx.settings().allowed_secret_names)
    {
        match place {
            Place::Environment => format!(
                "`{name}` looks like a secret and its value is written in the compose file for service `{service}`"
            ),
            Place::BuildArg => format!(
                "`{name}` looks like a secret and its value is written in the compose file as a build argument of service `{service}`"
            ),
        }
    } else {
        return;
    };
    let help = match place {
        Place::Environment => {
            "Use a compose `secret` (or a `*_FILE` variable pointing at one), or a `${VAR}` from an env file kept out of version control"
        }
        Place::BuildArg => {
            "Pass it with `build.secrets` and read it with `RUN --mount=type=secret`"
        }
    };
    let at = secret_span(kv, secret, cx);
    let finding = cx.report_item(&kv.key, message);
    finding.help(help);
    if let Some(at) = at {
        finding.secret(at);
    }
}

/// Where `secret` (part of the entry's value) is written in the file of the entry's key:
/// the text itself when the value holds it as written, else the whole value. `None` when
/// the value comes from another file.
fn secret_span(kv: &KeyValue, secret: &str, cx: &Ctx<'_>) -> Option<Span> {
    let value = kv.value.as_ref()?;
    if value.file != kv.key.file {
        return None;
    }
    let written = cx
        .compose()
        .and_then(|env| env.source(value.file))
        .and_then(|src| src.text.get(value.span.range()));
    match written.and_then(|w| w.rfind(secret).filter(|_| !secret.is_empty())) {
        Some(at) => {
            let start = value.span.start + to_u32(at);
            Some(Span::new(start, start + to_u32(secret.len())))
        }
        None => Some(value.span),
    }
}

impl Rule for SecretInEnvironment {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            if let Some(env) = &service.environment {
                for kv in &env.value {
                    check_entry(kv, &service.name, Place::Environment, cx);
                }
            }
            if let Some(args) = service.build.as_ref().and_then(|b| b.value.args.as_ref()) {
                for kv in &args.value {
                    check_entry(kv, &service.name, Place::BuildArg, cx);
                }
            }
        }
    }
}

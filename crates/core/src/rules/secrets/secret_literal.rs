use crate::finding::Finding;
use crate::knowledge::secrets;
use crate::prelude::*;
use crate::source::{SourceFile, to_u32};
use crate::syntax::compose::{FileIndex, FileRole, Project};

declare_rule! {
    /// ## What it does
    /// Finds live credentials written into a scanned file: AWS access key ids and secret keys,
    /// GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab `glpat-`
    /// tokens, Slack tokens and webhooks, Stripe live keys, Google API keys, npm and PyPI
    /// tokens, private-key PEM blocks, Docker registry `auth` entries, passwords in URLs
    /// (`https://user:pass@host`) and passwords given on command lines (`--password=…`,
    /// `mysql -p…`). Placeholders (`changeme`, `xxx`, `${VAR}`, `<token>`) and documented
    /// example keys (`AKIAIOSFODNN7EXAMPLE`) are ignored.
    ///
    /// In a compose file every scalar (keys and values, as written, before interpolation) and
    /// every comment of every file of the project is scanned: a token pasted into a comment
    /// ("old key: …") is committed all the same. `.env` files are not scanned, since they are
    /// where compose expects secrets to be kept out of version control.
    ///
    /// The message names the kind of credential and shows at most its first four characters
    /// and its length; no output format ever prints the whole secret.
    ///
    /// ## Why is this bad?
    /// A credential in a Dockerfile or compose file is in the repository history, in every
    /// clone and fork, in CI logs and usually in the image. Once committed it must be
    /// considered leaked: revoke it, then pass it at build or run time as a secret.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM mysql:8.4.3
    /// COPY seed.sql /seed.sql
    /// RUN mysql -uroot -pTr0ub4dor3x -h db.internal app < /seed.sql
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM mysql:8.4.3
    /// COPY seed.sql /seed.sql
    /// RUN --mount=type=secret,id=mysql_pw,env=MYSQL_PWD mysql -uroot -h db.internal app < /seed.sql
    /// ```
    ///
    /// ## References
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - CWE-798: use of hard-coded credentials
    /// - Similar: KICS passwords_and_secrets; Checkov CKV_SECRET_*
    pub struct SecretLiteral {
        code: "SW302",
        name: "secret-literal",
        steps: [Secrets],
        severity: Critical,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [798],
        equivalents: ["kics:passwords_and_secrets", "checkov:CKV_SECRET_2", "checkov:CKV_SECRET_6"],
        summary: "Credential written in the file",
    }
}

impl Rule for SecretLiteral {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut reported = report_secrets(&df.file.text, 0, cx);
        for instr in df.instructions() {
            let Some(script) = instr.script() else { continue };
            for (span, what) in crate::knowledge::commands::cli_passwords(script) {
                if reported.iter().any(|s: &Span| s.start < span.end && span.start < s.end) {
                    continue;
                }
                let secret = df.file.slice(span);
                cx.report(span, format!("{what} is given on the command line: `{}`", secrets::mask(secret)))
                    .help("Read it from a secret mount or a file instead of the command line, and revoke it")
                    .key(format!("cli-password:{}", secrets::mask(secret)))
                    .secret(span);
                reported.push(span);
            }
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        Self::scan_compose(project, cx);
    }
}

impl SecretLiteral {
    /// Every scalar and every comment of every compose file, as written.
    fn scan_compose(project: &Project, cx: &mut Ctx<'_>) {
        let Some(env) = cx.compose() else { return };
        for (file, scalar) in project.scalars() {
            let Some(src) = env.source(file) else { continue };
            let text = src.slice(scalar.span);
            report_secrets_in(src, text, scalar.span.start, cx);
        }
        for (i, file) in project.files.iter().enumerate() {
            if file.role == FileRole::EnvFile {
                continue;
            }
            let Some(src) = env.source(FileIndex(to_u32(i))) else {
                continue;
            };
            for comment in &file.comments {
                report_secrets_in(src, src.slice(comment.span), comment.span.start, cx);
            }
        }
    }
}

/// Reports every credential in `text`, which starts at byte `base` of the current file.
/// Returns the spans reported.
pub(crate) fn report_secrets(text: &str, base: u32, cx: &mut Ctx<'_>) -> Vec<Span> {
    let file = cx.file();
    report_secrets_in(file, text, base, cx)
}

/// Reports every credential in `text`, which starts at byte `base` of `file`.
fn report_secrets_in(file: &SourceFile, text: &str, base: u32, cx: &mut Ctx<'_>) -> Vec<Span> {
    let mut spans = Vec::new();
    for m in secrets::scan(text) {
        let secret = &text[m.start..m.end];
        let span = Span::new(base + to_u32(m.start), base + to_u32(m.end));
        let finding = Finding::new(
            cx.rule(),
            file,
            span,
            format!("{} written in the file: `{}`", capitalise(m.label), secrets::mask(secret)),
        );
        cx.push(finding)
            .help("Revoke the credential, remove it from the file and its history, and pass it as a secret at build or run time")
            .key(format!("{}:{}", m.kind, secrets::mask(secret)))
            .secret(span);
        spans.push(span);
    }
    spans
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

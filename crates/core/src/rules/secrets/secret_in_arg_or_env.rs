use crate::knowledge::secrets;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` instructions whose name says they hold a secret: well-known names
    /// (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`) and names containing the words
    /// password, passwd, pass, passphrase, secret, token, api key, private key, credentials or
    /// auth, with or without a value. Names that hold something *about* a secret are not
    /// flagged: `*_VERSION`, `*_FILE`, `*_PATH`, `*_DIR`, `*_URL`, `*_ENABLED`, `*_LENGTH`,
    /// `*_TTL`, `*_TYPE`, `*_NAME`, `*_ID`, `PUBLIC_KEY`, `GPG_KEY`, and the names in the
    /// `allowed-names` option.
    ///
    /// In the shipped stages the finding is high; in builder stages, whose layers are not
    /// shipped, and in `ARG`s before the first `FROM`, it is low.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration: every container and anyone who can
    /// pull the image can read them with `docker inspect`. `ARG` values are recorded in the
    /// image history of the steps that use them and show up in build logs and caches. Either
    /// way the secret outlives the build. BuildKit secret mounts give a `RUN` step the secret
    /// without writing it into any layer or metadata.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## Options
    /// - `[rules.secrets] allowed-names`: names that look secret but are not.
    ///
    /// ## References
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - [BuildKit check SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    /// - CWE-522: insufficiently protected credentials
    /// - Similar: Trivy DS031; BuildKit SecretsUsedInArgOrEnv
    pub struct SecretInArgOrEnv {
        code: "SW301",
        name: "secret-in-arg-or-env",
        steps: [Secrets],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [522, 798],
        equivalents: [
            "trivy:DS031",
            "kics:env_instruction_has_secret",
            "buildkit:SecretsUsedInArgOrEnv",
            "dockle:CIS-DI-0010",
        ],
        summary: "Secret passed through ARG or ENV",
    }
}

impl Rule for SecretInArgOrEnv {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let allowed = &cx.settings().allowed_secret_names;
        for instr in df.instructions() {
            let kind = instr.keyword();
            if !matches!(kind, Keyword::Arg | Keyword::Env) {
                continue;
            }
            let shipped = df.in_shipped_stage(instr.index);
            for pair in &instr.data.pairs {
                let name = &pair.key.text;
                if pair.key.unknown || !secrets::is_secret_name(name, allowed) {
                    continue;
                }
                let (message, help) = if kind == Keyword::Env {
                    (
                        format!("`{name}` looks like a secret and `ENV` stores it in the image, where `docker inspect` shows it"),
                        "Give the step that needs it a secret mount: `RUN --mount=type=secret,id=…,env=NAME …`",
                    )
                } else {
                    (
                        format!("`{name}` looks like a secret and `ARG` values are kept in the image history and build logs"),
                        "Pass it as a build secret (`docker build --secret id=…`) and read it with `RUN --mount=type=secret`",
                    )
                };
                let finding = cx.report(pair.key.span, message);
                finding.help(help);
                if !shipped {
                    finding.severity(Severity::Low);
                }
            }
        }
    }
}

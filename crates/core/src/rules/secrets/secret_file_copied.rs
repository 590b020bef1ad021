use crate::knowledge::sensitive_files::SensitiveMatch;
use crate::prelude::*;
use crate::syntax::docker_glob;

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` instructions that name a sensitive file, in every stage: a
    /// source whose name, or whose pattern, is one of
    /// `.env*`, `id_rsa*`, `id_dsa*`, `id_ecdsa*`, `id_ed25519*`, `.ssh/`, `*.pem`, `*.key`,
    /// `*.p12`, `*.pfx`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `.aws/`,
    /// `.docker/config.json`, `kubeconfig*`, `.kube/config`, `credentials*.json`,
    /// `service-account*.json`, `*.tfstate` (after build arguments are expanded; `COPY *.pem`
    /// and `COPY .env.* ./` count), and a destination that names such a file
    /// (`COPY deploy_key /root/.ssh/id_rsa`). `COPY --from` sources are checked too.
    ///
    /// Not flagged: public keys (`*.pub`), example files (`.env.example`, `.env.sample`,
    /// `.env.template`, `*.dist`), `known_hosts`, `authorized_keys`, `.ssh/config`, PEM files
    /// named as certificates (`cert.pem`, `fullchain.pem`, `ca.pem`, `*-cert.pem`), broad
    /// sources such as `COPY . .` (whose content SW304 checks against the build context),
    /// sources that depend on a build argument without a value, and secrets given to a
    /// `RUN` with `--mount=type=secret`, which never reach a layer.
    ///
    /// In the shipped stages the finding is high; in builder stages, whose layers are not
    /// shipped but stay in the build cache and history, it is low.
    ///
    /// ## Why is this bad?
    /// A copied file is stored in the image layer for good: deleting it in a later
    /// instruction only hides it, and anyone who pulls the image (or a builder stage's cache)
    /// can extract it with `docker save`. Private keys, cloud credentials, registry tokens
    /// and `.env` files are exactly what an attacker looks for there.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// WORKDIR /app
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
    /// ```
    ///
    /// ## References
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - CWE-538: insertion of sensitive information into externally-accessible file
    /// - Similar: SW304 (sensitive files sent by the build context); Trivy DS031
    pub struct SecretFileCopied {
        code: "SW303",
        name: "secret-file-copied",
        steps: [Secrets],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [538],
        equivalents: ["trivy:DS031"],
        summary: "Sensitive file copied into the image",
    }
}

/// Whether a source is fetched rather than copied (`ADD https://…`, `ADD git@…`).
fn is_remote(text: &str) -> bool {
    text.contains("://") || text.starts_with("git@")
}

/// `: an SSH private key`, or for a pattern `, which matches `*.pem`: a private key`.
fn describe(m: &SensitiveMatch, source: &str) -> String {
    if docker_glob::has_glob_meta(source) {
        format!(", which matches `{}`: {}", m.pattern, m.kind.label())
    } else {
        format!(": {}", m.kind.label())
    }
}

impl Rule for SecretFileCopied {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let patterns = &cx.settings().sensitive;
        for instr in df.instructions() {
            let keyword = instr.keyword();
            if !matches!(keyword, Keyword::Copy | Keyword::Add) || !instr.inst.heredocs.is_empty() {
                continue;
            }
            let Some((dest, sources)) = instr.data.args.split_last() else { continue };
            let from = instr
                .flag_value("from")
                .and_then(|(_, v)| v)
                .map(|v| v.text.clone());
            let shipped = df.in_shipped_stage(instr.index);
            let mut reported = false;
            for source in sources {
                if source.unknown || is_remote(&source.text) {
                    continue;
                }
                let Some(m) = patterns.matches_source(&source.text) else { continue };
                let origin = match &from {
                    Some(stage) => format!(" from `{stage}`"),
                    None => String::new(),
                };
                let finding = cx.report(
                    source.span,
                    format!(
                        "`{keyword}` copies `{}`{origin} into the image{}",
                        source.text,
                        describe(&m, &source.text)
                    ),
                );
                finding.help("Do not copy it: give the build step a secret mount (`RUN --mount=type=secret,…`) and add the file to `.dockerignore`");
                if !shipped {
                    finding.severity(Severity::Low);
                }
                reported = true;
            }
            // `COPY deploy_key /root/.ssh/id_rsa`: the destination names a secret file.
            if reported || dest.unknown || sources.len() != 1 || dest.text.ends_with('/') {
                continue;
            }
            if sources.iter().any(|s| is_remote(&s.text)) {
                continue;
            }
            if let Some(m) = patterns.matches_destination(&dest.text) {
                let finding = cx.report(
                    dest.span,
                    format!(
                        "`{keyword}` writes `{}` to `{}`, which is {}",
                        sources[0].text,
                        dest.text,
                        m.kind.label()
                    ),
                );
                finding.help("Do not copy it: give the build step a secret mount (`RUN --mount=type=secret,…`) and add the file to `.dockerignore`");
                if !shipped {
                    finding.severity(Severity::Low);
                }
            }
        }
    }
}

use crate::compose_check::{describe_text, read};
use crate::knowledge::commands;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags `DOCKER_CONTENT_TRUST` set to `0` or `false` (any case) in `ENV`, in an `ARG`
    /// default, or in a `RUN` (`DOCKER_CONTENT_TRUST=0 docker pull …`, `export
    /// DOCKER_CONTENT_TRUST=false`), in every stage. A value that depends on a build argument
    /// without a default is not guessed.
    ///
    /// In a compose file it checks the `environment` of every service, in list
    /// (`- DOCKER_CONTENT_TRUST=0`) and mapping (`DOCKER_CONTENT_TRUST: "false"`) form.
    /// Variables are interpolated as compose does: a reference with a default whose variable
    /// is unset (`${DCT:-0}`) is read as that default, one without a default (`${DCT}`) is
    /// unknown and not reported, and an entry without a value (`- DOCKER_CONTENT_TRUST`),
    /// which compose fills from its own environment, is not reported either.
    ///
    /// ## Why is this bad?
    /// With content trust on, the Docker CLI only pulls, runs and builds from images whose
    /// tags are signed, and refuses tampered or unsigned ones. Switching it off in an image
    /// (typically a CI or tooling image that runs `docker`) silently disables that check for
    /// everything the image does later, and for every pipeline that uses it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM docker:27.3-cli
    /// ENV DOCKER_CONTENT_TRUST=0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM docker:27.3-cli
    /// ENV DOCKER_CONTENT_TRUST=1
    /// ```
    ///
    /// ## References
    /// - [Docker content trust](https://docs.docker.com/engine/security/trust/)
    /// - CIS Docker Benchmark 4.5: ensure content trust for Docker is enabled
    /// - CWE-347: improper verification of cryptographic signature
    /// - Similar: dockle CIS-DI-0005
    pub struct ContentTrustDisabled {
        code: "SW505",
        name: "content-trust-disabled",
        steps: [SignedImages],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [347],
        equivalents: ["dockle:CIS-DI-0005"],
        summary: "Docker content trust turned off",
    }
}

const NAME: &str = "DOCKER_CONTENT_TRUST";

const HELP: &str =
    "Leave `DOCKER_CONTENT_TRUST` unset or set it to `1`, and use signed images";

fn disables(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false"
    )
}

impl Rule for ContentTrustDisabled {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut hits: Vec<(Span, String)> = Vec::new();
        for instr in df.instructions() {
            match instr.keyword() {
                Keyword::Env | Keyword::Arg => {
                    for pair in &instr.data.pairs {
                        let Some(value) = pair.value.as_ref() else { continue };
                        if pair.key.unknown || pair.key.text != NAME {
                            continue;
                        }
                        if let Some(v) = value.known().filter(|v| disables(v)) {
                            hits.push((
                                pair.key.span.cover(value.span),
                                format!("`{} {NAME}={v}` turns off image signature verification for the Docker CLI in this image", instr.keyword()),
                            ));
                        }
                    }
                }
                Keyword::Run => {
                    let Some(script) = instr.script() else { continue };
                    for c in script.commands() {
                        for (word, name, value) in commands::env_assignments(c) {
                            if name == NAME && !value.contains('$') && disables(value) {
                                hits.push((
                                    word.span,
                                    format!("`{}` turns off image signature verification for the Docker CLI", word.text),
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (span, message) in hits {
            cx.report(span, message).help(HELP);
        }
    }

    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(environment) = &service.environment else {
                continue;
            };
            for kv in &environment.value {
                let Some(value) = &kv.value else { continue };
                if kv.key.value != NAME || !read(&value.value).is_some_and(disables) {
                    continue;
                }
                cx.report_item(
                    &kv.key,
                    format!(
                        "`{NAME}` set to {} in service `{}` turns off image signature verification for the Docker CLI in the container",
                        describe_text(&value.value),
                        service.name
                    ),
                )
                .help(HELP);
            }
        }
    }
}

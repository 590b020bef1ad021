use crate::knowledge::users::{self, FinalUser};
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks the user the shipped image runs as: the last `USER` in the final stage and the
    /// stages it is built `FROM`. It reports a final `USER root` (or `0`, `root:…`, `0:…`,
    /// after build arguments are expanded), and a final stage with no `USER` at all whose base
    /// image is not known to default to a non-root user. Builder stages, whose output is only
    /// copied with `COPY --from`, are not shipped and are not checked.
    ///
    /// Base images known to run as non-root: distroless `nonroot` tags, images tagged
    /// `nonroot` or `*-nonroot`, Chainguard images (except `-dev`), `nginxinc/nginx-unprivileged`,
    /// Bitnami images and chiseled .NET images, plus the `non-root-images` you configure.
    /// When the base is a build argument without a value, the rule cannot tell and stays quiet.
    ///
    /// ## Why is this bad?
    /// A process running as root in a container is root on the container's filesystem and,
    /// with any kernel or runtime escape, close to root on the host. Most images default to
    /// root, so without a `USER` the application gets privileges it never needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY --chown=node:node . /app
    /// USER node
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Options
    /// - `[rules.user] non-root-images`: more base images known to run as non-root.
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - CIS Docker Benchmark 4.1: ensure that a user for the container has been created
    /// - Similar: hadolint DL3002; Trivy DS002; Checkov CKV_DOCKER_3, CKV_DOCKER_8
    pub struct RunsAsRoot {
        code: "SW201",
        name: "runs-as-root",
        steps: [NonRoot],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: [
            "hadolint:DL3002",
            "trivy:DS002",
            "checkov:CKV_DOCKER_3",
            "checkov:CKV_DOCKER_8",
            "kics:last_user_is_root",
            "kics:missing_user_instruction",
            "dockle:CIS-DI-0001",
        ],
        summary: "Final image runs as root",
    }
}

impl Rule for RunsAsRoot {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        match users::final_user(df, &cx.settings().non_root_images) {
            FinalUser::RootUser(user) => {
                let shown = if user.raw == user.text {
                    format!("`{}`", user.text)
                } else {
                    format!("`{}` (= `{}`)", user.raw, user.text)
                };
                cx.report(user.span, format!("The final `USER` is {shown}, so the image runs as root"))
                    .help("Switch to an unprivileged user, for example `USER 10001`, after the steps that need root");
            }
            FinalUser::RootBase { from, stage, reason } => {
                let which = match stage {
                    Some(name) => format!("The final stage `{name}`"),
                    None => "The final stage".to_owned(),
                };
                cx.report(from, format!("{which} has no `USER` instruction and {reason}"))
                    .help("Add `USER <uid>` (a numeric, non-zero uid) to the final stage");
            }
            FinalUser::NonRoot | FinalUser::Unknown => {}
        }
    }
}

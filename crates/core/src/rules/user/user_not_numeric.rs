use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a shipped image whose last `USER` (in the final stage and the stages it is
    /// built `FROM`) names the user instead of giving its numeric uid: `USER app`,
    /// `USER app:app`, `USER app:1000`. Build arguments are expanded first (`ARG UID=10001`
    /// then `USER $UID` is numeric); a value unknown before the build is not guessed.
    /// `USER root` is left to SW201, and a stage without `USER` to SW201 as well.
    ///
    /// ## Why is this bad?
    /// Kubernetes' `runAsNonRoot: true` (and admission policies such as Pod Security
    /// "restricted") can only check a numeric user: for a name it cannot tell whether the
    /// user maps to uid 0 and refuses to start the container ("image has non-numeric user,
    /// cannot verify user is non-root"). A name also depends on `/etc/passwd` of the image,
    /// which a later layer or base image update can change.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// USER node
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// USER 1000:1000
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: security context, runAsNonRoot](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - Similar: hadolint DL3066; SW201
    pub struct UserNotNumeric {
        code: "SW207",
        name: "user-not-numeric",
        steps: [NonRoot],
        severity: Info,
        fix: Never,
        set: Extended,
        precision: VeryHigh,
        cwe: [],
        equivalents: ["hadolint:DL3066"],
        summary: "Final USER is a name rather than a numeric uid",
    }
}

impl Rule for UserNotNumeric {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some((_, user)) = df.final_user() else {
            return;
        };
        let Some(text) = user.known() else { return };
        let name = text.split(':').next().unwrap_or("").trim();
        if name.is_empty() || name == "root" || name.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        let message = if user.raw == name {
            format!("The final `USER` is the name `{name}`, which Kubernetes `runAsNonRoot` cannot verify")
        } else if user.raw == user.text {
            format!("The final `USER` `{}` names the user `{name}`, which Kubernetes `runAsNonRoot` cannot verify", user.text)
        } else {
            format!(
                "The final `USER` `{}` (= `{}`) names the user `{name}`, which Kubernetes `runAsNonRoot` cannot verify",
                user.raw, user.text
            )
        };
        cx.report(user.span, message)
        .help("Use the numeric uid (and gid), for example `USER 10001:10001`");
    }
}

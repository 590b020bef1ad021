use crate::compose_check::{LinkedUser, describe_text, read};
use crate::knowledge::users::{self, UserKind};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Checks the user each compose service runs as:
    ///
    /// - `user:` set to root (`root`, `0`, `root:…`, `0:…`) is reported at the `user` key; any
    ///   other user keeps the service quiet, whatever its image;
    /// - with no `user:`, a service that `build:`s is checked against its Dockerfile as built
    ///   for it (its `build.args`, and its `build.target` stage or the last one), with the
    ///   logic of `SW201`: no `USER` in that stage chain and a base image not known to run as
    ///   non-root, or a last `USER` that is root, reports the service key, with the `USER` or
    ///   `FROM` responsible as a related location;
    /// - with no `user:` and only an `image:`, the image's default user is not known (many
    ///   published images, such as `postgres` or `redis`, start as root and switch users in
    ///   their entrypoint), so nothing is reported.
    ///
    /// A user that depends on an unset variable without a default, an unknown build target or
    /// a Dockerfile that cannot be read leaves the rule quiet; an empty `user: ""` counts as
    /// no `user:`.
    ///
    /// ## Why is this bad?
    /// A process running as root in a container is root on the container's filesystem and,
    /// with any kernel or runtime escape, close to root on the host. `user:` in compose
    /// overrides the image's `USER`, so the compose file decides what actually runs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:3.2.0
    ///     user: root
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:3.2.0
    ///     user: "10001:10001"
    /// ```
    ///
    /// ## Options
    /// - `[rules.user] non-root-images`: more base images known to run as non-root (used for
    ///   the Dockerfiles of `build:` services).
    ///
    /// ## References
    /// - [Compose file reference: user](https://docs.docker.com/reference/compose-file/services/#user)
    /// - CIS Docker Benchmark 4.1: ensure that a user for the container has been created
    /// - Similar: seaworthy SW201 (the Dockerfile view of the same question)
    pub struct ContainerRunsAsRoot {
        code: "SW608",
        name: "container-runs-as-root",
        steps: [NonRoot],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: [],
        summary: "Container runs as root",
    }
}

impl Rule for ContainerRunsAsRoot {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            if let Some(user) = &service.user {
                let Some(value) = read(&user.value) else { continue };
                if !value.trim().is_empty() {
                    if users::classify(value, false) == UserKind::Root {
                        cx.report_key(
                            user,
                            format!(
                                "`user` is {}, so service `{}` runs as root",
                                describe_text(&user.value),
                                service.name
                            ),
                        )
                        .help("Run as an unprivileged user: `user: \"10001:10001\"`");
                    }
                    continue;
                }
            }
            if service.truncated {
                continue;
            }
            let Some(build) = cx.linked_build(&service.name) else { continue };
            if let LinkedUser::Root { reason, at } = &build.user {
                cx.report_service(service, format!("Service `{}` runs as root: {reason}", service.name))
                    .help("Set `user:` to an unprivileged uid (`user: \"10001\"`), or add `USER 10001` to the Dockerfile's final stage")
                    .related(at.clone(), "the image's user is decided here");
            }
        }
    }
}

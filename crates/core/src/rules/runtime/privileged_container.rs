use crate::compose_check::describe_text;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services that run with `privileged: true`. The finding points at the
    /// `privileged` key.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every Linux capability, access to all host devices, and no
    /// seccomp, AppArmor or SELinux confinement. Root in such a container is root on the host:
    /// it can mount the host's disks, load kernel modules and leave the container at will.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: acme/agent:2.4.1
    ///     privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: acme/agent:2.4.1
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: privileged](https://docs.docker.com/reference/compose-file/services/#privileged)
    /// - [Docker: runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - CIS Docker Benchmark 5.4: ensure that privileged containers are not used
    /// - Similar: KICS privileged_containers_enabled; Trivy KSV017 (Kubernetes)
    pub struct PrivilegedContainer {
        code: "SW601",
        name: "privileged-container",
        steps: [Capabilities],
        severity: Critical,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [250],
        equivalents: ["kics:privileged_containers_enabled", "ksv:KSV017"],
        summary: "Container runs privileged",
    }
}

impl Rule for PrivilegedContainer {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(privileged) = &service.privileged else { continue };
            if privileged.value.value != Some(true) {
                continue;
            }
            cx.report_key(
                privileged,
                format!(
                    "`privileged` is {} for service `{}`: it gets every capability, the host's devices and no confinement",
                    describe_text(&privileged.value.text),
                    service.name
                ),
            )
            .help("Remove `privileged` and add only the capabilities and devices the service needs");
        }
    }
}

use crate::compose_check::read;
use crate::knowledge::runtime::capability;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services that do not drop every capability with `cap_drop: [ALL]`. The
    /// finding points at `cap_drop` when it is present but does not name `ALL`, else at the
    /// service key. Capabilities the service really needs go back in with `cap_add`.
    ///
    /// ## Why is this bad?
    /// Docker's default set keeps fourteen capabilities, among them `CHOWN`, `DAC_OVERRIDE`,
    /// `FOWNER`, `SETUID`, `SETGID`, `NET_RAW` and `MKNOD`. Few services need any of them, and
    /// each one is something an attacker who reaches root in the container can use. Dropping
    /// them all and adding back the few required is the least-privilege default.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginxinc/nginx-unprivileged:1.27.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginxinc/nginx-unprivileged:1.27.2
    ///     cap_drop: [ALL]
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: cap_drop](https://docs.docker.com/reference/compose-file/services/#cap_drop)
    /// - [Docker: runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - Similar: KICS container_capabilities_unrestricted; Trivy KSV003 (Kubernetes)
    pub struct CapabilitiesNotDropped {
        code: "SW603",
        name: "capabilities-not-dropped",
        steps: [Capabilities],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: ["kics:container_capabilities_unrestricted", "ksv:KSV003"],
        summary: "Container keeps Docker's default capabilities",
    }
}

impl Rule for CapabilitiesNotDropped {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            match &service.cap_drop {
                Some(cap_drop) => {
                    let names: Option<Vec<&str>> =
                        cap_drop.value.iter().map(|i| read(&i.value)).collect();
                    // An unknown entry may be `ALL`.
                    let Some(names) = names else { continue };
                    if names.iter().any(|n| capability(n) == "ALL") {
                        continue;
                    }
                    cx.report_key(
                        cap_drop,
                        format!(
                            "`cap_drop` of service `{}` does not drop `ALL`, so it keeps the rest of Docker's default capabilities",
                            service.name
                        ),
                    )
                    .help("Drop every capability with `cap_drop: [ALL]` and add back only what the service needs");
                }
                None if !service.truncated => {
                    cx.report_service(
                        service,
                        format!(
                            "Service `{}` keeps Docker's default capabilities: it has no `cap_drop: [ALL]`",
                            service.name
                        ),
                    )
                    .help("Add `cap_drop: [ALL]` and `cap_add` only the capabilities the service needs");
                }
                None => {}
            }
        }
    }
}

use crate::compose_check::read;
use crate::knowledge::runtime::no_new_privileges;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services that do not set `no-new-privileges:true` in `security_opt`
    /// (`no-new-privileges=true` and a bare `no-new-privileges` count too; the last entry
    /// wins). The finding points at `security_opt` when it is present, else at the service
    /// key.
    ///
    /// The rule catalog's earlier name, `no-new-privileges-missing`, is accepted wherever a
    /// rule name is (`--select`, configuration, suppression comments).
    ///
    /// ## Why is this bad?
    /// Without `no-new-privileges`, a process in the container can gain privileges through
    /// setuid and setgid binaries (`su`, `sudo`, `ping` in older images) or file
    /// capabilities. With it, the kernel refuses any such gain, which closes a common path
    /// from a compromised non-root process to root.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: acme/app:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: acme/app:1.4.2
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    ///
    /// ## References
    /// - [Docker run reference: security configuration](https://docs.docker.com/reference/cli/docker/container/run/#security-opt)
    /// - [Linux kernel: no_new_privs](https://docs.kernel.org/userspace-api/no_new_privs.html)
    /// - CIS Docker Benchmark 5.25: ensure that the container is restricted from acquiring additional privileges
    /// - Similar: KICS no_new_privileges_not_set; Trivy KSV001 (Kubernetes)
    pub struct NewPrivilegesAllowed {
        code: "SW614",
        name: "new-privileges-allowed",
        steps: [Capabilities],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: ["kics:no_new_privileges_not_set", "ksv:KSV001"],
        summary: "Container may gain privileges through setuid binaries",
        aliases: ["no-new-privileges-missing"],
    }
}

const HELP: &str = "Add `no-new-privileges:true` to `security_opt`";

impl Rule for NewPrivilegesAllowed {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            match &service.security_opt {
                Some(options) => {
                    let entries: Option<Vec<&str>> =
                        options.value.iter().map(|i| read(&i.value)).collect();
                    // An unknown entry may set it.
                    let Some(entries) = entries else { continue };
                    let last = entries.iter().filter_map(|e| no_new_privileges(e)).next_back();
                    let message = match last {
                        Some(true) => continue,
                        Some(false) => format!(
                            "`security_opt` of service `{}` turns `no-new-privileges` off",
                            service.name
                        ),
                        None => format!(
                            "`security_opt` of service `{}` does not set `no-new-privileges:true`",
                            service.name
                        ),
                    };
                    cx.report_key(options, message).help(HELP);
                }
                None if !service.truncated => {
                    cx.report_service(
                        service,
                        format!(
                            "Service `{}` does not set `no-new-privileges:true` in `security_opt`",
                            service.name
                        ),
                    )
                    .help(HELP);
                }
                None => {}
            }
        }
    }
}

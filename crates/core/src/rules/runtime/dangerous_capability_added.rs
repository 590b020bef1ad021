use crate::compose_check::read;
use crate::knowledge::runtime::{capability, capability_risk, is_dangerous_capability};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags `cap_add` entries that give a container a capability with power over the host or
    /// its network: `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`,
    /// `DAC_READ_SEARCH`, `SYS_RAWIO`, `BPF`, `PERFMON` and `NET_RAW` (with or without the
    /// `CAP_` prefix, in any case). There is one finding per capability, at the `cap_add` key.
    ///
    /// ## Why is this bad?
    /// Each of these capabilities breaks part of the isolation between the container and the
    /// host: `SYS_ADMIN` allows mounting filesystems and most of what root can do, `SYS_MODULE`
    /// loads kernel code, `SYS_PTRACE` reads and alters other processes, `NET_ADMIN` and
    /// `NET_RAW` let the container reconfigure or spoof the network. Most known container
    /// escapes need one of them.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: acme/vpn:1.8.0
    ///     cap_add:
    ///       - SYS_ADMIN
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: acme/vpn:1.8.0
    ///     cap_drop: [ALL]
    ///     cap_add:
    ///       - NET_BIND_SERVICE
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: cap_add](https://docs.docker.com/reference/compose-file/services/#cap_add)
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - CIS Docker Benchmark 5.3: ensure that Linux kernel capabilities are restricted
    /// - Similar: KICS container_capabilities_unrestricted
    pub struct DangerousCapabilityAdded {
        code: "SW602",
        name: "dangerous-capability-added",
        steps: [Capabilities],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: ["kics:container_capabilities_unrestricted"],
        summary: "Container is given a dangerous Linux capability",
    }
}

impl Rule for DangerousCapabilityAdded {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(cap_add) = &service.cap_add else { continue };
            for item in &cap_add.value {
                let Some(name) = read(&item.value) else { continue };
                if !is_dangerous_capability(name) {
                    continue;
                }
                let cap = capability(name);
                cx.report_key(
                    cap_add,
                    format!(
                        "`cap_add` gives service `{}` the `{cap}` capability: {}",
                        service.name,
                        capability_risk(&cap)
                    ),
                )
                .help("Remove the capability, or run the part that needs it outside the container")
                .key(format!("{}:cap_add:{cap}", service.name));
            }
        }
    }
}

use crate::compose_check::{read, describe_text};
use crate::prelude::*;
use crate::syntax::compose::{Field, Project, Text};

declare_rule! {
    /// ## What it does
    /// Flags compose services that share a namespace with the host: `network_mode: host`,
    /// `pid: host`, `ipc: host`, `userns_mode: host` or `uts: host`. The finding points at the
    /// key. Sharing with another container (`service:db`, `container:x`) is not reported.
    ///
    /// ## Why is this bad?
    /// Namespaces are what isolates a container. With the host's network it can reach every
    /// local service and sniff or bind any interface; with its process namespace it sees, and
    /// as root can signal or trace, every host process; with its IPC namespace it reads shared
    /// memory; with the host's user namespace it opts out of user remapping; with its UTS
    /// namespace it can rename the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: acme/monitor:4.3.0
    ///     pid: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   monitor:
    ///     image: acme/monitor:4.3.0
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: pid](https://docs.docker.com/reference/compose-file/services/#pid)
    /// - [Compose file reference: network_mode](https://docs.docker.com/reference/compose-file/services/#network_mode)
    /// - CIS Docker Benchmark 5.9, 5.15, 5.16, 5.20, 5.30: ensure the host's namespaces are not shared
    /// - Similar: KICS host_namespace_is_shared, shared_host_ipc_namespace, shared_host_network_namespace, shared_host_user_namespace
    pub struct HostNamespaceShared {
        code: "SW612",
        name: "host-namespace-shared",
        steps: [Capabilities],
        severity: High,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [653],
        equivalents: [
            "kics:host_namespace_is_shared",
            "kics:shared_host_ipc_namespace",
            "kics:shared_host_network_namespace",
            "kics:shared_host_user_namespace",
        ],
        summary: "Container shares a namespace with the host",
    }
}

impl Rule for HostNamespaceShared {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let settings: [(Option<&Field<Text>>, &str, &str); 5] = [
                (service.network_mode.as_ref(), "network_mode", "network"),
                (service.pid.as_ref(), "pid", "process"),
                (service.ipc.as_ref(), "ipc", "IPC"),
                (service.userns_mode.as_ref(), "userns_mode", "user"),
                (service.uts.as_ref(), "uts", "UTS (host name)"),
            ];
            for (field, key, namespace) in settings {
                let Some(field) = field else { continue };
                if read(&field.value).map(str::trim) != Some("host") {
                    continue;
                }
                cx.report_key(
                    field,
                    format!(
                        "`{key}` is {}: service `{}` shares the host's {namespace} namespace",
                        describe_text(&field.value),
                        service.name
                    ),
                )
                .help(format!("Remove `{key}: host` and give the service only the access it needs"));
            }
        }
    }
}

use crate::compose_check::read;
use crate::prelude::*;
use crate::syntax::compose::{Port, Project, Syntax};

declare_rule! {
    /// ## What it does
    /// Flags published ports that listen on every interface of the host: a `ports` entry
    /// without a host IP (`"8080:80"`, `"3000"`, or the long syntax without `host_ip`), or
    /// with `0.0.0.0` or `::`. There is one finding per port, at the `ports` key; the message
    /// names the port. Ports bound to one address (`127.0.0.1:8080:80`), `expose:` and
    /// services with `network_mode: host` (which ignore `ports`) are not reported, nor is a
    /// host IP that depends on an unset variable.
    ///
    /// ## Why is this bad?
    /// Docker publishes a port on all interfaces by default and inserts its own firewall
    /// rules ahead of the host's, so a database or admin port meant for local use is reachable
    /// from the network even behind `ufw` or `firewalld`. Binding to `127.0.0.1` (or one
    /// internal address) publishes only where it is meant to be.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4-bookworm
    ///     ports:
    ///       - "5432:5432"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4-bookworm
    ///     ports:
    ///       - "127.0.0.1:5432:5432"
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: ports](https://docs.docker.com/reference/compose-file/services/#ports)
    /// - [Docker: packet filtering and firewalls](https://docs.docker.com/engine/network/packet-filtering-firewalls/)
    /// - CIS Docker Benchmark 5.14: ensure that incoming container traffic is bound to a specific host interface
    /// - Similar: KICS container_traffic_not_bound_to_host_interface
    pub struct PortBoundAllInterfaces {
        code: "SW615",
        name: "port-bound-all-interfaces",
        steps: [Capabilities],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [1327],
        equivalents: ["kics:container_traffic_not_bound_to_host_interface"],
        summary: "Published port listens on every host interface",
    }
}

/// A port or a range of ports (`8080`, `8080-8090`).
fn is_port_or_range(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.trim().split_once('-') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(text.trim()),
    }
}

/// Whether the port listens on every interface (`None`: cannot tell).
fn binds_everywhere(port: &Port) -> Option<bool> {
    if let Some(ip) = &port.host_ip {
        let ip = read(&ip.value)?.trim().trim_start_matches('[').trim_end_matches(']');
        return Some(ip.is_empty() || ip == "0.0.0.0" || ip == "::");
    }
    if port.syntax == Syntax::Long {
        // `published: 127.0.0.1:8080` is not a port: docker refuses it, and its address is
        // not "every interface" either.
        if let Some(published) = &port.published {
            if let Some(p) = read(&published.value) {
                if !is_port_or_range(p) {
                    return None;
                }
            }
        }
    }
    Some(true)
}

/// The port as written, for messages.
fn describe(port: &Port) -> String {
    if let Some(text) = &port.text {
        return text.raw.clone();
    }
    let target = port.target.as_ref().map_or("?", |t| t.value.raw.as_str());
    match &port.published {
        Some(p) => format!("{}:{target}", p.value.raw),
        None => target.to_owned(),
    }
}

impl Rule for PortBoundAllInterfaces {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            if service
                .network_mode
                .as_ref()
                .and_then(|m| read(&m.value))
                .is_some_and(|m| m.trim() == "host")
            {
                continue;
            }
            let Some(ports) = &service.ports else { continue };
            for port in &ports.value {
                if binds_everywhere(port) != Some(true) {
                    continue;
                }
                let shown = describe(port);
                cx.report_key(
                    ports,
                    format!(
                        "Port `{shown}` of service `{}` is published on every host interface",
                        service.name
                    ),
                )
                .help("Bind it to one address: `127.0.0.1:8080:80`, or `host_ip: 127.0.0.1` in the long syntax")
                .key(format!("{}:port:{shown}", service.name));
            }
        }
    }
}

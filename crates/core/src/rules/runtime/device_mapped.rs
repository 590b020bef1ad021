use crate::compose_check::read;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags `devices:` entries of compose services, in the short (`/dev/ttyUSB0:/dev/ttyUSB0`)
    /// and the long syntax. The finding points at the entry.
    ///
    /// ## Why is this bad?
    /// A mapped device gives the container direct access to host hardware, past the
    /// container's isolation: a disk (`/dev/sda`) can be read or rewritten whole, memory and
    /// GPU devices expose other processes' data, and device drivers are a large kernel attack
    /// surface. Map a device only when the service cannot work without it, and review each one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   reader:
    ///     image: acme/reader:0.9.3
    ///     devices:
    ///       - /dev/sda:/dev/sda
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   reader:
    ///     image: acme/reader:0.9.3
    ///     volumes:
    ///       - ./input:/input:ro
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: devices](https://docs.docker.com/reference/compose-file/services/#devices)
    /// - CIS Docker Benchmark 5.17: ensure that host devices are not directly exposed to containers
    pub struct DeviceMapped {
        code: "SW616",
        name: "device-mapped",
        steps: [Capabilities],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [250],
        equivalents: [],
        summary: "Host device is mapped into the container",
    }
}

impl Rule for DeviceMapped {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(devices) = &service.devices else { continue };
            for item in &devices.value {
                let what = match item.value.source.as_ref().and_then(|s| read(&s.value)) {
                    Some(source) => format!("the host device `{}`", source.trim()),
                    None => "a host device".to_owned(),
                };
                cx.report_item(item, format!("Service `{}` maps {what} into the container", service.name))
                    .help("Remove the device unless the service cannot work without it; prefer a volume or an API");
            }
        }
    }
}

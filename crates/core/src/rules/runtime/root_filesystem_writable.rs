use crate::compose_check::describe_text;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services whose root filesystem is writable: `read_only` is absent (the
    /// finding points at the service key) or not `true` (it points at `read_only`).
    ///
    /// ## Why is this bad?
    /// With a writable root filesystem an attacker who gets code execution can drop tools,
    /// change binaries and configuration, and persist for the life of the container. A
    /// read-only root filesystem, with `tmpfs` or volumes for the few paths the service writes
    /// (`/tmp`, a cache, its data), makes the container immutable and its writes explicit.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:3.2.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:3.2.0
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: read_only](https://docs.docker.com/reference/compose-file/services/#read_only)
    /// - CIS Docker Benchmark 5.12: ensure that the container's root filesystem is mounted as read only
    /// - Similar: Trivy KSV014 (Kubernetes)
    pub struct RootFilesystemWritable {
        code: "SW604",
        name: "root-filesystem-writable",
        steps: [ReadOnlyRootfs],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [732],
        equivalents: ["ksv:KSV014"],
        summary: "Container root filesystem is writable",
    }
}

impl Rule for RootFilesystemWritable {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            match &service.read_only {
                Some(read_only) if read_only.value.value == Some(false) => {
                    cx.report_key(
                        read_only,
                        format!(
                            "`read_only` is {} for service `{}`, so its root filesystem is writable",
                            describe_text(&read_only.value.text),
                            service.name
                        ),
                    )
                    .help("Set `read_only: true` and mount `tmpfs` or volumes where the service must write");
                }
                None if !service.truncated => {
                    cx.report_service(
                        service,
                        format!(
                            "Service `{}` has a writable root filesystem: it does not set `read_only: true`",
                            service.name
                        ),
                    )
                    .help("Set `read_only: true` and mount `tmpfs` or volumes where the service must write");
                }
                _ => {}
            }
        }
    }
}

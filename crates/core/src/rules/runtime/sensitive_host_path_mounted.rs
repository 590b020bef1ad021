use crate::compose_check::{mount_host_path, read};
use crate::knowledge::runtime::{host_path, sensitive_host_path};
use crate::prelude::*;
use crate::syntax::compose::{KeyValue, Project};

declare_rule! {
    /// ## What it does
    /// Flags bind mounts of host paths that expose the host (short or long volume syntax, and
    /// named volumes that bind a host directory through `driver_opts`):
    ///
    /// - the directory itself: `/`, `/home`, `/var`, `/var/lib`, `/usr`, `/bin`, `/sbin`,
    ///   `/lib`, `/lib64`, `/opt`, `/var/run`, `/run` (their subdirectories are ordinary places
    ///   to share);
    /// - the directory or anything below it: `/etc`, `/root`, `/proc`, `/sys`, `/dev`,
    ///   `/boot`, `/var/lib/docker`, `/var/lib/kubelet`, except files that are routinely shared
    ///   read-only and expose nothing (`/etc/localtime`, `/etc/timezone`, `/etc/hosts`,
    ///   `/etc/resolv.conf`, `/etc/ssl/certs`, `/dev/shm`, `/dev/null`, …);
    /// - credential stores in a home directory: `~/.ssh`, `~/.aws`, `~/.docker`, `~/.kube`,
    ///   `~/.gnupg`, `~/.azure`, `~/.config/gcloud` (also as `$HOME/…` and
    ///   `/home/<user>/…`), and the home directory `~` itself.
    ///
    /// Container-runtime sockets are `SW610`'s. Relative paths (`./data`) and named volumes
    /// are not host system paths and are not reported. The finding points at the mount's
    /// source; a read-only mount is still reported, since reading host configuration and
    /// credentials is the danger.
    ///
    /// ## Why is this bad?
    /// A container that sees the host's `/etc`, `/proc` or `/root` can read its users,
    /// passwords, keys and kernel state; with write access it can change them and take over
    /// the host. Credential directories hand over the user's cloud, cluster and SSH access.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: acme/backup:2.0.1
    ///     volumes:
    ///       - /etc:/host/etc
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: acme/backup:2.0.1
    ///     volumes:
    ///       - ./backup.conf:/etc/backup.conf:ro
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: volumes](https://docs.docker.com/reference/compose-file/services/#volumes)
    /// - CIS Docker Benchmark 5.5: ensure sensitive host system directories are not mounted on containers
    /// - Similar: KICS volume_has_sensitive_host_directory
    pub struct SensitiveHostPathMounted {
        code: "SW611",
        name: "sensitive-host-path-mounted",
        steps: [Capabilities],
        severity: High,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [668],
        equivalents: ["kics:volume_has_sensitive_host_directory"],
        summary: "Sensitive host path is mounted into the container",
    }
}

const HELP: &str = "Mount only the files the service needs, read-only, or use a named volume";

/// The host directory a named volume binds: `device` with `o: bind` (local driver), or
/// `mountpoint` (local-persist).
fn volume_host_path(opts: &[KeyValue]) -> Option<(String, &KeyValue)> {
    let get = |name: &str| opts.iter().find(|kv| kv.key.value == name);
    let binds = get("o")
        .and_then(|o| o.value.as_ref())
        .and_then(|v| read(&v.value))
        .is_some_and(|o| o.split(',').any(|p| p.trim() == "bind"));
    let entry = if binds { get("device") } else { None }.or_else(|| get("mountpoint"))?;
    let path = read(&entry.value.as_ref()?.value)?;
    host_path(path).map(|p| (p, entry))
}

impl Rule for SensitiveHostPathMounted {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(volumes) = &service.volumes else { continue };
            for mount in &volumes.value {
                let Some((path, source)) = mount_host_path(mount) else { continue };
                let Some(what) = sensitive_host_path(&path) else { continue };
                cx.report_item(
                    source,
                    format!("Service `{}` mounts `{path}` from the host: {what}", service.name),
                )
                .help(HELP);
            }
        }
        for volume in &project.volumes {
            let Some(opts) = &volume.driver_opts else { continue };
            let Some((path, entry)) = volume_host_path(&opts.value) else { continue };
            let Some(what) = sensitive_host_path(&path) else { continue };
            let Some(value) = &entry.value else { continue };
            cx.report_item(
                value,
                format!("Volume `{}` binds `{path}` from the host: {what}", volume.name),
            )
            .help(HELP);
        }
    }
}

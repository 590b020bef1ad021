//! Runtime configuration: Linux capabilities, `security_opt` options, host paths that must
//! not be mounted into a container, and container-runtime sockets. Shared by the runtime
//! rules (`SW6xx`) (compose now, Kubernetes later).

use std::path::{Component, Path};

/// Capabilities that give a container power over the host or its network: every
/// capability, administration (`SYS_ADMIN` is "the new root"), network configuration and raw
/// sockets, tracing other processes, kernel modules, raw I/O, reading any file, eBPF and
/// performance monitoring.
pub const DANGEROUS_CAPABILITIES: [&str; 10] = [
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
    "SYS_RAWIO",
    "BPF",
    "PERFMON",
    "NET_RAW",
];

/// What a dangerous capability allows, for messages.
pub fn capability_risk(capability: &str) -> &'static str {
    match capability {
        "ALL" => "every capability, as `privileged` does",
        "SYS_ADMIN" => "mounting filesystems and most of what root can do",
        "NET_ADMIN" => "reconfiguring interfaces, routes and firewall rules",
        "SYS_PTRACE" => "tracing other processes and injecting code into them",
        "SYS_MODULE" => "loading kernel modules",
        "DAC_READ_SEARCH" => "reading any file regardless of permissions, and known escapes",
        "SYS_RAWIO" => "raw access to devices and memory",
        "BPF" => "loading eBPF programs into the kernel",
        "PERFMON" => "observing the kernel and other processes",
        "NET_RAW" => "forging packets (ARP and DNS spoofing)",
        _ => "more than the default set allows",
    }
}

/// A capability name as docker reads it: case-insensitive, with or without `CAP_`.
pub fn capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_owned(),
        None => upper,
    }
}

/// Whether a capability (as written) is in [`DANGEROUS_CAPABILITIES`].
pub fn is_dangerous_capability(name: &str) -> bool {
    DANGEROUS_CAPABILITIES.contains(&capability(name).as_str())
}

/// A `security_opt` entry split as docker splits it: `name=value`, else `name:value`, else
/// the name alone. The name is lower-cased.
pub fn security_option(entry: &str) -> (String, Option<&str>) {
    let entry = entry.trim();
    let split = entry.split_once('=').or_else(|| entry.split_once(':'));
    match split {
        Some((name, value)) => (name.trim().to_ascii_lowercase(), Some(value.trim())),
        None => (entry.to_ascii_lowercase(), None),
    }
}

/// What a `security_opt` entry does to the default confinement, when it weakens it: the
/// profile it turns off (`seccomp`, `AppArmor`, `SELinux labels`, `masked system paths`).
pub fn disabled_profile(entry: &str) -> Option<&'static str> {
    let (name, value) = security_option(entry);
    let value = value.map(str::to_ascii_lowercase);
    match (name.as_str(), value.as_deref()) {
        ("seccomp", Some("unconfined")) => Some("the seccomp profile"),
        ("apparmor", Some("unconfined")) => Some("the AppArmor profile"),
        ("label", Some("disable")) | ("disable-label", None) => Some("SELinux labelling"),
        ("systempaths", Some("unconfined")) => Some("the masking of `/proc` and `/sys` paths"),
        _ => None,
    }
}

/// Whether a `security_opt` entry turns `no-new-privileges` on (`Some(true)`), off
/// (`Some(false)`), or is about something else (`None`).
pub fn no_new_privileges(entry: &str) -> Option<bool> {
    let (name, value) = security_option(entry);
    if name != "no-new-privileges" {
        return None;
    }
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("true" | "1") => Some(true),
        Some(_) => Some(false),
    }
}

/// A host path normalised for comparisons: absolute paths cleaned (`//var/run/` →
/// `/var/run`), `~/…` kept with its `~`. `None` for anything else (relative paths, Windows
/// paths, named volumes).
pub fn host_path(source: &str) -> Option<String> {
    let source = source.trim();
    let (prefix, rest) = if let Some(rest) = source.strip_prefix('~') {
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None; // `~user/…`: another user's home
        }
        ("~", rest)
    } else if source.starts_with('/') {
        ("", source)
    } else {
        return None;
    };
    let mut parts: Vec<String> = Vec::new();
    for c in Path::new(rest).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    Some(format!("{prefix}/{}", parts.join("/")))
}

/// Sockets that control the container runtime: whoever holds one can start a privileged
/// container and so owns the host.
const RUNTIME_SOCKETS: [&str; 4] = ["docker.sock", "containerd.sock", "podman.sock", "crio.sock"];

/// Whether a normalised host path ([`host_path`]) is a container-runtime socket under `/run`
/// or `/var/run` (`/var/run/docker.sock`, `/run/containerd/containerd.sock`,
/// `/run/user/1000/docker.sock`).
pub fn is_runtime_socket(path: &str) -> bool {
    let under_run = path.starts_with("/run/") || path.starts_with("/var/run/");
    under_run
        && path
            .rsplit('/')
            .next()
            .is_some_and(|name| RUNTIME_SOCKETS.contains(&name))
}

/// Directories whose mount exposes the whole host, but whose subdirectories are ordinary
/// places to share (`/home/me/project`, `/var/lib/app`).
const SENSITIVE_EXACT: [&str; 12] = [
    "/", "/home", "/var", "/var/lib", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/var/run",
    "/run", "/opt",
];

/// Directories sensitive with everything below them.
const SENSITIVE_TREES: [&str; 8] = [
    "/etc",
    "/root",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/var/lib/docker",
    "/var/lib/kubelet",
];

/// Files below a sensitive tree that are routinely shared read-only and expose nothing.
const HARMLESS: [&str; 14] = [
    "/etc/localtime",
    "/etc/timezone",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/machine-id",
    "/etc/ssl/certs",
    "/etc/ca-certificates",
    "/etc/pki/ca-trust",
    "/dev/shm",
    "/dev/log",
    "/dev/null",
    "/dev/random",
    "/dev/urandom",
];

/// Credential stores in a home directory.
const HOME_SECRETS: [&str; 7] = [
    ".ssh",
    ".aws",
    ".docker",
    ".kube",
    ".gnupg",
    ".azure",
    ".config/gcloud",
];

fn below(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Why mounting a normalised host path ([`host_path`]) into a container is dangerous, if it
/// is. Container-runtime sockets are not included ([`is_runtime_socket`]).
pub fn sensitive_host_path(path: &str) -> Option<&'static str> {
    if is_runtime_socket(path) {
        return None;
    }
    if HARMLESS.iter().any(|h| below(path, h)) {
        return None;
    }
    if let Some(rest) = path
        .strip_prefix("~/")
        .or(path.strip_prefix("~").filter(|r| r.is_empty()))
    {
        return if rest.is_empty() {
            Some("the home directory of the user running compose")
        } else if HOME_SECRETS.iter().any(|s| below(rest, s)) {
            Some("credentials in the home directory of the user running compose")
        } else {
            None
        };
    }
    if let Some(home_rest) = path.strip_prefix("/home/") {
        // `/home/<user>/.ssh`
        if let Some((_, rest)) = home_rest.split_once('/') {
            if HOME_SECRETS.iter().any(|s| below(rest, s)) {
                return Some("a user's credentials");
            }
        }
    }
    if SENSITIVE_EXACT.contains(&path) {
        return Some(match path {
            "/" => "the host's root filesystem",
            "/var/run" | "/run" => "the host's runtime sockets and state",
            _ => "a host system directory",
        });
    }
    for tree in SENSITIVE_TREES {
        if below(path, tree) {
            return Some(match tree {
                "/etc" => "host configuration (`/etc`)",
                "/root" => "root's home directory",
                "/proc" | "/sys" => "kernel and process interfaces of the host",
                "/dev" => "host devices",
                "/boot" => "the host's kernel and boot loader",
                _ => "the container runtime's state",
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities() {
        assert!(is_dangerous_capability("sys_admin"));
        assert!(is_dangerous_capability("CAP_NET_RAW"));
        assert!(is_dangerous_capability("all"));
        assert!(!is_dangerous_capability("NET_BIND_SERVICE"));
        assert!(!is_dangerous_capability("CHOWN"));
    }

    #[test]
    fn security_options() {
        assert_eq!(
            disabled_profile("seccomp:unconfined"),
            Some("the seccomp profile")
        );
        assert_eq!(
            disabled_profile("seccomp=unconfined"),
            Some("the seccomp profile")
        );
        assert_eq!(
            disabled_profile("apparmor=unconfined"),
            Some("the AppArmor profile")
        );
        assert_eq!(disabled_profile("label:disable"), Some("SELinux labelling"));
        assert!(disabled_profile("systempaths=unconfined").is_some());
        assert_eq!(disabled_profile("seccomp=/etc/profile.json"), None);
        assert_eq!(disabled_profile("label:seccomp:unconfined"), None);
        assert_eq!(disabled_profile("apparmor:docker-default"), None);
        assert_eq!(no_new_privileges("no-new-privileges:true"), Some(true));
        assert_eq!(no_new_privileges("no-new-privileges=true"), Some(true));
        assert_eq!(no_new_privileges("no-new-privileges"), Some(true));
        assert_eq!(no_new_privileges("no-new-privileges:false"), Some(false));
        assert_eq!(no_new_privileges("apparmor: false"), None);
    }

    #[test]
    fn host_paths() {
        assert_eq!(
            host_path("//var/run/docker.sock").as_deref(),
            Some("/var/run/docker.sock")
        );
        assert_eq!(host_path("/etc/").as_deref(), Some("/etc"));
        assert_eq!(host_path("/").as_deref(), Some("/"));
        assert_eq!(host_path("/a/../etc").as_deref(), Some("/etc"));
        assert_eq!(host_path("~/.ssh").as_deref(), Some("~/.ssh"));
        assert_eq!(host_path("~").as_deref(), Some("~/"));
        assert_eq!(host_path("./data"), None);
        assert_eq!(host_path("~bob/x"), None);
        assert_eq!(host_path("data"), None);
    }

    #[test]
    fn sockets_and_sensitive_paths() {
        assert!(is_runtime_socket("/var/run/docker.sock"));
        assert!(is_runtime_socket("/run/docker.sock"));
        assert!(is_runtime_socket("/run/containerd/containerd.sock"));
        assert!(is_runtime_socket("/run/user/1000/podman/podman.sock"));
        assert!(!is_runtime_socket("/tmp/docker.sock"));
        for p in [
            "/",
            "/etc",
            "/etc/exercise",
            "/root",
            "/root/.bashrc",
            "/proc",
            "/sys/fs/cgroup",
            "/dev",
            "/dev/mem",
            "/boot",
            "/var/lib/docker",
            "/var/lib/docker/volumes",
            "/var/run",
            "/run",
            "/home",
            "~/.ssh",
            "~/.aws/credentials",
            "/home/bob/.ssh",
            "~/",
        ] {
            assert!(sensitive_host_path(p).is_some(), "{p}");
        }
        for p in [
            "/etc/localtime",
            "/etc/timezone",
            "/etc/ssl/certs",
            "/dev/shm",
            "/home/bob/code",
            "/var/lib/backup/data",
            "/var/data",
            "/srv/www",
            "/opt/app",
            "~/projects",
            "/var/run/docker.sock",
            "/tmp",
        ] {
            assert!(sensitive_host_path(p).is_none(), "{p}");
        }
    }
}

use crate::compose_check::mount_host_path;
use crate::knowledge::runtime::is_runtime_socket;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services that mount the Docker socket (`/var/run/docker.sock` or
    /// `/run/docker.sock`, in the short or the long volume syntax), or the socket of another
    /// container runtime under `/run` or `/var/run` (`containerd.sock`, `podman.sock`,
    /// `crio.sock`, rootless sockets under `/run/user/<uid>/`). The finding points at the
    /// mount's source.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the runtime socket can start a privileged container with the host's
    /// root filesystem mounted: the socket is root on the host. A read-only mount does not
    /// help, since the API is used through the socket, not written to it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ci-agent:
    ///     image: acme/ci-agent:7.0.2
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   ci-agent:
    ///     image: acme/ci-agent:7.0.2
    ///     environment:
    ///       DOCKER_HOST: tcp://docker-proxy:2375
    /// ```
    ///
    /// ## References
    /// - [Docker: protect the Docker daemon socket](https://docs.docker.com/engine/security/protect-access/)
    /// - CIS Docker Benchmark 5.31: ensure that the Docker socket is not mounted inside any containers
    /// - Similar: KICS docker_socket_mounted_in_container; Trivy KSV006 (Kubernetes)
    pub struct DockerSocketMounted {
        code: "SW610",
        name: "docker-socket-mounted",
        steps: [Capabilities],
        severity: Critical,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [250],
        equivalents: ["kics:docker_socket_mounted_in_container", "ksv:KSV006"],
        summary: "Container runtime socket is mounted into the container",
    }
}

impl Rule for DockerSocketMounted {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(volumes) = &service.volumes else { continue };
            for mount in &volumes.value {
                let Some((path, source)) = mount_host_path(mount) else { continue };
                if !is_runtime_socket(&path) {
                    continue;
                }
                cx.report_item(
                    source,
                    format!(
                        "Service `{}` mounts the container runtime socket `{path}`, which gives it control of the host",
                        service.name
                    ),
                )
                .help("Do not mount the socket; if the service must use the API, put a proxy in front of it that allows only the calls it needs");
            }
        }
    }
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE` of the SSH port 22: `EXPOSE 22`, `EXPOSE 22/tcp`, and ranges that
    /// include it (`EXPOSE 20-25`). Values are expanded first, so `ARG SSH_PORT=22` then
    /// `EXPOSE $SSH_PORT` is reported; a value unknown before the build is not guessed.
    /// SSH runs over TCP, so `22/udp` and `22/sctp` are not reported.
    ///
    /// ## Why is this bad?
    /// A port 22 means an SSH server in the container: another long-running process with
    /// its own vulnerabilities, host keys baked into the image (shared by every container
    /// started from it), and usually passwords or authorised keys to manage. Containers do
    /// not need it: `docker exec`, `kubectl exec` and `kubectl debug` give a shell through
    /// the runtime's authenticated API.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - [kubectl debug](https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container)
    /// - Similar: Trivy DS004; Checkov CKV_DOCKER_1; KICS exposing_port_22
    pub struct SshPortExposed {
        code: "SW205",
        name: "ssh-port-exposed",
        steps: [Capabilities],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: ["trivy:DS004", "checkov:CKV_DOCKER_1", "kics:exposing_port_22"],
        summary: "EXPOSE publishes the SSH port 22",
    }
}

/// Whether one `EXPOSE` item (`22`, `22/tcp`, `20-25`, `20-25/tcp`) includes TCP port 22.
fn includes_ssh(item: &str) -> bool {
    let (ports, protocol) = item.split_once('/').unwrap_or((item, "tcp"));
    if !protocol.eq_ignore_ascii_case("tcp") {
        return false;
    }
    let parse = |p: &str| p.trim().parse::<u32>().ok();
    match ports.split_once('-') {
        Some((lo, hi)) => matches!((parse(lo), parse(hi)), (Some(lo), Some(hi)) if lo <= 22 && 22 <= hi),
        None => parse(ports) == Some(22),
    }
}

impl Rule for SshPortExposed {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Expose {
                continue;
            }
            for value in &instr.data.args {
                let Some(text) = value.known() else { continue };
                let Some(item) = text.split_whitespace().find(|i| includes_ssh(i)) else {
                    continue;
                };
                let shown = if value.uses_variable() {
                    format!("`{}` (= `{item}`)", value.raw)
                } else {
                    format!("`{item}`")
                };
                let what = if item.contains('-') {
                    "a port range that includes the SSH port 22"
                } else {
                    "the SSH port"
                };
                cx.report(value.span, format!("`EXPOSE` of {shown} publishes {what}"))
                    .help("Do not run an SSH server in the container; use `docker exec` or `kubectl exec` for a shell");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::includes_ssh;

    #[test]
    fn items() {
        for yes in ["22", "22/tcp", "22/TCP", "20-25", "22-22", "1-1024/tcp"] {
            assert!(includes_ssh(yes), "{yes}");
        }
        for no in ["2222", "220", "22/udp", "23-25", "80", "", "x-22", "022x", "8022"] {
            assert!(!includes_ssh(no), "{no}");
        }
    }
}

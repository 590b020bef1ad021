use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks every port of every `EXPOSE`, after build arguments and `ENV` values are
    /// expanded (a value that expands to several words is several ports), the way BuildKit
    /// parses them: a port (`80`) or a range (`8000-8010`) of numbers from 0 to 65535,
    /// optionally followed by `/tcp`, `/udp` or `/sctp` (in any letter case). It reports a
    /// number out of range, a range that ends before it starts, an unknown protocol, a value
    /// that is not a port at all, and a host mapping (`8080:80`, `127.0.0.1:80:80`), which
    /// BuildKit accepts but ignores and warns will become an error. A port that depends on a
    /// value unknown before the build is not checked.
    ///
    /// ## Why is this bad?
    /// An invalid port fails the build; a host mapping silently does not do what it says,
    /// because the host side of a mapping is chosen when the container runs (`docker run -p`,
    /// compose `ports:`), not in the image. In both cases the image does not document the
    /// ports its service really listens on.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27.3-alpine
    /// EXPOSE 80 8443:443 70000/tcp
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27.3-alpine
    /// EXPOSE 80 443 7000/tcp
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - [BuildKit check ExposeInvalidFormat](https://docs.docker.com/reference/build-checks/expose-invalid-format/)
    /// - Similar: hadolint DL3011; Trivy DS008; KICS "UNIX Ports Out Of Range"; BuildKit
    ///   ExposeInvalidFormat
    pub struct InvalidPort {
        code: "SW807",
        name: "invalid-port",
        steps: [CiScanning],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [20],
        equivalents: [
            "hadolint:DL3011",
            "trivy:DS008",
            "kics:unix_ports_out_of_range",
            "buildkit:ExposeInvalidFormat",
        ],
        summary: "EXPOSE port is out of range or malformed",
    }
}

impl Rule for InvalidPort {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Expose || instr.stage().is_none() {
                continue;
            }
            for value in &instr.data.args {
                if value.unknown {
                    continue;
                }
                let from = if value.raw == value.text {
                    String::new()
                } else {
                    format!(" (from `{}`)", value.raw)
                };
                for spec in value.text.split_whitespace() {
                    if let Some((message, help)) = problem(spec) {
                        cx.report(value.span, format!("{message}{from}")).help(help);
                    }
                }
            }
        }
    }
}

/// What is wrong with one `EXPOSE` port specification, as a message and a help line.
fn problem(spec: &str) -> Option<(String, String)> {
    let (host, container) = match spec.rsplit_once(':') {
        Some((host, container)) => (Some(host), container),
        None => (None, spec),
    };
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    let proto_lower = proto.to_ascii_lowercase();
    if !matches!(proto_lower.as_str(), "" | "tcp" | "udp" | "sctp") {
        return Some((
            format!("`{spec}`: `{proto}` is not a protocol `EXPOSE` accepts"),
            "Use `/tcp`, `/udp` or `/sctp`, or no protocol for TCP".to_owned(),
        ));
    }
    if let Some(problem) = port_problem(spec, port) {
        return Some(problem);
    }
    host.map(|_| {
        (
            format!("`{spec}` maps a host port or address, which `EXPOSE` ignores: it only declares the container's ports"),
            format!("Declare `EXPOSE {container}` and publish the host side when the container runs (`docker run -p {spec}`)"),
        )
    })
}

fn port_problem(spec: &str, port: &str) -> Option<(String, String)> {
    let usage = "Write a port (`8080`) or a range (`8000-8010`), optionally followed by `/tcp`, `/udp` or `/sctp`";
    let malformed = || {
        Some((
            format!("`{spec}` is not a port number or range"),
            usage.to_owned(),
        ))
    };
    let parts: Vec<&str> = port.split('-').collect();
    if parts.len() > 2 {
        return malformed();
    }
    let mut numbers = Vec::with_capacity(2);
    for part in &parts {
        match number(part) {
            Number::Port(n) => numbers.push(n),
            Number::TooLarge => {
                return Some((
                    format!("Port `{part}` in `{spec}` is outside the range 0–65535"),
                    "Use a port number between 1 and 65535".to_owned(),
                ));
            }
            Number::Invalid => return malformed(),
        }
    }
    if let [start, end] = numbers[..] {
        if end < start {
            return Some((
                format!("`{spec}`: the port range ends before it starts"),
                format!("Write the lower port first: `{end}-{start}`"),
            ));
        }
    }
    None
}

enum Number {
    Port(u16),
    TooLarge,
    Invalid,
}

/// A decimal port number as Go's `strconv.ParseUint(s, 10, 16)` reads it: digits only.
fn number(text: &str) -> Number {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Number::Invalid;
    }
    match text.parse::<u16>() {
        Ok(n) => Number::Port(n),
        Err(_) => Number::TooLarge,
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn valid_specs() {
        for spec in [
            "80", "0", "65535", "80/tcp", "53/UDP", "9/sctp", "8000-8010", "8000-8000/udp", "080",
        ] {
            assert_eq!(problem(spec), None, "{spec}");
        }
    }

    #[test]
    fn invalid_specs() {
        for (spec, needle) in [
            ("65536", "outside"),
            ("65536/tcp", "outside"),
            ("1-70000", "outside"),
            ("99999999999999999999999", "outside"),
            ("80/http", "protocol"),
            ("http", "not a port"),
            ("", "not a port"),
            ("/tcp", "not a port"),
            ("+80", "not a port"),
            ("1-2-3", "not a port"),
            ("8010-8000", "ends before"),
            ("8080:80", "host port"),
            ("127.0.0.1:8080:80/udp", "host port"),
            ("8080:99999", "outside"),
        ] {
            let (message, _) = problem(spec).unwrap_or_else(|| panic!("{spec}: no problem"));
            assert!(message.contains(needle), "{spec}: {message}");
        }
    }
}

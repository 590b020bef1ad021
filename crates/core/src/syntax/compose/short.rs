//! Short-syntax strings (`ports`, `volumes`, `devices`) and scalar conversions, as compose
//! reads them. The parsers return byte ranges into the string so the caller can give every
//! part its own span.

use std::ops::Range;

/// Parts of a short port `[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PortParts {
    pub host_ip: Option<Range<usize>>,
    pub published: Option<Range<usize>>,
    pub target: Range<usize>,
    pub protocol: Option<Range<usize>>,
}

/// Splits a short port. The host IP is everything before the last two colons (so an IPv6
/// address needs no brackets), brackets removed; an empty host IP or published port is
/// absent. Errors name what is wrong; the parts found are still returned.
pub(crate) fn parse_port(s: &str) -> (PortParts, Option<String>) {
    let (body_end, protocol) = match s.rfind('/') {
        Some(i) => (i, Some(i + 1..s.len())),
        None => (s.len(), None),
    };
    let body = &s[..body_end];
    let colons: Vec<usize> = body.match_indices(':').map(|(i, _)| i).collect();
    let n = colons.len();
    let mut parts = PortParts {
        protocol,
        ..PortParts::default()
    };
    match n {
        0 => parts.target = 0..body.len(),
        1 => {
            parts.published = Some(0..colons[0]);
            parts.target = colons[0] + 1..body.len();
        }
        _ => {
            let (a, b) = (colons[n - 2], colons[n - 1]);
            let mut ip = 0..a;
            if body[ip.clone()].starts_with('[') && body[ip.clone()].ends_with(']') && ip.len() >= 2
            {
                ip = ip.start + 1..ip.end - 1;
            }
            parts.host_ip = Some(ip);
            parts.published = Some(a + 1..b);
            parts.target = b + 1..body.len();
        }
    }
    parts.host_ip = parts.host_ip.filter(|r| !r.is_empty());
    parts.published = parts.published.filter(|r| !r.is_empty());
    let mut error = None;
    if !is_port_or_range(&s[parts.target.clone()]) {
        error = Some(format!(
            "invalid container port {:?}",
            &s[parts.target.clone()]
        ));
    } else if let Some(p) = &parts.published {
        if !is_port_or_range(&s[p.clone()]) {
            error = Some(format!("invalid published port {:?}", &s[p.clone()]));
        }
    }
    if let Some(p) = &parts.protocol {
        if s[p.clone()].is_empty() {
            error = Some("empty protocol".to_owned());
        }
    }
    (parts, error)
}

/// `80` or `8000-8010`.
pub(crate) fn is_port_or_range(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.len() <= 5 && t.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('-') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(s),
    }
}

/// Parts of a short volume `[SOURCE:]TARGET[:OPTIONS]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VolumeParts {
    pub source: Option<Range<usize>>,
    pub target: Option<Range<usize>>,
    pub options: Option<Range<usize>>,
}

/// Splits a short volume as compose does: a colon right after a single letter is part of a
/// Windows drive (`C:\data:/data`), a single section is an anonymous volume's target.
pub(crate) fn parse_volume(s: &str) -> (VolumeParts, Option<String>) {
    let mut sections: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c != ':' {
            continue;
        }
        let section = &s[start..i];
        let mut chars = section.chars();
        let drive = matches!((chars.next(), chars.next()), (Some(l), None) if l.is_alphabetic());
        if drive {
            continue;
        }
        sections.push(start..i);
        start = i + 1;
    }
    sections.push(start..s.len());
    let mut parts = VolumeParts::default();
    let mut error = None;
    if sections.iter().any(std::ops::Range::is_empty) {
        error = Some("empty section between colons".to_owned());
    }
    match sections.len() {
        1 => parts.target = Some(sections[0].clone()),
        2 => {
            parts.source = Some(sections[0].clone());
            parts.target = Some(sections[1].clone());
        }
        _ => {
            parts.source = Some(sections[0].clone());
            parts.target = Some(sections[1].clone());
            parts.options = Some(sections[2].clone());
            if sections.len() > 3 {
                error = Some("too many colons".to_owned());
            }
        }
    }
    let nonempty = |r: Option<Range<usize>>| r.filter(|r| !r.is_empty());
    parts.source = nonempty(parts.source);
    parts.target = nonempty(parts.target);
    parts.options = nonempty(parts.options);
    (parts, error)
}

/// Parts of a short device `SOURCE[:TARGET][:PERMISSIONS]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DeviceParts {
    pub source: Range<usize>,
    pub target: Option<Range<usize>>,
    pub permissions: Option<Range<usize>>,
}

pub(crate) fn parse_device(s: &str) -> DeviceParts {
    let colons: Vec<usize> = s.match_indices(':').map(|(i, _)| i).collect();
    let is_perm = |t: &str| !t.is_empty() && t.bytes().all(|b| matches!(b, b'r' | b'w' | b'm'));
    match colons.as_slice() {
        [] => DeviceParts {
            source: 0..s.len(),
            ..DeviceParts::default()
        },
        [a] => {
            let second = *a + 1..s.len();
            if is_perm(&s[second.clone()]) {
                DeviceParts {
                    source: 0..*a,
                    target: None,
                    permissions: Some(second),
                }
            } else {
                DeviceParts {
                    source: 0..*a,
                    target: Some(second),
                    permissions: None,
                }
            }
        }
        [a, b, ..] => DeviceParts {
            source: 0..*a,
            target: Some(*a + 1..*b),
            permissions: Some(*b + 1..s.len()),
        },
    }
}

/// How a boolean was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BoolReading {
    /// `true`/`false` in any case.
    Standard(bool),
    /// `y`, `yes`, `on`, `n`, `no`, `off` in any case: compose accepts them with a warning.
    Yaml11(bool),
}

/// Reads a boolean field as compose does (after interpolation).
pub(crate) fn parse_bool(s: &str) -> Option<BoolReading> {
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "true" => Some(BoolReading::Standard(true)),
        "false" => Some(BoolReading::Standard(false)),
        "y" | "yes" | "on" => Some(BoolReading::Yaml11(true)),
        "n" | "no" | "off" => Some(BoolReading::Yaml11(false)),
        _ => None,
    }
}

/// A size such as `512m`, `1.5g`, `1024`, `2GiB` in bytes (binary units, as Docker's
/// `RAMInBytes`). `-1` is accepted (unlimited, for swap).
pub(crate) fn parse_bytes(s: &str) -> Option<i64> {
    let t = s.trim();
    if t == "-1" {
        return Some(-1);
    }
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(num_end);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1
    {
        return None;
    }
    let unit = unit.strip_prefix(' ').unwrap_or(unit).to_ascii_lowercase();
    let mut u = unit.as_str();
    let power = match u.chars().next() {
        Some('k') => 1,
        Some('m') => 2,
        Some('g') => 3,
        Some('t') => 4,
        Some('p') => 5,
        _ => 0,
    };
    if power > 0 {
        u = &u[1..];
    }
    let u = u.strip_prefix('i').unwrap_or(u);
    if !(u.is_empty() || u == "b") {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let bytes = value * 1024f64.powi(power);
    if !bytes.is_finite() || bytes > 9.0e18 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    Some(bytes as i64)
}

/// An integer such as `100` or `-1`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// A CPU count such as `0.5` or `2`.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(s: &str) -> (Option<&str>, Option<&str>, &str, Option<&str>, bool) {
        let (p, err) = parse_port(s);
        (
            p.host_ip.map(|r| &s[r]),
            p.published.map(|r| &s[r]),
            &s[p.target],
            p.protocol.map(|r| &s[r]),
            err.is_some(),
        )
    }

    #[test]
    fn ports() {
        assert_eq!(port("80"), (None, None, "80", None, false));
        assert_eq!(port("8080:80"), (None, Some("8080"), "80", None, false));
        assert_eq!(
            port("127.0.0.1:8080:80/tcp"),
            (Some("127.0.0.1"), Some("8080"), "80", Some("tcp"), false)
        );
        assert_eq!(
            port("127.0.0.1::80"),
            (Some("127.0.0.1"), None, "80", None, false)
        );
        assert_eq!(port("3000-3005"), (None, None, "3000-3005", None, false));
        assert_eq!(
            port("9090-9091:8080-8081"),
            (None, Some("9090-9091"), "8080-8081", None, false)
        );
        assert_eq!(
            port("[::1]:6001:6001"),
            (Some("::1"), Some("6001"), "6001", None, false)
        );
        assert_eq!(
            port("::1:6001:6001"),
            (Some("::1"), Some("6001"), "6001", None, false)
        );
        assert_eq!(
            port("5000:5000/udp"),
            (None, Some("5000"), "5000", Some("udp"), false)
        );
        assert_eq!(
            port("0.0.0.0:80:80"),
            (Some("0.0.0.0"), Some("80"), "80", None, false)
        );
        assert!(port("http:80").4);
        assert!(port("").4);
    }

    fn vol(s: &str) -> (Option<&str>, Option<&str>, Option<&str>, bool) {
        let (p, err) = parse_volume(s);
        (
            p.source.map(|r| &s[r]),
            p.target.map(|r| &s[r]),
            p.options.map(|r| &s[r]),
            err.is_some(),
        )
    }

    #[test]
    fn volumes() {
        assert_eq!(vol("/data"), (None, Some("/data"), None, false));
        assert_eq!(
            vol("db:/var/lib/db"),
            (Some("db"), Some("/var/lib/db"), None, false)
        );
        assert_eq!(
            vol("./src:/code:ro"),
            (Some("./src"), Some("/code"), Some("ro"), false)
        );
        assert_eq!(
            vol("~/.ssh:/root/.ssh:ro,z"),
            (Some("~/.ssh"), Some("/root/.ssh"), Some("ro,z"), false)
        );
        assert_eq!(
            vol("/var/run/docker.sock:/var/run/docker.sock"),
            (
                Some("/var/run/docker.sock"),
                Some("/var/run/docker.sock"),
                None,
                false
            )
        );
        assert_eq!(
            vol(r"C:\data:/data"),
            (Some(r"C:\data"), Some("/data"), None, false)
        );
        assert_eq!(
            vol("C:/data:D:/x:rw"),
            (Some("C:/data"), Some("D:/x"), Some("rw"), false)
        );
        assert_eq!(
            vol(r"\\.\pipe\docker_engine:\\.\pipe\docker_engine"),
            (
                Some(r"\\.\pipe\docker_engine"),
                Some(r"\\.\pipe\docker_engine"),
                None,
                false
            )
        );
        assert!(vol("ab::c").3);
        assert!(vol("/a:/b:ro:x").3);
    }

    #[test]
    fn devices() {
        let d = |s: &'static str| {
            let p = parse_device(s);
            (
                &s[p.source],
                p.target.map(|r| &s[r]),
                p.permissions.map(|r| &s[r]),
            )
        };
        assert_eq!(d("/dev/ttyUSB0"), ("/dev/ttyUSB0", None, None));
        assert_eq!(
            d("/dev/sda:/dev/xvda"),
            ("/dev/sda", Some("/dev/xvda"), None)
        );
        assert_eq!(d("/dev/sda:rwm"), ("/dev/sda", None, Some("rwm")));
        assert_eq!(
            d("/dev/sda:/dev/xvda:r"),
            ("/dev/sda", Some("/dev/xvda"), Some("r"))
        );
    }

    #[test]
    fn scalars() {
        assert_eq!(parse_bool("TRUE"), Some(BoolReading::Standard(true)));
        assert_eq!(parse_bool("yes"), Some(BoolReading::Yaml11(true)));
        assert_eq!(parse_bool("Off"), Some(BoolReading::Yaml11(false)));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_bytes("512m"), Some(512 * 1024 * 1024));
        assert_eq!(parse_bytes("1.5g"), Some(1_610_612_736));
        assert_eq!(parse_bytes("2GiB"), Some(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_bytes("100 kb"), Some(102_400));
        assert_eq!(parse_bytes("1024"), Some(1024));
        assert_eq!(parse_bytes("-1"), Some(-1));
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(parse_bytes("1x"), None);
        assert_eq!(parse_float("0.5"), Some(0.5));
        assert_eq!(parse_float("inf"), None);
        assert_eq!(parse_int("-1"), Some(-1));
    }
}

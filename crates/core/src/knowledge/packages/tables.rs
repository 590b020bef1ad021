//! Which packages are build tooling and which widen the attack surface of a running
//! container. Names are compared after the version, release and architecture are removed
//! and lower-cased ([`super::Package::name`]).
//!
//! # Build tools ([`build_tool`])
//!
//! | kind | packages |
//! |---|---|
//! | compiler | `gcc`, `gcc-<N>`, `g++`, `g++-<N>`, `gcc-c++`, `clang`, `clang-<N>`, `gfortran`, `gcc-gfortran`, `nasm`, `yasm` |
//! | build meta-package | `build-essential` (Debian), `build-base`, `alpine-sdk` (Alpine), `base-devel` (Arch) |
//! | build system | `make`, `cmake`, `autoconf`, `automake`, `libtool`, `pkg-config`, `pkgconf`, `pkgconfig`, `bison`, `flex`, `meson`, `ninja`, `ninja-build`, `scons`, `ccache` |
//! | development headers | `*-dev` (Debian, Alpine), `*-devel` (RPM), `linux-headers`, `kernel-headers` |
//! | version control | `git`, `git-core` |
//! | language toolchain | `golang`, `golang-go`, `go` (Alpine, Arch), `rust`, `rustc`, `cargo`, `maven`, `gradle`, `default-jdk`, `default-jdk-headless`, `*-jdk`, `*-jdk-headless`, `openjdk<N>` (Alpine) |
//!
//! # Risky packages ([`risky_package`])
//!
//! | kind | packages |
//! |---|---|
//! | privilege escalation | `sudo` |
//! | remote shell server | `openssh-server`, `ssh` (Debian meta-package with the server), `openssh` (Alpine and Arch, where it includes `sshd`), `dropbear` |
//! | clear-text remote shell | `telnet`, `telnetd`, `inetutils-telnet`, `inetutils-telnetd` |
//! | raw network tool | `netcat*`, `*-netcat` (`openbsd-netcat`, `gnu-netcat`), `nc`, `ncat`, `nmap-ncat` |
//! | network scanner | `nmap` |
//! | packet capture | `tcpdump` |
//! | debugger or tracer | `gdb`, `strace` |

use super::System;

/// What kind of build tooling a package is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuildTool {
    Compiler,
    MetaPackage,
    BuildSystem,
    Headers,
    VersionControl,
    Toolchain,
}

impl BuildTool {
    /// Whether the package compiles code (a compiler, a build meta-package, a language
    /// toolchain), as opposed to headers, build systems or version control.
    pub fn compiles(self) -> bool {
        matches!(
            self,
            BuildTool::Compiler | BuildTool::MetaPackage | BuildTool::Toolchain
        )
    }

    /// For messages: "a compiler".
    pub fn describe(self) -> &'static str {
        match self {
            BuildTool::Compiler => "a compiler",
            BuildTool::MetaPackage => "a build meta-package",
            BuildTool::BuildSystem => "a build tool",
            BuildTool::Headers => "development headers",
            BuildTool::VersionControl => "a version-control tool",
            BuildTool::Toolchain => "a language toolchain",
        }
    }
}

/// `name` followed by `-` or nothing and then digits only (`gcc`, `gcc-12`, `gcc12`).
fn versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base).is_some_and(|rest| {
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    })
}

/// Whether a package of `system` is build tooling, and which kind.
pub fn build_tool(system: System, name: &str) -> Option<BuildTool> {
    let n = name;
    if versioned(n, "gcc")
        || versioned(n, "g++")
        || versioned(n, "clang")
        || matches!(
            n,
            "gcc-c++" | "clang++" | "gfortran" | "gcc-gfortran" | "nasm" | "yasm"
        )
    {
        return Some(BuildTool::Compiler);
    }
    if matches!(
        n,
        "build-essential" | "build-base" | "alpine-sdk" | "base-devel"
    ) {
        return Some(BuildTool::MetaPackage);
    }
    if matches!(
        n,
        "make"
            | "cmake"
            | "autoconf"
            | "automake"
            | "libtool"
            | "pkg-config"
            | "pkgconf"
            | "pkgconfig"
            | "bison"
            | "flex"
            | "meson"
            | "ninja"
            | "ninja-build"
            | "scons"
            | "ccache"
    ) {
        return Some(BuildTool::BuildSystem);
    }
    if n.ends_with("-dev")
        || n.ends_with("-devel")
        || matches!(n, "linux-headers" | "kernel-headers")
    {
        return Some(BuildTool::Headers);
    }
    if matches!(n, "git" | "git-core") {
        return Some(BuildTool::VersionControl);
    }
    let go = n == "go" && matches!(system, System::Apk | System::Pacman);
    let apk_jdk = system == System::Apk && versioned(n, "openjdk");
    if go
        || apk_jdk
        || matches!(
            n,
            "golang"
                | "golang-go"
                | "rust"
                | "rustc"
                | "cargo"
                | "maven"
                | "gradle"
                | "default-jdk"
                | "default-jdk-headless"
        )
        || n.ends_with("-jdk")
        || n.ends_with("-jdk-headless")
    {
        return Some(BuildTool::Toolchain);
    }
    None
}

/// Why a package does not belong in a running container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RiskyPackage {
    PrivilegeEscalation,
    RemoteShellServer,
    Telnet,
    Netcat,
    Scanner,
    PacketCapture,
    Debugger,
}

impl RiskyPackage {
    /// For messages: "a privilege-escalation tool".
    pub fn describe(self) -> &'static str {
        match self {
            RiskyPackage::PrivilegeEscalation => "a privilege-escalation tool",
            RiskyPackage::RemoteShellServer => "an SSH server",
            RiskyPackage::Telnet => "a clear-text remote shell",
            RiskyPackage::Netcat => "a raw network tool often used for reverse shells",
            RiskyPackage::Scanner => "a network scanner",
            RiskyPackage::PacketCapture => "a packet-capture tool",
            RiskyPackage::Debugger => "a debugger that can read and alter other processes",
        }
    }
}

/// Whether a package of `system` is risky in a running container, and why.
pub fn risky_package(system: System, name: &str) -> Option<RiskyPackage> {
    let n = name;
    match n {
        "sudo" => Some(RiskyPackage::PrivilegeEscalation),
        "openssh-server" | "dropbear" => Some(RiskyPackage::RemoteShellServer),
        "ssh" if system == System::Apt => Some(RiskyPackage::RemoteShellServer),
        "openssh" if matches!(system, System::Apk | System::Pacman) => {
            Some(RiskyPackage::RemoteShellServer)
        }
        "telnet" | "telnetd" | "inetutils-telnet" | "inetutils-telnetd" => {
            Some(RiskyPackage::Telnet)
        }
        "nc" | "ncat" | "nmap-ncat" => Some(RiskyPackage::Netcat),
        "nmap" => Some(RiskyPackage::Scanner),
        "tcpdump" => Some(RiskyPackage::PacketCapture),
        "gdb" | "strace" => Some(RiskyPackage::Debugger),
        _ if n.starts_with("netcat") || n.ends_with("-netcat") => Some(RiskyPackage::Netcat),
        _ => None,
    }
}

//! Toolchains: base images that are SDKs rather than runtimes, and the `RUN` commands that
//! compile or package an application.
//!
//! # Toolchain images ([`toolchain_image`])
//!
//! | image | ships |
//! |---|---|
//! | `golang` | the Go toolchain |
//! | `rust` | the Rust toolchain |
//! | `maven`, `gradle` | the build tool and a JDK |
//! | `gcc` | GCC |
//! | `buildpack-deps` (every variant) | compilers, headers and version-control tools, or the base those variants are built on |
//! | `openjdk`, `eclipse-temurin`, `sapmachine`, `ibm-semeru-runtimes`, unless the tag names a `jre` | a JDK (these images default to the JDK) |
//! | `*/dotnet/sdk`, `*/dotnet/core/sdk`, `microsoft/dotnet:*sdk*` | the .NET SDK |
//!
//! Only Docker Official Images are matched by name (and the .NET SDK on any registry):
//! a look-alike in another namespace may be anything.
//!
//! # Build commands ([`build_steps`])
//! `go build`, `cargo build`, `mvn`/`mvnw` with `package`/`install`/`verify`/`deploy`/
//! `compile`, `gradle`/`gradlew` with `build`/`assemble`/`jar`/`bootJar`/`shadowJar`/
//! `installDist`/`war`/`bootWar`, `npm run build*`, `yarn [run] build*`, `pnpm [run] build*`,
//! `dotnet publish`/`dotnet build`, and `make`/`gmake`/`ninja`/`cmake --build`, which only
//! compile when a compiler is installed ([`BuildStep::needs_compiler`]).

use crate::source::Span;
use crate::syntax::image_ref::ImageRef;
use crate::syntax::shell::{Command, Script};

/// What a toolchain image ships, when `image` is one.
pub fn toolchain_image(image: &ImageRef) -> Option<&'static str> {
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let path = image.path.as_str();
    if path.ends_with("dotnet/sdk") || path.ends_with("dotnet/core/sdk") {
        return Some("the .NET SDK");
    }
    if image.is_docker_hub() && path == "microsoft/dotnet" && tag.contains("sdk") {
        return Some("the .NET SDK");
    }
    if !image.is_official() {
        return None;
    }
    let jre = tag
        .split(['-', '.', '_'])
        .any(|part| part.starts_with("jre"));
    match image.repo_name() {
        "golang" => Some("the Go toolchain"),
        "rust" => Some("the Rust toolchain"),
        "maven" => Some("Maven and a JDK"),
        "gradle" => Some("Gradle and a JDK"),
        "gcc" => Some("GCC"),
        "buildpack-deps" if tag.ends_with("curl") => {
            Some("the base of the buildpack-deps SDK images (curl, wget, gnupg)")
        }
        "buildpack-deps" if tag.ends_with("scm") => {
            Some("version-control tools (git, mercurial, subversion)")
        }
        "buildpack-deps" => Some("compilers, headers and version-control tools"),
        "openjdk" | "eclipse-temurin" | "sapmachine" | "ibm-semeru-runtimes" if !jre => {
            Some("a JDK")
        }
        _ => None,
    }
}

/// A command that compiles or packages an application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildStep<'a> {
    pub command: &'a Command,
    /// The program and the words that make it a build (`go build`, `npm run build`).
    pub span: Span,
    /// Those words, for messages.
    pub what: String,
    /// `make`, `ninja`, `cmake --build`: they compile only with a compiler at hand.
    pub needs_compiler: bool,
}

/// Every build step of a script, in source order.
pub fn build_steps(script: &Script) -> Vec<BuildStep<'_>> {
    script.commands().filter_map(build_step).collect()
}

fn build_step(command: &Command) -> Option<BuildStep<'_>> {
    let view = command.unwrapped();
    let program = view.program()?;
    let name = view.name()?;
    let pos = view.positional(&[
        "-o",
        "-C",
        "-f",
        "-p",
        "-s",
        "-D",
        "-P",
        "-c",
        "-j",
        "--file",
        "--project",
        "--configuration",
        "--output",
        "--runtime",
        "-r",
        "--framework",
    ]);
    let first = pos.first().map(|w| w.text.as_str());
    let found = |words: usize, needs_compiler: bool| {
        let last = pos
            .get(words.saturating_sub(1))
            .map_or(program.span, |w| w.span);
        let span = if words == 0 {
            program.span
        } else {
            program.span.cover(last)
        };
        let mut what = name.to_owned();
        for w in pos.iter().take(words) {
            what.push(' ');
            what.push_str(&w.text);
        }
        Some(BuildStep {
            command,
            span,
            what,
            needs_compiler,
        })
    };
    let script_is_build = |w: Option<&&crate::syntax::shell::Word>| {
        w.is_some_and(|w| w.text == "build" || w.text.starts_with("build:"))
    };
    match name {
        "go" | "cargo" if first == Some("build") => found(1, false),
        "mvn" | "mvnw" => {
            let phase = pos.iter().position(|w| {
                matches!(
                    w.text.as_str(),
                    "package" | "install" | "verify" | "deploy" | "compile"
                )
            })?;
            found(phase + 1, false).map(|mut s| {
                s.what = format!("{name} {}", pos[phase].text);
                s
            })
        }
        "gradle" | "gradlew" => {
            let task = pos.iter().position(|w| {
                let t = w.text.rsplit(':').next().unwrap_or(&w.text);
                matches!(
                    t,
                    "build"
                        | "assemble"
                        | "jar"
                        | "bootJar"
                        | "shadowJar"
                        | "installDist"
                        | "war"
                        | "bootWar"
                )
            })?;
            found(task + 1, false).map(|mut s| {
                s.what = format!("{name} {}", pos[task].text);
                s
            })
        }
        "npm" | "pnpm" | "yarn"
            if matches!(first, Some("run" | "run-script")) && script_is_build(pos.get(1)) =>
        {
            found(2, false)
        }
        "yarn" | "pnpm" if script_is_build(pos.first()) => found(1, false),
        "dotnet" if matches!(first, Some("publish" | "build")) => found(1, false),
        "make" | "gmake" | "ninja" => found(0, true),
        "cmake" if view.has_flag(&["--build"]) => found(0, true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{MappedText, shell};

    fn image(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn toolchain_images() {
        for (text, sdk) in [
            ("golang:1.23", true),
            ("golang:1.23-alpine", true),
            ("docker.io/library/rust:1.82-slim", true),
            ("maven:3.9-eclipse-temurin-21", true),
            ("gradle:8.10-jdk21", true),
            ("gcc:14", true),
            ("buildpack-deps:bookworm", true),
            ("buildpack-deps:bookworm-curl", true),
            ("openjdk:17-jdk-slim", true),
            ("openjdk:21", true),
            ("eclipse-temurin:21-jdk-alpine", true),
            ("eclipse-temurin:21", true),
            ("mcr.microsoft.com/dotnet/sdk:8.0", true),
            ("mcr.microsoft.com/dotnet/core/sdk:3.1", true),
            ("microsoft/dotnet:2.2-sdk", true),
            // Runtimes.
            ("eclipse-temurin:21-jre-alpine", false),
            ("openjdk:11-jre-slim", false),
            ("ibm-semeru-runtimes:open-17-jre", false),
            ("mcr.microsoft.com/dotnet/aspnet:8.0", false),
            ("mcr.microsoft.com/dotnet/runtime:8.0", false),
            ("node:22-alpine", false),
            ("python:3.13-slim", false),
            ("gcr.io/distroless/java21-debian12", false),
            // Look-alikes outside the official namespace.
            ("example/golang:1.23", false),
            ("ghcr.io/acme/rust:1", false),
        ] {
            assert_eq!(toolchain_image(&image(text)).is_some(), sdk, "{text}");
        }
    }

    fn steps(s: &str) -> Vec<(String, bool)> {
        let script = shell::parse(&MappedText::contiguous(s, 0));
        build_steps(&script)
            .into_iter()
            .map(|b| (b.what, b.needs_compiler))
            .collect()
    }

    #[test]
    fn build_commands() {
        let st = |what: &str, needs: bool| vec![(what.to_owned(), needs)];
        assert_eq!(
            steps("CGO_ENABLED=0 go build -o /app ./cmd/app"),
            st("go build", false)
        );
        assert_eq!(
            steps("cargo build --release --locked"),
            st("cargo build", false)
        );
        assert_eq!(
            steps("mvn -B -q clean package -DskipTests"),
            st("mvn package", false)
        );
        assert_eq!(steps("./mvnw -B verify"), st("mvnw verify", false));
        assert_eq!(
            steps("./gradlew --no-daemon bootJar"),
            st("gradlew bootJar", false)
        );
        assert_eq!(
            steps("gradle :app:build -x test"),
            st("gradle :app:build", false)
        );
        assert_eq!(steps("npm ci && npm run build"), st("npm run build", false));
        assert_eq!(steps("yarn build:prod"), st("yarn build:prod", false));
        assert_eq!(steps("pnpm run build"), st("pnpm run build", false));
        assert_eq!(
            steps("dotnet publish -c Release -o /out"),
            st("dotnet publish", false)
        );
        assert_eq!(
            steps("make -j\"$(nproc)\" && make install"),
            vec![("make".to_owned(), true), ("make".to_owned(), true)]
        );
        assert_eq!(steps("cmake --build build --parallel"), st("cmake", true));
        // Not builds.
        for s in [
            "go version",
            "go test ./...",
            "npm run start",
            "npm install",
            "yarn install --frozen-lockfile",
            "mvn dependency:go-offline",
            "dotnet restore",
            "cmake -S . -B build",
            "echo make",
        ] {
            assert!(steps(s).is_empty(), "{s}");
        }
    }
}

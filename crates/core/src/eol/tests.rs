//! Lookup and status tests. Dates are those of the embedded data (2026-08-22); statuses are
//! computed on fixed days so the tests do not depend on the clock.

use super::*;

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The scan day most tests use.
fn today() -> Date {
    date("2026-11-29")
}

fn infos(image: &str) -> Vec<CycleInfo> {
    lookup(&ImageRef::parse(image).unwrap_or_else(|e| panic!("{image}: {e}")))
}

/// `product cycle` of each result, in order.
fn cycles(image: &str) -> Vec<String> {
    infos(image)
        .iter()
        .map(|c| format!("{} {}", c.product, c.cycle))
        .collect()
}

fn one(image: &str) -> CycleInfo {
    let mut v = infos(image);
    assert_eq!(v.len(), 1, "{image}: {v:?}");
    v.remove(0)
}

fn status_on(image: &str, day: &str) -> Vec<EolStatus> {
    infos(image)
        .iter()
        .map(|c| status(c, date(day), DEFAULT_SOON_DAYS))
        .collect()
}

fn ended(d: &str) -> EolStatus {
    EolStatus::Ended { date: date(d) }
}

#[track_caller]
fn check(image: &str, expected: &[&str]) {
    assert_eq!(cycles(image), expected, "{image}");
}

// --- Distributions -------------------------------------------------------------------

#[test]
fn alpine() {
    check("alpine:3.16", &["alpine-linux 3.16"]);
    check("alpine:3.18.4", &["alpine-linux 3.18"]);
    check("docker.io/library/alpine:3.21", &["alpine-linux 3.21"]);
    let info = one("alpine:3.16");
    assert_eq!(info.label, "Alpine Linux 3.16");
    assert_eq!(info.eol, Some(date("2024-05-23")));
    assert_eq!(info.support_kind, SupportKind::Security);
    assert_eq!(status(&info, today(), 90), ended("2024-05-23"));
    // Alpine 3.21 ends 2026-11-01: ended by the scan day; 3.22 (2027-05-01) is supported.
    assert_eq!(
        status_on("alpine:3.21", "2026-11-29"),
        [ended("2026-11-01")]
    );
    assert_eq!(
        status_on("alpine:3.22", "2026-11-29"),
        [EolStatus::Supported]
    );
    for tag in ["3", "edge", "latest", "20240101", "3.99"] {
        check(&format!("alpine:{tag}"), &[]);
    }
}

#[test]
fn debian_by_number_codename_and_slim() {
    check("debian:10", &["debian 10"]);
    check("debian:buster", &["debian 10"]);
    check("debian:buster-slim", &["debian 10"]);
    check("debian:10.13-slim", &["debian 10"]);
    check("debian:bookworm-20240101", &["debian 12"]);
    check("debian:bookworm-20240101-slim", &["debian 12"]);
    check("debian:12-slim", &["debian 12"]);
    check("debian:trixie", &["debian 13"]);
    check("debian:stretch", &["debian 9"]);
    check("debian:jessie", &["debian 8"]);
    check("bitnami/minideb:bullseye", &["debian 11"]);
    for tag in [
        "stable",
        "stable-slim",
        "oldstable",
        "testing",
        "sid",
        "unstable",
        "latest",
    ] {
        check(&format!("debian:{tag}"), &[]);
    }

    // Debian images get LTS updates: the date that counts is the LTS end.
    let buster = one("debian:buster-slim");
    assert_eq!(buster.label, "Debian 10 (Buster)");
    assert_eq!(buster.support_kind, SupportKind::DebianLts);
    assert_eq!(buster.eol, Some(date("2024-06-30")));
    assert_eq!(buster.regular_eol, Some(date("2022-09-10")));
    assert_eq!(status(&buster, today(), 90), ended("2024-06-30"));

    // Bookworm: regular security support ended 2026-07-11, LTS runs to 2028-06-30.
    let bookworm = one("debian:bookworm");
    assert_eq!(
        status(&bookworm, today(), 90),
        EolStatus::LtsOnly {
            regular_end: date("2026-07-11"),
            lts_end: date("2028-06-30")
        }
    );
    assert!(status(&bookworm, today(), 90).is_warning());
    assert_eq!(
        status(&bookworm, date("2026-07-10"), 90),
        EolStatus::Supported
    );
    assert_eq!(
        status(&bookworm, date("2028-05-01"), 90),
        EolStatus::EndsSoon {
            date: date("2028-06-30"),
            days: 60
        }
    );
    // Bullseye's LTS ended 2026-08-31.
    assert_eq!(
        status_on("debian:bullseye", "2026-11-29"),
        [ended("2026-08-31")]
    );
    assert_eq!(
        status_on("debian:trixie", "2026-11-29"),
        [EolStatus::Supported]
    );

    // Releases from before Debian LTS end with regular security support.
    let lenny = one("debian:5");
    assert_eq!(lenny.support_kind, SupportKind::Security);
    assert_eq!(lenny.regular_eol, None);
}

#[test]
fn ubuntu_by_number_and_codename() {
    check("ubuntu:18.04", &["ubuntu 18.04"]);
    check("ubuntu:bionic", &["ubuntu 18.04"]);
    check("ubuntu:focal-20240123", &["ubuntu 20.04"]);
    check("ubuntu:jammy", &["ubuntu 22.04"]);
    check("ubuntu:noble", &["ubuntu 24.04"]);
    check("ubuntu:22.04", &["ubuntu 22.04"]);
    for tag in ["22", "rolling", "devel", "latest"] {
        check(&format!("ubuntu:{tag}"), &[]);
    }
    let bionic = one("ubuntu:bionic");
    assert_eq!(bionic.label, "Ubuntu 18.04 (Bionic Beaver)");
    assert_eq!(bionic.support_kind, SupportKind::UbuntuStandard);
    // Standard support, not ESM (2028).
    assert_eq!(bionic.eol, Some(date("2023-05-31")));
    assert_eq!(bionic.regular_eol, None);
    assert_eq!(status(&bionic, today(), 90), ended("2023-05-31"));
    // Jammy ends 2027-04-01, 123 days after the scan day.
    let jammy = one("ubuntu:jammy");
    assert_eq!(status(&jammy, today(), 90), EolStatus::Supported);
    assert_eq!(
        status(&jammy, today(), 150),
        EolStatus::EndsSoon {
            date: date("2027-04-01"),
            days: 123
        }
    );
}

#[test]
fn centos() {
    check("centos:7", &["centos 7"]);
    check("centos:centos7", &["centos 7"]);
    check("centos:7.9.2009", &["centos 7"]);
    check("centos:centos7.9.2009", &["centos 7"]);
    check("centos:8", &["centos 8"]);
    check("quay.io/centos/centos:stream9", &["centos-stream 9"]);
    check("centos:stream8", &["centos-stream 8"]);
    check("centos:latest", &[]);
    assert_eq!(status_on("centos:7", "2026-11-29"), [ended("2024-06-30")]);
    assert_eq!(
        status_on("quay.io/centos/centos:stream9", "2026-11-29"),
        [EolStatus::Supported]
    );
}

#[test]
fn rocky_alma_fedora_amazon_oracle_opensuse() {
    check("rockylinux:9", &["rocky-linux 9"]);
    check("rockylinux:8.9-minimal", &["rocky-linux 8"]);
    check("rockylinux/rockylinux:9.3", &["rocky-linux 9"]);
    check("quay.io/rockylinux/rockylinux:8", &["rocky-linux 8"]);
    check("almalinux:9.3", &["almalinux 9"]);
    check("almalinux:8-minimal", &["almalinux 8"]);
    check("almalinux:8.9-20231124", &["almalinux 8"]);
    check("fedora:39", &["fedora 39"]);
    check("registry.fedoraproject.org/fedora:41", &["fedora 41"]);
    check("fedora:rawhide", &[]);
    check("amazonlinux:2", &["amazon-linux 2"]);
    check("amazonlinux:2.0.20231218.0", &["amazon-linux 2"]);
    check("amazonlinux:2023", &["amazon-linux 2023"]);
    check(
        "public.ecr.aws/amazonlinux/amazonlinux:2023.3.20240219.0",
        &["amazon-linux 2023"],
    );
    check("amazonlinux:2018.03", &["amazon-linux 2018.03"]);
    check("oraclelinux:7-slim", &["oracle-linux 7"]);
    check("oraclelinux:9", &["oracle-linux 9"]);
    check("opensuse/leap:15.5", &["opensuse 15.5"]);
    check(
        "registry.opensuse.org/opensuse/leap:15.6",
        &["opensuse 15.6"],
    );
    check("opensuse/leap:15", &[]);
    check("opensuse/tumbleweed:latest", &[]);

    assert_eq!(
        status_on("rockylinux:9", "2026-11-29"),
        [EolStatus::Supported]
    );
    assert_eq!(status_on("fedora:39", "2026-11-29"), [ended("2024-11-26")]);
    // Amazon Linux 2 ended 2026-06-30; on 2026-04-01 it was 90 days away.
    assert_eq!(
        status_on("amazonlinux:2", "2026-11-29"),
        [ended("2026-06-30")]
    );
    assert_eq!(
        status_on("amazonlinux:2", "2026-04-01"),
        [EolStatus::EndsSoon {
            date: date("2026-06-30"),
            days: 90
        }]
    );
    // Oracle Linux 7: premier support end, not the paid extended support.
    assert_eq!(
        status_on("oraclelinux:7-slim", "2026-11-29"),
        [ended("2024-12-31")]
    );
    assert_eq!(
        status_on("opensuse/leap:15.5", "2026-11-29"),
        [ended("2024-12-31")]
    );
}

// --- Language runtimes --------------------------------------------------------------

#[test]
fn node_and_its_distribution() {
    check("node:18", &["nodejs 18"]);
    check("node:18.17.1", &["nodejs 18"]);
    check("node:18-alpine3.16", &["nodejs 18", "alpine-linux 3.16"]);
    check("node:20.11.1-bookworm-slim", &["nodejs 20", "debian 12"]);
    check("node:16-bullseye", &["nodejs 16", "debian 11"]);
    check("node:18-alpine", &["nodejs 18"]);
    check("node:18-slim", &["nodejs 18"]);
    check("node:hydrogen-alpine", &["nodejs 18"]);
    check("node:iron", &["nodejs 20"]);
    check("node:lts-alpine3.18", &["alpine-linux 3.18"]);
    check("node:current-bookworm", &["debian 12"]);
    check("public.ecr.aws/docker/library/node:18", &["nodejs 18"]);
    check(
        "bitnami/node:18.19.0-debian-11-r5",
        &["nodejs 18", "debian 11"],
    );
    for tag in ["lts", "current", "latest", "alpine", "slim", "lts-slim"] {
        check(&format!("node:{tag}"), &[]);
    }
    let node18 = &infos("node:18-alpine3.16")[0];
    assert_eq!(node18.label, "Node.js 18");
    assert_eq!(status(node18, today(), 90), ended("2025-04-30"));
    assert_eq!(
        status_on("node:18-alpine3.16", "2026-11-29"),
        [ended("2025-04-30"), ended("2024-05-23")]
    );
    assert_eq!(status_on("node:24", "2026-11-29"), [EolStatus::Supported]);
}

#[test]
fn python_and_its_distribution() {
    check("python:3.8-slim-buster", &["python 3.8", "debian 10"]);
    check("python:3.8.10-slim", &["python 3.8"]);
    check(
        "python:3.12-alpine3.19",
        &["python 3.12", "alpine-linux 3.19"],
    );
    check("python:3.12-bookworm", &["python 3.12", "debian 12"]);
    check(
        "python:3.14.0rc1-slim-trixie",
        &["python 3.14", "debian 13"],
    );
    check("python:2.7", &["python 2.7"]);
    check("python:3.12-windowsservercore-ltsc2022", &["python 3.12"]);
    check("python:3", &[]);
    check("python:3-slim", &[]);
    check("python:slim-bookworm", &["debian 12"]);
    assert_eq!(
        status_on("python:3.8-slim-buster", "2026-11-29"),
        [ended("2024-10-07"), ended("2024-06-30")]
    );
    // Python 3.10 ends 2026-10-31.
    assert_eq!(
        status_on("python:3.10", "2026-10-01"),
        [EolStatus::EndsSoon {
            date: date("2026-10-31"),
            days: 30
        }]
    );
}

#[test]
fn golang() {
    check(
        "golang:1.20.5-alpine3.18",
        &["go 1.20", "alpine-linux 3.18"],
    );
    check("golang:1.20", &["go 1.20"]);
    check("golang:1.22rc1-bookworm", &["go 1.22", "debian 12"]);
    check("golang:alpine3.18", &["alpine-linux 3.18"]);
    check("golang:1", &[]);
    check("golang:1.9", &[]); // older than the data
    assert_eq!(
        status_on("golang:1.20", "2026-11-29"),
        [ended("2024-02-06")]
    );
    assert_eq!(
        status_on("golang:1.26", "2026-11-29"),
        [EolStatus::Supported]
    );
}

#[test]
fn php() {
    check("php:8.1-fpm-alpine3.18", &["php 8.1", "alpine-linux 3.18"]);
    check("php:7.4-apache-buster", &["php 7.4", "debian 10"]);
    check("php:8.2.10-cli-bookworm", &["php 8.2", "debian 12"]);
    check("php:8.3-zts", &["php 8.3"]);
    check("php:fpm-bookworm", &["debian 12"]);
    check("php:8", &[]);
    assert_eq!(
        status_on("php:8.1-fpm", "2026-11-29"),
        [ended("2025-12-31")]
    );
    assert_eq!(
        status_on("php:8.2-fpm", "2026-11-29"),
        [EolStatus::EndsSoon {
            date: date("2026-12-31"),
            days: 32
        }]
    );
}

#[test]
fn ruby() {
    check("ruby:3.2-slim-bookworm", &["ruby 3.2", "debian 12"]);
    check("ruby:2.7.8-alpine3.16", &["ruby 2.7", "alpine-linux 3.16"]);
    check("ruby:3", &[]);
    assert_eq!(status_on("ruby:3.2", "2026-11-29"), [ended("2026-03-31")]);
}

#[test]
fn java_images() {
    check(
        "eclipse-temurin:17-jre-jammy",
        &["eclipse-temurin 17", "ubuntu 22.04"],
    );
    check(
        "eclipse-temurin:17.0.9_9-jdk-focal",
        &["eclipse-temurin 17", "ubuntu 20.04"],
    );
    check(
        "eclipse-temurin:8u392-b08-jre-focal",
        &["eclipse-temurin 8", "ubuntu 20.04"],
    );
    check(
        "eclipse-temurin:21-jdk-alpine-3.21",
        &["eclipse-temurin 21", "alpine-linux 3.21"],
    );
    check("eclipse-temurin:21-jdk-alpine", &["eclipse-temurin 21"]);
    check(
        "eclipse-temurin:17-jdk-ubi9-minimal",
        &["eclipse-temurin 17"],
    );
    check(
        "amazoncorretto:17-al2023-jdk",
        &["amazon-corretto 17", "amazon-linux 2023"],
    );
    check(
        "amazoncorretto:8u392-al2",
        &["amazon-corretto 8", "amazon-linux 2"],
    );
    check(
        "amazoncorretto:21-alpine3.19",
        &["amazon-corretto 21", "alpine-linux 3.19"],
    );
    // The openjdk image's support is not in the data.
    for tag in ["8-jre", "11", "17-jdk-slim", "21"] {
        check(&format!("openjdk:{tag}"), &[]);
    }
    // Java 19 (non-LTS) is long gone; 17 is supported on the scan day.
    assert_eq!(
        status_on("eclipse-temurin:19", "2026-11-29"),
        [ended("2023-03-31")]
    );
    assert_eq!(
        status_on("eclipse-temurin:17-jre-jammy", "2026-11-29"),
        [EolStatus::Supported, EolStatus::Supported]
    );
}

#[test]
fn dotnet() {
    check("mcr.microsoft.com/dotnet/sdk:8.0", &["dotnet 8"]);
    check(
        "mcr.microsoft.com/dotnet/aspnet:6.0-bullseye-slim",
        &["dotnet 6", "debian 11"],
    );
    check(
        "mcr.microsoft.com/dotnet/runtime:8.0.1-alpine3.19",
        &["dotnet 8", "alpine-linux 3.19"],
    );
    check(
        "mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled",
        &["dotnet 8", "ubuntu 22.04"],
    );
    check("mcr.microsoft.com/dotnet/core/sdk:3.1", &["dotnet 3.1"]);
    check(
        "mcr.microsoft.com/dotnet/sdk:8.0-cbl-mariner2.0",
        &["dotnet 8"],
    );
    check("mcr.microsoft.com/dotnet/sdk:latest", &[]);
    check("mcr.microsoft.com/dotnet/framework/sdk:4.8", &[]);
    let net8 = one("mcr.microsoft.com/dotnet/sdk:8.0");
    assert_eq!(net8.label, "Microsoft .NET 8");
    assert_eq!(status(&net8, today(), 90), ended("2026-11-10"));
    assert_eq!(
        status(&net8, date("2026-11-09"), 90),
        EolStatus::EndsSoon {
            date: date("2026-11-10"),
            days: 1
        }
    );
}

#[test]
fn perl_erlang_elixir() {
    check("perl:5.36-slim-bullseye", &["perl 5.36", "debian 11"]);
    check("perl:5.38.0-threaded", &["perl 5.38"]);
    check("perl:5", &[]);
    check("perl:5.37", &[]); // development releases have no cycle
    check("erlang:26-alpine", &["erlang 26"]);
    check("erlang:25.3.2.6", &["erlang 25"]);
    check("erlang:26.2-slim", &["erlang 26"]);
    check("elixir:1.15-otp-26-alpine", &["elixir 1.15", "erlang 26"]);
    check("elixir:1.16.0-otp-26-slim", &["elixir 1.16", "erlang 26"]);
    check("elixir:1.14.5", &["elixir 1.14"]);
    check("elixir:1", &[]);
    assert_eq!(status_on("perl:5.36", "2026-11-29"), [ended("2025-05-27")]);
    assert_eq!(
        status_on("erlang:26-alpine", "2026-11-29"),
        [ended("2026-05-26")]
    );
    // Elixir 1.16 has no announced end: supported.
    let elixir = &infos("elixir:1.16")[0];
    assert_eq!(elixir.eol, None);
    assert_eq!(status(elixir, today(), 90), EolStatus::Supported);
    assert_eq!(
        status_on("elixir:1.14", "2026-11-29"),
        [ended("2025-10-16")]
    );
}

#[test]
fn bun_and_deno() {
    check("oven/bun:1-alpine", &["bun 1"]);
    check("oven/bun:1.1.20-debian", &["bun 1"]);
    check("denoland/deno:alpine-1.40.0", &["deno 1"]);
    check("denoland/deno:1.46.3", &["deno 1"]);
    // The version after a variant word is Deno's, never the distribution's.
    check("denoland/deno:debian-2.1.4", &["deno 2.1"]);
    check("denoland/deno:distroless", &[]);
}

// --- Servers and applications --------------------------------------------------------

#[test]
fn servers() {
    check(
        "postgres:16-alpine3.19",
        &["postgresql 16", "alpine-linux 3.19"],
    );
    check("postgres:16.1-bookworm", &["postgresql 16", "debian 12"]);
    check("postgres:9.6", &["postgresql 9.6"]);
    check(
        "bitnami/postgresql:15.4.0-debian-11-r10",
        &["postgresql 15", "debian 11"],
    );
    check("redis:7.2-bookworm", &["redis 7.2", "debian 12"]);
    check(
        "redis:6.2.14-alpine3.19",
        &["redis 6.2", "alpine-linux 3.19"],
    );
    check("redis:7", &[]);
    check(
        "nginx:1.25-alpine3.18-perl",
        &["nginx 1.25", "alpine-linux 3.18"],
    );
    check("nginx:1.27.0-bookworm", &["nginx 1.27", "debian 12"]);
    check("nginx:mainline-bookworm", &["debian 12"]);
    check("nginx:stable-alpine", &[]);
    check("mysql:8.0-oraclelinux8", &["mysql 8.0", "oracle-linux 8"]);
    check("mysql:8.0.35-debian", &["mysql 8.0"]);
    check("mysql:8", &[]);
    check("mariadb:10.6-focal", &["mariadb 10.6", "ubuntu 20.04"]);
    check("mongo:4.4-focal", &["mongodb 4.4", "ubuntu 20.04"]);
    check("mongo:7.0.4-jammy", &["mongodb 7.0", "ubuntu 22.04"]);
    check("httpd:2.4-alpine", &["apache-http-server 2.4"]);
    check(
        "httpd:2.4.58-bookworm",
        &["apache-http-server 2.4", "debian 12"],
    );
    check("rabbitmq:3.12-management-alpine", &["rabbitmq 3.12"]);
    check("haproxy:2.8-bookworm", &["haproxy 2.8", "debian 12"]);
    check("haproxy:lts", &[]);
    check("memcached:1.6.22-alpine", &["memcached 1.6"]);
    check("traefik:v2.10", &["traefik 2.10"]);
    check("traefik:2.11.2", &["traefik 2.11"]);
    check("traefik:v2", &[]);
    check("elasticsearch:7.17.10", &["elasticsearch 7"]);
    check("docker.elastic.co/kibana/kibana:8.19.2", &["kibana 8.19"]);
    // 8.11 is older than the cycles the data lists: unknown, not 8.x.
    check("docker.elastic.co/elasticsearch/elasticsearch:8.11.3", &[]);

    assert_eq!(
        status_on("postgres:12", "2026-11-29"),
        [ended("2024-11-21")]
    );
    assert_eq!(status_on("redis:7.0", "2026-11-29"), [ended("2024-07-29")]);
    assert_eq!(status_on("mongo:4.4", "2026-11-29"), [ended("2024-02-29")]);
    // httpd 2.4 has no announced end.
    assert_eq!(status_on("httpd:2.4", "2026-11-29"), [EolStatus::Supported]);
}

#[test]
fn tomcat_and_its_java() {
    check(
        "tomcat:10.1-jdk21-temurin-jammy",
        &["tomcat 10.1", "eclipse-temurin 21", "ubuntu 22.04"],
    );
    check(
        "tomcat:8.5-jdk8-corretto-al2",
        &["tomcat 8.5", "amazon-corretto 8", "amazon-linux 2"],
    );
    check(
        "tomcat:9.0.85-jre17-temurin",
        &["tomcat 9.0", "eclipse-temurin 17"],
    );
    // Without a named vendor, or with the openjdk builds, the JDK's support is unknown.
    check("tomcat:9.0-jdk17", &["tomcat 9.0"]);
    check("tomcat:9.0-jdk11-openjdk-slim", &["tomcat 9.0"]);
    check("tomcat:7", &["tomcat 7"]);
    check("tomcat:7.0.109", &["tomcat 7"]);
    check("tomcat:9", &[]);
    check("tomcat:jdk17-temurin", &["eclipse-temurin 17"]);
    assert_eq!(status_on("tomcat:8.5", "2026-11-29"), [ended("2024-03-31")]);
}

#[test]
fn wordpress_and_drupal_name_php() {
    check("wordpress:6.4-php8.2-apache", &["wordpress 6.4", "php 8.2"]);
    check("wordpress:php8.1-fpm-alpine", &["php 8.1"]);
    // WP-CLI images: `2.9` is the CLI's version, not WordPress's.
    check("wordpress:cli-2.9-php8.1", &["php 8.1"]);
    check(
        "drupal:10.2-php8.3-apache-bookworm",
        &["drupal 10.2", "php 8.3", "debian 12"],
    );
    check("drupal:7", &["drupal 7"]);
}

#[test]
fn build_and_distroless_images() {
    check("buildpack-deps:bookworm", &["debian 12"]);
    check("buildpack-deps:jammy-scm", &["ubuntu 22.04"]);
    check("buildpack-deps:bullseye-curl", &["debian 11"]);
    check("buildpack-deps:stable", &[]);
    check("gcr.io/distroless/static-debian12", &["debian 12"]);
    check("gcr.io/distroless/static-debian12:nonroot", &["debian 12"]);
    check(
        "gcr.io/distroless/base-debian11@sha256:4c5b8d8e2b1f3f6e0f6e7d2a9b1c3d4e5f60718293a4b5c6d7e8f90112233445",
        &["debian 11"],
    );
    check(
        "gcr.io/distroless/nodejs18-debian11:nonroot",
        &["nodejs 18", "debian 11"],
    );
    check("gcr.io/distroless/java17-debian12", &["debian 12"]);
    check("gcr.io/distroless/static", &[]);
    check("gcr.io/distroless/java:11", &[]);
    check("gcr.io/other/static-debian12", &[]);
}

// --- What is never guessed ----------------------------------------------------------

#[test]
fn unknown_images_name_nothing() {
    check("myapp:1.0", &[]);
    check("acme/node:18", &[]);
    check("ghcr.io/acme/node:18", &[]);
    check("registry.example.com/library/node:18", &[]);
    check("localhost:5000/python:3.8", &[]);
    check("scratch", &[]);
    check("busybox:1.36", &[]);
    check("cgr.dev/chainguard/node:latest", &[]);
    check("registry.access.redhat.com/ubi9/ubi:9.3", &[]);
}

#[test]
fn references_without_a_tag_name_nothing() {
    let hex = "4c5b8d8e2b1f3f6e0f6e7d2a9b1c3d4e5f60718293a4b5c6d7e8f90112233445";
    check("node", &[]);
    check("debian", &[]);
    check(&format!("node@sha256:{hex}"), &[]);
    // With a tag, the digest pins that tag's content; the tag still names the cycle.
    check(&format!("node:18@sha256:{hex}"), &["nodejs 18"]);
}

#[test]
fn channel_tags_are_never_guessed() {
    for (name, _) in images::IMAGES {
        for tag in [
            "latest", "lts", "current", "stable", "mainline", "edge", "rolling", "slim", "alpine",
            "nightly", "devel",
        ] {
            let image = format!("{name}:{tag}");
            assert_eq!(cycles(&image), Vec::<String>::new(), "{image}");
        }
    }
}

// --- Status boundaries ----------------------------------------------------------------

#[test]
fn status_boundaries() {
    // CentOS 7 ended 2024-06-30.
    let centos = one("centos:7");
    let on = |day: &str, soon: i64| status(&centos, date(day), soon);
    assert_eq!(on("2024-06-30", 90), ended("2024-06-30"));
    assert_eq!(on("2030-01-01", 90), ended("2024-06-30"));
    assert_eq!(
        on("2024-06-29", 90),
        EolStatus::EndsSoon {
            date: date("2024-06-30"),
            days: 1
        }
    );
    assert_eq!(
        on("2024-04-01", 90),
        EolStatus::EndsSoon {
            date: date("2024-06-30"),
            days: 90
        }
    );
    assert_eq!(on("2024-03-31", 90), EolStatus::Supported);
    assert_eq!(on("2024-06-29", 0), EolStatus::Supported);
    assert_eq!(on("2024-06-29", -5), EolStatus::Supported);
    assert!(on("2024-06-30", 90).is_ended());
    assert!(!on("2024-06-30", 90).is_warning());
    assert!(on("2024-06-29", 90).is_warning());
    assert!(!on("2024-03-31", 90).is_warning() && !on("2024-03-31", 90).is_ended());

    // Debian 10: regular support to 2022-09-10, LTS to 2024-06-30.
    let buster = one("debian:10");
    let on = |day: &str| status(&buster, date(day), 90);
    assert_eq!(on("2022-09-09"), EolStatus::Supported);
    let lts_only = EolStatus::LtsOnly {
        regular_end: date("2022-09-10"),
        lts_end: date("2024-06-30"),
    };
    assert_eq!(on("2022-09-10"), lts_only);
    assert_eq!(on("2024-03-31"), lts_only);
    assert_eq!(
        on("2024-04-01"),
        EolStatus::EndsSoon {
            date: date("2024-06-30"),
            days: 90
        }
    );
    assert_eq!(on("2024-06-30"), ended("2024-06-30"));
}

// --- The table ---------------------------------------------------------------------------

#[test]
fn table_info_names_the_source() {
    let info = table_info();
    assert_eq!(info.commit, "a70eca337600e7d721dc48112c271f98661d208b");
    assert_eq!(info.data_date, Some(date("2026-08-22")));
    assert_eq!(info.license, "MIT");
    assert!(info.source.contains("endoflife.date"));
    assert_eq!(info.products, known_products().len());
    assert_eq!(
        info.cycles,
        known_products()
            .iter()
            .map(|p| p.cycles.len())
            .sum::<usize>()
    );
}

#[test]
fn every_product_is_reachable_and_every_mapping_has_data() {
    let products = known_products();
    for p in &products {
        assert!(!p.images.is_empty(), "{} has no image mapping", p.key);
    }
    let keys: Vec<&str> = products.iter().map(|p| p.key).collect();
    for (name, family) in images::IMAGES {
        for product in family.products() {
            assert!(keys.contains(product), "{name} maps to unknown {product}");
        }
    }
    let node = products.iter().find(|p| p.key == "nodejs").unwrap();
    assert_eq!(node.title, "Node.js");
    assert!(node.images.contains(&"node"));
    assert!(
        node.images
            .contains(&"gcr.io/distroless/nodejs<N>-debian<N>")
    );
    let debian = products.iter().find(|p| p.key == "debian").unwrap();
    assert_eq!(debian.support_kind, SupportKind::DebianLts);
    assert!(debian.images.contains(&"buildpack-deps"));
    assert!(debian.images.contains(&"debian"));
    assert_eq!(debian.cycles[0].cycle, "13");
}

#[test]
fn support_kinds_describe_what_ends() {
    assert_eq!(SupportKind::Security.to_string(), "security support");
    assert!(SupportKind::DebianLts.describe().contains("LTS"));
    assert!(SupportKind::UbuntuStandard.describe().contains("ESM"));
    let json = serde_json::to_value(one("debian:10")).unwrap();
    assert_eq!(json["support_kind"], "debian-lts");
    assert_eq!(json["eol"], "2024-06-30");
    assert_eq!(json["regular_eol"], "2022-09-10");
}

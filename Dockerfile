# seaworthy as a container image: one static binary on a distroless base, no shell, no
# package manager, running as an unprivileged numeric user.
#
#   docker run --rm -v "$PWD:/src:ro" ghcr.io/seaworthy-dev/seaworthy:0.1.0 check .
#
# Both base images are pinned by digest. docs/ci.md ("Our container image") says how the
# digests were chosen and how to update them; the release workflow builds this file for
# linux/amd64 and linux/arm64.

# Build stage: compiles a static musl binary. Nothing of this stage ships except the binary.
FROM rust:1.97.1-slim-trixie@sha256:8e8cf8f7fd54a2d23d5a743b3a03f56e26b6c774276c33fa0595111704ebb15c AS build
ARG TARGETARCH
WORKDIR /build
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
RUN case "${TARGETARCH:-amd64}" in \
        amd64) target=x86_64-unknown-linux-musl ;; \
        arm64) target=aarch64-unknown-linux-musl ;; \
        *) echo "no static Rust target for TARGETARCH=${TARGETARCH}" >&2; exit 1 ;; \
    esac \
    && rustup target add "$target" \
    && cargo build --release --locked --target "$target" --bin seaworthy \
    && install -D -m 0555 "target/$target/release/seaworthy" /out/seaworthy

# Final stage: the distroless "static" image holds CA certificates, time zone data and an
# /etc/passwd entry for the nonroot user (65532); it has no shell and no package manager.
FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
LABEL org.opencontainers.image.title="seaworthy" \
      org.opencontainers.image.description="Audits container builds (Dockerfiles, build contexts, compose files) against a container-security checklist" \
      org.opencontainers.image.source="https://github.com/seaworthy-dev/seaworthy" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/seaworthy /usr/local/bin/seaworthy
WORKDIR /src
USER 65532:65532
# A command-line tool that exits when the check is done, not a service: nothing to probe.
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/seaworthy"]
CMD ["check", "."]

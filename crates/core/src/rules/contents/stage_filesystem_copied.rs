use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage or image>` whose source is the whole root filesystem of
    /// the other stage or image: `/`, `/.`, `.`, `./`, `/*` (sources of `COPY --from` are
    /// relative to that filesystem's root). Copying a directory such as `/out/` or
    /// `/target/` is what multi-stage builds are for and is not reported. A source given by a
    /// build argument without a value is not guessed.
    ///
    /// ## Why is this bad?
    /// Copying a stage's whole filesystem brings everything the build installed along:
    /// compilers, package caches, sources and secrets that were only meant for the build.
    /// It undoes the separation a multi-stage build gives, and the resulting single layer
    /// hides where each file came from.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    ///
    /// FROM scratch
    /// COPY --from=build / /
    /// CMD ["/out/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23.4 AS build
    /// WORKDIR /src
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app
    ///
    /// FROM scratch
    /// COPY --from=build /out/app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## References
    /// - [Docker docs: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - Similar: hadolint DL3067
    pub struct StageFilesystemCopied {
        code: "SW407",
        name: "stage-filesystem-copied",
        steps: [MultiStage],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: ["hadolint:DL3067"],
        summary: "COPY --from copies a whole filesystem",
    }
}

impl Rule for StageFilesystemCopied {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Copy {
                continue;
            }
            let Some((flag, value)) = instr.flag_value("from") else {
                continue;
            };
            let args = &instr.data.args;
            let Some((_, sources)) = args.split_last() else {
                continue;
            };
            let from_text = value.map_or_else(
                || flag.value.clone().unwrap_or_default(),
                |v| v.text.clone(),
            );
            let whose = match instr.data.copy_sources.first().map(|(_, s)| s) {
                Some(CopySource::Stage(i)) => format!("stage {}", df.stages[*i].label()),
                Some(CopySource::Image(image)) => format!("image `{}`", image.text),
                _ => format!("`{from_text}`"),
            };
            for source in sources {
                if source.unknown || !is_root(&source.text) {
                    continue;
                }
                cx.report(
                    source.span,
                    format!(
                        "`COPY --from={from_text} {}` copies the whole filesystem of {whose}",
                        source.raw
                    ),
                )
                .help("Copy only the files the image needs (the built binary, its assets) from the other stage");
            }
        }
    }
}

/// `/`, `/.`, `.`, `./`, `/*`, `./*`, `*`: the root of the source filesystem.
fn is_root(path: &str) -> bool {
    let p = path.trim();
    let p = p.strip_prefix("./").map_or(p, |rest| if rest.is_empty() { "." } else { rest });
    matches!(p, "/" | "/." | "." | "/*" | "*" | "/./" | "//")
}

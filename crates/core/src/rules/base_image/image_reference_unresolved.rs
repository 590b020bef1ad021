use crate::prelude::*;
use crate::syntax::expand;

declare_rule! {
    /// ## What it does
    /// Flags image references that depend on a build argument without a value: `FROM
    /// $BASE` after `ARG BASE`, `FROM node:${NODE_VERSION}` with no default, `COPY
    /// --from=$TOOLS_IMAGE`. The value only exists at build time (`--build-arg`), so no
    /// rule can tell which image is pulled, whether it is pinned, or whether it is still
    /// supported; the other base-image rules stay quiet on such references. Give the `ARG`
    /// a default (or pass the value with `--build-arg` or compose `build.args` when
    /// checking) and they apply again.
    ///
    /// ## Why is this bad?
    /// A reference that is only known at build time moves the decision out of the reviewed
    /// Dockerfile into whatever the CI job or developer passes: a `latest` tag, an
    /// end-of-life release, or an image from an unknown registry can slip in without any
    /// change to the file, and the pinning checks cannot see it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG BASE_IMAGE
    /// FROM ${BASE_IMAGE}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG BASE_IMAGE=node:22.11-bookworm-slim
    /// FROM ${BASE_IMAGE}
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    /// - Similar: SW101, SW103
    pub struct ImageReferenceUnresolved {
        code: "SW109",
        name: "image-reference-unresolved",
        steps: [PinnedVersions],
        severity: Info,
        fix: Never,
        set: Extended,
        precision: VeryHigh,
        cwe: [1357],
        equivalents: [],
        summary: "Image reference depends on a build argument without a value",
    }
}

/// What a reference depends on: "`BASE`, which has no value before the build".
fn dependency(raw: &str, escape: char) -> String {
    let mut names: Vec<String> = Vec::new();
    for r in expand::references(raw, escape) {
        if !names.contains(&r.name) {
            names.push(r.name);
        }
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => "a value unknown before the build".to_owned(),
        [one] => format!("{one}, which has no value before the build"),
        many => format!("{}, not all known before the build", many.join(", ")),
    }
}

impl Rule for ImageReferenceUnresolved {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let escape = df.ast.escape;
        let mut found: Vec<(Span, String, &'static str)> = Vec::new();
        for stage in &df.stages {
            if stage.base == Base::Unresolved {
                found.push((stage.image.span, stage.image.raw.clone(), "The base image"));
            }
        }
        for instr in df.instructions() {
            for (span, source) in &instr.data.copy_sources {
                if *source == CopySource::Unresolved {
                    let what = if instr.keyword() == Keyword::Run {
                        "The `--mount` source"
                    } else {
                        "The `--from` source"
                    };
                    found.push((*span, df.file.slice(*span).to_owned(), what));
                }
            }
        }
        found.sort_by_key(|(span, _, _)| *span);
        for (span, raw, what) in found {
            let depends = dependency(&raw, escape);
            cx.report(
                span,
                format!("{what} `{raw}` depends on {depends}, so its image and pin cannot be checked"),
            )
            .help("Give the `ARG` a pinned default, for example `ARG BASE=node:22.11-bookworm-slim`");
        }
    }
}

use crate::dockerfile::Stage;
use crate::knowledge::suggest;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks where `COPY --from=…` and `RUN --mount=…,from=…` take files from, and reports a
    /// reference the build cannot resolve:
    /// - the stage the instruction is in (`FROM … AS dep` then `COPY --from=dep`);
    /// - a stage defined further down the file, by name or by index;
    /// - an index past the last stage (`--from=5` in a file with two stages);
    /// - a name that is no stage and not a valid image reference either (`--from=Build_Stage!`);
    /// - a variable (`--from=$BUILDER`): BuildKit does not expand variables in `from`.
    ///
    /// A name that matches no stage but is a valid image reference (`--from=nginx:1.27`) is an
    /// image to copy from and is not reported here.
    ///
    /// ## Why is this bad?
    /// Each of these fails the build: BuildKit refuses a stage that copies from itself or from
    /// a stage it has not built yet, and an unexpanded `$BUILDER` or an invalid name is not an
    /// image it can pull. The mistake usually hides a rename or a reordering of stages that
    /// left a reference behind.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// COPY --from=build /go/bin/app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /go/bin/app ./cmd/app
    ///
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY --from=build /go/bin/app /usr/local/bin/app
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - [Multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - Similar: hadolint DL3022, DL3023; Trivy DS006; KICS "COPY '--from' References
    ///   Current FROM Alias"
    pub struct CopyFromUnknownStage {
        code: "SW802",
        name: "copy-from-unknown-stage",
        steps: [MultiStage],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [
            "hadolint:DL3022",
            "hadolint:DL3023",
            "trivy:DS006",
            "kics:copy_from_references_current_from_alias",
        ],
        summary: "COPY --from names a stage that does not exist before it",
    }
}

impl Rule for CopyFromUnknownStage {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let Some(stage) = instr.stage() else { continue };
            // How the reference reads: `--from=x` on COPY, `from=x` inside `--mount`.
            let flag = if instr.keyword() == Keyword::Run { "from=" } else { "--from=" };
            for (span, source) in &instr.data.copy_sources {
                let raw = df.file.slice(*span);
                if raw.contains('$') {
                    cx.report(
                        *span,
                        format!("`{flag}{raw}` uses a variable, which BuildKit does not expand in `{flag}`"),
                    )
                    .help(format!("Declare a stage from the variable (`FROM ${{IMAGE}} AS source`, with the `ARG` before the first `FROM`) and use `{flag}source`"));
                    continue;
                }
                let name = match source {
                    CopySource::Unknown(name) => name.as_str(),
                    // A valid image reference may still be the name of a later stage.
                    CopySource::Image(image) => image.text.as_str(),
                    CopySource::Stage(_) | CopySource::Unresolved => continue,
                };
                let Some((message, help)) =
                    problem(df, stage, &format!("{flag}{name}"), name, matches!(source, CopySource::Image(_)))
                else {
                    continue;
                };
                cx.report(*span, message).help(help);
            }
        }
    }
}

/// What is wrong with `from=name` in stage `stage`, if anything.
/// `shown` is the reference as the message quotes it (`--from=build`).
fn problem(
    df: &Dockerfile<'_>,
    stage: usize,
    shown: &str,
    name: &str,
    valid_image: bool,
) -> Option<(String, String)> {
    let count = df.stages.len();
    if let Ok(n) = name.parse::<usize>() {
        return Some(if n == stage {
            (
                format!("`{shown}` names the stage it is in"),
                "Copy from an earlier stage, or build the files in this one".to_owned(),
            )
        } else if n < count {
            (
                format!("`{shown}` names a stage defined further down (line {})", from_line(df, n)),
                "Move that stage above this one: a stage can only use stages defined before it".to_owned(),
            )
        } else {
            (
                format!(
                    "`{shown}` names no stage: the file has {count} stage{}, numbered from 0",
                    if count == 1 { "" } else { "s" }
                ),
                "Use the index or, better, the name of an earlier stage".to_owned(),
            )
        });
    }
    let named = |s: &Stage| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(name));
    if named(&df.stages[stage]) {
        return Some((
            format!("`{shown}` names the stage it is in"),
            "Copy from an earlier stage, or build the files in this one".to_owned(),
        ));
    }
    if let Some(later) = df.stages[stage + 1..].iter().find(|s| named(s)) {
        return Some((
            format!(
                "`{shown}` names a stage defined further down (line {})",
                from_line(df, later.index)
            ),
            "Move that stage above this one: a stage can only use stages defined before it".to_owned(),
        ));
    }
    if valid_image {
        return None;
    }
    let names = df
        .stages
        .iter()
        .filter_map(|s| s.name.as_ref().map(|n| n.value.as_str()));
    let help = match suggest::closest(name, names) {
        Some(s) => format!("Did you mean `{s}`? Name an earlier stage or a valid image reference"),
        None => "Name an earlier stage or a valid image reference".to_owned(),
    };
    Some((
        format!("`{shown}` names no earlier stage and is not a valid image reference"),
        help,
    ))
}

fn from_line(df: &Dockerfile<'_>, stage: usize) -> u32 {
    df.file.line_col(df.instr(df.stages[stage].from).span().start).line
}

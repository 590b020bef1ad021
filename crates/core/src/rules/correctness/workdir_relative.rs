use std::rc::Rc;

use crate::prelude::*;
use crate::syntax::docker_glob::clean_path;

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` whose path, after build arguments and `ENV` values are expanded, is
    /// not absolute, in every stage. Windows paths with a drive letter (`C:\app`) count as
    /// absolute. A path that starts with a value unknown before the build (`WORKDIR
    /// $APP_HOME/bin` with `APP_HOME` from the base image) is not reported: it may well be
    /// absolute.
    ///
    /// The message says what the path resolves against: the previous `WORKDIR` of the stage
    /// (or of the stages it is built `FROM`), or the working directory of the base image. When
    /// the previous `WORKDIR` is known, the help names the absolute path to write instead.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against whatever the working directory happens to be:
    /// the base image's, which changes when the base image changes, or an earlier `WORKDIR`
    /// that a reader has to track down. `COPY`, `RUN` and the container's command then work in
    /// a directory nobody chose explicitly. An absolute path says where files go.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// WORKDIR app
    /// COPY . .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [BuildKit check WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)
    /// - Similar: hadolint DL3000; Trivy DS009; Checkov CKV_DOCKER_10; KICS "WORKDIR Path Not
    ///   Absolute"; BuildKit WorkdirRelativePath (which reports only the first `WORKDIR` of a
    ///   stage)
    pub struct WorkdirRelative {
        code: "SW801",
        name: "workdir-relative",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: [
            "hadolint:DL3000",
            "trivy:DS009",
            "checkov:CKV_DOCKER_10",
            "kics:workdir_path_not_absolute",
            "buildkit:WorkdirRelativePath",
        ],
        summary: "WORKDIR path is relative",
    }
}

/// The last `WORKDIR` of a stage so far, with the working directory it leaves when known.
type Last<'d> = Option<(&'d Value, Option<Rc<str>>)>;

/// Longest working directory followed (Linux's `PATH_MAX`): a longer one cannot exist, and
/// following thousands of relative `WORKDIR`s would build paths as long as the file.
const MAX_PATH_LEN: usize = 4096;

impl Rule for WorkdirRelative {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        // One pass: each stage starts from the state of the stage it is built `FROM`.
        let mut last_of_stage: Vec<Last<'_>> = vec![None; df.stages.len()];
        for instr in df.instructions() {
            let Some(stage) = instr.stage() else { continue };
            if instr.index == df.stages[stage].from {
                last_of_stage[stage] = match df.stages[stage].base {
                    Base::Stage(parent) if parent < stage => last_of_stage[parent].clone(),
                    _ => None,
                };
                continue;
            }
            if instr.keyword() != Keyword::Workdir {
                continue;
            }
            let Some(value) = instr.data.args.first() else {
                continue;
            };
            let previous = last_of_stage[stage].clone();
            last_of_stage[stage] = Some((value, next_dir(value, previous.as_ref())));
            let path = value.text.trim();
            // An unknown value keeps its variable text: when it comes first, the path may be
            // absolute once expanded.
            if path.is_empty() || is_absolute(path) || (value.unknown && path.starts_with('$')) {
                continue;
            }
            let shown = if value.raw.trim() == path {
                format!("`WORKDIR {path}`")
            } else {
                format!("`WORKDIR {}` (= `{path}`)", value.raw.trim())
            };
            let (against, help) = match previous {
                Some((prev, Some(dir))) => {
                    let line = df.file.line_col(prev.span.start).line;
                    let help = if value.unknown {
                        "Write the absolute path the stage should work in".to_owned()
                    } else {
                        format!(
                            "Write the absolute path: `WORKDIR {}`",
                            clean_path(&format!("{dir}/{path}"))
                        )
                    };
                    (format!("the previous working directory `{dir}` (line {line})"), help)
                }
                Some((prev, None)) => {
                    let line = df.file.line_col(prev.span.start).line;
                    (
                        format!(
                            "the working directory left by `WORKDIR {}` (line {line}), which is not known before the build",
                            prev.raw.trim()
                        ),
                        "Write the absolute path the stage should work in".to_owned(),
                    )
                }
                None => (
                    "the base image's working directory".to_owned(),
                    "Use an absolute path, such as `WORKDIR /app`".to_owned(),
                ),
            };
            cx.report(
                value.span,
                format!("{shown} is relative to {against}"),
            )
            .help(help);
        }
    }
}

/// A Unix absolute path, a Windows path with a drive letter, or a Windows rooted path.
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    match b {
        [b'/' | b'\\', ..] => true,
        [drive, b':'] | [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

/// The working directory a `WORKDIR` leaves, when known: every `WORKDIR` up to it known and
/// the first of them absolute (Unix paths only), and no longer than [`MAX_PATH_LEN`].
fn next_dir(value: &Value, previous: Option<&(&Value, Option<Rc<str>>)>) -> Option<Rc<str>> {
    let text = value.text.trim();
    let dir = if value.unknown {
        None
    } else if text.starts_with('/') {
        Some(clean_path(text))
    } else {
        previous
            .and_then(|(_, dir)| dir.as_ref())
            .filter(|_| !is_absolute(text))
            .map(|dir| clean_path(&format!("{dir}/{text}")))
    };
    dir.filter(|d| d.len() <= MAX_PATH_LEN).map(Rc::from)
}

#[cfg(test)]
mod tests {
    use super::is_absolute;

    #[test]
    fn absolute_paths() {
        for p in ["/", "/app", "C:\\app", "c:/app", "D:", "\\app"] {
            assert!(is_absolute(p), "{p}");
        }
        for p in ["app", "./app", "../app", "~/app", "C", "1:/x", ":/x"] {
            assert!(!is_absolute(p), "{p}");
        }
    }
}

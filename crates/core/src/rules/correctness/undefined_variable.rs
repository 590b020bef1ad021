use crate::dockerfile::Undeclared;
use crate::knowledge::suggest;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `$VAR` or `${VAR}` in an instruction that BuildKit expands (`FROM`, `COPY`,
    /// `ADD`, `ENV`, `ARG` defaults, `LABEL`, `EXPOSE`, `USER`, `WORKDIR`, `VOLUME`,
    /// `STOPSIGNAL` and instruction flags such as `--chown` or `--mount`) when no `ARG` or
    /// `ENV` in scope defines it. Shell-form `RUN`, `CMD` and `ENTRYPOINT` are not checked:
    /// their variables are the shell's business. `${VAR:-default}`, `${VAR:+x}` and the other
    /// forms with a fallback are deliberate and not reported.
    ///
    /// BuildKit's UndefinedVar check also reads the base image's environment, which seaworthy
    /// cannot see. So a name is only reported when it is certainly not what the author meant
    /// it to be:
    /// - in `FROM` lines, which only see the `ARG`s declared before the first `FROM`;
    /// - in stages built from `scratch` (directly or through other stages), which inherit no
    ///   environment;
    /// - BuildKit's platform arguments (`TARGETARCH`, `TARGETOS`, `TARGETPLATFORM`,
    ///   `TARGETVARIANT`, `BUILDPLATFORM`, `BUILDOS`, `BUILDARCH`, `BUILDVARIANT`) used in a
    ///   stage without `ARG TARGETARCH`: they are only predefined for `FROM` lines;
    /// - a name declared by an `ARG` before the first `FROM` but not in this stage, by an `ARG`
    ///   of an unrelated stage, or by an `ARG` further down in this stage. (BuildKit passes a
    ///   stage's `ARG`s on to the stages built `FROM` it, so those are defined.)
    ///
    /// Any other undefined name in a stage built from an image is not reported, since the
    /// image may define it (`$JAVA_HOME`, `$NODE_VERSION`, `$HOME` in images that set it).
    /// `PATH` is never reported in a stage: BuildKit always defines it.
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to an empty string without any error: `COPY app
    /// /opt/$APP_NAME/` copies into `/opt/`, `LABEL version=$VERSION` records nothing, and
    /// `--platform`-aware downloads fetch the wrong architecture. The build succeeds and the
    /// image is wrong.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM alpine:3.21
    /// LABEL org.opencontainers.image.version=$VERSION
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM alpine:3.21
    /// ARG VERSION
    /// LABEL org.opencontainers.image.version=$VERSION
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: ARG scope](https://docs.docker.com/reference/dockerfile/#scope)
    /// - [Dockerfile reference: automatic platform ARGs](https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope)
    /// - [BuildKit check UndefinedVar](https://docs.docker.com/reference/build-checks/undefined-var/)
    /// - Similar: BuildKit UndefinedVar, UndefinedArgInFrom
    pub struct UndefinedVariable {
        code: "SW812",
        name: "undefined-variable",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [456],
        equivalents: ["buildkit:UndefinedVar", "buildkit:UndefinedArgInFrom"],
        summary: "Variable used in an instruction is not defined",
    }
}

/// BuildKit's automatic platform arguments: predefined in the global scope only.
const PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Build arguments BuildKit reads itself and never reports.
const BUILDKIT_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// Where an `ARG` is declared.
struct ArgDecl<'a> {
    name: &'a str,
    /// `None` before the first `FROM`.
    stage: Option<usize>,
    line: u32,
}

impl Rule for UndefinedVariable {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let mut args: Vec<ArgDecl<'_>> = Vec::new();
        for instr in df.instructions() {
            if instr.keyword() == Keyword::Arg {
                let line = df.file.line_col(instr.span().start).line;
                for pair in &instr.data.pairs {
                    args.push(ArgDecl {
                        name: &pair.key.text,
                        stage: instr.stage(),
                        line,
                    });
                }
            }
        }
        for instr in df.instructions() {
            let is_from = instr.keyword() == Keyword::From;
            for undeclared in &instr.data.undeclared {
                let name = undeclared.name.as_str();
                if BUILDKIT_ARGS.contains(&name) || (!is_from && name == "PATH") {
                    continue;
                }
                let Some((message, help)) = explain(df, &instr, is_from, undeclared, &args) else {
                    continue;
                };
                cx.report(undeclared.span, message).help(help);
            }
        }
    }
}

fn explain(
    df: &Dockerfile<'_>,
    instr: &Instr<'_>,
    is_from: bool,
    undeclared: &Undeclared,
    args: &[ArgDecl<'_>],
) -> Option<(String, String)> {
    let name = undeclared.name.as_str();
    let stage = instr.stage();
    // BuildKit passes a stage's `ARG`s on to the stages built `FROM` it.
    if let Some(s) = stage {
        if !is_from {
            let ancestors = ancestors(df, s);
            if args
                .iter()
                .any(|a| a.name == name && a.stage.is_some_and(|st| ancestors.contains(&st)))
            {
                return None;
            }
        }
    }
    let global = args.iter().find(|a| a.name == name && a.stage.is_none());
    let other_stage = args
        .iter()
        .find(|a| a.name == name && a.stage.is_some() && a.stage != stage);
    if is_from {
        let global_names = args.iter().filter(|a| a.stage.is_none()).map(|a| a.name);
        let (why, help) = match other_stage {
            Some(decl) => (
                format!(
                    "it is declared by `ARG` in a stage (line {}), and `FROM` only sees the `ARG`s declared before the first `FROM`",
                    decl.line
                ),
                format!("Declare `ARG {name}` before the first `FROM`"),
            ),
            None => (
                "no `ARG` before the first `FROM` declares it".to_owned(),
                format!("Declare `ARG {name}=<default>` before the first `FROM`, or fix the name"),
            ),
        };
        return Some((
            with_suggestion(format!("`${name}` is not defined: {why}"), name, global_names.chain(PLATFORM_ARGS)),
            help,
        ));
    }
    if PLATFORM_ARGS.contains(&name) {
        return Some((
            format!("`${name}` is not declared in this stage: BuildKit predefines it for `FROM` lines only"),
            format!("Add `ARG {name}` to the stage before this instruction"),
        ));
    }
    if let Some(decl) = global {
        return Some((
            format!(
                "`${name}` refers to the `ARG` declared before the first `FROM` (line {}), which a stage only sees after `ARG {name}`",
                decl.line
            ),
            format!("Add `ARG {name}` (without a value, to keep the default) to the stage"),
        ));
    }
    let here = df.file.line_col(undeclared.span.start).line;
    if let Some(decl) = args
        .iter()
        .find(|a| a.name == name && a.stage.is_some() && a.stage == stage && a.line > here)
    {
        return Some((
            format!("`${name}` is used before `ARG {name}` (line {}) declares it", decl.line),
            format!("Move `ARG {name}` above this instruction"),
        ));
    }
    if let Some(decl) = other_stage {
        let label = decl.stage.map_or_else(String::new, |s| df.stages[s].label());
        return Some((
            format!(
                "`${name}` is declared by `ARG` in stage {label} (line {}) only: `ARG`s only carry over to the stages built `FROM` that stage",
                decl.line
            ),
            format!("Declare `ARG {name}` in this stage too, or once before the first `FROM` and as `ARG {name}` in each stage"),
        ));
    }
    if undeclared.base_may_define {
        return None;
    }
    let visible = instr
        .data
        .visible
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(["PATH"]);
    Some((
        with_suggestion(
            format!("`${name}` is not defined: no `ARG` or `ENV` declares it and the stage is built from `scratch`"),
            name,
            visible,
        ),
        format!("Declare it (`ARG {name}=…` or `ENV {name}=…`) before this instruction, or fix the name"),
    ))
}

/// The stages `stage` is built `FROM`, directly or through other stages.
fn ancestors(df: &Dockerfile<'_>, stage: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = stage;
    while let Base::Stage(parent) = df.stages[cur].base {
        if parent >= cur || out.contains(&parent) {
            break;
        }
        out.push(parent);
        cur = parent;
    }
    out
}

fn with_suggestion<'a>(message: String, name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    match suggest::closest(name, candidates) {
        Some(s) => format!("{message} (did you mean `${s}`?)"),
        None => message,
    }
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a file that cannot be parsed: a bad parser directive, an unterminated heredoc
    /// or JSON array, an instruction with the wrong number of arguments, an unknown
    /// instruction, invalid YAML. The finding points at the first problem; the parser
    /// recovers at the next instruction, so the rest of the file is still checked, and every
    /// other problem is listed as a related location.
    ///
    /// ## Why is this bad?
    /// Docker refuses to build a file it cannot parse, and a check that cannot read part of a
    /// file cannot vouch for it. A parse error in a rarely built Dockerfile is also a sign
    /// that nobody builds it, so nobody patches it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    /// - Similar: hadolint DL1000
    pub struct ParseError {
        code: "SW001",
        name: "parse-error",
        steps: [CiScanning],
        severity: High,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [],
        equivalents: ["hadolint:DL1000"],
        summary: "File cannot be parsed",
    }
}

impl Rule for ParseError {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some((first, rest)) = df.ast.errors.split_first() else {
            return;
        };
        let message = if rest.is_empty() {
            first.message.clone()
        } else {
            let more = if rest.len() == 1 { "error" } else { "errors" };
            format!("{} (and {} more parse {more})", first.message, rest.len())
        };
        let file = cx.file();
        let finding = cx.report(first.span, message);
        finding.help("Fix the syntax; Docker will refuse to build this file");
        for e in rest {
            finding.related(Location::new(file, e.span), e.message.clone());
        }
    }
}

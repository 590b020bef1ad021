use crate::prelude::*;
use crate::syntax::dockerfile::Args;

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction, in every stage.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It fills the image's legacy
    /// `author` field, which registries and tools no longer read, while the standard place for
    /// this information is the OCI label `org.opencontainers.image.authors`, which every tool
    /// understands and which can sit beside the other `org.opencontainers.image.*` labels.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.21
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.21
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: MAINTAINER (deprecated)](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)
    /// - [OCI image spec: pre-defined annotation keys](https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys)
    /// - Similar: hadolint DL4000; Trivy DS022; Checkov CKV_DOCKER_6; KICS "MAINTAINER
    ///   Instruction Being Used"; BuildKit MaintainerDeprecated
    pub struct MaintainerDeprecated {
        code: "SW806",
        name: "maintainer-deprecated",
        steps: [CiScanning],
        severity: Info,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [477],
        equivalents: [
            "hadolint:DL4000",
            "trivy:DS022",
            "checkov:CKV_DOCKER_6",
            "kics:maintainer_instruction_being_used",
            "buildkit:MaintainerDeprecated",
        ],
        summary: "MAINTAINER is deprecated",
    }
}

impl Rule for MaintainerDeprecated {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Maintainer {
                continue;
            }
            let author = match &instr.inst.args {
                Args::Text(text) => text.text.trim(),
                _ => "",
            };
            let author = author
                .strip_prefix('"')
                .and_then(|a| a.strip_suffix('"'))
                .unwrap_or(author);
            let help = if author.is_empty() {
                "Use `LABEL org.opencontainers.image.authors=\"…\"` instead".to_owned()
            } else {
                let quoted = author.replace('\\', "\\\\").replace('"', "\\\"");
                format!("Use `LABEL org.opencontainers.image.authors=\"{quoted}\"` instead")
            };
            cx.report(instr.inst.keyword_span, "`MAINTAINER` is deprecated")
                .help(help);
        }
    }
}

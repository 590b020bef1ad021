use crate::knowledge::toolchain;
use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a shipped image built on a toolchain image: `golang`, `rust`, `maven`,
    /// `gradle`, `gcc`, `buildpack-deps`, the JDK images (`openjdk`, `eclipse-temurin`,
    /// `sapmachine`, `ibm-semeru-runtimes` unless the tag names a `jre`) and the .NET SDK
    /// (`*/dotnet/sdk`). The base at the root of the final stage's `FROM` chain is checked;
    /// builder stages are not. Only Docker Official Images are recognised by name (and the
    /// .NET SDK on any registry), and a base given by a build argument without a value is
    /// not guessed.
    ///
    /// ## Why is this bad?
    /// An SDK image carries compilers, package managers, headers and build caches: hundreds
    /// of megabytes and many packages that the application does not run with, each a source
    /// of vulnerability reports and a tool for an attacker. Build in the SDK image and copy
    /// the output into a runtime image (`-jre`, `-slim`, `aspnet`, distroless).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM eclipse-temurin:21.0.5_11-jdk
    /// COPY target/app.jar /app.jar
    /// CMD ["java", "-jar", "/app.jar"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM eclipse-temurin:21.0.5_11-jre
    /// COPY target/app.jar /app.jar
    /// CMD ["java", "-jar", "/app.jar"]
    /// ```
    ///
    /// ## References
    /// - [Docker docs: multi-stage builds](https://docs.docker.com/build/building/multi-stage/)
    /// - [Docker build best practices: choose the right base image](https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image)
    /// - Similar: no direct equivalent in hadolint, Trivy or Checkov
    pub struct FinalStageSdkImage {
        code: "SW403",
        name: "final-stage-sdk-image",
        steps: [MultiStage],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [],
        summary: "Final image is built on a toolchain (SDK) image",
    }
}

impl Rule for FinalStageSdkImage {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(&root) = df.final_chain().last() else {
            return;
        };
        let stage = &df.stages[root];
        let Base::Image(image) = &stage.base else {
            return;
        };
        let Some(what) = toolchain::toolchain_image(image) else {
            return;
        };
        let shown = if stage.image.raw == image.text {
            format!("`{}`", image.text)
        } else {
            format!("`{}` (= `{}`)", stage.image.raw, image.text)
        };
        cx.report(
            stage.image.span,
            format!("The final image is built on {shown}, a toolchain image that ships {what}"),
        )
        .help("Build in this image as a builder stage and copy the output into a runtime image (`-jre`, `-slim`, distroless)");
    }
}

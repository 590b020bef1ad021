use crate::compose_check::read;
use crate::knowledge::runtime::disabled_profile;
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags `security_opt` entries that turn off part of the default confinement:
    /// `seccomp:unconfined` (or `seccomp=unconfined`), `apparmor:unconfined`, `label:disable`
    /// (SELinux) and `systempaths=unconfined` (unmasks `/proc` and `/sys` paths). The finding
    /// points at the entry.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about fifty system calls that containers do not
    /// need and that many kernel exploits use; AppArmor and SELinux confine what the container
    /// may touch on the host; masked paths hide kernel interfaces. Turning them off removes a
    /// layer that stops container escapes.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: acme/app:1.4.2
    ///     security_opt:
    ///       - seccomp:unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: acme/app:1.4.2
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    ///
    /// ## References
    /// - [Docker: seccomp security profiles](https://docs.docker.com/engine/security/seccomp/)
    /// - [Docker: AppArmor security profiles](https://docs.docker.com/engine/security/apparmor/)
    /// - CIS Docker Benchmark 5.1, 5.2, 5.21: ensure the AppArmor, SELinux and seccomp profiles are not disabled
    /// - Similar: KICS default_seccomp_profile_disabled
    pub struct SecurityProfileDisabled {
        code: "SW613",
        name: "security-profile-disabled",
        steps: [Capabilities],
        severity: High,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [653],
        equivalents: ["kics:default_seccomp_profile_disabled"],
        summary: "Container runs without its default security profile",
    }
}

impl Rule for SecurityProfileDisabled {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let Some(options) = &service.security_opt else { continue };
            for item in &options.value {
                let Some(entry) = read(&item.value) else { continue };
                let Some(profile) = disabled_profile(entry) else { continue };
                cx.report_item(
                    item,
                    format!("`{}` turns off {profile} for service `{}`", entry.trim(), service.name),
                )
                .help("Remove the option; if a system call is missing, use a custom profile that allows only it");
            }
        }
    }
}

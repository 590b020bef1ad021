use crate::compose_check::{Limit, LimitTexts, deploy_limits};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services without a memory limit: neither `mem_limit` nor
    /// `deploy.resources.limits.memory` is set, whatever the file's `version:`. A limit of `0`
    /// or less means no limit and is reported at its key. A missing limit is reported at the
    /// deepest of `deploy.resources.limits`, `deploy.resources` and `deploy` that exists, else
    /// at the service key.
    ///
    /// ## Why is this bad?
    /// A container without a memory limit can take all the host's memory: a leak, a large
    /// request or a deliberate attack then makes the kernel's out-of-memory killer stop other
    /// containers, or the host's own services.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: acme/worker:5.1.0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: acme/worker:5.1.0
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           memory: 512M
    /// ```
    ///
    /// ## References
    /// - [Compose Deploy Specification: resources](https://docs.docker.com/reference/compose-file/deploy/#resources)
    /// - [Docker: resource constraints](https://docs.docker.com/engine/containers/resource_constraints/)
    /// - CIS Docker Benchmark 5.10: ensure that the memory usage for containers is limited
    /// - Similar: KICS memory_not_limited
    pub struct MemoryLimitMissing {
        code: "SW605",
        name: "memory-limit-missing",
        steps: [ResourceLimits],
        severity: Medium,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [770],
        equivalents: ["kics:memory_not_limited"],
        summary: "Container has no memory limit",
    }
}

const TEXTS: LimitTexts = LimitTexts {
    name: "Memory limit",
    unlimited_help: "Set a positive memory limit, such as `512M`",
    absent: "no memory limit: neither `mem_limit` nor `deploy.resources.limits.memory` is set",
    absent_help: "Set `deploy.resources.limits.memory` (or `mem_limit`) to what the service needs",
};

impl Rule for MemoryLimitMissing {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let deploy = deploy_limits(service).and_then(|l| l.value.memory.as_ref());
            cx.report_limit(service, vec![Limit::of(service.mem_limit.as_ref()), Limit::of(deploy)], &TEXTS);
        }
    }
}

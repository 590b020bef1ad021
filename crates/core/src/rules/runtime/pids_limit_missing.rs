use crate::compose_check::{Limit, LimitTexts, deploy_limits};
use crate::prelude::*;
use crate::syntax::compose::Project;

declare_rule! {
    /// ## What it does
    /// Flags compose services without a limit on the number of processes: neither
    /// `pids_limit` nor `deploy.resources.limits.pids` is set. A limit of `0` or `-1` means no
    /// limit and is reported at its key. A missing limit is reported at the deepest of
    /// `deploy.resources.limits`, `deploy.resources` and `deploy` that exists, else at the
    /// service key.
    ///
    /// ## Why is this bad?
    /// Without a process limit a fork bomb, or a service that leaks threads, exhausts the
    /// host's process table and takes every other container with it.
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
    ///     pids_limit: 200
    /// ```
    ///
    /// ## References
    /// - [Compose file reference: pids_limit](https://docs.docker.com/reference/compose-file/services/#pids_limit)
    /// - CIS Docker Benchmark 5.28: ensure that the PIDs cgroup limit is used
    /// - Similar: KICS pids_limit_not_set
    pub struct PidsLimitMissing {
        code: "SW607",
        name: "pids-limit-missing",
        steps: [ResourceLimits],
        severity: Low,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [770],
        equivalents: ["kics:pids_limit_not_set"],
        summary: "Container has no process limit",
    }
}

const TEXTS: LimitTexts = LimitTexts {
    name: "Process limit",
    unlimited_help: "Set a positive limit, such as `pids_limit: 200`",
    absent: "no process limit: neither `pids_limit` nor `deploy.resources.limits.pids` is set",
    absent_help: "Set `pids_limit` (or `deploy.resources.limits.pids`), for example to 200",
};

impl Rule for PidsLimitMissing {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let deploy = deploy_limits(service).and_then(|l| l.value.pids.as_ref());
            cx.report_limit(service, vec![Limit::of(service.pids_limit.as_ref()), Limit::of(deploy)], &TEXTS);
        }
    }
}

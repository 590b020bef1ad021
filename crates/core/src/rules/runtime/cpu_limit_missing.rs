use crate::compose_check::{Limit, LimitTexts, deploy_limits};
use crate::prelude::*;
use crate::syntax::compose::{Project, Service};

declare_rule! {
    /// ## What it does
    /// Flags compose services without a CPU limit: neither `cpus` nor
    /// `deploy.resources.limits.cpus` is set, whatever the file's `version:`. The older
    /// `cpu_quota` and `cpuset` also bound the CPU a container uses and count as limits;
    /// `cpu_shares` is only a relative weight and does not. A limit of `0` means no limit and
    /// is reported at its key. A missing limit is reported at the deepest of
    /// `deploy.resources.limits`, `deploy.resources` and `deploy` that exists, else at the
    /// service key.
    ///
    /// ## Why is this bad?
    /// Without a CPU limit one container can use every core of the host: a busy loop, a
    /// crypto miner or a denial-of-service request starves the other containers and the host.
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
    ///           cpus: "0.5"
    /// ```
    ///
    /// ## References
    /// - [Compose Deploy Specification: resources](https://docs.docker.com/reference/compose-file/deploy/#resources)
    /// - [Docker: resource constraints](https://docs.docker.com/engine/containers/resource_constraints/#cpu)
    /// - CIS Docker Benchmark 5.11: ensure that CPU priority is set appropriately on containers
    /// - Similar: KICS cpus_not_limited
    pub struct CpuLimitMissing {
        code: "SW606",
        name: "cpu-limit-missing",
        steps: [ResourceLimits],
        severity: Low,
        fix: Never,
        set: Default,
        precision: VeryHigh,
        cwe: [770],
        equivalents: ["kics:cpus_not_limited"],
        summary: "Container has no CPU limit",
    }
}

/// `cpu_quota` (positive) or `cpuset` (not empty), read from the service's tree.
fn other_cpu_limit(service: &Service) -> Limit {
    let quota = service.raw.get("cpu_quota").and_then(|n| n.as_scalar());
    let cpuset = service.raw.get("cpuset").and_then(|n| n.as_scalar());
    if quota.is_none() && cpuset.is_none() {
        return Limit::Absent;
    }
    if quota.is_some_and(|q| q.text.unknown) || cpuset.is_some_and(|c| c.text.unknown) {
        return Limit::Unknown;
    }
    let quota_set = quota
        .and_then(|q| q.text.text.trim().parse::<i64>().ok())
        .is_some_and(|q| q > 0);
    let cpuset_set = cpuset.is_some_and(|c| !c.text.text.trim().is_empty());
    if quota_set || cpuset_set {
        Limit::Set
    } else {
        Limit::Absent
    }
}

const TEXTS: LimitTexts = LimitTexts {
    name: "CPU limit",
    unlimited_help: "Set a positive CPU limit, such as `\"0.5\"`",
    absent: "no CPU limit: neither `cpus` nor `deploy.resources.limits.cpus` is set",
    absent_help: "Set `deploy.resources.limits.cpus` (or `cpus`) to what the service needs",
};

impl Rule for CpuLimitMissing {
    fn check_compose(&self, project: &Project, cx: &mut Ctx<'_>) {
        for service in &project.services {
            let deploy = deploy_limits(service).and_then(|l| l.value.cpus.as_ref());
            let limits = vec![
                Limit::of(service.cpus.as_ref()),
                Limit::of(deploy),
                other_cpu_limit(service),
            ];
            cx.report_limit(service, limits, &TEXTS);
        }
    }
}

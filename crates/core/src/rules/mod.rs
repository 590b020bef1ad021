//! The rule registry: one line per rule. Each line declares the rule's module (the file
//! `rules/<family>/<module>.rs`) and registers the rule in `ALL`, in docs order.

use crate::rule::{Rule, RuleMeta};

macro_rules! register_rules {
    ($($family:ident { $($module:ident :: $rule:ident),* $(,)? })*) => {
        $(
            pub mod $family {
                $(pub mod $module;)*
            }
        )*
        /// Every rule, in registry order.
        pub static ALL: &[&dyn Rule] = &[$($(&$family::$module::$rule,)*)*];
    };
}

register_rules! {
    meta {
        parse_error::ParseError,
        unused_suppression::UnusedSuppression,
        invalid_suppression::InvalidSuppression,
    }
    base_image {
        image_tag_mutable::ImageTagMutable,
        image_tag_major_only::ImageTagMajorOnly,
        image_not_digest_pinned::ImageNotDigestPinned,
        base_image_end_of_life::BaseImageEndOfLife,
        base_image_eol_soon::BaseImageEolSoon,
        base_image_not_minimal::BaseImageNotMinimal,
        registry_not_allowed::RegistryNotAllowed,
        image_not_official::ImageNotOfficial,
        image_reference_unresolved::ImageReferenceUnresolved,
    }
    user {
        runs_as_root::RunsAsRoot,
        sudo_used::SudoUsed,
        world_writable_permissions::WorldWritablePermissions,
        setuid_bit_set::SetuidBitSet,
        ssh_port_exposed::SshPortExposed,
        password_set_in_build::PasswordSetInBuild,
        user_not_numeric::UserNotNumeric,
    }
    secrets {
        secret_in_arg_or_env::SecretInArgOrEnv,
        secret_literal::SecretLiteral,
        secret_file_copied::SecretFileCopied,
        secret_file_in_context::SecretFileInContext,
        dockerignore_missing::DockerignoreMissing,
        context_leaks_local_state::ContextLeaksLocalState,
        secret_used_without_mount::SecretUsedWithoutMount,
        copy_of_ignored_file::CopyOfIgnoredFile,
    }
    contents {
        build_tools_in_final_stage::BuildToolsInFinalStage,
        single_stage_build::SingleStageBuild,
        final_stage_sdk_image::FinalStageSdkImage,
        package_cache_kept::PackageCacheKept,
        apt_recommends_installed::AptRecommendsInstalled,
        risky_package_in_final_stage::RiskyPackageInFinalStage,
        stage_filesystem_copied::StageFilesystemCopied,
        update_without_install::UpdateWithoutInstall,
    }
    supply_chain {
        remote_add_unverified::RemoteAddUnverified,
        remote_script_executed::RemoteScriptExecuted,
        package_version_unpinned::PackageVersionUnpinned,
        tls_verification_disabled::TlsVerificationDisabled,
        package_signature_bypassed::PackageSignatureBypassed,
        content_trust_disabled::ContentTrustDisabled,
        download_unverified::DownloadUnverified,
        pipe_without_pipefail::PipeWithoutPipefail,
    }
    correctness {
        workdir_relative::WorkdirRelative,
        copy_from_unknown_stage::CopyFromUnknownStage,
        duplicate_stage_name::DuplicateStageName,
        multiple_cmd_or_entrypoint::MultipleCmdOrEntrypoint,
        shell_form_entrypoint::ShellFormEntrypoint,
        maintainer_deprecated::MaintainerDeprecated,
        invalid_port::InvalidPort,
        copy_multiple_sources_to_file::CopyMultipleSourcesToFile,
        cd_instead_of_workdir::CdInsteadOfWorkdir,
        healthcheck_missing::HealthcheckMissing,
        add_instead_of_copy::AddInsteadOfCopy,
        undefined_variable::UndefinedVariable,
        non_interactive_flag_missing::NonInteractiveFlagMissing,
    }
    runtime {
        privileged_container::PrivilegedContainer,
        dangerous_capability_added::DangerousCapabilityAdded,
        capabilities_not_dropped::CapabilitiesNotDropped,
        root_filesystem_writable::RootFilesystemWritable,
        memory_limit_missing::MemoryLimitMissing,
        cpu_limit_missing::CpuLimitMissing,
        pids_limit_missing::PidsLimitMissing,
        container_runs_as_root::ContainerRunsAsRoot,
        secret_in_environment::SecretInEnvironment,
        docker_socket_mounted::DockerSocketMounted,
        sensitive_host_path_mounted::SensitiveHostPathMounted,
        host_namespace_shared::HostNamespaceShared,
        security_profile_disabled::SecurityProfileDisabled,
        new_privileges_allowed::NewPrivilegesAllowed,
        port_bound_all_interfaces::PortBoundAllInterfaces,
        device_mapped::DeviceMapped,
    }
}

/// Position of a rule in `ALL`.
pub fn index_of(meta: &RuleMeta) -> Option<usize> {
    ALL.iter().position(|r| std::ptr::eq(r.meta(), meta))
}

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().code == code)
}

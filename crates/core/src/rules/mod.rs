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
    }
    user {
        runs_as_root::RunsAsRoot,
        sudo_used::SudoUsed,
    }
    secrets {
        secret_in_arg_or_env::SecretInArgOrEnv,
        secret_literal::SecretLiteral,
        secret_file_in_context::SecretFileInContext,
        dockerignore_missing::DockerignoreMissing,
        context_leaks_local_state::ContextLeaksLocalState,
        copy_of_ignored_file::CopyOfIgnoredFile,
    }
    supply_chain {
        remote_script_executed::RemoteScriptExecuted,
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

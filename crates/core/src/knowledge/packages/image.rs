//! What the rest of the Dockerfile says about a `RUN`'s package managers: cache mounts on
//! the `RUN` itself, `ENV`/`ARG` values such as `PIP_NO_CACHE_DIR`, and apt configuration
//! written earlier in the image (`echo 'APT::Install-Recommends "false";' >
//! /etc/apt/apt.conf.d/…`, or a `COPY` into `/etc/apt/apt.conf.d/`).

use super::{Cache, RunPackages};
use crate::dockerfile::{Base, Dockerfile, Instr};
use crate::syntax::dockerfile::Keyword;
use crate::syntax::shell::Script;

/// The stage and the stages it is built `FROM`, the stage itself first.
pub fn stage_chain(df: &Dockerfile<'_>, stage: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut cur = Some(stage);
    while let Some(s) = cur {
        // A stage is built from an earlier one: the chain only goes down (this also ends a
        // loop without searching the chain).
        if chain.last().is_some_and(|&last| s >= last) || s >= df.stages.len() {
            break;
        }
        chain.push(s);
        cur = match df.stages[s].base {
            Base::Stage(p) => Some(p),
            _ => None,
        };
    }
    chain
}

/// Instructions whose effects the instruction at `index` sees, in build order: the bodies
/// of the stages its stage is built from, then its own stage up to `index` (excluded).
pub fn instructions_before<'d>(df: &'d Dockerfile<'_>, index: usize) -> Vec<Instr<'d>> {
    let Some(stage) = df.data.get(index).and_then(|d| d.stage) else {
        return Vec::new();
    };
    let mut chain = stage_chain(df, stage);
    chain.reverse();
    let mut out = Vec::new();
    for s in chain {
        for i in df.stages[s].body() {
            if s == stage && i >= index {
                break;
            }
            out.push(df.instr(i));
        }
    }
    out
}

/// Targets of the `--mount=type=cache` and `--mount=type=tmpfs` flags of an instruction
/// (their content is not committed to the layer).
pub fn volatile_mount_targets(instr: &Instr<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, flag) in instr.inst.flags.iter().enumerate() {
        if !flag.name.eq_ignore_ascii_case("mount") {
            continue;
        }
        let value = instr
            .data
            .flags
            .get(i)
            .and_then(Option::as_ref)
            .map(|v| v.text.clone())
            .or_else(|| flag.value.clone())
            .unwrap_or_default();
        let mut kind = "bind".to_owned();
        let mut target = None;
        for field in value.split(',') {
            let (k, v) = field.split_once('=').unwrap_or((field, ""));
            let v = v.trim().trim_matches('"').trim_matches('\'');
            match k.trim().to_ascii_lowercase().as_str() {
                "type" => kind = v.to_ascii_lowercase(),
                "target" | "dst" | "destination" => target = Some(v.to_owned()),
                _ => {}
            }
        }
        if matches!(kind.as_str(), "cache" | "tmpfs") {
            out.extend(target);
        }
    }
    out
}

/// Whether a cache or tmpfs mount of the instruction covers `cache`.
pub fn cache_mounted(instr: &Instr<'_>, cache: Cache) -> bool {
    volatile_mount_targets(instr)
        .iter()
        .any(|t| cache.covered_by(t))
}

/// A variable's value where an instruction runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    Set(String),
    /// Declared, but the value is not known before the build (`ARG X` without default).
    Unknown,
}

/// The value of `name` in the environment of the instruction at `index`: the last `ENV` of
/// its stage chain before it, else the last `ARG` of its own stage (a `--build-arg` value,
/// else the default).
pub fn env_before(df: &Dockerfile<'_>, index: usize, name: &str) -> Option<EnvValue> {
    let before = instructions_before(df, index);
    let env = before
        .iter()
        .rev()
        .filter(|i| i.keyword() == Keyword::Env)
        .flat_map(|i| i.data.pairs.iter().rev())
        .find(|p| p.key.text == name);
    if let Some(pair) = env {
        return Some(match &pair.value {
            Some(v) if !v.unknown => EnvValue::Set(v.text.clone()),
            _ => EnvValue::Unknown,
        });
    }
    let stage = df.data.get(index)?.stage?;
    let arg = before
        .iter()
        .rev()
        .filter(|i| i.keyword() == Keyword::Arg && i.stage() == Some(stage))
        .flat_map(|i| i.data.pairs.iter().rev())
        .find(|p| p.key.text == name)?;
    if let Some(v) = df.build.args.get(name) {
        return Some(EnvValue::Set(v.clone()));
    }
    Some(match &arg.value {
        Some(v) if !v.unknown => EnvValue::Set(v.text.clone()),
        _ => EnvValue::Unknown,
    })
}

/// [`env_before`] of `name` at every instruction (by index), in one pass over the file.
pub fn env_values_before(df: &Dockerfile<'_>, name: &str) -> Vec<Option<EnvValue>> {
    let value_of = |v: Option<&crate::dockerfile::Value>| match v {
        Some(v) if !v.unknown => EnvValue::Set(v.text.clone()),
        _ => EnvValue::Unknown,
    };
    let mut out = vec![None; df.data.len()];
    let mut stage_env: Vec<Option<EnvValue>> = vec![None; df.stages.len()];
    // The last `ENV` of the chain so far, and the last `ARG` of the stage.
    let (mut env, mut arg): (Option<EnvValue>, Option<EnvValue>) = (None, None);
    for instr in df.instructions() {
        let Some(stage) = instr.stage() else { continue };
        if df.stages.get(stage).is_some_and(|s| s.from == instr.index) {
            env = match df.stages[stage].base {
                Base::Stage(parent) if parent < stage => stage_env[parent].clone(),
                _ => None,
            };
            arg = None;
            out[instr.index].clone_from(&env);
            stage_env[stage].clone_from(&env);
            continue;
        }
        out[instr.index] = env.clone().or_else(|| arg.clone());
        let named = || instr.data.pairs.iter().filter(|p| p.key.text == name);
        match instr.keyword() {
            Keyword::Env => {
                if let Some(pair) = named().next_back() {
                    env = Some(value_of(pair.value.as_ref()));
                    if let Some(end) = stage_env.get_mut(stage) {
                        end.clone_from(&env);
                    }
                }
            }
            Keyword::Arg => {
                if let Some(pair) = named().next_back() {
                    arg = Some(match df.build.args.get(name) {
                        Some(v) => EnvValue::Set(v.clone()),
                        None => value_of(pair.value.as_ref()),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// apt settings that change what `apt-get install` does.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AptConfig {
    /// `APT::Install-Recommends "false"` (or `"0"`).
    pub no_recommends: bool,
    /// `APT::Get::Assume-Yes "true"` (or `"1"`).
    pub assume_yes: bool,
    /// A file of unknown content was copied into the apt configuration: it may set either.
    pub unknown: bool,
}

impl AptConfig {
    fn merge(&mut self, other: AptConfig) {
        self.no_recommends |= other.no_recommends;
        self.assume_yes |= other.assume_yes;
        self.unknown |= other.unknown;
    }
}

/// Whether `path` is apt's configuration (`/etc/apt/apt.conf`, `/etc/apt/apt.conf.d/…`).
pub fn is_apt_config_path(path: &str) -> bool {
    path.starts_with("/etc/apt/apt.conf")
}

/// The settings an apt configuration text makes.
pub fn apt_config_text(text: &str) -> AptConfig {
    let lower = text.to_ascii_lowercase();
    let value_after = |key: &str| -> Vec<String> {
        lower
            .match_indices(key)
            .map(|(at, _)| {
                lower[at + key.len()..]
                    .trim_start_matches([' ', '\t', '"', '\''])
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect()
            })
            .collect()
    };
    AptConfig {
        no_recommends: value_after("apt::install-recommends")
            .iter()
            .any(|v| matches!(v.as_str(), "false" | "0" | "no")),
        assume_yes: value_after("apt::get::assume-yes")
            .iter()
            .any(|v| matches!(v.as_str(), "true" | "1" | "yes")),
        unknown: false,
    }
}

/// apt settings a script writes into the apt configuration before command `before`.
pub fn apt_config_in_script(script: &Script, before: usize) -> AptConfig {
    let mut config = AptConfig::default();
    for text in super::text_written_to(script, before, &is_apt_config_path) {
        config.merge(apt_config_text(&text));
    }
    config
}

/// apt settings made by the instructions before `index` in its stage chain: `RUN`s writing
/// the apt configuration, `COPY <<EOF /etc/apt/apt.conf.d/…` heredocs, and copies of files
/// into the apt configuration (content unknown).
pub fn apt_config_before(df: &Dockerfile<'_>, index: usize) -> AptConfig {
    let mut config = AptConfig::default();
    for instr in instructions_before(df, index) {
        config.merge(apt_config_of(&instr));
    }
    config
}

/// The apt settings one instruction makes.
fn apt_config_of(instr: &Instr<'_>) -> AptConfig {
    let mut config = AptConfig::default();
    match instr.keyword() {
        Keyword::Run => {
            if let Some(script) = instr.script() {
                config.merge(apt_config_in_script(script, usize::MAX));
            }
        }
        Keyword::Copy | Keyword::Add => {
            let Some(dest) = instr.data.args.last() else {
                return config;
            };
            if !is_apt_config_path(&dest.text) {
                return config;
            }
            if instr.inst.heredocs.is_empty() {
                config.unknown = true;
            }
            for doc in &instr.inst.heredocs {
                config.merge(apt_config_text(&doc.content()));
            }
        }
        _ => {}
    }
    config
}

/// [`apt_config_before`] of every instruction (by index), in one pass over the file.
pub fn apt_configs_before(df: &Dockerfile<'_>) -> Vec<AptConfig> {
    let mut out = vec![AptConfig::default(); df.data.len()];
    let mut stage_end = vec![AptConfig::default(); df.stages.len()];
    let mut current = AptConfig::default();
    for instr in df.instructions() {
        let Some(stage) = instr.stage() else { continue };
        if df.stages.get(stage).is_some_and(|s| s.from == instr.index) {
            current = match df.stages[stage].base {
                Base::Stage(parent) if parent < stage => stage_end[parent],
                _ => AptConfig::default(),
            };
            out[instr.index] = current;
            stage_end[stage] = current;
            continue;
        }
        out[instr.index] = current;
        current.merge(apt_config_of(&instr));
        if let Some(end) = stage_end.get_mut(stage) {
            *end = current;
        }
    }
    out
}

/// The apt settings after each command of a script that writes apt configuration, in
/// command order, each including the ones before it.
fn apt_config_steps(script: &Script) -> Vec<(usize, AptConfig)> {
    let mut config = AptConfig::default();
    let mut out: Vec<(usize, AptConfig)> = Vec::new();
    for (command, text) in super::texts_written_to(script, usize::MAX, &is_apt_config_path) {
        config.merge(apt_config_text(&text));
        match out.last_mut() {
            Some(last) if last.0 == command => last.1 = config,
            _ => out.push((command, config)),
        }
    }
    out
}

/// [`apt_config_at`] for many commands of one Dockerfile: the earlier instructions and
/// commands are read once, not once per command asked about.
#[derive(Debug, Default)]
pub struct AptConfigs {
    before: Option<Vec<AptConfig>>,
    /// The steps of the last `RUN` asked about (its instruction index).
    steps: Option<(usize, Vec<(usize, AptConfig)>)>,
}

impl AptConfigs {
    /// What [`apt_config_at`] answers.
    pub fn at(
        &mut self,
        df: &Dockerfile<'_>,
        index: usize,
        run: &RunPackages<'_>,
        command: usize,
    ) -> AptConfig {
        let before = self.before.get_or_insert_with(|| apt_configs_before(df));
        let mut config = before.get(index).copied().unwrap_or_default();
        if self.steps.as_ref().is_none_or(|(i, _)| *i != index) {
            self.steps = Some((index, apt_config_steps(run.script)));
        }
        if let Some((_, steps)) = &self.steps {
            let n = steps.partition_point(|(c, _)| *c < command);
            if let Some((_, step)) = n.checked_sub(1).and_then(|i| steps.get(i)) {
                config.merge(*step);
            }
        }
        config
    }
}

/// apt settings in effect for command `command` of the `RUN` at `index`: the ones made
/// earlier in the image and the ones written earlier in the same `RUN`.
pub fn apt_config_at(
    df: &Dockerfile<'_>,
    index: usize,
    run: &RunPackages<'_>,
    command: usize,
) -> AptConfig {
    let mut config = apt_config_before(df, index);
    config.merge(apt_config_in_script(run.script, command));
    config
}

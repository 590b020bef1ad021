//! Finds and loads `.seaworthy.toml`, and overlays command-line flags.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use seaworthy_core::date::Date;
use seaworthy_core::settings::{Options, Overrides, Settings};

use crate::args::CheckArgs;

pub const CONFIG_NAME: &str = ".seaworthy.toml";

/// Looks for `.seaworthy.toml` from `start` up to the repository root (the first directory
/// holding `.git`) or the filesystem root.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join(".git").exists() {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Parses a configuration file; errors name the file, line and column.
pub fn load(path: &Path) -> Result<Options> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, shown: &str) -> Result<Options> {
    toml::from_str::<Options>(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |span| line_col(text, span.start));
        anyhow!(
            "{shown}:{line}:{col}: invalid configuration: {}",
            e.message().trim()
        )
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Settings for `check` from the configuration file (unless `--isolated`) and flags.
pub fn settings(args: &CheckArgs, cwd: &Path) -> Result<(Settings, Option<PathBuf>)> {
    let config_path = if args.isolated {
        None
    } else if let Some(p) = &args.config {
        if !p.is_file() {
            bail!("configuration file {} does not exist", p.display());
        }
        Some(p.clone())
    } else {
        discover(cwd)
    };
    let options = match &config_path {
        Some(p) => load(p)?,
        None => Options::default(),
    };
    let mut build_args = BTreeMap::new();
    for kv in &args.build_args {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| anyhow!("--build-arg `{kv}` must be KEY=VALUE"))?;
        if k.is_empty() {
            bail!("--build-arg `{kv}` has an empty name");
        }
        build_args.insert(k.to_owned(), v.to_owned());
    }
    let today = match &args.date {
        Some(d) => Some(Date::parse(d).map_err(|e| anyhow!("--date `{d}`: {e}"))?),
        None => None,
    };
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.clone(),
        build_args,
        target: args.target.clone(),
        today,
        ignore_suppressions: args.ignore_suppressions,
        max_file_size: args.max_file_size,
    };
    let settings = Settings::resolve(&options, &overrides).map_err(|e| match &config_path {
        Some(p) => anyhow!("{}: {e}", p.display()),
        None => anyhow!("{e}"),
    })?;
    Ok((settings, config_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let err = parse(
            "select = [\"SW1\"]\n\nfail_on = \"low\"\n",
            ".seaworthy.toml",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(".seaworthy.toml:3:1: invalid configuration"),
            "{msg}"
        );
        assert!(msg.contains("fail_on"), "{msg}");
    }
}

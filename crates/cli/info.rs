//! `seaworthy rules`, `explain`, `eol` and `version`: everything comes from rule metadata
//! and the embedded tables.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use seaworthy_core::date::Date;
use seaworthy_core::eol;
use seaworthy_core::rule::{RuleMeta, RuleSet};
use seaworthy_core::rules;
use seaworthy_core::settings;
use serde_json::json;

use crate::args::{EolArgs, ExplainArgs, RulesArgs, TextOrJson, VersionArgs};

/// A rule as data (`rules --format json`, `explain --format json`).
pub fn rule_json(meta: &RuleMeta) -> serde_json::Value {
    let mut equivalents = serde_json::Map::new();
    for e in meta.equivalents {
        if let Some((tool, id)) = e.split_once(':') {
            if let Some(ids) = equivalents
                .entry(tool.to_owned())
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                ids.push(json!(id));
            }
        }
    }
    json!({
        "code": meta.code,
        "name": meta.name,
        "summary": meta.summary,
        "severity": meta.severity,
        "steps": meta.steps.iter().map(|s| json!({
            "number": s.number(),
            "slug": s.slug(),
            "title": s.title(),
        })).collect::<Vec<_>>(),
        "default": meta.set == RuleSet::Default,
        "fix": meta.fix,
        "precision": meta.precision,
        "cwe": meta.cwe,
        "equivalents": equivalents,
        "docs": meta.docs_markdown(),
        "source": meta.source,
    })
}

pub fn rules(args: &RulesArgs) -> Result<()> {
    let metas: Vec<&RuleMeta> = rules::ALL
        .iter()
        .map(|r| r.meta())
        .filter(|m| args.all || args.format == TextOrJson::Json || m.set == RuleSet::Default)
        .collect();
    let mut out = String::new();
    match args.format {
        TextOrJson::Json => {
            let v: Vec<_> = metas.iter().map(|m| rule_json(m)).collect();
            out = serde_json::to_string_pretty(&v)?;
            out.push('\n');
        }
        TextOrJson::Text => {
            let name_w = metas.iter().map(|m| m.name.len()).max().unwrap_or(4);
            let _ = writeln!(
                out,
                "{:<6} {:<name_w$} {:<8} {:<5} SUMMARY",
                "CODE", "NAME", "SEVERITY", "STEP"
            );
            for m in &metas {
                let steps: Vec<String> = m.steps.iter().map(|s| s.number().to_string()).collect();
                let ext = if m.set == RuleSet::Extended {
                    " (ext)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{:<6} {:<name_w$} {:<8} {:<5} {}{ext}",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    steps.join(","),
                    m.summary
                );
            }
            if !args.all {
                let hidden = rules::ALL
                    .iter()
                    .filter(|r| r.meta().set == RuleSet::Extended)
                    .count();
                if hidden > 0 {
                    let _ = writeln!(
                        out,
                        "\n{hidden} more rules are off by default; `seaworthy rules --all` lists them."
                    );
                }
            }
        }
    }
    write_stdout(&out)
}

pub fn explain(args: &ExplainArgs) -> Result<ExitCode> {
    let Some(rule) = settings::rule_by_code_or_name(&args.rule) else {
        return Err(anyhow!(
            "no rule `{}` (see `seaworthy rules --all`)",
            args.rule
        ));
    };
    let meta = rule.meta();
    let out = match args.format {
        TextOrJson::Json => format!("{}\n", serde_json::to_string_pretty(&rule_json(meta))?),
        TextOrJson::Text => explain_text(meta),
    };
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The explanation: title, metadata, the docs, equivalents.
pub fn explain_text(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({})\n", meta.name, meta.code);
    let steps: Vec<String> = meta.steps.iter().map(ToString::to_string).collect();
    let _ = writeln!(out, "Checklist step: {}", steps.join("; "));
    let _ = writeln!(out, "Default severity: {}", meta.severity);
    let _ = writeln!(
        out,
        "Enabled by default: {}",
        if meta.set == RuleSet::Default {
            "yes"
        } else {
            "no (select it to enable)"
        }
    );
    if !meta.aliases.is_empty() {
        let _ = writeln!(out, "Also accepted as: {}", meta.aliases.join(", "));
    }
    if !meta.equivalents.is_empty() {
        let _ = writeln!(out, "Equivalents: {}", meta.equivalents.join(", "));
    }
    out.push('\n');
    out.push_str(&meta.docs_markdown());
    out
}

pub fn eol(args: &EolArgs) -> Result<()> {
    let today = match &args.date {
        Some(d) => Date::parse(d).map_err(|e| anyhow!("--date `{d}`: {e}"))?,
        None => Date::today_utc(),
    };
    let info = eol::table_info();
    let products = eol::known_products();
    let mut out = String::new();
    match args.format {
        TextOrJson::Json => {
            let v = json!({
                "source": info.source,
                "commit": info.commit,
                "data_date": info.data_date.map(|d| d.to_string()),
                "evaluated_on": today.to_string(),
                "products": products.iter().map(|p| json!({
                    "product": p.key,
                    "title": p.title,
                    "images": p.images,
                    "support": p.support_kind.to_string(),
                    "cycles": p.cycles.iter().map(|c| json!({
                        "cycle": c.cycle,
                        "label": c.label,
                        "end_of_life": c.eol.map(|d| d.to_string()),
                        "status": status_word(&eol::status(c, today, eol::DEFAULT_SOON_DAYS)),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            out = serde_json::to_string_pretty(&v)?;
            out.push('\n');
        }
        TextOrJson::Text => {
            let _ = writeln!(
                out,
                "End-of-life table: {} products, {} cycles, data of {} ({} at {}); status on {today}\n",
                info.products,
                info.cycles,
                info.data_date
                    .map_or_else(|| "unknown date".to_owned(), |d| d.to_string()),
                info.source,
                info.commit
            );
            for p in &products {
                let _ = writeln!(out, "{} — images: {}", p.title, p.images.join(", "));
                for c in &p.cycles {
                    let status = eol::status(c, today, eol::DEFAULT_SOON_DAYS);
                    let _ = writeln!(
                        out,
                        "  {:<12} {:<10} {}",
                        c.cycle,
                        c.eol.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                        status_word(&status)
                    );
                }
            }
        }
    }
    write_stdout(&out)
}

fn status_word(status: &eol::EolStatus) -> &'static str {
    match status {
        eol::EolStatus::Supported => "supported",
        eol::EolStatus::EndsSoon { .. } => "ends-soon",
        eol::EolStatus::Ended { .. } => "ended",
        eol::EolStatus::LtsOnly { .. } => "lts-only",
    }
}

pub fn version(args: &VersionArgs, version: &str) {
    let mut out = format!("seaworthy {version}\n");
    if args.verbose {
        let info = eol::table_info();
        let today = Date::today_utc();
        let age = info.data_date.map_or_else(
            || "unknown".to_owned(),
            |d| format!("{} days", d.days_until(today)),
        );
        let _ = writeln!(
            out,
            "rules: {} ({} on by default)",
            rules::ALL.len(),
            rules::ALL
                .iter()
                .filter(|r| r.meta().set == RuleSet::Default)
                .count()
        );
        let _ = writeln!(
            out,
            "end-of-life table: {} products, {} cycles; data of {} ({age} old), {} at {}",
            info.products,
            info.cycles,
            info.data_date
                .map_or_else(|| "unknown date".to_owned(), |d| d.to_string()),
            info.source,
            info.commit
        );
    }
    let _ = write_stdout(&out);
}

fn write_stdout(text: &str) -> Result<()> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(text.as_bytes())?;
    lock.flush()?;
    Ok(())
}

//! Meta-tests that keep the rule conventions honest.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seaworthy_core::engine;
use seaworthy_core::rule::{FixAvailability, RuleMeta};
use seaworthy_core::rules;
use seaworthy_core::settings::{Overrides, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};

fn metas() -> Vec<&'static RuleMeta> {
    rules::ALL.iter().map(|r| r.meta()).collect()
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for m in metas() {
        assert!(codes.insert(m.code), "duplicate code {}", m.code);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(
            m.code.len() == 5
                && m.code.starts_with("SW")
                && m.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}: codes are SW + three digits",
            m.code
        );
        assert!(
            m.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !m.name.starts_with("no-")
                && !m.name.starts_with("avoid-"),
            "{}: names are kebab-case and name the bad pattern",
            m.name
        );
        for alias in m.aliases {
            assert!(
                alias
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}: alias `{alias}` is not kebab-case",
                m.code
            );
        }
        let first = m.summary.chars().next().unwrap();
        assert!(
            first.is_uppercase() && !m.summary.ends_with('.'),
            "{}: summary style",
            m.code
        );
        assert!(!m.steps.is_empty(), "{}: no checklist step", m.code);
        for e in m.equivalents {
            let (tool, id) = e.split_once(':').unwrap_or(("", ""));
            assert!(
                [
                    "hadolint", "trivy", "checkov", "kics", "dockle", "buildkit", "ksv"
                ]
                .contains(&tool)
                    && !id.is_empty(),
                "{}: equivalent `{e}` must be `tool:id`",
                m.code
            );
        }
    }
}

#[test]
fn aliases_name_one_rule_each() {
    let mut seen = BTreeSet::new();
    for m in metas() {
        seen.insert(m.name);
    }
    for m in metas() {
        for alias in m.aliases {
            assert!(
                seen.insert(alias),
                "{}: alias `{alias}` is already a name or alias",
                m.code
            );
            assert!(
                !alias.starts_with("SW") && !alias.starts_with("sw"),
                "{}: alias `{alias}` looks like a code",
                m.code
            );
        }
    }
}

#[test]
fn family_folder_matches_the_code() {
    let families = [
        ('0', "meta"),
        ('1', "base_image"),
        ('2', "user"),
        ('3', "secrets"),
        ('4', "contents"),
        ('5', "supply_chain"),
        ('6', "runtime"),
        ('7', "pipeline"),
        ('8', "correctness"),
    ];
    for m in metas() {
        let digit = m.code.as_bytes()[2] as char;
        let folder = families.iter().find(|(d, _)| *d == digit).unwrap().1;
        assert!(
            m.source.contains(&format!("rules/{folder}/")),
            "{} lives in {} but its family folder is {folder}",
            m.code,
            m.source
        );
    }
}

/// Every `.rs` file under `rules/<family>/` is a registered rule.
#[test]
fn every_rule_file_is_registered() {
    let registered: BTreeSet<String> = metas()
        .iter()
        .map(|m| {
            let file = m.source.rsplit_once(':').unwrap().0;
            let i = file.find("src/rules/").unwrap();
            file[i..].to_owned()
        })
        .collect();
    let root = crate_dir().join("src/rules");
    for family in std::fs::read_dir(&root).unwrap() {
        let family = family.unwrap().path();
        if !family.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&family).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "rs") {
                let rel = format!(
                    "src/rules/{}/{}",
                    family.file_name().unwrap().to_string_lossy(),
                    file.file_name().unwrap().to_string_lossy()
                );
                assert!(
                    registered.contains(&rel),
                    "{rel} is not registered in rules/mod.rs"
                );
            }
        }
    }
}

/// A run walks build contexts only when a rule in `CONTEXT_RULES` is enabled, so every rule
/// that reads the context must be in that list (and every rule in it must read it).
#[test]
fn context_rules_are_the_rules_that_read_the_context() {
    use seaworthy_core::settings::CONTEXT_RULES;
    let mut readers = BTreeSet::new();
    for m in metas() {
        let file = m.source.rsplit_once(':').unwrap().0;
        let i = file.find("src/rules/").unwrap();
        let text = std::fs::read_to_string(crate_dir().join(&file[i..])).unwrap();
        if text.contains(".context()") {
            readers.insert(m.code);
        }
    }
    let listed: BTreeSet<&str> = CONTEXT_RULES.into_iter().collect();
    assert_eq!(readers, listed);
}

/// Every rule has a fixture case that fires and one that stays quiet.
#[test]
fn every_rule_has_firing_and_quiet_fixtures() {
    let fixtures = crate_dir().join("tests/fixtures");
    let mut missing = Vec::new();
    for m in metas() {
        let dir = fixtures.join(m.code);
        let (mut fires, mut quiet) = (false, false);
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for case in entries {
                let case = case.unwrap().path();
                let mut marked = false;
                for file in walk(&case) {
                    let Ok(text) = std::fs::read_to_string(&file) else {
                        continue;
                    };
                    if text.lines().any(|l| {
                        let l = l.trim_start_matches([' ', '\t']);
                        let rest = l
                            .strip_prefix("# expect:")
                            .or_else(|| l.strip_prefix("# expect-file:"));
                        rest.is_some_and(|r| r.split([',', ' ']).any(|c| c == m.code))
                    }) {
                        marked = true;
                    }
                }
                if marked {
                    fires = true;
                } else {
                    quiet = true;
                }
            }
        }
        if !fires || !quiet {
            missing.push(format!("{} (firing: {fires}, quiet: {quiet})", m.code));
        }
    }
    assert!(
        missing.is_empty(),
        "rules without firing and quiet fixtures: {}",
        missing.join(", ")
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

const SECTIONS: [&str; 4] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## References",
];

#[test]
fn docs_have_the_sections_in_order() {
    for m in metas() {
        let docs = m.docs_markdown();
        let mut last = 0;
        for section in SECTIONS {
            let at = docs
                .find(section)
                .unwrap_or_else(|| panic!("{}: missing `{section}`", m.code));
            assert!(at >= last, "{}: `{section}` out of order", m.code);
            last = at;
        }
        assert!(
            docs.contains("Use instead:"),
            "{}: the example needs `Use instead:`",
            m.code
        );
        if m.fix != FixAvailability::Never {
            assert!(
                m.fix != FixAvailability::Never || !docs.contains("## Fix"),
                "{}",
                m.code
            );
        }
        let refs = m.docs_section("References").unwrap();
        assert!(
            refs.lines().any(|l| l.starts_with("- ")),
            "{}: at least one reference",
            m.code
        );
    }
}

/// The fenced blocks of a docs section: `(info string, body)`.
fn fences(section: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.trim().strip_prefix("```") {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            out.push((info.to_owned(), body));
        }
    }
    out
}

fn findings_for(code: &str, kind: &str, text: &str, config: Option<&str>) -> usize {
    let options: seaworthy_core::settings::Options =
        config.map_or_else(Default::default, |c| toml::from_str(c).unwrap());
    let settings = Settings::resolve(
        &options,
        &Overrides {
            select: Some(vec![code.to_owned()]),
            today: Some(seaworthy_core::date::Date::parse("2026-11-29").unwrap()),
            ..Overrides::default()
        },
    )
    .unwrap();
    let file_kind = if kind == "yaml" {
        FileKind::Compose
    } else {
        FileKind::Dockerfile
    };
    let name = if kind == "yaml" {
        "compose.yaml"
    } else {
        "Dockerfile"
    };
    let file = SourceFile::new(FileId(0), name, file_kind, text);
    engine::check(std::slice::from_ref(&file), &settings)
        .findings
        .iter()
        .filter(|f| f.rule.code == code && f.suppressed.is_none())
        .count()
}

/// The `## Example` block must trigger the rule and the `Use instead:` block must not. A
/// `toml` block in the example is the configuration both run with (rules that only act on
/// an option).
#[test]
fn doc_examples_are_executed() {
    let mut failures = Vec::new();
    for m in metas() {
        let example = m.docs_section("Example").unwrap();
        let config = fences(&example)
            .into_iter()
            .find(|(info, _)| info == "toml")
            .map(|(_, body)| body);
        let config = config.as_deref();
        let (bad_part, good_part) = example.split_once("Use instead:").unwrap();
        let not_config = |fences: Vec<(String, String)>| -> Vec<(String, String)> {
            fences
                .into_iter()
                .filter(|(info, _)| info != "toml")
                .collect()
        };
        let bad = not_config(fences(bad_part));
        let good = not_config(fences(good_part));
        let (Some((info, bad_text)), Some((_, good_text))) = (bad.first(), good.first()) else {
            failures.push(format!(
                "{}: the example needs a fenced block before and after `Use instead:`",
                m.code
            ));
            continue;
        };
        let kind = info.split(',').next().unwrap_or("");
        assert!(
            ["dockerfile", "yaml", "gitignore"].contains(&kind),
            "{}: fence `{info}`",
            m.code
        );
        if info.contains("ignore") {
            continue; // needs a context tree; covered by its fixtures
        }
        if findings_for(m.code, kind, bad_text, config) == 0 {
            failures.push(format!("{}: the example does not trigger the rule", m.code));
        }
        let n = findings_for(m.code, kind, good_text, config);
        if n != 0 {
            failures.push(format!(
                "{}: `Use instead:` still triggers the rule {n} time(s)",
                m.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

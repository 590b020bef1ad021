//! `docs/rules/` is generated from rule metadata and must be up to date.
//! `UPDATE_DOCS=1 cargo test -p seaworthy-core --test docs` rewrites it.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use seaworthy_core::docs;
use seaworthy_core::rules;

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

fn is_markdown(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

#[test]
fn rule_docs_are_up_to_date() {
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    for rule in rules::ALL {
        expected.insert(docs::page_name(rule.meta()), docs::rule_page(rule.meta()));
    }
    expected.insert("README.md".to_owned(), docs::index_page());
    let dir = docs_dir();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if is_markdown(&name) && !expected.contains_key(&name) {
                std::fs::remove_file(&path).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => stale.push(format!("{name} is out of date")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if is_markdown(&name) && !expected.contains_key(&name) {
                stale.push(format!("{name} belongs to no rule"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is stale; run `UPDATE_DOCS=1 cargo test -p seaworthy-core --test docs`:\n{}",
        stale.join("\n")
    );
}

//! The embedded end-of-life data (`data/eol.json`), parsed once.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::date::Date;

/// The committed data file; `data/SOURCE.md` says where it comes from.
pub(super) const EMBEDDED: &str = include_str!("data/eol.json");

#[derive(Debug, Default)]
pub(super) struct Table {
    pub(super) source: String,
    pub(super) commit: String,
    pub(super) date: Option<Date>,
    pub(super) license: String,
    /// In file order (sorted by key).
    pub(super) products: Vec<Product>,
    index: HashMap<String, usize>,
}

#[derive(Debug)]
pub(super) struct Product {
    pub(super) key: String,
    pub(super) title: String,
    /// Newest first, as in the source.
    pub(super) cycles: Vec<Cycle>,
}

#[derive(Debug)]
#[allow(clippy::struct_field_names)] // `cycle.cycle` reads as the data's `releaseCycle`
pub(super) struct Cycle {
    pub(super) cycle: String,
    /// Debian and Ubuntu release names as the source spells them (`Bookworm`,
    /// `Jammy Jellyfish`).
    pub(super) codename: Option<String>,
    /// End of (security) support; `None` when the source announces no date yet.
    pub(super) eol: Option<Date>,
    /// Debian only: end of Debian LTS.
    pub(super) eoes: Option<Date>,
}

#[derive(Debug, thiserror::Error)]
pub(super) enum TableError {
    #[error("end-of-life data is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("end-of-life data: {context}: {value:?} is not a YYYY-MM-DD date")]
    Date { context: String, value: String },
    #[error("end-of-life data: product {0:?} appears twice")]
    DuplicateProduct(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    source: String,
    commit: String,
    date: String,
    license: String,
    products: Vec<RawProduct>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    key: String,
    title: String,
    cycles: Vec<RawCycle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCycle {
    cycle: String,
    #[serde(default)]
    codename: Option<String>,
    eol: Option<String>,
    #[serde(default)]
    eoes: Option<String>,
}

fn date(
    value: Option<String>,
    context: impl FnOnce() -> String,
) -> Result<Option<Date>, TableError> {
    match value {
        None => Ok(None),
        Some(value) => match Date::parse(&value) {
            Ok(d) => Ok(Some(d)),
            Err(_) => Err(TableError::Date {
                context: context(),
                value,
            }),
        },
    }
}

impl Table {
    pub(super) fn parse(json: &str) -> Result<Table, TableError> {
        let raw: RawTable = serde_json::from_str(json)?;
        let mut products = Vec::with_capacity(raw.products.len());
        let mut index = HashMap::new();
        for p in raw.products {
            let mut cycles = Vec::with_capacity(p.cycles.len());
            for c in p.cycles {
                let eol = date(c.eol, || format!("{} {} eol", p.key, c.cycle))?;
                let eoes = date(c.eoes, || format!("{} {} eoes", p.key, c.cycle))?;
                cycles.push(Cycle {
                    cycle: c.cycle,
                    codename: c.codename,
                    eol,
                    eoes,
                });
            }
            if index.insert(p.key.clone(), products.len()).is_some() {
                return Err(TableError::DuplicateProduct(p.key));
            }
            products.push(Product {
                key: p.key,
                title: p.title,
                cycles,
            });
        }
        let table_date = date(Some(raw.date), || "data date".to_owned())?;
        Ok(Table {
            source: raw.source,
            commit: raw.commit,
            date: table_date,
            license: raw.license,
            products,
            index,
        })
    }

    pub(super) fn product(&self, key: &str) -> Option<&Product> {
        self.index.get(key).map(|&i| &self.products[i])
    }

    pub(super) fn cycle_count(&self) -> usize {
        self.products.iter().map(|p| p.cycles.len()).sum()
    }
}

impl Product {
    pub(super) fn cycle(&self, cycle: &str) -> Option<&Cycle> {
        self.cycles.iter().find(|c| c.cycle == cycle)
    }

    /// The cycle a version names: the version itself or its longest leading part that is a
    /// cycle (`3.8.10` → `3.8`, `18.17.1` → `18`, `8.0` → `8`). Never a longer cycle than
    /// the version spells: `3` does not match `3.8`.
    pub(super) fn cycle_for_version(&self, version: &str) -> Option<&Cycle> {
        let mut candidate = version;
        loop {
            if let Some(c) = self.cycle(candidate) {
                return Some(c);
            }
            candidate = &candidate[..candidate.rfind('.')?];
        }
    }

    /// The cycle whose codename's first word is `word` (`bookworm`, `jammy`), ignoring case.
    pub(super) fn cycle_for_codename(&self, word: &str) -> Option<&Cycle> {
        self.cycles.iter().find(|c| {
            c.codename
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
                .is_some_and(|first| first.eq_ignore_ascii_case(word))
        })
    }
}

/// The table, parsed on first use. The embedded file is checked by the tests; should it
/// ever fail to parse, the table is empty and no image has a known cycle.
pub(super) fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(|| Table::parse(EMBEDDED).unwrap_or_default());
    &TABLE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let t = Table::parse(EMBEDDED).unwrap();
        assert_eq!(t.commit, "a70eca337600e7d721dc48112c271f98661d208b");
        assert_eq!(t.date, Date::new(2026, 8, 22));
        assert_eq!(t.license, "MIT");
        assert!(t.products.len() >= 40, "{}", t.products.len());
        assert!(t.cycle_count() > 500);
        // Every product has cycles, and cycle names are unique within a product.
        for p in &t.products {
            assert!(!p.cycles.is_empty(), "{}", p.key);
            for (i, c) in p.cycles.iter().enumerate() {
                assert!(
                    p.cycles[..i].iter().all(|o| o.cycle != c.cycle),
                    "{} {}",
                    p.key,
                    c.cycle
                );
            }
        }
        // Keys are sorted, so the file diffs well when regenerated.
        assert!(t.products.windows(2).all(|w| w[0].key < w[1].key));
    }

    #[test]
    fn bad_data_is_an_error() {
        assert!(matches!(Table::parse("{"), Err(TableError::Json(_))));
        let bad_date = r#"{"source":"s","commit":"c","date":"2026-08-22","license":"MIT",
            "products":[{"key":"x","title":"X","cycles":[{"cycle":"1","eol":"2026-02-30"}]}]}"#;
        assert!(matches!(
            Table::parse(bad_date),
            Err(TableError::Date { .. })
        ));
        let dup = r#"{"source":"s","commit":"c","date":"2026-08-22","license":"MIT",
            "products":[{"key":"x","title":"X","cycles":[]},{"key":"x","title":"X","cycles":[]}]}"#;
        assert!(matches!(
            Table::parse(dup),
            Err(TableError::DuplicateProduct(_))
        ));
    }

    #[test]
    fn version_prefixes_find_cycles() {
        let t = table();
        let python = t.product("python").unwrap();
        assert_eq!(python.cycle_for_version("3.8.10").unwrap().cycle, "3.8");
        assert_eq!(python.cycle_for_version("3.8").unwrap().cycle, "3.8");
        assert!(python.cycle_for_version("3").is_none());
        assert!(python.cycle_for_version("4.0").is_none());
        let dotnet = t.product("dotnet").unwrap();
        assert_eq!(dotnet.cycle_for_version("8.0").unwrap().cycle, "8");
        assert_eq!(dotnet.cycle_for_version("3.1.32").unwrap().cycle, "3.1");
        let debian = t.product("debian").unwrap();
        assert_eq!(debian.cycle_for_codename("bookworm").unwrap().cycle, "12");
        assert_eq!(debian.cycle_for_codename("BUSTER").unwrap().cycle, "10");
        assert!(debian.cycle_for_codename("sid").is_none());
        let ubuntu = t.product("ubuntu").unwrap();
        assert_eq!(ubuntu.cycle_for_codename("jammy").unwrap().cycle, "22.04");
        assert!(ubuntu.cycle_for_codename("jellyfish").is_none());
    }
}

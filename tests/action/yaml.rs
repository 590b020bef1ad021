//! A small YAML tree built from `granit-parser` events, enough to read action metadata,
//! workflows and CI templates. Aliases are refused: none of these files uses them.

use granit_parser::{Event, Parser};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Yaml {
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    pub(crate) fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a path of keys, panicking with the path when it is missing.
    pub(crate) fn at(&self, path: &[&str]) -> &Yaml {
        let mut node = self;
        for (i, key) in path.iter().enumerate() {
            node = node
                .get(key)
                .unwrap_or_else(|| panic!("missing key {}", path[..=i].join(".")));
        }
        node
    }

    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn entries(&self) -> &[(String, Yaml)] {
        match self {
            Yaml::Map(entries) => entries,
            _ => &[],
        }
    }

    pub(crate) fn items(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(items) => items,
            _ => &[],
        }
    }

    /// Every string value stored under `key`, anywhere in the tree.
    pub(crate) fn all_values(&self, key: &str) -> Vec<&str> {
        let mut found = Vec::new();
        self.collect(key, &mut found);
        found
    }

    fn collect<'a>(&'a self, key: &str, found: &mut Vec<&'a str>) {
        match self {
            Yaml::Str(_) => {}
            Yaml::Seq(items) => {
                for item in items {
                    item.collect(key, found);
                }
            }
            Yaml::Map(entries) => {
                for (k, v) in entries {
                    if k == key {
                        if let Yaml::Str(s) = v {
                            found.push(s);
                        }
                    }
                    v.collect(key, found);
                }
            }
        }
    }

    /// Every mapping in the tree (itself included) that has `key`.
    pub(crate) fn maps_with(&self, key: &str) -> Vec<&Yaml> {
        let mut found = Vec::new();
        self.collect_maps(key, &mut found);
        found
    }

    fn collect_maps<'a>(&'a self, key: &str, found: &mut Vec<&'a Yaml>) {
        match self {
            Yaml::Str(_) => {}
            Yaml::Seq(items) => {
                for item in items {
                    item.collect_maps(key, found);
                }
            }
            Yaml::Map(entries) => {
                if entries.iter().any(|(k, _)| k == key) {
                    found.push(self);
                }
                for (_, v) in entries {
                    v.collect_maps(key, found);
                }
            }
        }
    }
}

enum Frame {
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>, Option<String>),
}

pub(crate) fn parse(text: &str) -> Yaml {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.unwrap_or_else(|e| panic!("invalid YAML: {e:?}"));
        let node = match event {
            Event::Scalar(value, ..) => Yaml::Str(value.into_owned()),
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Vec::new(), None));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Yaml::Seq(items),
                _ => panic!("unbalanced sequence"),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, None)) => Yaml::Map(entries),
                _ => panic!("unbalanced mapping"),
            },
            Event::Alias(_) => panic!("unexpected alias at {span:?}"),
            _ => continue,
        };
        match stack.last_mut() {
            None => {
                assert!(root.is_none(), "one document per file");
                root = Some(node);
            }
            Some(Frame::Seq(items)) => items.push(node),
            Some(Frame::Map(entries, key)) => match key.take() {
                None => match node {
                    Yaml::Str(k) => *key = Some(k),
                    other => panic!("non-scalar key {other:?}"),
                },
                Some(k) => {
                    assert!(
                        entries.iter().all(|(existing, _)| *existing != k),
                        "duplicate key {k}"
                    );
                    entries.push((k, node));
                }
            },
        }
    }
    root.unwrap_or(Yaml::Map(Vec::new()))
}

#[test]
fn reads_nested_structures() {
    let doc = parse("a:\n  b: [1, \"two\"]\n  c: |\n    x\n    y\nd:\n  - e: f\n");
    assert_eq!(doc.at(&["a", "c"]).str(), Some("x\ny\n"));
    assert_eq!(doc.at(&["a", "b"]).items().len(), 2);
    assert_eq!(doc.all_values("e"), vec!["f"]);
    assert_eq!(doc.maps_with("e").len(), 1);
}

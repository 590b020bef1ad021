//! Compose's merge rules (compose-spec "Merge and override"), applied to override files,
//! later documents of a file, `extends` and `include`.
//!
//! - mappings merge key by key, scalars are replaced, a null keeps the earlier value;
//! - `command`, `entrypoint` and `healthcheck.test` are replaced, never merged;
//! - `environment`, `labels`, `sysctls`, `annotations`, `extra_hosts`, `build.args`,
//!   `build.labels`, `deploy.labels` and resource `labels` merge by key whether written as a
//!   list or a mapping (the later file wins for a key);
//! - `depends_on` and `networks` merge as mappings (a list is read as names);
//! - sequences are appended, and these are sets keyed as compose keys them (a later entry
//!   replaces the earlier one in place): `ports` by host IP, published port, target and
//!   protocol; `volumes` by container path; `secrets`/`configs` by target; `devices` by
//!   container path; `env_file` by path; `cap_add`, `cap_drop`, `security_opt`, `dns`,
//!   `expose`, `profiles`, `tmpfs`, … by value;
//! - `logging` merges only when both drivers are equal (or one is unset), else is replaced;
//!   `ulimits.<name>` merges when both are mappings;
//! - a value tagged `!reset` removes the inherited value, `!override` replaces it whole.
//!
//! The merged tree keeps, for every value, the location of the file that supplied it.

use std::collections::HashMap;

use super::model::{Diagnostic, DiagnosticKind, Severity, Text};
use super::short::{parse_device, parse_port, parse_volume};
use super::tree::{Entry, Node, Scalar, Value};
use super::yaml::NodeTag;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Default,
    Override,
    /// List-or-mapping merged by key; `true` also accepts `:` as the list separator.
    KeyValue(bool),
    ListToMap,
    Build,
    Logging,
    Ulimit,
    Unique(Indexer),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Indexer {
    Value,
    Port,
    MountTarget,
    Secret(&'static str),
    Device,
    EnvFile,
}

fn rule(path: &[String]) -> Rule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["services", _, field] => match *field {
            "command" | "entrypoint" => Rule::Override,
            "environment" | "labels" | "sysctls" | "annotations" => Rule::KeyValue(false),
            "extra_hosts" => Rule::KeyValue(true),
            "build" => Rule::Build,
            "depends_on" | "networks" | "models" => Rule::ListToMap,
            "logging" => Rule::Logging,
            "ports" => Rule::Unique(Indexer::Port),
            "volumes" => Rule::Unique(Indexer::MountTarget),
            "secrets" => Rule::Unique(Indexer::Secret("/run/secrets/")),
            "configs" => Rule::Unique(Indexer::Secret("/")),
            "devices" => Rule::Unique(Indexer::Device),
            "env_file" => Rule::Unique(Indexer::EnvFile),
            "cap_add"
            | "cap_drop"
            | "security_opt"
            | "dns"
            | "dns_opt"
            | "dns_search"
            | "expose"
            | "profiles"
            | "links"
            | "external_links"
            | "group_add"
            | "tmpfs"
            | "volumes_from"
            | "device_cgroup_rules"
            | "label_file" => Rule::Unique(Indexer::Value),
            _ => Rule::Default,
        },
        ["services", _, "healthcheck", "test"] => Rule::Override,
        [
            "services",
            _,
            "build",
            "args" | "labels" | "additional_contexts",
        ]
        | ["services", _, "deploy", "labels"]
        | ["networks" | "volumes" | "secrets" | "configs", _, "labels"] => Rule::KeyValue(false),
        ["services", _, "build", "extra_hosts"] => Rule::KeyValue(true),
        ["services", _, "build", "secrets"] => Rule::Unique(Indexer::Secret("/run/secrets/")),
        [
            "services",
            _,
            "build",
            "tags" | "cache_from" | "cache_to" | "platforms",
        ] => Rule::Unique(Indexer::Value),
        ["services", _, "ulimits", _] => Rule::Ulimit,
        _ => Rule::Default,
    }
}

pub(crate) struct Merger<'a> {
    pub diagnostics: &'a mut Vec<Diagnostic>,
    path: Vec<String>,
}

impl<'a> Merger<'a> {
    /// A merger whose paths start at `prefix` (for example `["services", "web"]`).
    pub(crate) fn new(diagnostics: &'a mut Vec<Diagnostic>, prefix: &[&str]) -> Self {
        Merger {
            diagnostics,
            path: prefix.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Merges `over` onto `base`.
    pub(crate) fn merge(&mut self, base: Node, over: Node) -> Node {
        if over.tag == Some(NodeTag::Override) {
            return strip_resets(over);
        }
        match rule(&self.path) {
            Rule::Override => strip_resets(over),
            Rule::KeyValue(colon) => {
                let base = to_key_value_map(base, colon);
                let over = to_key_value_map(over, colon);
                self.default(base, over)
            }
            Rule::ListToMap => self.default(names_to_map(base), names_to_map(over)),
            Rule::Build => self.default(build_to_map(base), build_to_map(over)),
            Rule::Logging => {
                let driver = |n: &Node| n.get("driver").and_then(Node::as_str).map(str::to_owned);
                match (driver(&base), driver(&over)) {
                    (Some(a), Some(b)) if a != b => strip_resets(over),
                    _ => self.default(base, over),
                }
            }
            Rule::Ulimit => {
                if base.as_map().is_some() && over.as_map().is_some() {
                    self.default(base, over)
                } else {
                    strip_resets(over)
                }
            }
            Rule::Unique(ix) => {
                let (base, over) = (scalar_to_seq(base), scalar_to_seq(over));
                let (file, span, tag, truncated) =
                    (over.file, over.span, over.tag.clone(), over.truncated);
                match (base.value, over.value) {
                    (Value::Seq(mut items), Value::Seq(more)) => {
                        items.extend(more.into_iter().map(strip_resets));
                        Node {
                            value: Value::Seq(unique(items, ix)),
                            file,
                            span,
                            tag,
                            truncated,
                        }
                    }
                    (_, value) => strip_resets(Node {
                        value,
                        file,
                        span,
                        tag,
                        truncated,
                    }),
                }
            }
            Rule::Default => self.default(base, over),
        }
    }

    fn default(&mut self, base: Node, over: Node) -> Node {
        // A null over a value keeps the value, as compose does.
        if over.is_null() && over.tag.is_none() {
            return base;
        }
        match (base.value, over.value) {
            (Value::Map(a), Value::Map(b)) => Node {
                value: Value::Map(self.merge_maps(a, b)),
                file: base.file,
                span: base.span,
                tag: base.tag,
                truncated: base.truncated || over.truncated,
            },
            (Value::Seq(mut a), Value::Seq(b)) => {
                a.extend(b.into_iter().map(strip_resets));
                Node {
                    value: Value::Seq(a),
                    file: over.file,
                    span: over.span,
                    tag: over.tag,
                    truncated: base.truncated || over.truncated,
                }
            }
            (a, b) => {
                let over = Node {
                    value: b,
                    file: over.file,
                    span: over.span,
                    tag: over.tag,
                    truncated: over.truncated,
                };
                let conflict = matches!(
                    (&a, &over.value),
                    (Value::Map(_), Value::Seq(_) | Value::Scalar(_))
                        | (Value::Seq(_), Value::Map(_) | Value::Scalar(_))
                );
                if conflict {
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        kind: DiagnosticKind::Conflict,
                        file: Some(over.file),
                        span: over.span,
                        path: super::tree::join_path(&self.path),
                        message: format!(
                            "cannot merge {} over {}; the later value is used",
                            over.type_name(),
                            value_type(&a)
                        ),
                    });
                }
                strip_resets(over)
            }
        }
    }

    fn merge_maps(&mut self, base: Vec<Entry>, over: Vec<Entry>) -> Vec<Entry> {
        let mut out = base;
        let mut index: HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.clone(), i))
            .collect();
        for e in over {
            if e.value.tag == Some(NodeTag::Reset) {
                if let Some(i) = index.remove(&e.key) {
                    out.remove(i);
                    index = out
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (e.key.clone(), i))
                        .collect();
                }
                continue;
            }
            match index.get(&e.key) {
                Some(&i) if !e.key.starts_with("x-") => {
                    let old = std::mem::replace(
                        &mut out[i].value,
                        Node::null(e.value.file, e.value.span),
                    );
                    let (over_file, over_span) = (e.value.file, e.value.span);
                    self.path.push(e.key.clone());
                    let merged = self.merge(old, e.value);
                    self.path.pop();
                    // The key goes with the file that supplied the value.
                    if merged.file == over_file && merged.span == over_span {
                        out[i].key_span = e.key_span;
                    }
                    out[i].value = merged;
                }
                Some(&i) => out[i] = strip_entry(e),
                None => {
                    index.insert(e.key.clone(), out.len());
                    out.push(strip_entry(e));
                }
            }
        }
        out
    }
}

fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Scalar(_) => "a scalar",
        Value::Seq(_) => "a sequence",
        Value::Map(_) => "a mapping",
    }
}

fn strip_entry(e: Entry) -> Entry {
    Entry {
        key: e.key,
        key_span: e.key_span,
        value: strip_resets(e.value),
    }
}

/// Drops entries tagged `!reset` below a value that has nothing to reset.
pub(crate) fn strip_resets(mut node: Node) -> Node {
    match &mut node.value {
        Value::Map(entries) => {
            let old = std::mem::take(entries);
            *entries = old
                .into_iter()
                .filter(|e| e.value.tag != Some(NodeTag::Reset))
                .map(strip_entry)
                .collect();
        }
        Value::Seq(items) => {
            let old = std::mem::take(items);
            *items = old
                .into_iter()
                .filter(|n| n.tag != Some(NodeTag::Reset))
                .map(strip_resets)
                .collect();
        }
        _ => {}
    }
    node
}

fn scalar_to_seq(node: Node) -> Node {
    if matches!(node.value, Value::Scalar(_)) {
        let (file, span, tag) = (node.file, node.span, node.tag.clone());
        return Node {
            value: Value::Seq(vec![node]),
            file,
            span,
            tag,
            truncated: false,
        };
    }
    node
}

/// `KEY=VALUE` (or `KEY:VALUE` with `colon`) split of a scalar list item: the key with its
/// span, and the value as a node (`None` when there is no separator).
pub(crate) fn split_key_value(node: &Node, colon: bool) -> Option<(String, Span, Option<Node>)> {
    let s = node.as_scalar()?;
    let text = s.text.text.as_str();
    let at = text
        .find('=')
        .or_else(|| if colon { text.find(':') } else { None });
    let Some(at) = at else {
        return Some((text.to_owned(), node.span, None));
    };
    let key = text[..at].to_owned();
    let key_span = s.sub_span(node.span, 0, at);
    let value_text = &text[at + 1..];
    let sep = text.as_bytes()[at];
    let raw = s.text.raw.as_str();
    let raw_value = if raw == text {
        value_text.to_owned()
    } else {
        raw.find(char::from(sep))
            .map_or_else(|| value_text.to_owned(), |j| raw[j + 1..].to_owned())
    };
    let value_span = s.sub_span(node.span, at + 1, text.len());
    let verbatim = (raw == text).then_some(value_span.start);
    let value = Node {
        value: Value::Scalar(Box::new(Scalar {
            text: Text {
                text: value_text.to_owned(),
                interpolated: s.text.interpolated && raw_value.contains('$'),
                raw: raw_value,
                unknown: s.text.unknown,
            },
            style: s.style,
            verbatim: verbatim.filter(|_| s.verbatim.is_some()),
        })),
        file: node.file,
        span: value_span,
        tag: None,
        truncated: false,
    };
    Some((key, key_span, Some(value)))
}

/// A list of `KEY=VALUE` strings as a mapping (mappings are returned unchanged).
pub(crate) fn to_key_value_map(node: Node, colon: bool) -> Node {
    let Value::Seq(items) = &node.value else {
        return node;
    };
    let mut entries: Vec<Entry> = Vec::with_capacity(items.len());
    for item in items {
        let Some((key, key_span, value)) = split_key_value(item, colon) else {
            continue;
        };
        let value = value.unwrap_or_else(|| Node::null(item.file, Span::at(item.span.end)));
        let entry = Entry {
            key,
            key_span,
            value,
        };
        if let Some(e) = entries.iter_mut().find(|e| e.key == entry.key) {
            *e = entry;
        } else {
            entries.push(entry);
        }
    }
    Node {
        value: Value::Map(entries),
        ..node
    }
}

/// A list of names as a mapping of names to null.
fn names_to_map(node: Node) -> Node {
    let Value::Seq(items) = &node.value else {
        return node;
    };
    let entries = items
        .iter()
        .filter_map(|item| {
            let name = item.as_str()?;
            Some(Entry {
                key: name.to_owned(),
                key_span: item.span,
                value: Node::null(item.file, item.span),
            })
        })
        .collect();
    Node {
        value: Value::Map(entries),
        ..node
    }
}

/// `build: ./dir` as `build: {context: ./dir}`.
fn build_to_map(node: Node) -> Node {
    if matches!(node.value, Value::Scalar(_)) {
        let (file, span, tag) = (node.file, node.span, node.tag.clone());
        return Node {
            value: Value::Map(vec![Entry {
                key: "context".to_owned(),
                key_span: span,
                value: node,
            }]),
            file,
            span,
            tag,
            truncated: false,
        };
    }
    node
}

fn field_text(node: &Node, key: &str) -> String {
    node.get(key)
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The identity of a set element.
fn index_key(node: &Node, ix: Indexer) -> Option<String> {
    match ix {
        Indexer::Value => node.as_str().map(str::to_owned),
        Indexer::Port => {
            if let Some(s) = node.as_str() {
                let (p, _) = parse_port(s);
                let part = |r: Option<std::ops::Range<usize>>| {
                    r.map(|r| s[r].to_owned()).unwrap_or_default()
                };
                let proto = p
                    .protocol
                    .clone()
                    .map_or_else(|| "tcp".to_owned(), |r| s[r].to_ascii_lowercase());
                Some(format!(
                    "{}|{}|{}|{}",
                    part(p.host_ip),
                    part(p.published),
                    &s[p.target],
                    proto
                ))
            } else if node.as_map().is_some() {
                let proto = node
                    .get("protocol")
                    .and_then(Node::as_str)
                    .map_or_else(|| "tcp".to_owned(), str::to_ascii_lowercase);
                Some(format!(
                    "{}|{}|{}|{}",
                    field_text(node, "host_ip"),
                    field_text(node, "published"),
                    field_text(node, "target"),
                    proto
                ))
            } else {
                None
            }
        }
        Indexer::MountTarget => {
            if let Some(s) = node.as_str() {
                let (p, _) = parse_volume(s);
                p.target.map(|r| s[r].to_owned())
            } else {
                node.get("target").and_then(Node::as_str).map(str::to_owned)
            }
        }
        Indexer::Secret(dir) => {
            if let Some(s) = node.as_str() {
                Some(format!("{dir}{s}"))
            } else {
                let target = field_text(node, "target");
                if target.starts_with('/') {
                    Some(target)
                } else if target.is_empty() {
                    Some(format!("{dir}{}", field_text(node, "source")))
                } else {
                    Some(format!("{dir}{target}"))
                }
            }
        }
        Indexer::Device => {
            if let Some(s) = node.as_str() {
                let p = parse_device(s);
                Some(
                    p.target
                        .map_or_else(|| s[p.source].to_owned(), |r| s[r].to_owned()),
                )
            } else {
                let t = field_text(node, "target");
                Some(if t.is_empty() {
                    field_text(node, "source")
                } else {
                    t
                })
            }
        }
        Indexer::EnvFile => node
            .as_str()
            .map(str::to_owned)
            .or_else(|| node.get("path").and_then(Node::as_str).map(str::to_owned)),
    }
}

/// Removes duplicates: a later element replaces the earlier one with the same key, in place.
fn unique(items: Vec<Node>, ix: Indexer) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in items {
        match index_key(&item, ix) {
            Some(k) => {
                if let Some(&i) = seen.get(&k) {
                    out[i] = item;
                } else {
                    seen.insert(k, out.len());
                    out.push(item);
                }
            }
            None => out.push(item),
        }
    }
    out
}

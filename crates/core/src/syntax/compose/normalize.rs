//! The merged tree → the typed model: short and long syntaxes normalised, every value with
//! its location, unknown keys and wrong types reported precisely and skipped.

use std::path::{Component, Path, PathBuf};

use super::merge::split_key_value;
use super::model::{
    Build, BuildContext, Command, Deploy, Device, Diagnostic, DiagnosticKind, DockerfileSource,
    EnvFile, Extends, Field, FileIndex, Healthcheck, Include, Item, KeyValue, ListField, ListOrMap,
    Mount, MountKind, NamedSecret, NamedVolume, Parsed, Port, ResourceSpec, Resources, SecretRef,
    Service, Severity, SourceKind, Syntax, Text, Ulimit,
};
use super::short::{
    BoolReading, parse_bool, parse_bytes, parse_device, parse_float, parse_int, parse_port,
    parse_volume,
};
use super::tree::{Entry, Node, Value};
use crate::source::Span;

const TOP_KEYS: &[&str] = &[
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

const SERVICE_KEYS: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_shares",
    "cpu_quota",
    "cpu_period",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "label_file",
    "environment",
    "expose",
    "extends",
    "provider",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "network_mode",
    "models",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "security_opt",
    "shm_size",
    "secrets",
    "sysctls",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "uts",
    "userns_mode",
    "volumes",
    "volumes_from",
    "working_dir",
];

/// List fields that also accept a single string.
const STRING_OR_LIST: &[&str] = &[
    "tmpfs",
    "dns",
    "dns_search",
    "env_file",
    "label_file",
    "path",
];

const BUILD_KEYS: &[&str] = &[
    "context",
    "dockerfile",
    "dockerfile_inline",
    "entitlements",
    "args",
    "ssh",
    "labels",
    "cache_from",
    "cache_to",
    "no_cache",
    "additional_contexts",
    "network",
    "pull",
    "target",
    "shm_size",
    "extra_hosts",
    "isolation",
    "privileged",
    "secrets",
    "tags",
    "ulimits",
    "platforms",
];
const PORT_KEYS: &[&str] = &[
    "name",
    "mode",
    "host_ip",
    "target",
    "published",
    "protocol",
    "app_protocol",
];
const VOLUME_KEYS: &[&str] = &[
    "type",
    "source",
    "target",
    "read_only",
    "consistency",
    "bind",
    "volume",
    "tmpfs",
    "image",
];
const DEVICE_KEYS: &[&str] = &["source", "target", "permissions"];
const SECRET_REF_KEYS: &[&str] = &["source", "target", "uid", "gid", "mode"];
const ENV_FILE_KEYS: &[&str] = &["path", "required", "format"];
const HEALTHCHECK_KEYS: &[&str] = &[
    "disable",
    "interval",
    "retries",
    "test",
    "timeout",
    "start_period",
    "start_interval",
];
const DEPLOY_KEYS: &[&str] = &[
    "mode",
    "endpoint_mode",
    "replicas",
    "labels",
    "rollback_config",
    "update_config",
    "resources",
    "restart_policy",
    "placement",
];
const RESOURCES_KEYS: &[&str] = &["limits", "reservations"];
const LIMITS_KEYS: &[&str] = &["cpus", "memory", "pids"];
const RESERVATIONS_KEYS: &[&str] = &["cpus", "memory", "generic_resources", "devices"];
const EXTENDS_KEYS: &[&str] = &["service", "file"];
const ULIMIT_KEYS: &[&str] = &["soft", "hard"];
const TOP_VOLUME_KEYS: &[&str] = &["name", "driver", "driver_opts", "external", "labels"];
const TOP_SECRET_KEYS: &[&str] = &[
    "name",
    "environment",
    "file",
    "external",
    "labels",
    "driver",
    "driver_opts",
    "template_driver",
];
const INCLUDE_KEYS: &[&str] = &["path", "env_file", "project_directory"];

/// What the normaliser produces for the project.
pub(crate) struct TopLevel {
    pub name: Option<Field<Text>>,
    pub version: Option<Field<Text>>,
    pub services: Vec<Service>,
    pub volumes: Vec<NamedVolume>,
    pub secrets: Vec<NamedSecret>,
    pub includes: Vec<Include>,
}

pub(crate) struct Normalizer<'a> {
    /// Directory relative paths resolve against, per file.
    pub base_dirs: &'a [PathBuf],
    pub diagnostics: &'a mut Vec<Diagnostic>,
    path: Vec<String>,
}

fn item<T>(value: T, node: &Node) -> Item<T> {
    Item {
        value,
        file: node.file,
        span: node.span,
    }
}

fn field<T>(value: T, e: &Entry) -> Field<T> {
    Field {
        value,
        file: e.value.file,
        key: e.key_span,
        span: if e.value.is_null() {
            Span::at(e.key_span.end)
        } else {
            e.value.span
        },
    }
}

impl<'a> Normalizer<'a> {
    pub(crate) fn new(base_dirs: &'a [PathBuf], diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        Normalizer {
            base_dirs,
            diagnostics,
            path: Vec::new(),
        }
    }

    fn report(
        &mut self,
        severity: Severity,
        kind: DiagnosticKind,
        file: FileIndex,
        span: Span,
        message: String,
    ) {
        self.diagnostics.push(Diagnostic {
            severity,
            kind,
            file: Some(file),
            span,
            path: super::tree::join_path(&self.path),
            message,
        });
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        let message = format!("expected {expected}, found {}", node.type_name());
        self.report(
            Severity::Error,
            DiagnosticKind::WrongType,
            node.file,
            node.span,
            message,
        );
    }

    fn with<T>(&mut self, segment: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(segment.to_owned());
        let out = f(self);
        self.path.pop();
        out
    }

    /// Reports keys of `entries` outside `known` (extension keys `x-…` are always allowed).
    fn check_keys(&mut self, entries: &[Entry], known: &[&str]) {
        for e in entries {
            if e.key.starts_with("x-") || known.contains(&e.key.as_str()) {
                continue;
            }
            self.path.push(e.key.clone());
            self.report(
                Severity::Warning,
                DiagnosticKind::UnknownKey,
                e.value.file,
                e.key_span,
                format!("unknown key `{}`", e.key),
            );
            self.path.pop();
        }
    }

    /// A mapping's entries (any keys), or a wrong-type diagnostic.
    fn entries<'n>(&mut self, node: &'n Node) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            Value::Null => Some(&[]),
            _ => {
                self.wrong_type(node, "a mapping");
                None
            }
        }
    }

    /// A mapping's entries, with keys outside `known` reported.
    fn map<'n>(&mut self, node: &'n Node, known: &[&str]) -> Option<&'n [Entry]> {
        let entries = self.entries(node)?;
        self.check_keys(entries, known);
        Some(entries)
    }

    // ---- scalars -------------------------------------------------------------------------

    fn text(&mut self, node: &Node) -> Option<Text> {
        match &node.value {
            Value::Scalar(s) => Some(s.text.clone()),
            Value::Null => None,
            _ => {
                self.wrong_type(node, "a string");
                None
            }
        }
    }

    fn text_field(&mut self, e: &Entry) -> Option<Field<Text>> {
        let key = e.key.clone();
        self.with(&key, |n| n.text(&e.value)).map(|t| field(t, e))
    }

    fn text_item(&mut self, node: &Node) -> Option<Item<Text>> {
        self.text(node).map(|t| item(t, node))
    }

    fn parsed<T>(
        &mut self,
        node: &Node,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Parsed<T>> {
        let text = self.text(node)?;
        let value = parse(&text.text);
        if value.is_none() && !text.unknown {
            let message = format!("{:?} is not a valid {what}", text.text);
            self.report(
                Severity::Error,
                DiagnosticKind::InvalidValue,
                node.file,
                node.span,
                message,
            );
        }
        Some(Parsed { value, text })
    }

    fn bool_node(&mut self, node: &Node) -> Option<Parsed<bool>> {
        let text = self.text(node)?;
        let value = match parse_bool(&text.text) {
            Some(BoolReading::Standard(b)) => Some(b),
            Some(BoolReading::Yaml11(b)) => {
                let message = format!(
                    "{:?} is read as `{b}`; YAML 1.2 has only `true` and `false`",
                    text.text
                );
                self.report(
                    Severity::Warning,
                    DiagnosticKind::Yaml11Boolean,
                    node.file,
                    node.span,
                    message,
                );
                Some(b)
            }
            None => {
                if !text.unknown {
                    let message = format!("{:?} is not a boolean", text.text);
                    self.report(
                        Severity::Error,
                        DiagnosticKind::InvalidValue,
                        node.file,
                        node.span,
                        message,
                    );
                }
                None
            }
        };
        Some(Parsed { value, text })
    }

    fn bool_field(&mut self, e: &Entry) -> Option<Field<Parsed<bool>>> {
        let key = e.key.clone();
        self.with(&key, |n| n.bool_node(&e.value))
            .map(|v| field(v, e))
    }

    fn bytes_field(&mut self, e: &Entry) -> Option<Field<Parsed<i64>>> {
        let key = e.key.clone();
        self.with(&key, |n| n.parsed(&e.value, "size", parse_bytes))
            .map(|v| field(v, e))
    }

    fn int_field(&mut self, e: &Entry) -> Option<Field<Parsed<i64>>> {
        let key = e.key.clone();
        self.with(&key, |n| n.parsed(&e.value, "integer", parse_int))
            .map(|v| field(v, e))
    }

    fn float_field(&mut self, e: &Entry) -> Option<Field<Parsed<f64>>> {
        let key = e.key.clone();
        self.with(&key, |n| n.parsed(&e.value, "number", parse_float))
            .map(|v| field(v, e))
    }

    // ---- lists ---------------------------------------------------------------------------

    /// A list of scalars. A single string counts as a one-element list; it is reported
    /// unless the field accepts a string (`tmpfs`, `dns`, …).
    fn text_list(&mut self, e: &Entry) -> Option<ListField<Text>> {
        let key = e.key.clone();
        if matches!(e.value.value, Value::Scalar(_)) && !STRING_OR_LIST.contains(&key.as_str()) {
            self.with(&key, |n| n.wrong_type(&e.value, "a list"));
        }
        self.with(&key, |n| match &e.value.value {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    if let Some(t) = n.with(&format!("[{i}]"), |n| n.text_item(it)) {
                        out.push(t);
                    }
                }
                Some(field(out, e))
            }
            Value::Scalar(_) => n.text_item(&e.value).map(|t| field(vec![t], e)),
            Value::Null => Some(field(Vec::new(), e)),
            Value::Map(_) => {
                n.wrong_type(&e.value, "a list");
                None
            }
        })
    }

    /// Elements of a list field, each normalised by `f`.
    fn list<T>(
        &mut self,
        e: &Entry,
        mut f: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Option<ListField<T>> {
        let key = e.key.clone();
        self.with(&key, |n| {
            let items: &[Node] = match &e.value.value {
                Value::Seq(items) => items,
                Value::Null => &[],
                Value::Scalar(_) => {
                    if !STRING_OR_LIST.contains(&key.as_str()) {
                        n.wrong_type(&e.value, "a list");
                    }
                    std::slice::from_ref(&e.value)
                }
                Value::Map(_) => {
                    n.wrong_type(&e.value, "a list");
                    return None;
                }
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                if let Some(v) = n.with(&format!("[{i}]"), |n| f(n, it)) {
                    out.push(item(v, it));
                }
            }
            Some(field(out, e))
        })
    }

    /// A list of `KEY=VALUE` strings or a mapping.
    fn key_values(&mut self, e: &Entry) -> Option<Field<Vec<KeyValue>>> {
        let key = e.key.clone();
        self.with(&key, |n| n.key_values_node(&e.value).map(|v| field(v, e)))
    }

    fn key_values_node(&mut self, node: &Node) -> Option<Vec<KeyValue>> {
        match &node.value {
            Value::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for en in entries {
                    let value = match &en.value.value {
                        Value::Null => None,
                        Value::Scalar(s) => Some(item(s.text.clone(), &en.value)),
                        _ => {
                            self.with(&en.key.clone(), |n| n.wrong_type(&en.value, "a string"));
                            continue;
                        }
                    };
                    let end = if en.value.is_null() {
                        en.key_span.end
                    } else {
                        en.value.span.end
                    };
                    out.push(KeyValue {
                        key: Item {
                            value: en.key.clone(),
                            file: en.value.file,
                            span: en.key_span,
                        },
                        value,
                        span: Span::new(en.key_span.start, end.max(en.key_span.start)),
                        syntax: ListOrMap::Map,
                    });
                }
                Some(out)
            }
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    let Some((key, key_span, value)) = split_key_value(it, false) else {
                        self.with(&format!("[{i}]"), |n| {
                            n.wrong_type(it, "a `KEY=VALUE` string");
                        });
                        continue;
                    };
                    out.push(KeyValue {
                        key: Item {
                            value: key,
                            file: it.file,
                            span: key_span,
                        },
                        value: value.map(|v| {
                            let text = v.as_scalar().map(|s| s.text.clone()).unwrap_or_default();
                            item(text, &v)
                        }),
                        span: it.span,
                        syntax: ListOrMap::List,
                    });
                }
                Some(out)
            }
            Value::Null => Some(Vec::new()),
            Value::Scalar(_) => {
                self.wrong_type(node, "a list or a mapping");
                None
            }
        }
    }

    fn command(&mut self, e: &Entry) -> Option<Field<Command>> {
        let key = e.key.clone();
        self.with(&key, |n| match &e.value.value {
            Value::Scalar(s) => Some(field(Command::String(s.text.clone()), e)),
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    if let Some(t) = n.text_item(it) {
                        out.push(t);
                    }
                }
                Some(field(Command::List(out), e))
            }
            Value::Null => None,
            Value::Map(_) => {
                n.wrong_type(&e.value, "a string or a list");
                None
            }
        })
    }

    // ---- paths ---------------------------------------------------------------------------

    fn base_dir(&self, file: FileIndex) -> PathBuf {
        self.base_dirs
            .get(file.index())
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Resolves a path written in `file`; `None` for `~` paths (the home directory is not
    /// known).
    fn resolve(&self, file: FileIndex, p: &str) -> Option<PathBuf> {
        if p.starts_with('~') {
            return None;
        }
        let kind = SourceKind::of(p);
        if matches!(
            kind,
            SourceKind::Absolute | SourceKind::WindowsDrive | SourceKind::WindowsUnc
        ) {
            return Some(PathBuf::from(p));
        }
        Some(clean_path(&self.base_dir(file).join(p)))
    }

    // ---- top level -----------------------------------------------------------------------

    pub(crate) fn top(&mut self, root: &Node) -> TopLevel {
        let mut top = TopLevel {
            name: None,
            version: None,
            services: Vec::new(),
            volumes: Vec::new(),
            secrets: Vec::new(),
            includes: Vec::new(),
        };
        let Some(entries) = self.map(root, TOP_KEYS) else {
            return top;
        };
        for e in entries {
            match e.key.as_str() {
                "version" => top.version = self.text_field(e),
                "name" => top.name = self.text_field(e),
                "services" => {
                    self.path.push("services".to_owned());
                    if let Some(services) = self.entries(&e.value) {
                        for s in services {
                            self.path.push(s.key.clone());
                            if let Some(svc) = self.service(s) {
                                top.services.push(svc);
                            }
                            self.path.pop();
                        }
                    }
                    self.path.pop();
                }
                "volumes" => {
                    self.path.push("volumes".to_owned());
                    if let Some(vols) = self.entries(&e.value) {
                        for v in vols {
                            self.path.push(v.key.clone());
                            if let Some(vol) = self.named_volume(v) {
                                top.volumes.push(vol);
                            }
                            self.path.pop();
                        }
                    }
                    self.path.pop();
                }
                "secrets" => {
                    self.path.push("secrets".to_owned());
                    if let Some(secrets) = self.entries(&e.value) {
                        for s in secrets {
                            self.path.push(s.key.clone());
                            if let Some(sec) = self.named_secret(s) {
                                top.secrets.push(sec);
                            }
                            self.path.pop();
                        }
                    }
                    self.path.pop();
                }
                "include" => top.includes = self.with("include", |n| n.includes(&e.value)),
                _ => {}
            }
        }
        top
    }

    fn includes(&mut self, node: &Node) -> Vec<Include> {
        let items: &[Node] = match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                self.wrong_type(node, "a list");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for it in items {
            match &it.value {
                Value::Scalar(s) => out.push(Include {
                    file: it.file,
                    span: it.span,
                    paths: vec![item(s.text.clone(), it)],
                    project_directory: None,
                    env_files: Vec::new(),
                }),
                Value::Map(_) => {
                    let Some(entries) = self.map(it, INCLUDE_KEYS) else {
                        continue;
                    };
                    let mut inc = Include {
                        file: it.file,
                        span: it.span,
                        paths: Vec::new(),
                        project_directory: None,
                        env_files: Vec::new(),
                    };
                    for e in entries {
                        match e.key.as_str() {
                            "path" => {
                                inc.paths = self.text_list(e).map(|f| f.value).unwrap_or_default();
                            }
                            "env_file" => {
                                inc.env_files =
                                    self.text_list(e).map(|f| f.value).unwrap_or_default();
                            }
                            "project_directory" => inc.project_directory = self.text_field(e),
                            _ => {}
                        }
                    }
                    out.push(inc);
                }
                _ => self.wrong_type(it, "a path or a mapping"),
            }
        }
        out
    }

    fn named_volume(&mut self, e: &Entry) -> Option<NamedVolume> {
        let mut vol = NamedVolume {
            name: e.key.clone(),
            file: e.value.file,
            key: e.key_span,
            span: e.value.span,
            driver: None,
            external: None,
            driver_opts: None,
        };
        let entries = self.map(&e.value, TOP_VOLUME_KEYS)?;
        for en in entries {
            match en.key.as_str() {
                "driver" => vol.driver = self.text_field(en),
                "external" => {
                    // `external: {name: …}` (deprecated) still means external.
                    if en.value.as_map().is_some() {
                        vol.external = Some(field(
                            Parsed {
                                value: Some(true),
                                text: Text::literal("true"),
                            },
                            en,
                        ));
                    } else {
                        vol.external = self.bool_field(en);
                    }
                }
                "driver_opts" => vol.driver_opts = self.key_values(en),
                _ => {}
            }
        }
        Some(vol)
    }

    fn named_secret(&mut self, e: &Entry) -> Option<NamedSecret> {
        let mut sec = NamedSecret {
            name: e.key.clone(),
            file: e.value.file,
            key: e.key_span,
            span: e.value.span,
            path: None,
            resolved_path: None,
            environment: None,
            external: None,
        };
        let entries = self.map(&e.value, TOP_SECRET_KEYS)?;
        for en in entries {
            match en.key.as_str() {
                "file" => {
                    sec.path = self.text_field(en);
                    sec.resolved_path = sec
                        .path
                        .as_ref()
                        .filter(|p| !p.value.unknown)
                        .and_then(|p| self.resolve(p.file, &p.value.text));
                }
                "environment" => sec.environment = self.text_field(en),
                "external" => {
                    if en.value.as_map().is_some() {
                        sec.external = Some(field(
                            Parsed {
                                value: Some(true),
                                text: Text::literal("true"),
                            },
                            en,
                        ));
                    } else {
                        sec.external = self.bool_field(en);
                    }
                }
                _ => {}
            }
        }
        Some(sec)
    }

    // ---- services ------------------------------------------------------------------------

    fn service(&mut self, e: &Entry) -> Option<Service> {
        let Value::Map(entries) = &e.value.value else {
            self.wrong_type(&e.value, "a mapping (a service definition)");
            return None;
        };
        self.check_keys(entries, SERVICE_KEYS);
        let mut s = Service {
            name: e.key.clone(),
            file: e.value.file,
            key: e.key_span,
            span: e.value.span,
            truncated: e.value.truncated,
            image: None,
            build: None,
            user: None,
            read_only: None,
            privileged: None,
            cap_add: None,
            cap_drop: None,
            security_opt: None,
            ports: None,
            expose: None,
            volumes: None,
            volumes_from: None,
            environment: None,
            env_file: None,
            secrets: None,
            deploy: None,
            mem_limit: None,
            memswap_limit: None,
            cpus: None,
            pids_limit: None,
            ulimits: None,
            tmpfs: None,
            devices: None,
            network_mode: None,
            pid: None,
            ipc: None,
            uts: None,
            userns_mode: None,
            cgroup: None,
            cgroup_parent: None,
            healthcheck: None,
            restart: None,
            labels: None,
            profiles: None,
            extends: None,
            sysctls: None,
            group_add: None,
            oom_kill_disable: None,
            init: None,
            command: None,
            entrypoint: None,
            working_dir: None,
            container_name: None,
            platform: None,
            runtime: None,
            raw: e.value.clone(),
        };
        for en in entries {
            match en.key.as_str() {
                "image" => s.image = self.text_field(en),
                "build" => s.build = self.with("build", |n| n.build(en)),
                "user" => s.user = self.text_field(en),
                "read_only" => s.read_only = self.bool_field(en),
                "privileged" => s.privileged = self.bool_field(en),
                "init" => s.init = self.bool_field(en),
                "oom_kill_disable" => s.oom_kill_disable = self.bool_field(en),
                "cap_add" => s.cap_add = self.text_list(en),
                "cap_drop" => s.cap_drop = self.text_list(en),
                "security_opt" => s.security_opt = self.text_list(en),
                "expose" => s.expose = self.text_list(en),
                "volumes_from" => s.volumes_from = self.text_list(en),
                "tmpfs" => s.tmpfs = self.text_list(en),
                "profiles" => s.profiles = self.text_list(en),
                "group_add" => s.group_add = self.text_list(en),
                "ports" => s.ports = self.list(en, Self::port),
                "volumes" => s.volumes = self.list(en, Self::mount),
                "devices" => s.devices = self.list(en, Self::device),
                "secrets" => s.secrets = self.list(en, Self::secret_ref),
                "env_file" => s.env_file = self.list(en, Self::env_file),
                "environment" => s.environment = self.key_values(en),
                "labels" => s.labels = self.key_values(en),
                "sysctls" => s.sysctls = self.key_values(en),
                "mem_limit" => s.mem_limit = self.bytes_field(en),
                "memswap_limit" => s.memswap_limit = self.bytes_field(en),
                "cpus" => s.cpus = self.float_field(en),
                "pids_limit" => s.pids_limit = self.int_field(en),
                "ulimits" => s.ulimits = self.with("ulimits", |n| n.ulimits(en)),
                "network_mode" => s.network_mode = self.text_field(en),
                "pid" => s.pid = self.text_field(en),
                "ipc" => s.ipc = self.text_field(en),
                "uts" => s.uts = self.text_field(en),
                "userns_mode" => s.userns_mode = self.text_field(en),
                "cgroup" => s.cgroup = self.text_field(en),
                "cgroup_parent" => s.cgroup_parent = self.text_field(en),
                "restart" => s.restart = self.text_field(en),
                "working_dir" => s.working_dir = self.text_field(en),
                "container_name" => s.container_name = self.text_field(en),
                "platform" => s.platform = self.text_field(en),
                "runtime" => s.runtime = self.text_field(en),
                "command" => s.command = self.command(en),
                "entrypoint" => s.entrypoint = self.command(en),
                "healthcheck" => s.healthcheck = self.with("healthcheck", |n| n.healthcheck(en)),
                "deploy" => s.deploy = self.with("deploy", |n| n.deploy(en)),
                "extends" => s.extends = self.with("extends", |n| n.extends(en)),
                _ => {}
            }
        }
        Some(s)
    }

    fn port(&mut self, node: &Node) -> Option<Port> {
        match &node.value {
            Value::Scalar(sc) => {
                let s = sc.text.text.as_str();
                let (parts, error) = parse_port(s);
                if let Some(msg) = error {
                    if !sc.text.unknown {
                        self.report(
                            Severity::Error,
                            DiagnosticKind::InvalidValue,
                            node.file,
                            node.span,
                            format!("port {s:?}: {msg}"),
                        );
                    }
                }
                let part = |r: std::ops::Range<usize>| Item {
                    value: part_text(&sc.text, &s[r.clone()]),
                    file: node.file,
                    span: sc.sub_span(node.span, r.start, r.end),
                };
                Some(Port {
                    syntax: Syntax::Short,
                    host_ip: parts.host_ip.map(part),
                    published: parts.published.map(part),
                    target: (!parts.target.is_empty()).then(|| part(parts.target.clone())),
                    protocol: parts.protocol.map(part),
                    mode: None,
                    text: Some(sc.text.clone()),
                })
            }
            Value::Map(_) => {
                let entries = self.map(node, PORT_KEYS)?;
                let mut p = Port {
                    syntax: Syntax::Long,
                    host_ip: None,
                    published: None,
                    target: None,
                    protocol: None,
                    mode: None,
                    text: None,
                };
                for e in entries {
                    let slot = match e.key.as_str() {
                        "host_ip" => &mut p.host_ip,
                        "published" => &mut p.published,
                        "target" => &mut p.target,
                        "protocol" => &mut p.protocol,
                        "mode" => &mut p.mode,
                        _ => continue,
                    };
                    *slot = self.with(&e.key.clone(), |n| n.text_item(&e.value));
                }
                if p.target.is_none() {
                    self.report(
                        Severity::Error,
                        DiagnosticKind::InvalidValue,
                        node.file,
                        node.span,
                        "port has no `target`".to_owned(),
                    );
                }
                if let Some(t) = &p.target {
                    if !t.value.unknown && !super::short::is_port_or_range(&t.value.text) {
                        let message = format!("invalid container port {:?}", t.value.text);
                        self.report(
                            Severity::Error,
                            DiagnosticKind::InvalidValue,
                            t.file,
                            t.span,
                            message,
                        );
                    }
                }
                Some(p)
            }
            _ => {
                self.wrong_type(node, "a port string or mapping");
                None
            }
        }
    }

    fn mount(&mut self, node: &Node) -> Option<Mount> {
        match &node.value {
            Value::Scalar(sc) => {
                let s = sc.text.text.as_str();
                let (parts, error) = parse_volume(s);
                if let Some(msg) = error {
                    if !sc.text.unknown {
                        self.report(
                            Severity::Error,
                            DiagnosticKind::InvalidValue,
                            node.file,
                            node.span,
                            format!("volume {s:?}: {msg}"),
                        );
                    }
                }
                let part = |r: std::ops::Range<usize>| Item {
                    value: part_text(&sc.text, &s[r.clone()]),
                    file: node.file,
                    span: sc.sub_span(node.span, r.start, r.end),
                };
                let source = parts.source.clone().map(part);
                // An unknown variable stays verbatim (`${DATA}`) in the text.
                let unknown_source = source
                    .as_ref()
                    .is_some_and(|s| s.value.unknown && s.value.text.contains('$'));
                let source_kind = source
                    .as_ref()
                    .filter(|_| !unknown_source)
                    .map(|src| SourceKind::of(&src.value.text));
                let kind = match source_kind {
                    _ if unknown_source => MountKind::Unknown,
                    Some(k) if k.is_path() => MountKind::Bind,
                    _ => MountKind::Volume,
                };
                let options = parts.options.clone().map(part);
                let read_only = parts.options.as_ref().and_then(|r| {
                    let opts = &s[r.clone()];
                    let mut offset = r.start;
                    let mut found = None;
                    for opt in opts.split(',') {
                        if opt == "ro" || opt == "rw" {
                            found = Some(Item {
                                value: Parsed {
                                    value: Some(opt == "ro"),
                                    text: part_text(&sc.text, opt),
                                },
                                file: node.file,
                                span: sc.sub_span(node.span, offset, offset + opt.len()),
                            });
                        }
                        offset += opt.len() + 1;
                    }
                    found
                });
                Some(Mount {
                    syntax: Syntax::Short,
                    kind,
                    source,
                    source_kind,
                    target: parts.target.map(part),
                    read_only,
                    options,
                    text: Some(sc.text.clone()),
                })
            }
            Value::Map(_) => {
                let entries = self.map(node, VOLUME_KEYS)?;
                let mut m = Mount {
                    syntax: Syntax::Long,
                    kind: MountKind::Volume,
                    source: None,
                    source_kind: None,
                    target: None,
                    read_only: None,
                    options: None,
                    text: None,
                };
                let mut kind = None;
                for e in entries {
                    let key = e.key.clone();
                    match key.as_str() {
                        "type" => kind = self.with(&key, |n| n.text_item(&e.value)),
                        "source" => m.source = self.with(&key, |n| n.text_item(&e.value)),
                        "target" => m.target = self.with(&key, |n| n.text_item(&e.value)),
                        "read_only" => {
                            m.read_only = self
                                .with(&key, |n| n.bool_node(&e.value))
                                .map(|v| item(v, &e.value));
                        }
                        _ => {}
                    }
                }
                m.kind = match kind.as_ref().map(|k| k.value.text.as_str()) {
                    Some("bind") => MountKind::Bind,
                    Some("volume") => MountKind::Volume,
                    Some("tmpfs") => MountKind::Tmpfs,
                    Some("npipe") => MountKind::Npipe,
                    Some("image") => MountKind::Image,
                    Some("cluster") => MountKind::Cluster,
                    Some(other) => MountKind::Other(other.to_owned()),
                    None => {
                        self.report(
                            Severity::Error,
                            DiagnosticKind::InvalidValue,
                            node.file,
                            node.span,
                            "volume has no `type`".to_owned(),
                        );
                        match m.source.as_ref().map(|s| SourceKind::of(&s.value.text)) {
                            Some(k) if k.is_path() => MountKind::Bind,
                            _ => MountKind::Volume,
                        }
                    }
                };
                m.source_kind = m.source.as_ref().map(|s| match m.kind {
                    MountKind::Volume => SourceKind::Name,
                    _ => SourceKind::of(&s.value.text),
                });
                Some(m)
            }
            _ => {
                self.wrong_type(node, "a volume string or mapping");
                None
            }
        }
    }

    fn device(&mut self, node: &Node) -> Option<Device> {
        match &node.value {
            Value::Scalar(sc) => {
                let s = sc.text.text.as_str();
                let parts = parse_device(s);
                let part = |r: std::ops::Range<usize>| Item {
                    value: part_text(&sc.text, &s[r.clone()]),
                    file: node.file,
                    span: sc.sub_span(node.span, r.start, r.end),
                };
                Some(Device {
                    syntax: Syntax::Short,
                    source: Some(part(parts.source)),
                    target: parts.target.map(part),
                    permissions: parts.permissions.map(part),
                })
            }
            Value::Map(_) => {
                let entries = self.map(node, DEVICE_KEYS)?;
                let mut d = Device {
                    syntax: Syntax::Long,
                    source: None,
                    target: None,
                    permissions: None,
                };
                for e in entries {
                    let slot = match e.key.as_str() {
                        "source" => &mut d.source,
                        "target" => &mut d.target,
                        "permissions" => &mut d.permissions,
                        _ => continue,
                    };
                    *slot = self.with(&e.key.clone(), |n| n.text_item(&e.value));
                }
                Some(d)
            }
            _ => {
                self.wrong_type(node, "a device string or mapping");
                None
            }
        }
    }

    fn secret_ref(&mut self, node: &Node) -> Option<SecretRef> {
        match &node.value {
            Value::Scalar(sc) => Some(SecretRef {
                syntax: Syntax::Short,
                source: Some(item(sc.text.clone(), node)),
                target: None,
                uid: None,
                gid: None,
                mode: None,
            }),
            Value::Map(_) => {
                let entries = self.map(node, SECRET_REF_KEYS)?;
                let mut r = SecretRef {
                    syntax: Syntax::Long,
                    source: None,
                    target: None,
                    uid: None,
                    gid: None,
                    mode: None,
                };
                for e in entries {
                    let slot = match e.key.as_str() {
                        "source" => &mut r.source,
                        "target" => &mut r.target,
                        "uid" => &mut r.uid,
                        "gid" => &mut r.gid,
                        "mode" => &mut r.mode,
                        _ => continue,
                    };
                    *slot = self.with(&e.key.clone(), |n| n.text_item(&e.value));
                }
                Some(r)
            }
            _ => {
                self.wrong_type(node, "a secret name or mapping");
                None
            }
        }
    }

    fn env_file(&mut self, node: &Node) -> Option<EnvFile> {
        match &node.value {
            Value::Scalar(sc) => Some(EnvFile {
                syntax: Syntax::Short,
                resolved: (!sc.text.unknown)
                    .then(|| self.resolve(node.file, &sc.text.text))
                    .flatten(),
                path: item(sc.text.clone(), node),
                required: None,
            }),
            Value::Map(_) => {
                let entries = self.map(node, ENV_FILE_KEYS)?;
                let mut path = None;
                let mut required = None;
                for e in entries {
                    match e.key.as_str() {
                        "path" => path = self.with("path", |n| n.text_item(&e.value)),
                        "required" => {
                            required = self
                                .with("required", |n| n.bool_node(&e.value))
                                .map(|v| item(v, &e.value));
                        }
                        _ => {}
                    }
                }
                let Some(path) = path else {
                    self.report(
                        Severity::Error,
                        DiagnosticKind::InvalidValue,
                        node.file,
                        node.span,
                        "env_file entry has no `path`".to_owned(),
                    );
                    return None;
                };
                Some(EnvFile {
                    syntax: Syntax::Long,
                    resolved: (!path.value.unknown)
                        .then(|| self.resolve(path.file, &path.value.text))
                        .flatten(),
                    path,
                    required,
                })
            }
            _ => {
                self.wrong_type(node, "a path or a mapping");
                None
            }
        }
    }

    fn ulimits(&mut self, e: &Entry) -> Option<Field<Vec<Ulimit>>> {
        let entries = self.entries(&e.value)?;
        let mut out = Vec::with_capacity(entries.len());
        for en in entries {
            let name = Item {
                value: en.key.clone(),
                file: en.value.file,
                span: en.key_span,
            };
            let span = Span::new(en.key_span.start, en.value.span.end.max(en.key_span.end));
            let key = en.key.clone();
            let limit = self.with(&key, |n| match &en.value.value {
                Value::Scalar(_) => {
                    let v = n
                        .parsed(&en.value, "integer", parse_int)
                        .map(|p| item(p, &en.value));
                    Some(Ulimit {
                        name,
                        soft: v.clone(),
                        hard: v,
                        span,
                    })
                }
                Value::Map(_) => {
                    let fields = n.map(&en.value, ULIMIT_KEYS)?;
                    let mut u = Ulimit {
                        name,
                        soft: None,
                        hard: None,
                        span,
                    };
                    for f in fields {
                        let v = n
                            .with(&f.key.clone(), |n| n.parsed(&f.value, "integer", parse_int))
                            .map(|p| item(p, &f.value));
                        match f.key.as_str() {
                            "soft" => u.soft = v,
                            "hard" => u.hard = v,
                            _ => {}
                        }
                    }
                    Some(u)
                }
                _ => {
                    n.wrong_type(&en.value, "a number or a mapping");
                    None
                }
            });
            out.extend(limit);
        }
        Some(field(out, e))
    }

    fn healthcheck(&mut self, e: &Entry) -> Option<Field<Healthcheck>> {
        let entries = self.map(&e.value, HEALTHCHECK_KEYS)?;
        let mut h = Healthcheck::default();
        for en in entries {
            match en.key.as_str() {
                "test" => h.test = self.command(en),
                "interval" => h.interval = self.text_field(en),
                "timeout" => h.timeout = self.text_field(en),
                "start_period" => h.start_period = self.text_field(en),
                "start_interval" => h.start_interval = self.text_field(en),
                "retries" => h.retries = self.int_field(en),
                "disable" => h.disable = self.bool_field(en),
                _ => {}
            }
        }
        Some(field(h, e))
    }

    fn resource_spec(&mut self, e: &Entry, known: &[&str]) -> Option<Field<ResourceSpec>> {
        let entries = self.map(&e.value, known)?;
        let mut r = ResourceSpec::default();
        for en in entries {
            match en.key.as_str() {
                "memory" => r.memory = self.bytes_field(en),
                "cpus" => r.cpus = self.float_field(en),
                "pids" => r.pids = self.int_field(en),
                _ => {}
            }
        }
        Some(field(r, e))
    }

    fn deploy(&mut self, e: &Entry) -> Option<Field<Deploy>> {
        let entries = self.map(&e.value, DEPLOY_KEYS)?;
        let mut d = Deploy::default();
        for en in entries {
            match en.key.as_str() {
                "mode" => d.mode = self.text_field(en),
                "replicas" => d.replicas = self.int_field(en),
                "resources" => {
                    d.resources = self.with("resources", |n| {
                        let fields = n.map(&en.value, RESOURCES_KEYS)?;
                        let mut r = Resources::default();
                        for f in fields {
                            match f.key.as_str() {
                                "limits" => {
                                    r.limits =
                                        n.with("limits", |n| n.resource_spec(f, LIMITS_KEYS));
                                }
                                "reservations" => {
                                    r.reservations = n.with("reservations", |n| {
                                        n.resource_spec(f, RESERVATIONS_KEYS)
                                    });
                                }
                                _ => {}
                            }
                        }
                        Some(field(r, en))
                    });
                }
                "restart_policy" => {
                    if let Some(fields) = self.with("restart_policy", |n| {
                        n.map(&en.value, &["condition", "delay", "max_attempts", "window"])
                            .map(<[Entry]>::to_vec)
                    }) {
                        for f in &fields {
                            match f.key.as_str() {
                                "condition" => d.restart_policy_condition = self.text_field(f),
                                "max_attempts" => d.restart_policy_max_attempts = self.int_field(f),
                                _ => {}
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Some(field(d, e))
    }

    fn extends(&mut self, e: &Entry) -> Option<Field<Extends>> {
        match &e.value.value {
            Value::Scalar(sc) => Some(field(
                Extends {
                    service: item(sc.text.clone(), &e.value),
                    file: None,
                },
                e,
            )),
            Value::Map(_) => {
                let entries = self.map(&e.value, EXTENDS_KEYS)?;
                let mut service = None;
                let mut file = None;
                for en in entries {
                    match en.key.as_str() {
                        "service" => service = self.text_item(&en.value),
                        "file" => file = self.text_item(&en.value),
                        _ => {}
                    }
                }
                service.map(|service| field(Extends { service, file }, e))
            }
            _ => {
                self.wrong_type(&e.value, "a service name or a mapping");
                None
            }
        }
    }

    fn build(&mut self, e: &Entry) -> Option<Field<Build>> {
        let mut b = Build {
            syntax: Syntax::Long,
            context: None,
            dockerfile: None,
            dockerfile_inline: None,
            target: None,
            args: None,
            secrets: None,
            network: None,
            privileged: None,
            resolved_context: BuildContext::Unknown,
            resolved_dockerfile: DockerfileSource::Unknown,
        };
        match &e.value.value {
            Value::Scalar(sc) => {
                b.syntax = Syntax::Short;
                b.context = Some(field(sc.text.clone(), e));
            }
            Value::Map(_) => {
                let entries = self.map(&e.value, BUILD_KEYS)?;
                for en in entries {
                    match en.key.as_str() {
                        "context" => b.context = self.text_field(en),
                        "dockerfile" => b.dockerfile = self.text_field(en),
                        "dockerfile_inline" => b.dockerfile_inline = self.text_field(en),
                        "target" => b.target = self.text_field(en),
                        "args" => b.args = self.key_values(en),
                        "secrets" => b.secrets = self.list(en, Self::secret_ref),
                        "network" => b.network = self.text_field(en),
                        "privileged" => b.privileged = self.bool_field(en),
                        _ => {}
                    }
                }
            }
            _ => {
                self.wrong_type(&e.value, "a path or a mapping");
                return None;
            }
        }
        let context_file = b.context.as_ref().map_or(e.value.file, |c| c.file);
        b.resolved_context = match &b.context {
            Some(c) if c.value.unknown => BuildContext::Unknown,
            Some(c) if is_remote_context(&c.value.text) => {
                BuildContext::Remote(c.value.text.clone())
            }
            Some(c) => self
                .resolve(context_file, &c.value.text)
                .map_or(BuildContext::Unknown, BuildContext::Dir),
            None => BuildContext::Dir(self.base_dir(context_file)),
        };
        b.resolved_dockerfile = if b.dockerfile_inline.is_some() {
            DockerfileSource::Inline
        } else {
            let name = b.dockerfile.as_ref();
            match (&b.resolved_context, name) {
                (_, Some(d)) if d.value.unknown => DockerfileSource::Unknown,
                (BuildContext::Unknown, _) => DockerfileSource::Unknown,
                (BuildContext::Remote(_), d) => DockerfileSource::InRemote(
                    d.map_or_else(|| "Dockerfile".to_owned(), |d| d.value.text.clone()),
                ),
                (BuildContext::Dir(dir), None) => DockerfileSource::Path(dir.join("Dockerfile")),
                (BuildContext::Dir(dir), Some(d)) => {
                    let p = Path::new(&d.value.text);
                    if p.is_absolute()
                        || matches!(SourceKind::of(&d.value.text), SourceKind::WindowsDrive)
                    {
                        DockerfileSource::Path(p.to_path_buf())
                    } else {
                        DockerfileSource::Path(clean_path(&dir.join(p)))
                    }
                }
            }
        };
        Some(field(b, e))
    }
}

/// A part of a short-syntax string: its text, with `raw` the same part when the whole was
/// not interpolated.
fn part_text(whole: &Text, part: &str) -> Text {
    Text {
        text: part.to_owned(),
        raw: if whole.text == whole.raw {
            part.to_owned()
        } else {
            whole.raw.clone()
        },
        unknown: whole.unknown,
        interpolated: whole.interpolated,
    }
}

/// Contexts compose does not read from disk.
pub(crate) fn is_remote_context(s: &str) -> bool {
    [
        "https://",
        "http://",
        "git://",
        "ssh://",
        "git@",
        "github.com/",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

/// Lexically normalises a path: removes `.` and folds `..` where possible.
pub fn clean_path(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

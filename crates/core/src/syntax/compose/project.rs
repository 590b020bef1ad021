//! Loading a compose project: files, `.env`, interpolation, `extends`, `include`, override
//! files, then the typed model.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::dotenv::parse_dotenv;
use super::interpolate::{Lookup, interpolate};
use super::merge::{Merger, strip_resets};
use super::model::{
    ComposeFile, Diagnostic, DiagnosticKind, FileIndex, FileRole, FileScalar, Project, Severity,
    Text,
};
use super::normalize::{Normalizer, clean_path};
use super::tree::{ConvertLimits, Converter, Entry, Node, Value, verbatim_start};
use super::yaml::{self, YKind};
use super::{FileLoader, LoadError, LoadOptions};
use crate::source::{Span, to_u32};

/// Variables for interpolation: `Some` known, `None` known to be unknown.
#[derive(Clone, Debug, Default)]
struct Env {
    vars: BTreeMap<String, Option<String>>,
}

impl Lookup for Env {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.vars.get(name).and_then(Option::as_deref)
    }
}

/// A set of services that `extends` can name: one document, or one `extends.file`.
struct ExtCtx {
    file: FileIndex,
    services: Vec<Entry>,
    resolved: HashMap<String, Node>,
    in_progress: HashSet<String>,
}

struct Loader<'a> {
    fs: &'a dyn FileLoader,
    options: &'a LoadOptions,
    files: Vec<ComposeFile>,
    diagnostics: Vec<Diagnostic>,
    envs: Vec<Env>,
    ext_ctxs: Vec<ExtCtx>,
    /// `(path, env)` of files loaded for `extends` → context index.
    ext_files: HashMap<(PathBuf, usize), usize>,
    include_stack: Vec<PathBuf>,
}

/// Where a file was referenced from, for load diagnostics.
#[derive(Clone, Copy)]
struct Origin {
    file: FileIndex,
    span: Span,
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

pub(crate) fn load(files: &[PathBuf], fs: &dyn FileLoader, options: &LoadOptions) -> Project {
    let directory = options
        .project_dir
        .clone()
        .or_else(|| files.first().map(|f| dir_of(f)))
        .unwrap_or_else(|| PathBuf::from("."));
    let mut l = Loader {
        fs,
        options,
        files: Vec::new(),
        diagnostics: Vec::new(),
        envs: Vec::new(),
        ext_ctxs: Vec::new(),
        ext_files: HashMap::new(),
        include_stack: Vec::new(),
    };
    let env = l.root_env(&directory);
    l.envs.push(env);
    if let Some(first) = files.first() {
        l.include_stack.push(clean_path(first));
    }
    let root = l.load_model(files, &directory, 0, FileRole::Main, None);
    let base_dirs: Vec<PathBuf> = l.files.iter().map(|f| f.base_dir.clone()).collect();
    let top = Normalizer::new(&base_dirs, &mut l.diagnostics).top(&root);
    let mut seen = HashSet::new();
    let diagnostics = l
        .diagnostics
        .into_iter()
        .filter(|d| seen.insert(d.clone()))
        .collect();
    Project {
        files: l.files,
        directory,
        name: top.name,
        version: top.version,
        services: top.services,
        volumes: top.volumes,
        secrets: top.secrets,
        includes: top.includes,
        diagnostics,
        raw: root,
    }
}

impl Loader<'_> {
    fn diag(&mut self, kind: DiagnosticKind, at: Option<Origin>, path: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            kind,
            file: at.map(|o| o.file),
            span: at.map_or(Span::default(), |o| o.span),
            path: path.to_owned(),
            message,
        });
    }

    fn load_error(&mut self, path: &Path, err: &LoadError, at: Option<Origin>) {
        let kind = match err {
            LoadError::TooLarge { .. } => DiagnosticKind::TooLarge,
            _ => DiagnosticKind::Load,
        };
        self.diag(
            kind,
            at,
            "",
            format!("cannot read {}: {err}", path.display()),
        );
    }

    /// The caller's variables plus the `.env` (or explicit env files) of the project.
    fn root_env(&mut self, directory: &Path) -> Env {
        let mut env = Env::default();
        for (k, v) in &self.options.variables {
            env.vars.insert(k.clone(), Some(v.clone()));
        }
        let explicit = !self.options.env_files.is_empty();
        let paths: Vec<PathBuf> = if explicit {
            self.options.env_files.clone()
        } else {
            vec![directory.join(".env")]
        };
        let given: HashSet<String> = self.options.variables.keys().cloned().collect();
        for p in paths {
            self.read_env_file(&p, explicit, None, &mut env, &given);
        }
        env
    }

    /// Reads a `.env` file into `env`; keys in `keep` are not overwritten.
    fn read_env_file(
        &mut self,
        path: &Path,
        required: bool,
        at: Option<Origin>,
        env: &mut Env,
        keep: &HashSet<String>,
    ) {
        let text = match self.fs.load(path) {
            Ok(t) => t,
            Err(LoadError::NotFound | LoadError::OutsideRoot) if !required => return,
            Err(e) => {
                self.load_error(path, &e, at);
                return;
            }
        };
        let index = FileIndex(to_u32(self.files.len()));
        let parsed = parse_dotenv(&text, &*env);
        for e in &parsed.errors {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                kind: DiagnosticKind::DotEnv,
                file: Some(index),
                span: e.span,
                path: String::new(),
                message: e.message.clone(),
            });
        }
        for e in parsed.entries {
            if !keep.contains(&e.key) {
                env.vars.insert(e.key, e.value);
            }
        }
        self.files.push(ComposeFile {
            path: path.to_path_buf(),
            role: FileRole::EnvFile,
            text,
            base_dir: dir_of(path),
            comments: Vec::new(),
            scalars: Vec::new(),
            documents: 0,
            loaded: true,
        });
    }

    /// Loads and parses one compose file; returns its index and its documents.
    fn load_file(
        &mut self,
        path: &Path,
        role: FileRole,
        base_dir: &Path,
        env: usize,
        at: Option<Origin>,
    ) -> Option<(FileIndex, Vec<Node>)> {
        let limits = self.options.limits;
        if self.files.len() >= limits.max_files {
            self.diag(
                DiagnosticKind::Load,
                at,
                "",
                format!(
                    "not reading {}: the project already has {} files",
                    path.display(),
                    limits.max_files
                ),
            );
            return None;
        }
        let text = match self.fs.load(path) {
            Ok(t) => t,
            Err(e) => {
                self.load_error(path, &e, at);
                return None;
            }
        };
        let index = FileIndex(to_u32(self.files.len()));
        let mut file = ComposeFile {
            path: path.to_path_buf(),
            role,
            text: String::new(),
            base_dir: base_dir.to_path_buf(),
            comments: Vec::new(),
            scalars: Vec::new(),
            documents: 0,
            loaded: true,
        };
        if text.len() > limits.max_file_bytes {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                kind: DiagnosticKind::TooLarge,
                file: Some(index),
                span: Span::default(),
                path: String::new(),
                message: format!(
                    "{} is {} bytes, over the limit of {}",
                    path.display(),
                    text.len(),
                    limits.max_file_bytes
                ),
            });
            file.loaded = false;
            file.text = text;
            self.files.push(file);
            return Some((index, Vec::new()));
        }
        let parsed = yaml::parse(&text, limits.max_depth);
        for e in &parsed.errors {
            let too_deep = e.message.to_ascii_lowercase().contains("recursion limit");
            self.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                kind: if too_deep {
                    DiagnosticKind::TooDeep
                } else {
                    DiagnosticKind::Syntax
                },
                file: Some(index),
                span: e.span,
                path: String::new(),
                message: if too_deep {
                    format!(
                        "YAML nested deeper than {} levels: the rest of the file is not read",
                        limits.max_depth
                    )
                } else {
                    e.message.clone()
                },
            });
        }
        // Interpolate every value scalar once.
        let mut texts: Vec<Option<Text>> = vec![None; parsed.nodes.len()];
        let env_ref = &self.envs[env];
        for (i, node) in parsed.nodes.iter().enumerate() {
            let YKind::Scalar { value, style } = &node.kind else {
                continue;
            };
            // An absent value (`key:`) is an empty plain scalar with an empty span.
            if node.span.is_empty() {
                continue;
            }
            let text_value = if parsed.is_key[i] || !value.contains('$') {
                Text::literal(value.clone())
            } else {
                let r = interpolate(value, env_ref);
                for err in &r.errors {
                    let span = match verbatim_start(&text, node.span, *style, value) {
                        Some(v) => {
                            let at = v + to_u32(err.offset);
                            Span::new(at, at + 1)
                        }
                        None => node.span,
                    };
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        kind: DiagnosticKind::Interpolation,
                        file: Some(index),
                        span,
                        path: String::new(),
                        message: err.message.clone(),
                    });
                }
                Text {
                    text: r.text,
                    raw: value.clone(),
                    unknown: r.unknown,
                    interpolated: r.substituted,
                }
            };
            file.scalars.push(FileScalar {
                span: node.span,
                is_key: parsed.is_key[i],
                style: *style,
                text: text_value.clone(),
            });
            texts[i] = Some(text_value);
        }
        file.scalars.sort_by_key(|s| (s.span.start, s.span.end));
        let convert_limits = ConvertLimits {
            max_depth: limits.max_depth,
            max_nodes: limits
                .max_nodes
                .max(4 * u64::try_from(parsed.nodes.len()).unwrap_or(u64::MAX)),
        };
        let mut docs = Vec::new();
        {
            let mut conv = Converter::new(
                &parsed,
                index,
                &texts,
                &text,
                convert_limits,
                &mut self.diagnostics,
            );
            for d in &parsed.docs {
                if let Some(root) = d.root {
                    docs.push(conv.convert(root));
                }
            }
        }
        file.documents = parsed.docs.len();
        file.comments = parsed.comments;
        file.text = text;
        self.files.push(file);
        Some((index, docs))
    }

    /// Loads `paths` (the first file, then its overrides) as one model, merged.
    fn load_model(
        &mut self,
        paths: &[PathBuf],
        project_dir: &Path,
        env: usize,
        first_role: FileRole,
        at: Option<Origin>,
    ) -> Node {
        let mut acc: Option<Node> = None;
        for (i, path) in paths.iter().enumerate() {
            let role = if i == 0 {
                first_role
            } else {
                FileRole::Override
            };
            let Some((index, docs)) = self.load_file(path, role, project_dir, env, at) else {
                continue;
            };
            for doc in docs {
                match doc.value {
                    Value::Map(_) => {}
                    Value::Null => continue,
                    _ => {
                        let message = format!(
                            "the top level of a compose file must be a mapping, found {}",
                            doc.type_name()
                        );
                        self.diag(
                            DiagnosticKind::WrongType,
                            Some(Origin {
                                file: index,
                                span: doc.span,
                            }),
                            "",
                            message,
                        );
                        continue;
                    }
                }
                let doc = self.resolve_extends(doc, index, env);
                let doc = self.apply_includes(doc, index, env);
                acc = Some(match acc {
                    None => strip_resets(doc),
                    Some(base) => Merger::new(&mut self.diagnostics, &[]).merge(base, doc),
                });
            }
        }
        acc.unwrap_or_else(|| Node {
            value: Value::Map(Vec::new()),
            file: FileIndex(0),
            span: Span::default(),
            tag: None,
            truncated: false,
        })
    }

    // ---- extends -------------------------------------------------------------------------

    fn resolve_extends(&mut self, mut doc: Node, file: FileIndex, env: usize) -> Node {
        let Some(services) = doc.get("services").and_then(Node::as_map) else {
            return doc;
        };
        if !services.iter().any(|s| s.value.get("extends").is_some()) {
            return doc;
        }
        let ctx = self.ext_ctxs.len();
        self.ext_ctxs.push(ExtCtx {
            file,
            services: services.to_vec(),
            resolved: HashMap::new(),
            in_progress: HashSet::new(),
        });
        let names: Vec<String> = services.iter().map(|s| s.key.clone()).collect();
        let mut resolved = Vec::with_capacity(names.len());
        for name in &names {
            resolved.push(self.resolve_service(ctx, name, env, 0, None));
        }
        if let Value::Map(entries) = &mut doc.value {
            if let Some(svc) = entries.iter_mut().find(|e| e.key == "services") {
                if let Value::Map(list) = &mut svc.value.value {
                    for (entry, r) in list.iter_mut().zip(resolved) {
                        if let Some(r) = r {
                            entry.value = r;
                        }
                    }
                }
            }
        }
        doc
    }

    fn ext_context(&mut self, path: &Path, env: usize, at: Origin) -> Option<usize> {
        let key = (clean_path(path), env);
        if let Some(&c) = self.ext_files.get(&key) {
            return Some(c);
        }
        let (index, docs) =
            self.load_file(path, FileRole::Extends, &dir_of(path), env, Some(at))?;
        let mut acc: Option<Node> = None;
        for doc in docs {
            if doc.as_map().is_none() {
                continue;
            }
            acc = Some(match acc {
                None => doc,
                Some(base) => Merger::new(&mut self.diagnostics, &[]).merge(base, doc),
            });
        }
        let services = acc
            .as_ref()
            .and_then(|d| d.get("services"))
            .and_then(Node::as_map)
            .map(<[Entry]>::to_vec)
            .unwrap_or_default();
        let c = self.ext_ctxs.len();
        self.ext_ctxs.push(ExtCtx {
            file: index,
            services,
            resolved: HashMap::new(),
            in_progress: HashSet::new(),
        });
        self.ext_files.insert(key, c);
        Some(c)
    }

    fn resolve_service(
        &mut self,
        ctx: usize,
        name: &str,
        env: usize,
        depth: usize,
        at: Option<Origin>,
    ) -> Option<Node> {
        if let Some(n) = self.ext_ctxs[ctx].resolved.get(name) {
            return Some(n.clone());
        }
        let path = format!("services.{name}");
        let Some(node) = self.ext_ctxs[ctx]
            .services
            .iter()
            .find(|e| e.key == name)
            .map(|e| e.value.clone())
        else {
            self.diag(
                DiagnosticKind::MissingService,
                at,
                "",
                format!("`extends` names service `{name}`, which is not defined"),
            );
            return None;
        };
        let Some(ext) = node.entry("extends").cloned() else {
            self.ext_ctxs[ctx]
                .resolved
                .insert(name.to_owned(), node.clone());
            return Some(node);
        };
        let here = Origin {
            file: ext.value.file,
            span: ext.value.span,
        };
        if depth >= self.options.limits.max_extends_depth
            || self.ext_ctxs[ctx].in_progress.contains(name)
        {
            self.diag(
                DiagnosticKind::ExtendsCycle,
                Some(Origin {
                    file: ext.value.file,
                    span: ext.key_span,
                }),
                &path,
                format!("`extends` of service `{name}` loops or is nested too deeply"),
            );
            return Some(node);
        }
        let (base_name, file) = match &ext.value.value {
            Value::Scalar(s) => (s.text.text.clone(), None),
            Value::Map(_) => {
                let service = ext.value.get("service").and_then(Node::as_str);
                let file = ext.value.get("file").and_then(Node::as_str);
                let Some(service) = service else {
                    self.diag(
                        DiagnosticKind::InvalidValue,
                        Some(here),
                        &path,
                        "`extends` needs a `service`".to_owned(),
                    );
                    return Some(node);
                };
                (service.to_owned(), file.map(str::to_owned))
            }
            _ => {
                self.diag(
                    DiagnosticKind::WrongType,
                    Some(here),
                    &path,
                    "`extends` must be a service name or a mapping".to_owned(),
                );
                return Some(node);
            }
        };
        self.ext_ctxs[ctx].in_progress.insert(name.to_owned());
        let base = match file {
            Some(f) => {
                let file_node = ext.value.get("file").map_or(here, |n| Origin {
                    file: n.file,
                    span: n.span,
                });
                let dir = self.files[self.ext_ctxs[ctx].file.index()].base_dir.clone();
                let target = clean_path(&dir.join(&f));
                self.ext_context(&target, env, file_node)
                    .and_then(|c| self.resolve_service(c, &base_name, env, depth + 1, Some(here)))
            }
            None => self.resolve_service(ctx, &base_name, env, depth + 1, Some(here)),
        };
        self.ext_ctxs[ctx].in_progress.remove(name);
        let result = match base {
            Some(mut b) => {
                if let Value::Map(entries) = &mut b.value {
                    entries.retain(|e| e.key != "extends");
                }
                Merger::new(&mut self.diagnostics, &["services", name]).merge(b, node)
            }
            None => node,
        };
        self.ext_ctxs[ctx]
            .resolved
            .insert(name.to_owned(), result.clone());
        Some(result)
    }

    // ---- include -------------------------------------------------------------------------

    fn apply_includes(&mut self, mut doc: Node, file: FileIndex, env: usize) -> Node {
        let Some(include) = doc.get("include").cloned() else {
            return doc;
        };
        let Some(items) = include.as_seq() else {
            return doc; // reported by the normaliser
        };
        let base_dir = self.files[file.index()].base_dir.clone();
        for it in items {
            let at = Origin {
                file: it.file,
                span: it.span,
            };
            let (paths, project_dir, env_files) = match &it.value {
                Value::Scalar(s) => (vec![s.text.text.clone()], None, Vec::new()),
                Value::Map(_) => {
                    let list = |n: Option<&Node>| -> Vec<String> {
                        match n {
                            Some(n) => match &n.value {
                                Value::Scalar(s) => vec![s.text.text.clone()],
                                Value::Seq(items) => items
                                    .iter()
                                    .filter_map(|i| i.as_str().map(str::to_owned))
                                    .collect(),
                                _ => Vec::new(),
                            },
                            None => Vec::new(),
                        }
                    };
                    (
                        list(it.get("path")),
                        it.get("project_directory")
                            .and_then(Node::as_str)
                            .map(str::to_owned),
                        list(it.get("env_file")),
                    )
                }
                _ => continue,
            };
            if paths.is_empty() {
                self.diag(
                    DiagnosticKind::InvalidValue,
                    Some(at),
                    "include",
                    "`include` entry has no path".to_owned(),
                );
                continue;
            }
            let paths: Vec<PathBuf> = paths
                .iter()
                .map(|p| clean_path(&base_dir.join(p)))
                .collect();
            if self.include_stack.contains(&paths[0])
                || self.include_stack.len() > self.options.limits.max_include_depth
            {
                self.diag(
                    DiagnosticKind::IncludeCycle,
                    Some(at),
                    "include",
                    format!(
                        "including {} loops back or is nested too deeply",
                        paths[0].display()
                    ),
                );
                continue;
            }
            let child_dir =
                project_dir.map_or_else(|| dir_of(&paths[0]), |d| clean_path(&base_dir.join(d)));
            // The including project's variables win over the included project's env files.
            let mut child_env = self.envs[env].clone();
            let keep: HashSet<String> = child_env
                .vars
                .iter()
                .filter(|(_, v)| v.is_some())
                .map(|(k, _)| k.clone())
                .collect();
            let explicit = !env_files.is_empty();
            let env_paths: Vec<PathBuf> = if explicit {
                env_files
                    .iter()
                    .map(|p| clean_path(&base_dir.join(p)))
                    .collect()
            } else {
                vec![child_dir.join(".env")]
            };
            for p in env_paths {
                self.read_env_file(&p, explicit, Some(at), &mut child_env, &keep);
            }
            let child_env_id = self.envs.len();
            self.envs.push(child_env);
            self.include_stack.push(paths[0].clone());
            let model = self.load_model(
                &paths,
                &child_dir,
                child_env_id,
                FileRole::Include,
                Some(at),
            );
            self.include_stack.pop();
            self.merge_included(&mut doc, model);
        }
        doc
    }

    /// Adds the included project's resources to `doc`; a resource defined in both is a
    /// conflict (the including file's definition is kept).
    fn merge_included(&mut self, doc: &mut Node, model: Node) {
        let Value::Map(included) = model.value else {
            return;
        };
        let Value::Map(entries) = &mut doc.value else {
            return;
        };
        for section in included {
            if !matches!(
                section.key.as_str(),
                "services" | "volumes" | "networks" | "secrets" | "configs" | "models"
            ) {
                continue;
            }
            let Value::Map(resources) = section.value.value else {
                continue;
            };
            let target = if let Some(i) = entries.iter().position(|e| e.key == section.key) {
                i
            } else {
                {
                    entries.push(Entry {
                        key: section.key.clone(),
                        key_span: section.key_span,
                        value: Node {
                            value: Value::Map(Vec::new()),
                            file: section.value.file,
                            span: section.value.span,
                            tag: None,
                            truncated: false,
                        },
                    });
                    entries.len() - 1
                }
            };
            let Value::Map(existing) = &mut entries[target].value.value else {
                continue;
            };
            for r in resources {
                if let Some(mine) = existing.iter().find(|e| e.key == r.key) {
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        kind: DiagnosticKind::Conflict,
                        file: Some(mine.value.file),
                        span: mine.key_span,
                        path: format!("{}.{}", section.key, r.key),
                        message: format!(
                            "{} `{}` is also defined by an included file",
                            section.key.trim_end_matches('s'),
                            r.key
                        ),
                    });
                } else {
                    existing.push(r);
                }
            }
        }
    }
}

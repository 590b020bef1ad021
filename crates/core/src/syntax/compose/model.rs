//! The typed compose model the rules read.
//!
//! Every value keeps where it came from: the file (an index into [`Project::files`]) and byte
//! spans. A [`Field`] is a mapping entry (spans of its key and of its value); an [`Item`] is a
//! value without a key of its own (a sequence element, or a part of a short-syntax string such
//! as the host IP of `"127.0.0.1:8080:80"`). After merging, each value keeps the location of
//! the file that supplied it.

use std::path::{Path, PathBuf};

use super::tree::Node;
use super::yaml::{Comment, ScalarStyle};
use crate::source::Span;

/// Index of a file in [`Project::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileIndex(pub u32);

impl FileIndex {
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A string value after interpolation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Text {
    /// The value after interpolation (see `interpolate` for how unknown variables read).
    pub text: String,
    /// The YAML value before interpolation (escapes already decoded).
    pub raw: String,
    /// The value depends on a variable whose value is unknown.
    pub unknown: bool,
    /// At least one variable reference was substituted.
    pub interpolated: bool,
}

impl Text {
    /// A literal text (no interpolation involved).
    pub fn literal(s: impl Into<String>) -> Self {
        let s = s.into();
        Text {
            text: s.clone(),
            raw: s,
            unknown: false,
            interpolated: false,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// A scalar read as a typed value (`value` is `None` when the text is not a valid value of
/// that type; a diagnostic says so).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed<T> {
    pub value: Option<T>,
    pub text: Text,
}

/// A mapping entry: its value, the file, and the spans of the key and of the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Field<T> {
    pub value: T,
    pub file: FileIndex,
    pub key: Span,
    pub span: Span,
}

impl<T> Field<T> {
    /// The same location with another value.
    pub fn with<U>(&self, value: U) -> Field<U> {
        Field {
            value,
            file: self.file,
            key: self.key,
            span: self.span,
        }
    }
}

impl<T> std::ops::Deref for Field<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A value without a key of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<T> {
    pub value: T,
    pub file: FileIndex,
    pub span: Span,
}

impl<T> std::ops::Deref for Item<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A list-valued field (`cap_add`, `security_opt`, …).
pub type ListField<T> = Field<Vec<Item<T>>>;

/// Whether a value was written in the short (string) or the long (mapping) syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Syntax {
    Short,
    Long,
}

/// A `KEY=VALUE` pair from a list-or-mapping field (`environment`, `labels`, `build.args`, …).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue {
    pub key: Item<String>,
    /// `None` for `KEY` without a value (`- KEY` or `KEY:` / `KEY: null`): compose takes the
    /// value from its own environment at run time, which seaworthy never reads.
    pub value: Option<Item<Text>>,
    /// Span of the whole entry (the list item, or key through value of the mapping entry).
    pub span: Span,
    pub syntax: ListOrMap,
}

/// How a list-or-mapping field was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListOrMap {
    List,
    Map,
}

/// A published port.
#[derive(Clone, Debug, PartialEq)]
pub struct Port {
    pub syntax: Syntax,
    /// Host IP, without IPv6 brackets. `None` binds all interfaces.
    pub host_ip: Option<Item<Text>>,
    /// Host port or range. `None`: an ephemeral host port (still published).
    pub published: Option<Item<Text>>,
    /// Container port or range (`None` only when the entry is invalid).
    pub target: Option<Item<Text>>,
    pub protocol: Option<Item<Text>>,
    /// Long syntax `mode` (`host` or `ingress`).
    pub mode: Option<Item<Text>>,
    /// The whole entry as written (short syntax only).
    pub text: Option<Text>,
}

/// Mount types of the long volume syntax.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    Npipe,
    Image,
    Cluster,
    Other(String),
    /// Short syntax whose source depends on an unknown variable: a bind mount or a named
    /// volume depending on its value.
    Unknown,
}

/// What a mount source looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// `/abs/path`
    Absolute,
    /// `./rel` or `../rel` (relative to the directory of the file that defines it).
    Relative,
    /// `~` or `~/path` (the home directory of whoever runs compose).
    Home,
    /// `C:\path` or `C:/path`
    WindowsDrive,
    /// `\\.\pipe\name` and other UNC paths
    WindowsUnc,
    /// A named volume.
    Name,
}

impl SourceKind {
    /// Classifies a short-syntax or long-syntax source as compose does.
    pub fn of(source: &str) -> SourceKind {
        let b = source.as_bytes();
        match b.first() {
            Some(b'/') => SourceKind::Absolute,
            Some(b'.') => SourceKind::Relative,
            Some(b'~') => SourceKind::Home,
            _ if source.starts_with("\\\\") => SourceKind::WindowsUnc,
            Some(c) if c.is_ascii_alphabetic() && b.get(1) == Some(&b':') => {
                SourceKind::WindowsDrive
            }
            _ => SourceKind::Name,
        }
    }

    /// A path on the host (any kind but a named volume).
    pub fn is_path(self) -> bool {
        self != SourceKind::Name
    }
}

/// A service volume (`volumes:` entry).
#[derive(Clone, Debug, PartialEq)]
pub struct Mount {
    pub syntax: Syntax,
    pub kind: MountKind,
    pub source: Option<Item<Text>>,
    /// `None` when there is no source, or when it depends on an unknown variable.
    pub source_kind: Option<SourceKind>,
    pub target: Option<Item<Text>>,
    /// `:ro`/`:rw` (short) or `read_only` (long).
    pub read_only: Option<Item<Parsed<bool>>>,
    /// Short syntax options as written (`ro,z`).
    pub options: Option<Item<Text>>,
    /// The whole entry as written (short syntax only).
    pub text: Option<Text>,
}

/// A `devices:` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub syntax: Syntax,
    pub source: Option<Item<Text>>,
    pub target: Option<Item<Text>>,
    pub permissions: Option<Item<Text>>,
}

/// A service `secrets:` (or `build.secrets:`) entry.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretRef {
    pub syntax: Syntax,
    pub source: Option<Item<Text>>,
    pub target: Option<Item<Text>>,
    pub uid: Option<Item<Text>>,
    pub gid: Option<Item<Text>>,
    pub mode: Option<Item<Text>>,
}

/// An `env_file:` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvFile {
    pub syntax: Syntax,
    pub path: Item<Text>,
    /// `required` (default true).
    pub required: Option<Item<Parsed<bool>>>,
    /// The path resolved against the directory of the file that defines it.
    pub resolved: Option<PathBuf>,
}

/// An `ulimits:` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Ulimit {
    pub name: Item<String>,
    /// A single value sets both soft and hard.
    pub soft: Option<Item<Parsed<i64>>>,
    pub hard: Option<Item<Parsed<i64>>>,
    pub span: Span,
}

/// A command as a string or a list.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    String(Text),
    List(Vec<Item<Text>>),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Healthcheck {
    pub test: Option<Field<Command>>,
    pub interval: Option<Field<Text>>,
    pub timeout: Option<Field<Text>>,
    pub start_period: Option<Field<Text>>,
    pub start_interval: Option<Field<Text>>,
    pub retries: Option<Field<Parsed<i64>>>,
    pub disable: Option<Field<Parsed<bool>>>,
}

/// `deploy.resources.limits` or `.reservations`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceSpec {
    /// Bytes.
    pub memory: Option<Field<Parsed<i64>>>,
    pub cpus: Option<Field<Parsed<f64>>>,
    pub pids: Option<Field<Parsed<i64>>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    pub limits: Option<Field<ResourceSpec>>,
    pub reservations: Option<Field<ResourceSpec>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deploy {
    pub resources: Option<Field<Resources>>,
    pub mode: Option<Field<Text>>,
    pub replicas: Option<Field<Parsed<i64>>>,
    pub restart_policy_condition: Option<Field<Text>>,
    pub restart_policy_max_attempts: Option<Field<Parsed<i64>>>,
}

/// `extends:` as the service declared it (already applied to the service).
#[derive(Clone, Debug, PartialEq)]
pub struct Extends {
    pub service: Item<Text>,
    pub file: Option<Item<Text>>,
}

/// Where a build context lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildContext {
    /// A directory, resolved against the directory of the file that defines it.
    Dir(PathBuf),
    /// A URL or git reference.
    Remote(String),
    /// Depends on an unknown variable.
    Unknown,
}

/// The Dockerfile a build uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DockerfileSource {
    /// A path (the context joined with `dockerfile`, or `dockerfile` when absolute).
    Path(PathBuf),
    /// `dockerfile_inline`.
    Inline,
    /// Inside a remote context, as named there.
    InRemote(String),
    /// Depends on an unknown variable.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Build {
    pub syntax: Syntax,
    /// For the short syntax, the key is the `build` key and the value the string.
    pub context: Option<Field<Text>>,
    pub dockerfile: Option<Field<Text>>,
    pub dockerfile_inline: Option<Field<Text>>,
    pub target: Option<Field<Text>>,
    pub args: Option<Field<Vec<KeyValue>>>,
    pub secrets: Option<ListField<SecretRef>>,
    pub network: Option<Field<Text>>,
    pub privileged: Option<Field<Parsed<bool>>>,
    /// The context as compose resolves it (`.` when missing).
    pub resolved_context: BuildContext,
    pub resolved_dockerfile: DockerfileSource,
}

/// A service after `extends`, `include` and override files were applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: String,
    /// File and span of the service's key (in the first file that defines the service).
    pub file: FileIndex,
    pub key: Span,
    /// Span of the service mapping in that file.
    pub span: Span,
    /// The file ended in a syntax error inside this service: fields after the error are
    /// missing, so "field is absent" checks should not fire.
    pub truncated: bool,
    pub image: Option<Field<Text>>,
    pub build: Option<Field<Build>>,
    pub user: Option<Field<Text>>,
    pub read_only: Option<Field<Parsed<bool>>>,
    pub privileged: Option<Field<Parsed<bool>>>,
    pub cap_add: Option<ListField<Text>>,
    pub cap_drop: Option<ListField<Text>>,
    pub security_opt: Option<ListField<Text>>,
    pub ports: Option<ListField<Port>>,
    pub expose: Option<ListField<Text>>,
    pub volumes: Option<ListField<Mount>>,
    pub volumes_from: Option<ListField<Text>>,
    pub environment: Option<Field<Vec<KeyValue>>>,
    pub env_file: Option<ListField<EnvFile>>,
    pub secrets: Option<ListField<SecretRef>>,
    pub deploy: Option<Field<Deploy>>,
    /// Bytes.
    pub mem_limit: Option<Field<Parsed<i64>>>,
    pub memswap_limit: Option<Field<Parsed<i64>>>,
    pub cpus: Option<Field<Parsed<f64>>>,
    pub pids_limit: Option<Field<Parsed<i64>>>,
    pub ulimits: Option<Field<Vec<Ulimit>>>,
    pub tmpfs: Option<ListField<Text>>,
    pub devices: Option<ListField<Device>>,
    pub network_mode: Option<Field<Text>>,
    pub pid: Option<Field<Text>>,
    pub ipc: Option<Field<Text>>,
    pub uts: Option<Field<Text>>,
    pub userns_mode: Option<Field<Text>>,
    pub cgroup: Option<Field<Text>>,
    pub cgroup_parent: Option<Field<Text>>,
    pub healthcheck: Option<Field<Healthcheck>>,
    pub restart: Option<Field<Text>>,
    pub labels: Option<Field<Vec<KeyValue>>>,
    pub profiles: Option<ListField<Text>>,
    pub extends: Option<Field<Extends>>,
    pub sysctls: Option<Field<Vec<KeyValue>>>,
    pub group_add: Option<ListField<Text>>,
    pub oom_kill_disable: Option<Field<Parsed<bool>>>,
    pub init: Option<Field<Parsed<bool>>>,
    pub command: Option<Field<Command>>,
    pub entrypoint: Option<Field<Command>>,
    pub working_dir: Option<Field<Text>>,
    pub container_name: Option<Field<Text>>,
    pub platform: Option<Field<Text>>,
    pub runtime: Option<Field<Text>>,
    /// The merged service as a generic tree, for anything not typed above.
    pub raw: Node,
}

impl Service {
    /// A boolean field's value (`None` when absent or invalid).
    pub fn flag(field: Option<&Field<Parsed<bool>>>) -> Option<bool> {
        field.and_then(|f| f.value.value)
    }
}

/// A top-level `volumes:` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedVolume {
    pub name: String,
    pub file: FileIndex,
    pub key: Span,
    pub span: Span,
    pub driver: Option<Field<Text>>,
    pub external: Option<Field<Parsed<bool>>>,
    pub driver_opts: Option<Field<Vec<KeyValue>>>,
}

/// A top-level `secrets:` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedSecret {
    pub name: String,
    pub file: FileIndex,
    pub key: Span,
    pub span: Span,
    /// `file:` as written and resolved against the directory of the file that defines it.
    pub path: Option<Field<Text>>,
    pub resolved_path: Option<PathBuf>,
    pub environment: Option<Field<Text>>,
    pub external: Option<Field<Parsed<bool>>>,
}

/// An `include:` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Include {
    pub file: FileIndex,
    pub span: Span,
    pub paths: Vec<Item<Text>>,
    pub project_directory: Option<Field<Text>>,
    pub env_files: Vec<Item<Text>>,
}

/// Why a file is part of the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileRole {
    /// The first compose file.
    Main,
    /// A later compose file (`compose.override.yaml` or an explicit `-f`).
    Override,
    /// Named by `extends.file`.
    Extends,
    /// Named by `include`.
    Include,
    /// A `.env` or `--env-file` file used for interpolation.
    EnvFile,
}

/// A scalar of a file, as written and after interpolation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileScalar {
    pub span: Span,
    /// Mapping keys are never interpolated.
    pub is_key: bool,
    pub style: ScalarStyle,
    pub text: Text,
}

/// A file of the project.
#[derive(Clone, Debug)]
pub struct ComposeFile {
    /// The path as it was given to the loader.
    pub path: PathBuf,
    pub role: FileRole,
    /// The file text (empty when it could not be read).
    pub text: String,
    /// Directory that relative paths in this file resolve against.
    pub base_dir: PathBuf,
    pub comments: Vec<Comment>,
    /// Every scalar of the file in source order (each once, aliases not expanded).
    pub scalars: Vec<FileScalar>,
    /// Number of YAML documents.
    pub documents: usize,
    pub loaded: bool,
}

impl ComposeFile {
    /// The text at `span` (empty if out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_default()
    }

    pub fn directory(&self) -> &Path {
        &self.base_dir
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    /// Invalid YAML.
    Syntax,
    /// A file could not be read (missing, too large, outside the scan root, not UTF-8).
    Load,
    /// The file is larger than the configured limit.
    TooLarge,
    /// An alias would expand beyond the node budget (alias bomb), refers to itself, or is
    /// undefined.
    Alias,
    /// Nesting deeper than the limit.
    TooDeep,
    /// A value has the wrong YAML type (for example a service that is not a mapping).
    WrongType,
    /// A key the compose specification does not define.
    UnknownKey,
    /// A key repeated in one mapping (the last one is used).
    DuplicateKey,
    /// A mapping key that is not a scalar.
    NonScalarKey,
    /// A value that is not valid for its field (for example `read_only: maybe`).
    InvalidValue,
    /// An invalid interpolation template, or a required variable set to an empty value.
    Interpolation,
    /// `yes`/`no`/`on`/`off`/`y`/`n` read as a boolean (compose accepts them with a warning).
    Yaml11Boolean,
    /// An `extends` chain that loops or is too long.
    ExtendsCycle,
    /// An `include` chain that loops or is too deep.
    IncludeCycle,
    /// `extends` names a service that does not exist.
    MissingService,
    /// Two files define incompatible values (a mapping over a list, …), or an included
    /// resource is also defined by the including file.
    Conflict,
    /// A `.env` file line compose cannot read.
    DotEnv,
}

/// A problem found while loading, with its location.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: DiagnosticKind,
    /// `None` when no file of the project holds the problem (the first file is unreadable).
    pub file: Option<FileIndex>,
    pub span: Span,
    /// Dotted path of the element (`services.web.ports[1]`); empty at file level.
    pub path: String,
    pub message: String,
}

/// A loaded compose project.
#[derive(Clone, Debug)]
pub struct Project {
    pub files: Vec<ComposeFile>,
    /// Directory of the project (the first file's directory unless given).
    pub directory: PathBuf,
    pub name: Option<Field<Text>>,
    /// The obsolete top-level `version`, kept as written; it has no effect.
    pub version: Option<Field<Text>>,
    pub services: Vec<Service>,
    pub volumes: Vec<NamedVolume>,
    pub secrets: Vec<NamedSecret>,
    pub includes: Vec<Include>,
    pub diagnostics: Vec<Diagnostic>,
    /// The merged project as a generic tree.
    pub raw: Node,
}

impl Project {
    pub fn file(&self, index: FileIndex) -> Option<&ComposeFile> {
        self.files.get(index.index())
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Every scalar of every compose file (not `.env` files), with its file.
    pub fn scalars(&self) -> impl Iterator<Item = (FileIndex, &FileScalar)> {
        self.files.iter().enumerate().flat_map(|(i, f)| {
            let index = FileIndex(crate::source::to_u32(i));
            f.scalars.iter().map(move |s| (index, s))
        })
    }

    /// Diagnostics of one kind.
    pub fn diagnostics_of(&self, kind: DiagnosticKind) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(move |d| d.kind == kind)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

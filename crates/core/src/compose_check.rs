//! Checking docker compose projects, and the Dockerfiles their services build.
//!
//! A run has standalone Dockerfiles (found by discovery) and compose projects (a main file
//! and its override files). [`check_run`] loads each project through a [`ScanLoader`] (size
//! limit, never outside the scan root), gives every file a finding can point into a
//! [`SourceFile`] of the run, runs the compose rules ([`crate::rule::Rule::check_compose`]),
//! applies the suppression directives in the YAML comments, and checks the Dockerfiles the
//! services build with the services' build arguments and target.
//!
//! Decisions:
//!
//! - **Parse problems.** Errors of the compose model (invalid YAML, a value of the wrong
//!   type, a duplicate key, a broken `extends`/`include` reference, an invalid
//!   interpolation) are `SW001` findings at the element. An unknown key is an `SW001`
//!   finding of severity *low* at the key: docker compose refuses the file, but the key list
//!   follows the Compose Specification, so a key newer than seaworthy must not fail a build
//!   at the default threshold. A YAML 1.1 boolean (`yes`, `off`) is an `SW001` *info*
//!   finding: compose accepts it with a warning. A compose file that cannot be read at all is
//!   a diagnostic (the file was not checked), like any unreadable input.
//! - **Unknown values.** A value that depends on a variable the project does not define is
//!   read as compose reads it with the variable unset when the reference gives a default
//!   (`${TAG:-latest}` reads `latest`), and messages say "defaults to"; a reference without a
//!   default (`${TAG}`) is unknown and no rule guesses it (see [`Reading`]).
//! - **Suppressions.** `# seaworthy: ignore[SW604] reason` on its own line covers the YAML
//!   construct that starts on the next line (a key with everything below it, or a sequence
//!   entry), and the comments between the two; at the end of a line it covers the construct
//!   that starts on that line. Above a service key it therefore covers the whole service.
//!   `ignore-file[…]` covers the file.
//! - **Linked Dockerfiles.** A service's `build:` is resolved to its Dockerfile, checked with
//!   the service's `build.args` (an entry without a value, or one depending on an unset
//!   variable, is *unknown*: the `ARG` default does not apply) and `build.target`. Each
//!   distinct configuration of a Dockerfile is checked once, and identical findings are
//!   reported once: a finding that the Dockerfile's own configuration (the command line's
//!   `--build-arg`/`--target`) does not produce is caused by the compose settings and carries
//!   the services as related locations. A Dockerfile found by discovery is also checked on
//!   its own; one reached only through compose reports only what the services' builds
//!   produce. An unknown `build.target` is not guessed: that service's build is not checked.
//!   Each linked build keeps its resolved context directory
//!   ([`LinkedBuild::context`]) for the build-context rules. A Dockerfile outside the scan
//!   root is not read (a warning diagnostic says so); one that does not exist leaves the
//!   service's image user unknown.
//! - **`dockerfile_inline`.** The Dockerfile rules run on the text as compose reads it (after
//!   interpolation), with the service's build arguments, target and context, each distinct
//!   configuration once; its findings are located in the compose file, inside the scalar when
//!   its layout keeps positions (a literal block `|`, or a one-line plain or quoted scalar
//!   without escapes), else at the `dockerfile_inline` key (`compose_check/inline.rs` says
//!   how positions are mapped and why that is sound). A text that depends on a variable
//!   without a default is not checked; one read with the defaults of unset variables is, and its findings say so in a
//!   related location. The YAML suppressions of the compose file apply to these findings, as
//!   do `# seaworthy:` comments inside the Dockerfile text. A finding the compose rules
//!   already report in the scalar (`SW302` scans every scalar) is reported once. Fixes are
//!   kept only when their edits map exactly and need no YAML escaping.

mod inline;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::context::{BuildContext, ContextOptions, ContextPlan};
use crate::diagnostic::{Diagnostic as RunDiagnostic, DiagnosticKind as RunDiagnosticKind};
use crate::dockerfile::{BuildOptions, Dockerfile};
use crate::engine;
use crate::finding::{Finding, Location, Severity as FindingSeverity, assign_fingerprints};
use crate::input;
use crate::knowledge::runtime::host_path;
use crate::knowledge::users::{self, FinalUser};
use crate::rule::Ctx;
use crate::rules;
use crate::settings::Settings;
use crate::source::{FileId, FileKind, SourceFile, Span, to_u32};
use crate::suppress::{self, CommentRef, SuppressionReport};
use crate::syntax::compose::{
    Build, Comment, DockerfileSource, Field, FileIndex, FileLoader, FileRole, Item, LoadError,
    LoadOptions, MemoryLoader, Mount, MountKind, Parsed, Project, ResourceSpec, Service, Text,
    clean_path, load_project,
};
use crate::syntax::dockerfile as dockerfile_syntax;
use crate::syntax::image_ref::ImageRef;
use inline::{InlineJob, InlineMap};

// ---- what compose rules see -------------------------------------------------------------

/// What the compose rules see besides the [`Project`]: the run's source file of each project
/// file, and what each service's `build:` links to.
#[derive(Debug)]
pub struct ComposeEnv<'a> {
    /// Indexed like [`Project::files`] (env files included); `None` for files that could not
    /// be read.
    files: Vec<Option<&'a SourceFile>>,
    /// The main compose file, for locations in a file without a source.
    main: &'a SourceFile,
    /// Keyed by service name.
    builds: BTreeMap<String, LinkedBuild>,
}

impl<'a> ComposeEnv<'a> {
    /// The source file of a project file.
    pub fn source(&self, file: FileIndex) -> Option<&'a SourceFile> {
        self.files.get(file.index()).copied().flatten()
    }

    /// The location of `span` in a project file.
    pub fn location(&self, file: FileIndex, span: Span) -> Location {
        match self.source(file) {
            Some(src) => Location::new(src, span),
            None => Location::whole_file(self.main.path.clone()),
        }
    }

    /// What the service's `build:` resolved to, when it was linked.
    pub fn build(&self, service: &str) -> Option<&LinkedBuild> {
        self.builds.get(service)
    }
}

/// A service's build, resolved and analysed.
#[derive(Clone, Debug)]
pub struct LinkedBuild {
    /// The Dockerfile, as shown in reports (`None` for `dockerfile_inline`).
    pub dockerfile: Option<String>,
    /// The build arguments and target the service builds with.
    pub options: BuildOptions,
    /// The build context directory, when it is a local directory (for the build-context
    /// rules).
    pub context: Option<PathBuf>,
    /// The user the built image runs as.
    pub user: LinkedUser,
}

/// The user a service's built image runs as (per `SW201`'s logic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkedUser {
    /// Runs as root: `reason` says why, `at` points at the `USER` or `FROM` responsible.
    Root {
        reason: String,
        at: Location,
    },
    NonRoot,
    Unknown,
}

/// Helpers for compose rules: findings located in any file of the project.
impl<'a> Ctx<'a> {
    /// Reports at `span` in project file `file`.
    pub fn report_compose(
        &mut self,
        file: FileIndex,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        let rule = self.rule();
        let finding = if let Some(src) = self.compose().and_then(|env| env.source(file)) {
            Finding::new(rule, src, span, message)
        } else {
            let main = self.file();
            Finding::whole_file(rule, main.id, &main.path, message)
        };
        self.push(finding)
    }

    /// Reports at the key of a mapping entry (`privileged` in `privileged: true`).
    pub fn report_key<T>(&mut self, field: &Field<T>, message: impl Into<String>) -> &mut Finding {
        self.report_compose(field.file, field.key, message)
    }

    /// Reports at a value without a key of its own (a sequence entry).
    pub fn report_item<T>(&mut self, item: &Item<T>, message: impl Into<String>) -> &mut Finding {
        self.report_compose(item.file, item.span, message)
    }

    /// Reports what the settings of one kind of resource limit of `service` add up to (see
    /// [`Limit::combine`]): a value that means "unlimited", at its key, or no limit at all, at
    /// [`limits_anchor`] (unless the service was not read in full). A limit that is set, or
    /// cannot be known, is not reported.
    pub fn report_limit(&mut self, service: &Service, limits: Vec<Limit>, texts: &LimitTexts) {
        match Limit::combine(limits) {
            Some(Limit::Unlimited { file, key, shown }) => {
                self.report_compose(
                    file,
                    key,
                    format!(
                        "{} {shown} of service `{}` means no limit",
                        texts.name, service.name
                    ),
                )
                .help(texts.unlimited_help);
            }
            Some(Limit::Absent) if !service.truncated => {
                let (file, span) = limits_anchor(service);
                self.report_compose(
                    file,
                    span,
                    format!("Service `{}` has {}", service.name, texts.absent),
                )
                .help(texts.absent_help);
            }
            _ => {}
        }
    }

    /// Reports at the service's key (for something missing from the service).
    pub fn report_service(
        &mut self,
        service: &Service,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.report_compose(service.file, service.key, message)
    }

    /// The location of `span` in a project file (for related locations).
    pub fn compose_location(&self, file: FileIndex, span: Span) -> Location {
        match self.compose() {
            Some(env) => env.location(file, span),
            None => Location::new(self.file(), span),
        }
    }

    /// What the service's `build:` links to.
    pub fn linked_build(&self, service: &str) -> Option<&'a LinkedBuild> {
        self.compose().and_then(|env| env.build(service))
    }
}

/// How a value that may depend on unknown variables reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading<'t> {
    /// No unknown variable involved.
    Known(&'t str),
    /// Depends on unset variables whose references give a default (`${TAG:-latest}`): the
    /// value compose uses while they stay unset.
    Default(&'t str),
    /// Depends on a variable without a default: not known.
    Unknown,
}

impl Reading<'_> {
    /// Reads a compose text. The interpolation keeps a reference without default verbatim, so
    /// an unknown text without `$` is a default reading.
    pub fn of(text: &Text) -> Reading<'_> {
        if !text.unknown {
            Reading::Known(&text.text)
        } else if text.interpolated && !text.text.contains('$') {
            Reading::Default(&text.text)
        } else {
            Reading::Unknown
        }
    }
}

/// `` `raw` `` or `` `raw` (defaults to `text`) `` for messages about a value.
pub fn describe_text(text: &Text) -> String {
    match Reading::of(text) {
        Reading::Default(v) if text.raw != v => {
            format!(
                "`{}` (defaults to `{v}` while its variables are unset)",
                text.raw
            )
        }
        _ if text.interpolated && text.raw != text.text => {
            format!("`{}` (= `{}`)", text.raw, text.text)
        }
        _ => format!("`{}`", text.text),
    }
}

/// A value's reading, known or defaulted; `None` when unknown.
pub fn read(text: &Text) -> Option<&str> {
    match Reading::of(text) {
        Reading::Known(v) | Reading::Default(v) => Some(v),
        Reading::Unknown => None,
    }
}

// ---- shared readings of compose settings ------------------------------------------------

/// An image compose pulls for a service (see [`pulled_images`]).
#[derive(Clone, Debug)]
pub struct PulledImage<'p> {
    pub service: &'p Service,
    /// The `image:` field.
    pub field: &'p Field<Text>,
    /// The reference as compose reads it (a default reading when its variables are unset).
    pub image: ImageRef,
}

impl PulledImage<'_> {
    /// The reference for messages: `` `redis:7` `` or, through a variable, with its reading
    /// (see [`describe_text`]).
    pub fn describe(&self) -> String {
        describe_text(&self.field.value)
    }
}

/// The `image:` of every service that does not `build:` (with `build:`, `image:` names the
/// image the build produces, not one that is pulled), read as [`read`] does. Values that
/// depend on a variable without a default, and references that are not valid, are left out.
pub fn pulled_images(project: &Project) -> impl Iterator<Item = PulledImage<'_>> {
    project.services.iter().filter_map(|service| {
        if service.build.is_some() {
            return None;
        }
        let field = service.image.as_ref()?;
        let image = ImageRef::parse(read(&field.value)?).ok()?;
        Some(PulledImage {
            service,
            field,
            image,
        })
    })
}

/// `deploy.resources.limits`, when present.
pub fn deploy_limits(service: &Service) -> Option<&Field<ResourceSpec>> {
    service
        .deploy
        .as_ref()?
        .value
        .resources
        .as_ref()?
        .value
        .limits
        .as_ref()
}

/// Where to report a missing resource limit: the deepest of `deploy.resources.limits`,
/// `deploy.resources` and `deploy` that exists, else the service key.
pub fn limits_anchor(service: &Service) -> (FileIndex, Span) {
    let Some(deploy) = &service.deploy else {
        return (service.file, service.key);
    };
    let Some(resources) = &deploy.value.resources else {
        return (deploy.file, deploy.key);
    };
    match &resources.value.limits {
        Some(limits) => (limits.file, limits.key),
        None => (resources.file, resources.key),
    }
}

/// The texts of a rule about one kind of resource limit (see [`Ctx::report_limit`]).
pub struct LimitTexts {
    /// `Memory limit`: starts the message about a value that means "unlimited".
    pub name: &'static str,
    pub unlimited_help: &'static str,
    /// `no memory limit: neither … nor … is set`: ends `Service `x` has …`.
    pub absent: &'static str,
    pub absent_help: &'static str,
}

/// What a resource-limit setting says.
#[derive(Clone, Debug, PartialEq)]
pub enum Limit {
    Absent,
    /// Depends on an unknown variable, or is not a valid value.
    Unknown,
    /// Zero or negative: no limit. The key and the value as written, for messages.
    Unlimited {
        file: FileIndex,
        key: Span,
        shown: String,
    },
    Set,
}

impl Limit {
    /// Reads a numeric limit; zero and negative values mean "no limit".
    pub fn of<T: PartialOrd + Default>(field: Option<&Field<Parsed<T>>>) -> Limit {
        let Some(field) = field else {
            return Limit::Absent;
        };
        match &field.value.value {
            None => Limit::Unknown,
            Some(v) if *v <= T::default() => Limit::Unlimited {
                file: field.file,
                key: field.key,
                shown: describe_text(&field.value.text),
            },
            Some(_) => Limit::Set,
        }
    }

    /// Of several ways to set a limit: `None` when one sets it (or cannot be known), else
    /// the setting that says "unlimited", else [`Limit::Absent`].
    pub fn combine(limits: Vec<Limit>) -> Option<Limit> {
        if limits
            .iter()
            .any(|l| matches!(l, Limit::Set | Limit::Unknown))
        {
            return None;
        }
        Some(
            limits
                .into_iter()
                .find(|l| matches!(l, Limit::Unlimited { .. }))
                .unwrap_or(Limit::Absent),
        )
    }
}

/// The normalised host path a mount binds (see [`crate::knowledge::runtime::host_path`]),
/// with its source entry. `$HOME/…` and `${HOME}/…` read as `~/…`: whatever its value, it is
/// the home directory of the user running compose. Named volumes, anonymous volumes and
/// unknown sources give `None`.
pub fn mount_host_path(mount: &Mount) -> Option<(String, &Item<Text>)> {
    if !matches!(mount.kind, MountKind::Bind | MountKind::Unknown) {
        return None;
    }
    let source = mount.source.as_ref()?;
    let text = &source.value;
    let path = match Reading::of(text) {
        Reading::Known(v) | Reading::Default(v) => v.to_owned(),
        Reading::Unknown => home_variable(&text.raw)?,
    };
    host_path(&path).map(|p| (p, source))
}

/// `$HOME/x` or `${HOME}/x` (nothing else variable) as `~/x`.
fn home_variable(raw: &str) -> Option<String> {
    let rest = raw
        .strip_prefix("${HOME}")
        .or_else(|| raw.strip_prefix("$HOME"))?;
    (rest.is_empty() || rest.starts_with('/') && !rest.contains('$')).then(|| format!("~{rest}"))
}

// ---- loading files ---------------------------------------------------------------------

/// Reads the files of a run: a size limit, nothing outside `root` (symbolic links
/// included), and paths shown relative to `base`.
#[derive(Clone, Debug)]
pub struct ScanLoader {
    /// Files outside this directory are never read.
    pub root: PathBuf,
    /// Paths are shown relative to this directory (the working directory).
    pub base: PathBuf,
    pub max_size: u64,
}

impl ScanLoader {
    pub fn new(root: impl Into<PathBuf>, base: impl Into<PathBuf>, max_size: u64) -> Self {
        ScanLoader {
            root: root.into(),
            base: base.into(),
            max_size,
        }
    }

    /// An absolute, cleaned path.
    fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            clean_path(path)
        } else {
            clean_path(&self.base.join(path))
        }
    }

    /// The path as reports show it: relative to `base`, `/`-separated.
    pub fn shown(&self, path: &Path) -> String {
        let abs = self.absolute(path);
        input::relative_to(&abs, &clean_path(&self.base)).unwrap_or_else(|| input::slash_path(&abs))
    }

    /// Reads a file, or says why not as a run diagnostic.
    pub fn read(&self, path: &Path) -> Result<String, RunDiagnostic> {
        let abs = self.absolute(path);
        let shown = self.shown(path);
        if !abs.starts_with(clean_path(&self.absolute(&self.root))) {
            return Err(RunDiagnostic::new(
                shown,
                RunDiagnosticKind::SymlinkEscapes,
                "is outside the scanned directory: not read",
            ));
        }
        input::read_text(
            &abs,
            &shown,
            Some(&self.absolute(&self.root)),
            self.max_size,
        )
    }
}

impl FileLoader for ScanLoader {
    fn load(&self, path: &Path) -> Result<String, LoadError> {
        self.read(path).map_err(|d| match d.kind {
            RunDiagnosticKind::TooLarge => LoadError::TooLarge {
                size: std::fs::metadata(self.absolute(path)).map_or(0, |m| m.len()),
                limit: self.max_size,
            },
            RunDiagnosticKind::SymlinkEscapes => LoadError::OutsideRoot,
            RunDiagnosticKind::InvalidUtf8 | RunDiagnosticKind::Binary => LoadError::NotUtf8,
            RunDiagnosticKind::Unreadable
                if !std::fs::exists(self.absolute(path)).unwrap_or(true) =>
            {
                LoadError::NotFound
            }
            RunDiagnosticKind::NotAFile => LoadError::NotFound,
            _ => LoadError::Io(d.message),
        })
    }

    fn exists(&self, path: &Path) -> bool {
        let abs = self.absolute(path);
        abs.starts_with(clean_path(&self.absolute(&self.root)))
            && abs.is_file()
            && input::check_inside(&abs, &self.absolute(&self.root)).is_ok()
    }
}

// ---- the run ---------------------------------------------------------------------------

/// One compose project to check: a main file and the files applied over it.
#[derive(Clone, Debug)]
pub struct ComposeRequest {
    /// The main file first, then override files in order.
    pub files: Vec<PathBuf>,
    /// Env files, variables, project directory.
    pub options: LoadOptions,
    /// Files outside this directory are never read.
    pub root: PathBuf,
}

/// The result of a run over Dockerfiles and compose projects.
#[derive(Debug, Default)]
pub struct RunOutcome {
    /// Every file read and checked, index = `FileId`: the input files first, then the
    /// compose files and the Dockerfiles reached through them.
    pub files: Vec<SourceFile>,
    /// Sorted, deduplicated, fingerprints assigned.
    pub findings: Vec<Finding>,
    /// Files that could not be checked.
    pub diagnostics: Vec<RunDiagnostic>,
}

/// The files of a run, each once.
struct SourceSet {
    files: Vec<SourceFile>,
    by_path: HashMap<String, FileId>,
}

impl SourceSet {
    fn new(files: Vec<SourceFile>) -> Self {
        let mut set = SourceSet {
            files: Vec::with_capacity(files.len()),
            by_path: HashMap::new(),
        };
        for f in files {
            let id = FileId(to_u32(set.files.len()));
            set.by_path.entry(f.path.clone()).or_insert(id);
            if f.id == id {
                set.files.push(f);
            } else {
                set.files.push(SourceFile::new(id, f.path, f.kind, f.text));
            }
        }
        set
    }

    fn add(&mut self, path: String, kind: FileKind, text: String) -> FileId {
        if let Some(&id) = self.by_path.get(&path) {
            return id;
        }
        let id = FileId(to_u32(self.files.len()));
        self.by_path.insert(path.clone(), id);
        self.files.push(SourceFile::new(id, path, kind, text));
        id
    }

    fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
}

/// A service that builds a Dockerfile, for related locations.
#[derive(Clone, Debug)]
struct BuildRef {
    compose_file: FileId,
    /// The `build` key.
    span: Span,
    service: String,
}

/// One configuration a Dockerfile is built with by compose services.
#[derive(Clone, Debug)]
struct DockerfileJob {
    options: BuildOptions,
    /// The Dockerfile's path on disk (for the per-Dockerfile ignore file).
    dockerfile: Option<PathBuf>,
    /// The build context directory the services send. The build-context rules check the
    /// Dockerfile against it here, once they exist; jobs differ by context so each context is
    /// checked.
    context: Option<PathBuf>,
    /// The services that build it this way.
    refs: Vec<BuildRef>,
}

/// A loaded project and where its files are in the run.
struct Loaded {
    project: Project,
    ids: Vec<Option<FileId>>,
    builds: BTreeMap<String, LinkedBuild>,
    /// The `dockerfile_inline` texts to check, each configuration once.
    inline: Vec<InlineJob>,
}

/// Checks standalone Dockerfiles (`files`, checked with the settings' build options) and
/// compose projects together. `base` is the directory paths are shown relative to.
/// `contexts[i]` is the build context of `files[i]`, already read.
pub fn check_run(
    files: Vec<SourceFile>,
    projects: &[ComposeRequest],
    base: &Path,
    settings: &Settings,
    contexts: &[Option<&BuildContext>],
) -> RunOutcome {
    run(files, projects, base, settings, &Contexts::Given(contexts))
}

/// [`check_run`] with build contexts read while the Dockerfiles are checked: each context
/// of `plan` is read once, used for the files that share it and dropped. Problems reading a
/// context are diagnostics of the outcome.
pub fn check_run_planned(
    files: Vec<SourceFile>,
    projects: &[ComposeRequest],
    base: &Path,
    settings: &Settings,
    plan: &ContextPlan,
) -> RunOutcome {
    run(files, projects, base, settings, &Contexts::Planned(plan))
}

/// Where the standalone Dockerfiles' build contexts come from.
enum Contexts<'c> {
    Given(&'c [Option<&'c BuildContext>]),
    Planned(&'c ContextPlan),
}

/// The findings of some files, by file.
type FileFindings = Vec<(FileId, Vec<Finding>)>;

/// Compose projects loaded, checked and dropped together.
const COMPOSE_CHUNK: usize = 64;

/// Dockerfiles checked together: those sharing a planned context (read once for all of
/// them), or a single file.
struct Unit {
    context: Option<usize>,
    files: Vec<FileId>,
}

fn run(
    files: Vec<SourceFile>,
    projects: &[ComposeRequest],
    base: &Path,
    settings: &Settings,
    contexts: &Contexts<'_>,
) -> RunOutcome {
    let mut set = SourceSet::new(files);
    let mut standalone = vec![false; set.files.len()];
    for f in &set.files {
        if f.kind == FileKind::Dockerfile {
            standalone[f.id.0 as usize] = true;
        }
    }
    let is_standalone = |id: FileId| standalone.get(id.0 as usize).copied().unwrap_or(false);
    let mut diagnostics = Vec::new();
    // Dockerfile → configuration → the services building it that way.
    let mut jobs: BTreeMap<FileId, Vec<DockerfileJob>> = BTreeMap::new();
    // Compose projects, a few at a time: loaded in order (which numbers the files), checked
    // in parallel, and dropped, so the models of a whole run are never held together.
    let mut compose_findings: Vec<Finding> = Vec::new();
    for chunk in projects.chunks(COMPOSE_CHUNK) {
        let mut loaded = Vec::with_capacity(chunk.len());
        for request in chunk {
            let loader = ScanLoader::new(&request.root, base, settings.max_file_size);
            if let Some(l) = load(
                request,
                &loader,
                settings,
                &mut set,
                &mut jobs,
                &mut diagnostics,
            ) {
                loaded.push(l);
            }
        }
        let found: Vec<Vec<Finding>> = loaded
            .par_iter()
            .map(|l| check_loaded(l, &set, settings, Some(base)))
            .collect();
        compose_findings.extend(found.into_iter().flatten());
    }
    let set = set;

    // Dockerfiles, in parallel, grouped by planned context.
    let mut dockerfile_ids: BTreeSet<FileId> = set
        .files
        .iter()
        .filter(|f| is_standalone(f.id))
        .map(|f| f.id)
        .collect();
    dockerfile_ids.extend(jobs.keys().copied());
    let mut units: Vec<Unit> = Vec::new();
    let mut unit_of_context: HashMap<usize, usize> = HashMap::new();
    for id in dockerfile_ids {
        let planned = match contexts {
            Contexts::Planned(plan) => plan.context_of(id.0 as usize),
            Contexts::Given(_) => None,
        };
        match planned {
            Some(c) => {
                let u = *unit_of_context.entry(c).or_insert_with(|| {
                    units.push(Unit {
                        context: Some(c),
                        files: Vec::new(),
                    });
                    units.len() - 1
                });
                units[u].files.push(id);
            }
            None => units.push(Unit {
                context: None,
                files: vec![id],
            }),
        }
    }
    let reads_contexts = settings.reads_build_contexts();
    let results: Vec<(FileFindings, Vec<RunDiagnostic>)> = units
        .par_iter()
        .map(|unit| {
            let mut diags = Vec::new();
            let planned = match (contexts, unit.context) {
                (Contexts::Planned(plan), Some(c)) if reads_contexts => match plan.load(c) {
                    Some(Ok(ctx)) => {
                        diags.extend(ctx.diagnostics().iter().cloned());
                        Some(ctx)
                    }
                    Some(Err(d)) => {
                        diags.push(d);
                        None
                    }
                    None => None,
                },
                _ => None,
            };
            let checked = unit
                .files
                .iter()
                .map(|&id| {
                    let context = match contexts {
                        Contexts::Given(given) => given.get(id.0 as usize).copied().flatten(),
                        Contexts::Planned(_) => planned.as_ref(),
                    };
                    let configs = jobs.get(&id).map_or(&[][..], Vec::as_slice);
                    let found = check_linked_dockerfile(
                        set.get(id),
                        is_standalone(id),
                        context,
                        configs,
                        &set,
                        base,
                        settings,
                    );
                    (id, found)
                })
                .collect();
            (checked, diags)
        })
        .collect();
    // The files' findings in file order, as if checked one after the other.
    let mut per_file: Vec<(FileId, Vec<Finding>)> = Vec::with_capacity(set.files.len());
    for (checked, diags) in results {
        per_file.extend(checked);
        diagnostics.extend(diags);
    }
    per_file.sort_by_key(|(id, _)| *id);
    let total = per_file.iter().map(|(_, f)| f.len()).sum::<usize>() + compose_findings.len();
    let mut findings: Vec<Finding> = Vec::with_capacity(total);
    for (_, found) in per_file {
        findings.extend(found);
    }
    findings.append(&mut compose_findings);
    drop(compose_findings);
    engine::sort_findings(&mut findings);
    findings.dedup_by(|a, b| same_finding(a, b));
    assign_fingerprints(&mut findings, &set.files);
    diagnostics.sort();
    diagnostics.dedup();
    RunOutcome {
        files: set.files,
        findings,
        diagnostics,
    }
}

/// Checks one compose file on its own (no override files, no `extends`/`include` files, no
/// `.env`, no linked Dockerfiles): what [`engine::check`] does for a [`FileKind::Compose`]
/// file.
pub fn check_compose_file(file: &SourceFile, settings: &Settings) -> Vec<Finding> {
    let path = PathBuf::from(&file.path);
    let loader = MemoryLoader::new().with(&path, file.text.clone());
    let project = load_project(
        std::slice::from_ref(&path),
        &loader,
        &LoadOptions::default(),
    );
    let ids: Vec<Option<FileId>> = project
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (i == 0 && f.loaded).then_some(file.id))
        .collect();
    let mut inline = Vec::new();
    for service in &project.services {
        let Some(build) = &service.build else {
            continue;
        };
        if let Some(job) = build_options(&build.value)
            .and_then(|options| inline_job(&project, &build.value, &ids, options, None))
        {
            if !inline.iter().any(|j: &InlineJob| j.same_as(&job)) {
                inline.push(job);
            }
        }
    }
    let l = Loaded {
        project,
        ids,
        builds: BTreeMap::new(),
        inline,
    };
    check_loaded(&l, std::slice::from_ref(file), settings, None)
}

/// Anything that finds a run's file by id.
trait Sources {
    fn source(&self, id: FileId) -> Option<&SourceFile>;
}

impl Sources for SourceSet {
    fn source(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }
}

impl Sources for [SourceFile] {
    fn source(&self, id: FileId) -> Option<&SourceFile> {
        self.iter().find(|f| f.id == id)
    }
}

/// Loads one project, adds its files to the set and links its builds.
fn load(
    request: &ComposeRequest,
    loader: &ScanLoader,
    settings: &Settings,
    set: &mut SourceSet,
    jobs: &mut BTreeMap<FileId, Vec<DockerfileJob>>,
    diagnostics: &mut Vec<RunDiagnostic>,
) -> Option<Loaded> {
    let mut files = Vec::new();
    for (i, f) in request.files.iter().enumerate() {
        let abs = loader.absolute(f);
        match loader.read(&abs) {
            Ok(_) => files.push(abs),
            Err(d) => {
                diagnostics.push(d);
                if i == 0 {
                    return None;
                }
            }
        }
    }
    let mut options = request.options.clone();
    options.limits.max_file_bytes =
        usize::try_from(settings.max_file_size).unwrap_or(options.limits.max_file_bytes);
    if let Some(dir) = &options.project_dir {
        options.project_dir = Some(loader.absolute(dir));
    }
    options.env_files = options
        .env_files
        .iter()
        .map(|p| loader.absolute(p))
        .collect();
    // Explicit env files are required, as with `docker compose --env-file`.
    for env_file in &options.env_files {
        if let Err(d) = loader.read(env_file) {
            diagnostics.push(d);
        }
    }
    // The default `.env` is optional; one that exists but cannot be read (a symbolic link
    // out of the scan root, no permission) is not used, and a diagnostic says so.
    if options.env_files.is_empty() {
        let dir = options
            .project_dir
            .clone()
            .or_else(|| files[0].parent().map(Path::to_path_buf));
        if let Some(dot_env) = dir.map(|d| d.join(".env")) {
            if std::fs::symlink_metadata(&dot_env).is_ok() {
                if let Err(d) = loader.read(&dot_env) {
                    diagnostics.push(d);
                }
            }
        }
    }
    let project = load_project(&files, loader, &options);
    // The files compose was asked to read were checked above; anything else that could not be
    // read at top level (the file budget) is reported against the main file.
    for d in project
        .diagnostics
        .iter()
        .filter(|d| d.file.is_none() && !d.message.starts_with("cannot read "))
    {
        diagnostics.push(RunDiagnostic::new(
            loader.shown(&files[0]),
            RunDiagnosticKind::Unreadable,
            d.message.clone(),
        ));
    }
    let ids: Vec<Option<FileId>> = project
        .files
        .iter()
        .map(|f| {
            let kind = if f.role == FileRole::EnvFile {
                FileKind::Other
            } else {
                FileKind::Compose
            };
            f.loaded
                .then(|| set.add(loader.shown(&f.path), kind, f.text.clone()))
        })
        .collect();
    let mut builds = BTreeMap::new();
    let mut inline = Vec::new();
    for service in &project.services {
        let Some(build) = &service.build else {
            continue;
        };
        let Some(compose_file) = ids.get(service.file.index()).copied().flatten() else {
            continue;
        };
        let build_file = ids.get(build.file.index()).copied().flatten();
        let reference = BuildRef {
            compose_file: build_file.unwrap_or(compose_file),
            span: build.key,
            service: service.name.clone(),
        };
        let linked = link(
            build,
            &reference,
            &project,
            loader,
            settings,
            set,
            jobs,
            diagnostics,
            &ids,
            &mut inline,
        );
        builds.insert(service.name.clone(), linked);
    }
    Some(Loaded {
        project,
        ids,
        builds,
        inline,
    })
}

/// The build arguments and target a service builds with; `None` when the target is unknown.
fn build_options(build: &Build) -> Option<BuildOptions> {
    let mut options = BuildOptions::default();
    for kv in build.args.iter().flat_map(|a| a.value.iter()) {
        match &kv.value {
            Some(v) if !v.value.unknown => {
                options
                    .args
                    .insert(kv.key.value.clone(), v.value.text.clone());
            }
            _ => {
                options.unknown_args.insert(kv.key.value.clone());
            }
        }
    }
    if let Some(target) = &build.target {
        if target.value.unknown {
            return None;
        }
        options.target = Some(target.value.text.clone());
    }
    Some(options)
}

#[allow(clippy::too_many_arguments)]
fn link(
    build: &Field<Build>,
    reference: &BuildRef,
    project: &Project,
    loader: &ScanLoader,
    settings: &Settings,
    set: &mut SourceSet,
    jobs: &mut BTreeMap<FileId, Vec<DockerfileJob>>,
    diagnostics: &mut Vec<RunDiagnostic>,
    ids: &[Option<FileId>],
    inline: &mut Vec<InlineJob>,
) -> LinkedBuild {
    let b = &build.value;
    let context = match &b.resolved_context {
        crate::syntax::compose::BuildContext::Dir(d) => Some(d.clone()),
        _ => None,
    };
    let Some(options) = build_options(b) else {
        return LinkedBuild {
            dockerfile: None,
            options: BuildOptions::default(),
            context,
            user: LinkedUser::Unknown,
        };
    };
    let mut linked = LinkedBuild {
        dockerfile: None,
        options: options.clone(),
        context,
        user: LinkedUser::Unknown,
    };
    match &b.resolved_dockerfile {
        DockerfileSource::Path(path) => {
            let text = match loader.read(path) {
                Ok(text) => text,
                Err(d) => {
                    if d.kind == RunDiagnosticKind::SymlinkEscapes
                        || d.kind == RunDiagnosticKind::TooLarge
                    {
                        diagnostics.push(d);
                    }
                    return linked;
                }
            };
            let shown = loader.shown(path);
            let id = set.add(shown.clone(), FileKind::Dockerfile, text);
            let file = set.get(id);
            linked.user = linked_user(file, &options, settings, &format!("`{shown}`"), &|span| {
                Location::new(file, span)
            });
            linked.dockerfile = Some(shown);
            let configs = jobs.entry(id).or_default();
            match configs
                .iter_mut()
                .find(|j| j.options == options && j.context == linked.context)
            {
                Some(job) => job.refs.push(reference.clone()),
                None => configs.push(DockerfileJob {
                    options,
                    dockerfile: Some(path.clone()),
                    context: linked.context.clone(),
                    refs: vec![reference.clone()],
                }),
            }
        }
        DockerfileSource::Inline => {
            if let Some(job) = inline_job(project, b, ids, options.clone(), linked.context.clone())
            {
                let compose = set.get(job.compose);
                linked.user = linked_user(
                    &job.dockerfile(),
                    &options,
                    settings,
                    "`dockerfile_inline`",
                    &|span| Location::new(compose, job.map.span(span).0),
                );
                if !inline.iter().any(|j| j.same_as(&job)) {
                    inline.push(job);
                }
            }
        }
        DockerfileSource::InRemote(_) | DockerfileSource::Unknown => {}
    }
    linked
}

/// A service's `dockerfile_inline`, when its text is known (or reads as the defaults of unset
/// variables) and the file holding it was read.
fn inline_job(
    project: &Project,
    build: &Build,
    ids: &[Option<FileId>],
    options: BuildOptions,
    context: Option<PathBuf>,
) -> Option<InlineJob> {
    if build.resolved_dockerfile != DockerfileSource::Inline {
        return None;
    }
    let field = build.dockerfile_inline.as_ref()?;
    let defaulted = match Reading::of(&field.value) {
        Reading::Known(_) => false,
        Reading::Default(_) => true,
        Reading::Unknown => return None,
    };
    let compose = ids.get(field.file.index()).copied().flatten()?;
    let file = project.file(field.file)?;
    Some(InlineJob {
        compose,
        text: field.value.text.clone(),
        defaulted,
        map: InlineMap::new(file, field),
        options,
        context,
    })
}

/// The user the image built from `file` with `options` runs as; `name` names the Dockerfile
/// in reasons and `at` locates its spans.
fn linked_user(
    file: &SourceFile,
    options: &BuildOptions,
    settings: &Settings,
    name: &str,
    at: &dyn Fn(Span) -> Location,
) -> LinkedUser {
    let ast = dockerfile_syntax::parse(&file.text);
    let df = Dockerfile::analyse(file, &ast, options);
    let stage = match &options.target {
        Some(t) => format!("the target stage `{t}` of {name}"),
        None => format!("the final stage of {name}"),
    };
    match users::final_user(&df, &settings.non_root_images) {
        FinalUser::RootUser(user) => LinkedUser::Root {
            reason: format!("{stage} ends with `USER {}`", user.text),
            at: at(user.span),
        },
        FinalUser::RootBase { from, reason, .. } => LinkedUser::Root {
            reason: format!("{stage} has no `USER` instruction and {reason}"),
            at: at(from),
        },
        FinalUser::NonRoot => LinkedUser::NonRoot,
        FinalUser::Unknown => LinkedUser::Unknown,
    }
}

/// Whether two findings are the same report (used to deduplicate).
fn same_finding(a: &Finding, b: &Finding) -> bool {
    std::ptr::eq(a.rule, b.rule)
        && a.location == b.location
        && a.message == b.message
        && a.severity == b.severity
        && a.suppressed.is_some() == b.suppressed.is_some()
}

/// Checks a Dockerfile in each configuration it is built with and merges the findings.
#[allow(clippy::too_many_arguments)]
fn check_linked_dockerfile(
    file: &SourceFile,
    standalone: bool,
    own_context: Option<&BuildContext>,
    configs: &[DockerfileJob],
    set: &SourceSet,
    base: &Path,
    settings: &Settings,
) -> Vec<Finding> {
    let baseline = engine::check_dockerfile_in(file, settings, &settings.build, own_context);
    if configs.is_empty() {
        return baseline;
    }
    // One run per distinct (build options, context): each service's build is checked with
    // its own arguments, target and build context.
    let mut done: Vec<(&BuildOptions, Option<&Path>, Vec<Finding>)> = Vec::new();
    let runs: Vec<Vec<Finding>> = configs
        .iter()
        .map(|job| {
            let dir = job.context.as_deref();
            if let Some((_, _, found)) = done
                .iter()
                .find(|(o, d, _)| **o == job.options && *d == dir)
            {
                return found.clone();
            }
            let context = dir.and_then(|dir| {
                let dockerfile = job.dockerfile.as_deref().map(|p| (p, file.path.as_str()));
                load_context(dir, base, dockerfile, settings)
            });
            let found =
                if job.options == settings.build && context.is_none() && own_context.is_none() {
                    baseline.clone()
                } else {
                    engine::check_dockerfile_in(file, settings, &job.options, context.as_ref())
                };
            done.push((&job.options, dir, found.clone()));
            found
        })
        .collect();
    // Every configuration that reports: the file's own (when found on its own) and the
    // services'.
    let emitting = runs.len() + usize::from(standalone);
    let mut out: Vec<Finding> = Vec::new();
    let mut candidates: Vec<&Finding> = Vec::new();
    if standalone {
        candidates.extend(&baseline);
    }
    for run in &runs {
        candidates.extend(run);
    }
    for candidate in candidates {
        if out.iter().any(|f| same_finding(f, candidate)) {
            continue;
        }
        let in_baseline = baseline.iter().any(|f| same_finding(f, candidate));
        let producers: Vec<usize> = runs
            .iter()
            .enumerate()
            .filter(|(_, run)| run.iter().any(|f| same_finding(f, candidate)))
            .map(|(i, _)| i)
            .collect();
        // An unused suppression counts only when it is unused in every configuration.
        if candidate.rule.code == "SW002" {
            let count = producers.len() + usize::from(standalone && in_baseline);
            if count < emitting {
                continue;
            }
        }
        let mut finding = candidate.clone();
        if !in_baseline {
            for i in producers {
                let job = &configs[i];
                for r in &job.refs {
                    let compose = set.get(r.compose_file);
                    finding.related(
                        Location::new(compose, r.span),
                        format!(
                            "compose service `{}` builds this file{}",
                            r.service,
                            describe_options(&job.options)
                        ),
                    );
                }
            }
        }
        out.push(finding);
    }
    out
}

fn describe_options(options: &BuildOptions) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &options.target {
        parts.push(format!("target `{t}`"));
    }
    let args: Vec<String> = options
        .args
        .keys()
        .chain(&options.unknown_args)
        .map(|k| format!("`{k}`"))
        .collect();
    if !args.is_empty() {
        parts.push(format!("build args {}", args.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" with {}", parts.join(" and "))
    }
}

/// Runs the Dockerfile rules on a `dockerfile_inline` text, with its service's build options
/// and context, and moves the findings into the compose file. A finding the compose rules
/// already report inside the scalar (`SW302` scans every scalar) is not repeated.
fn check_inline(
    job: &InlineJob,
    compose: &SourceFile,
    settings: &Settings,
    base: Option<&Path>,
    compose_findings: &[Finding],
) -> Vec<Finding> {
    let dockerfile = job.dockerfile();
    let context = match (&job.context, base) {
        (Some(dir), Some(base)) => load_context(dir, base, None, settings),
        _ => None,
    };
    let value = job.value();
    engine::check_dockerfile_in(&dockerfile, settings, &job.options, context.as_ref())
        .into_iter()
        .map(|f| job.relocate(f, &dockerfile, compose))
        .filter(|f| {
            !compose_findings.iter().any(|c| {
                std::ptr::eq(c.rule, f.rule)
                    && c.file == f.file
                    && c.message == f.message
                    && c.key == f.key
                    && value.start <= c.location.span.start
                    && c.location.span.end <= value.end
            })
        })
        .collect()
}

/// The build context at `dir` for a Dockerfile (`dockerfile`: its path on disk and as shown),
/// with paths shown relative to `base`; `None` when it cannot be read.
fn load_context(
    dir: &Path,
    base: &Path,
    dockerfile: Option<(&Path, &str)>,
    settings: &Settings,
) -> Option<BuildContext> {
    if !settings.reads_build_contexts() {
        return None;
    }
    let shown_root = input::relative_to(dir, base).unwrap_or_else(|| input::slash_path(dir));
    let shown_root = if shown_root == "." {
        String::new()
    } else {
        shown_root
    };
    BuildContext::load(
        dir,
        &shown_root,
        dockerfile,
        &ContextOptions::from_settings(settings),
    )
    .ok()
}

/// Runs the compose rules on a loaded project, and the Dockerfile rules on its
/// `dockerfile_inline` texts, and applies the suppressions of its files. `base` is the
/// directory paths are shown relative to (`None`: build contexts are not read).
fn check_loaded<S: Sources + ?Sized>(
    l: &Loaded,
    sources: &S,
    settings: &Settings,
    base: Option<&Path>,
) -> Vec<Finding> {
    let files: Vec<Option<&SourceFile>> = l
        .ids
        .iter()
        .map(|id| id.and_then(|id| sources.source(id)))
        .collect();
    let main_index = l
        .project
        .files
        .iter()
        .position(|f| f.role == FileRole::Main)
        .unwrap_or(0);
    let Some(main) = files
        .get(main_index)
        .copied()
        .flatten()
        .or_else(|| files.iter().copied().flatten().next())
    else {
        return Vec::new();
    };
    let env = ComposeEnv {
        files: files.clone(),
        main,
        builds: l.builds.clone(),
    };
    let mut findings = Vec::new();
    for (i, rule) in rules::ALL.iter().enumerate() {
        if !settings.is_enabled(i) {
            continue;
        }
        let before = findings.len();
        let mut cx = Ctx::new(main, settings, rule.meta(), &mut findings).with_compose(&env);
        rule.check_compose(&l.project, &mut cx);
        if let Some(sev) = settings.severity_override(i) {
            for f in &mut findings[before..] {
                f.severity = sev;
            }
        }
    }
    let mut inline_findings = Vec::new();
    for job in &l.inline {
        if let Some(compose) = sources.source(job.compose) {
            inline_findings.extend(check_inline(job, compose, settings, base, &findings));
        }
    }
    findings.extend(inline_findings);
    // Suppressions, file by file.
    let mut out = Vec::with_capacity(findings.len());
    let mut seen: BTreeSet<FileId> = BTreeSet::new();
    for (index, file) in l.project.files.iter().enumerate() {
        let Some(src) = files.get(index).copied().flatten() else {
            continue;
        };
        if !seen.insert(src.id) {
            continue;
        }
        let (mut mine, rest): (Vec<Finding>, Vec<Finding>) =
            findings.into_iter().partition(|f| f.file == src.id);
        findings = rest;
        let mut report = SuppressionReport {
            directives: compose_directives(src, &file.comments, settings),
            applied: false,
        };
        engine::finish(src, settings, &mut report, &mut mine);
        out.extend(mine);
    }
    out.extend(findings);
    out
}

// ---- suppressions in YAML comments ------------------------------------------------------

/// Suppression directives in a compose file's comments, each bound to the construct it
/// covers.
fn compose_directives(
    file: &SourceFile,
    comments: &[Comment],
    settings: &Settings,
) -> Vec<suppress::Directive> {
    let mut out = Vec::new();
    let index = file.line_index();
    for comment in comments {
        if !comment.text.contains(':') && !comment.text.contains('=') {
            continue;
        }
        let line = index.line_of(comment.span.start);
        let line_start = index.line_start(line) as usize;
        let before = file
            .text
            .get(line_start..comment.span.start as usize)
            .unwrap_or("");
        let target = if before.trim().is_empty() {
            next_content_line(file, line + 1)
        } else {
            Some(line)
        };
        let cref = CommentRef {
            text: &comment.text,
            span: comment.span,
            source: file.slice(comment.span),
        };
        // On its own line, the directive also covers the comments between it and the
        // construct (a credential pasted into a comment, for `SW302`).
        let next = target.map(|l| {
            let construct = construct_span(file, l);
            if l > line + 1 {
                Span::new(index.line_start(line + 1), construct.end)
            } else {
                construct
            }
        });
        if let Some(d) = suppress::parse_directive(&cref, next, settings.foreign_suppressions) {
            out.push(d);
        }
    }
    out
}

/// The first line at or after `line` (0-based) that is neither blank nor a comment.
fn next_content_line(file: &SourceFile, line: usize) -> Option<usize> {
    let index = file.line_index();
    (line..index.line_count()).find(|&l| {
        let t = index.line_text(&file.text, l).trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// The YAML construct starting on `line`: from its first character through the last line
/// indented deeper (a key's value, a sequence entry's content).
fn construct_span(file: &SourceFile, line: usize) -> Span {
    let index = file.line_index();
    let text = index.line_text(&file.text, line);
    let indent = indent_of(text);
    let is_entry = text.trim_start().starts_with('-');
    let start = index.line_start(line) as usize + indent;
    let mut end = index.line_start(line) as usize + text.len();
    for l in line + 1..index.line_count() {
        let t = index.line_text(&file.text, l);
        let trimmed = t.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let i = indent_of(t);
        let continues = i > indent || (i == indent && !is_entry && trimmed.starts_with('-'));
        if !continues {
            break;
        }
        end = index.line_start(l) as usize + t.len();
    }
    Span::new(to_u32(start), to_u32(end))
}

/// The severity SW001 gives a compose model diagnostic.
pub(crate) fn parse_problem_severity(
    kind: crate::syntax::compose::DiagnosticKind,
    severity: crate::syntax::compose::Severity,
) -> FindingSeverity {
    use crate::syntax::compose::{DiagnosticKind as K, Severity as S};
    match (kind, severity) {
        (K::Yaml11Boolean, _) => FindingSeverity::Info,
        (K::UnknownKey, _) | (_, S::Warning) => FindingSeverity::Low,
        (_, S::Error) => FindingSeverity::High,
    }
}

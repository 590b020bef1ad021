use rayon::prelude::*;

use crate::context::{BuildContext, EntryKind};
use crate::knowledge::context_patterns;
use crate::knowledge::secrets;
use crate::prelude::*;
use crate::source::{FileId, FileKind, SourceFile, to_u32};
use crate::syntax::docker_glob::glob_match;

declare_rule! {
    /// ## What it does
    /// Looks at the build context as Docker sends it and reports every sensitive file that a
    /// `COPY` or `ADD` would put into the image: environment files (`.env`, `.env.production`),
    /// SSH private keys (`id_rsa`, `id_ed25519`), `*.pem`, `*.key`, `*.p12`/`*.pfx` keystores,
    /// `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, anything under `.aws/` or `.ssh/`,
    /// `.docker/config.json`, `kubeconfig`, Terraform state, `credentials*.json` and
    /// `service-account*.json`. Templates (`.env.example`, `.env.sample`) and public keys
    /// (`*.pub`) are not reported, nor is a `.pem` file that holds only certificates or
    /// public keys (a CA bundle, a server's certificate chain).
    ///
    /// A file with a harmless name is reported too when its content holds a live credential
    /// (the formats of `secret-literal`, such as a GitHub token in `config.js`). Only text
    /// files under the size limit that are actually sent are read; the secret is masked.
    ///
    /// The rule resolves each source as `BuildKit` does: `.`, directories, wildcards,
    /// `--exclude`, `--parents`, after the ignore file (`<Dockerfile>.dockerignore` beside the
    /// Dockerfile, else `.dockerignore` at the context root). There is one finding per file, at
    /// the source of the first `COPY` that sends it, with the file as a related location. A
    /// file sent only into a builder stage is reported as medium: it reaches the image only if
    /// a later `COPY --from` carries it on. Files inside dependency directories
    /// (`node_modules`, virtual environments) are left to `context-leaks-local-state`:
    /// packages ship test keys.
    ///
    /// ## Why is this bad?
    /// `COPY . .` copies whatever is in the directory, including the `.env` with production
    /// passwords and the deploy key someone left there. Every layer of a pushed image can be
    /// pulled and unpacked by anyone with access to the registry, and deleting the file in a
    /// later layer does not remove it from the earlier one.
    ///
    /// ## Example
    /// ```dockerfile,ignore
    /// # the context holds .env and certs/server.key, and no .dockerignore
    /// FROM node:22.11-bookworm-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// Use instead:
    /// ```gitignore
    /// # .dockerignore
    /// .env*
    /// !.env.example
    /// *.key
    /// *.pem
    /// ```
    ///
    /// ## Options
    /// - `[rules.context] extend-sensitive`: more patterns (`*.secret` matches a name anywhere,
    ///   `config/prod/*.json` matches from the context root).
    /// - `[rules.context] allow-sensitive`: paths that are not secrets although a pattern
    ///   matches them (`certs/ca.pem`), same syntax.
    /// - `[rules.context] scan-max-file-size`: files larger than this are not read for
    ///   credentials (default 256 KiB; `0` turns the content check off).
    /// - `[rules.context] max-files`, `max-depth`: limits of the context walk.
    ///
    /// ## References
    /// - [Docker: build context and .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
    /// - [Docker build secrets](https://docs.docker.com/build/building/secrets/)
    /// - CWE-538: insertion of sensitive information into an externally accessible file
    /// - Similar: none of the common Dockerfile linters look at the build context
    pub struct SecretFileInContext {
        code: "SW304",
        name: "secret-file-in-context",
        steps: [Secrets, Dockerignore],
        severity: Critical,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [538],
        equivalents: [],
        summary: "A sensitive file in the build context is copied into the image",
    }
}

/// Extensions of files that are never text worth scanning.
const BINARY_EXTENSIONS: [&str; 38] = [
    "png", "jpg", "jpeg", "gif", "webp", "ico", "bmp", "tif", "tiff", "svgz", "woff", "woff2",
    "ttf", "otf", "eot", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "jar", "war",
    "class", "so", "dll", "exe", "dylib", "a", "o", "pyc", "wasm", "pdf", "mp3", "mp4", "db",
];

/// The first `COPY` source that sends an entry.
#[derive(Clone, Copy)]
struct Sender<'p> {
    instr: Instr<'p>,
    span: Span,
    source: &'p str,
    shipped: bool,
}

impl Rule for SecretFileInContext {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        let Some(bc) = cx.context() else { return };
        let options = &cx.settings().context;
        let patterns = &cx.settings().sensitive;
        let plans = bc.copy_plans(df);
        // Per entry: the first sender in a shipped stage, else the first in a builder stage.
        let mut senders: Vec<Option<Sender<'_>>> = vec![None; bc.entries().len()];
        for (instr, plan) in &plans {
            let shipped = df.in_shipped_stage(instr.index);
            for (f, source) in plan.sent() {
                let slot = &mut senders[f];
                if slot.is_none_or(|s| shipped && !s.shipped) {
                    *slot = Some(Sender {
                        instr: *instr,
                        span: source.span,
                        source: &source.text,
                        shipped,
                    });
                }
            }
        }
        let own_files = [
            Some(cx.file().path.clone()),
            bc.ignore().map(|i| i.file.path.clone()),
        ];
        let mut to_scan = Vec::new();
        for (f, sender) in senders.iter().enumerate() {
            let Some(sender) = sender else { continue };
            let entry = bc.entry(f);
            if entry.kind != EntryKind::File || context_patterns::inside_dependencies(&entry.path) {
                continue;
            }
            if let Some(kind) = patterns.classify(&entry.path) {
                if !is_public_pem(bc, f) {
                    report_file(df, cx, bc, f, sender, kind);
                }
            } else if options.scan_max_file_size > 0
                && !is_binary_name(entry.name())
                && !own_files.contains(&Some(bc.shown_path(f)))
            {
                to_scan.push((f, *sender));
            }
        }
        let limit = options.scan_max_file_size;
        let found: Vec<(usize, Sender<'_>, String, Vec<secrets::SecretMatch>)> = to_scan
            .into_par_iter()
            .filter_map(|(f, sender)| {
                let text = bc.read_text(f, limit)?;
                let matches = secrets::scan(&text);
                (!matches.is_empty()).then_some((f, sender, text, matches))
            })
            .collect();
        for (f, sender, text, matches) in found {
            report_content(df, cx, bc, f, &sender, &text, &matches);
        }
    }
}

/// Largest `.pem` file read to tell a public certificate from a key.
const PEM_READ_LIMIT: u64 = 1024 * 1024;

/// A `.pem` file that holds only public material (certificates, public keys, CRLs) and no
/// private key. A file that cannot be read as text is not known to be public.
fn is_public_pem(bc: &BuildContext, f: usize) -> bool {
    let name = bc.entry(f).name();
    let is_pem = std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pem"));
    if !is_pem {
        return false;
    }
    let Some(text) = bc.read_text(f, PEM_READ_LIMIT) else {
        return false;
    };
    let mut blocks = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("-----BEGIN ")?.strip_suffix("-----"))
        .peekable();
    blocks.peek().is_some()
        && blocks.all(|b| {
            matches!(
                b,
                "CERTIFICATE" | "TRUSTED CERTIFICATE" | "PUBLIC KEY" | "X509 CRL"
            )
        })
}

fn is_binary_name(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| BINARY_EXTENSIONS.iter().any(|b| b.eq_ignore_ascii_case(e)))
}

/// "into the image" or "into build stage `builder`".
fn destination(df: &Dockerfile<'_>, sender: &Sender<'_>) -> String {
    match sender.instr.stage() {
        Some(s) if !sender.shipped => format!("into build stage {}", df.stages[s].label()),
        _ => "into the image".to_owned(),
    }
}

fn help(bc: &BuildContext, path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let anchored = bc.ignore().and_then(|ignore| {
        ignore.patterns.patterns.iter().find(|p| {
            !p.negated && !p.cleaned.contains('/') && glob_match(&p.cleaned, name) == Ok(true)
        })
    });
    match (bc.ignore(), anchored) {
        (Some(ignore), Some(p)) if path.contains('/') => format!(
            "Write `**/{}` in `{}`: `{}` matches only at the context root, not `{path}`",
            p.cleaned,
            ignore.name(),
            p.cleaned
        ),
        (Some(ignore), _) => format!(
            "Exclude `{path}` in `{}`, or copy only what the image needs; pass secrets with `RUN --mount=type=secret`",
            ignore.name()
        ),
        (None, _) => format!(
            "Add a `.dockerignore` that excludes `{path}`, or copy only what the image needs; pass secrets with `RUN --mount=type=secret`"
        ),
    }
}

fn report_file(
    df: &Dockerfile<'_>,
    cx: &mut Ctx<'_>,
    bc: &BuildContext,
    f: usize,
    sender: &Sender<'_>,
    kind: &str,
) {
    let path = &bc.entry(f).path;
    let finding = cx
        .report(
            sender.span,
            format!(
                "{} `{}` sends `{path}` ({kind}) {}",
                sender.instr.keyword().as_str(),
                sender.source,
                destination(df, sender)
            ),
        )
        .help(help(bc, path))
        .related(Location::whole_file(bc.shown_path(f)), kind)
        .key(format!("file:{path}"));
    if !sender.shipped {
        finding.severity(Severity::Medium);
    }
}

fn report_content(
    df: &Dockerfile<'_>,
    cx: &mut Ctx<'_>,
    bc: &BuildContext,
    f: usize,
    sender: &Sender<'_>,
    text: &str,
    matches: &[secrets::SecretMatch],
) {
    let path = &bc.entry(f).path;
    let first = &matches[0];
    let secret = &text[first.start..first.end];
    let more = match matches.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    let shown = SourceFile::new(FileId(0), bc.shown_path(f), FileKind::Other, text);
    let at = Span::new(to_u32(first.start), to_u32(first.end));
    let finding = cx
        .report(
            sender.span,
            format!(
                "{} `{}` sends `{path}` {}, and it holds {}: `{}`{more}",
                sender.instr.keyword().as_str(),
                sender.source,
                destination(df, sender),
                secrets::with_article(first.label),
                secrets::mask(secret)
            ),
        )
        .help(format!(
            "Revoke the credential and remove it from `{path}`; {}",
            lowercase_first(&help(bc, path))
        ))
        .related_secret(Location::new(&shown, at), first.label)
        .key(format!("content:{path}:{}", first.kind));
    if !sender.shipped {
        finding.severity(Severity::Medium);
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

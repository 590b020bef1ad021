//! Tests of the build context: the walk, the ignore file choice and what `COPY`/`ADD` sends.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use super::*;
use crate::dockerfile::{BuildOptions, Dockerfile};
use crate::syntax::dockerfile as parser;

/// The files each source of the `n`-th COPY/ADD sends, as paths.
fn sent(ctx: &BuildContext, dockerfile: &str, n: usize) -> Vec<Vec<String>> {
    let plan = plan(ctx, dockerfile, n);
    plan.sources
        .iter()
        .map(|s| s.files.iter().map(|&f| ctx.entry(f).path.clone()).collect())
        .collect()
}

fn plan(ctx: &BuildContext, dockerfile: &str, n: usize) -> CopyPlan {
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, dockerfile);
    let ast = parser::parse(dockerfile);
    let build = BuildOptions::default();
    let df = Dockerfile::analyse(&file, &ast, &build);
    let instr = df
        .instructions()
        .filter(|i| matches!(i.keyword(), Keyword::Copy | Keyword::Add))
        .nth(n)
        .unwrap();
    ctx.copy_plan(instr).unwrap()
}

use crate::syntax::dockerfile::Keyword;

const TREE: &[&str] = &[
    ".env",
    ".env.example",
    ".git/HEAD",
    ".git/objects/ab/cdef",
    "Dockerfile",
    "README.md",
    "id_rsa",
    "node_modules/left-pad/index.js",
    "src/app.js",
    "src/lib/util.js",
    "src/lib/util.test.js",
    "src/.env",
    "static/logo.png",
    "static/css/site.css",
    "empty/",
];

fn paths(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn walk_lists_in_preorder_with_contiguous_subtrees() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    let listed: Vec<&str> = ctx.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        listed,
        [
            ".env",
            ".env.example",
            ".git",
            ".git/HEAD",
            ".git/objects",
            ".git/objects/ab",
            ".git/objects/ab/cdef",
            "Dockerfile",
            "README.md",
            "empty",
            "id_rsa",
            "node_modules",
            "node_modules/left-pad",
            "node_modules/left-pad/index.js",
            "src",
            "src/.env",
            "src/app.js",
            "src/lib",
            "src/lib/util.js",
            "src/lib/util.test.js",
            "static",
            "static/css",
            "static/css/site.css",
            "static/logo.png",
        ]
    );
    let git = ctx.find(".git").unwrap();
    let below: Vec<&str> = ctx
        .below(Some(git))
        .map(|i| ctx.entry(i).path.as_str())
        .collect();
    assert_eq!(
        below,
        [
            ".git/HEAD",
            ".git/objects",
            ".git/objects/ab",
            ".git/objects/ab/cdef"
        ]
    );
    assert_eq!(
        ctx.find("src/lib/util.js").map(|i| ctx.entry(i).name()),
        Some("util.js")
    );
    assert_eq!(ctx.find("src/nope"), None);
    assert_eq!(ctx.find("."), None);
}

#[test]
fn copy_dot_sends_everything_not_ignored() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    let all = sent(&ctx, "FROM a\nCOPY . /app\n", 0);
    assert_eq!(all[0].len(), 14);
    assert!(all[0].contains(&".git/HEAD".to_owned()));
    let p = plan(&ctx, "FROM a\nCOPY ./ /app\n", 0);
    assert!(p.sources[0].whole_context && p.sources[0].copies_directory);
    // `..` never leaves the context.
    assert_eq!(sent(&ctx, "FROM a\nCOPY ../.. /app\n", 0)[0].len(), 14);
}

#[test]
fn ignore_file_removes_entries_and_skips_directories() {
    let ignore = "# local state\n.git\nnode_modules\n**/.env\n!src/.env\n*.md\n";
    let ctx = BuildContext::from_listing(TREE.iter().copied(), Some(ignore));
    let git = ctx.entry(ctx.find(".git").unwrap());
    assert!(git.excluded && !git.in_context);
    assert_eq!(git.not_walked, Some(NotWalked::Excluded));
    // Not walked: nothing below it was listed.
    assert_eq!(ctx.find(".git/HEAD"), None);
    let files = sent(&ctx, "FROM a\nCOPY . /app\n", 0).remove(0);
    assert_eq!(
        files,
        paths(&[
            ".env.example",
            "Dockerfile",
            "id_rsa",
            "src/.env",
            "src/app.js",
            "src/lib/util.js",
            "src/lib/util.test.js",
            "static/css/site.css",
            "static/logo.png",
        ])
    );
    assert_eq!(
        ctx.decisive_pattern("src/.env").map(|p| p.text.as_str()),
        Some("!src/.env")
    );
    assert_eq!(
        ctx.decisive_pattern(".env")
            .map(|p| (p.text.as_str(), p.line)),
        Some(("**/.env", 4))
    );
}

#[test]
fn exception_below_an_excluded_directory_keeps_the_directory() {
    let ctx = BuildContext::from_listing(
        [
            "build/out.bin",
            "build/keep/notes.txt",
            "build/keep/x/y.txt",
            "a.txt",
        ],
        Some("build\n!build/keep\n"),
    );
    let build = ctx.entry(ctx.find("build").unwrap());
    assert!(build.excluded && build.in_context && build.not_walked.is_none());
    assert!(!ctx.entry(ctx.find("build/out.bin").unwrap()).in_context);
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY build /b\n", 0)[0],
        paths(&["build/keep/notes.txt", "build/keep/x/y.txt"])
    );
}

#[test]
fn directory_and_file_sources() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    let p = plan(&ctx, "FROM a\nCOPY src/ static/logo.png /app/\n", 0);
    let files: Vec<Vec<&str>> = p
        .sources
        .iter()
        .map(|s| {
            s.files
                .iter()
                .map(|&f| ctx.entry(f).path.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        files,
        [
            vec![
                "src/.env",
                "src/app.js",
                "src/lib/util.js",
                "src/lib/util.test.js"
            ],
            vec!["static/logo.png"],
        ]
    );
    assert!(p.sources[0].copies_directory);
    assert!(!p.sources[1].copies_directory);
    assert_eq!(p.directory_source().map(|s| s.text.as_str()), Some("src/"));
    // The root .env is not sent by `COPY src/`.
    assert!(!files[0].contains(&".env"));
    // A missing source sends nothing and is not "ignored".
    let p = plan(&ctx, "FROM a\nCOPY nope /x\n", 0);
    assert!(p.sources[0].files.is_empty() && p.sources[0].ignored.is_none());
}

#[test]
fn globs_follow_go_filepath_match() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    // `*` does not cross `/`; a matched directory is sent whole.
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY *.md /d/\n", 0)[0],
        paths(&["README.md"])
    );
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY s* /d/\n", 0)[0],
        paths(&[
            "src/.env",
            "src/app.js",
            "src/lib/util.js",
            "src/lib/util.test.js",
            "static/css/site.css",
            "static/logo.png",
        ])
    );
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY src/*/*.js /d/\n", 0)[0],
        paths(&["src/lib/util.js", "src/lib/util.test.js"])
    );
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY .env* /d/\n", 0)[0],
        paths(&[".env", ".env.example"])
    );
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY id_rs[a-z] /d/\n", 0)[0],
        paths(&["id_rsa"])
    );
    let p = plan(&ctx, "FROM a\nCOPY st?tic /d/\n", 0);
    assert_eq!(p.sources[0].kind, SourceKind::Glob);
    assert!(p.sources[0].copies_directory);
}

#[test]
fn exclude_patterns_are_relative_to_each_source() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    assert_eq!(
        sent(
            &ctx,
            "FROM a\nCOPY --exclude=**/*.test.js --exclude=.env src /d/\n",
            0
        )[0],
        paths(&["src/app.js", "src/lib/util.js"])
    );
    // Patterns are anchored like `.dockerignore` lines: `*.test.js` stays at the top.
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY --exclude=*.test.js src /d/\n", 0)[0],
        paths(&[
            "src/.env",
            "src/app.js",
            "src/lib/util.js",
            "src/lib/util.test.js"
        ])
    );
    // Anchored at the source: `lib` here is `src/lib`.
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY --exclude=lib src /d/\n", 0)[0],
        paths(&["src/.env", "src/app.js"])
    );
    // From the root: `**/*.js` and `.git` (a directory, skipped whole).
    let files = sent(
        &ctx,
        "FROM a\nCOPY --exclude=**/*.js --exclude=.git . /d/\n",
        0,
    )
    .remove(0);
    assert!(
        !files
            .iter()
            .any(|f| Path::new(f).extension().is_some_and(|e| e == "js") || f.starts_with(".git"))
    );
    assert!(files.contains(&".env".to_owned()));
    // A source that is itself a file is never excluded.
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY --exclude=*.md README.md /d/\n", 0)[0],
        paths(&["README.md"])
    );
}

#[test]
fn parents_keep_paths_below_the_pivot() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY --parents src/lib/*.js /d/\n", 0)[0],
        paths(&["src/lib/util.js", "src/lib/util.test.js"])
    );
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY --parents ./src/./lib /d/\n", 0)[0],
        paths(&["src/lib/util.js", "src/lib/util.test.js"])
    );
    let p = plan(&ctx, "FROM a\nCOPY --parents ./static /d/\n", 0);
    assert!(p.sources[0].copies_directory);
    assert_eq!(p.sources[0].files.len(), 2);
    assert_eq!(
        sent(&ctx, "FROM a\nCOPY --parents=false src/app.js /d/\n", 0)[0],
        paths(&["src/app.js"])
    );
}

#[test]
fn heredoc_remote_from_and_unknown_sources() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    let p = plan(&ctx, "FROM a\nCOPY <<EOF /etc/app.conf\nx=1\nEOF\n", 0);
    assert_eq!(p.sources[0].kind, SourceKind::Heredoc);
    assert!(p.sources[0].files.is_empty());
    let p = plan(
        &ctx,
        "FROM a\nADD https://example.com/a.tgz git@github.com:o/r.git /x/\n",
        0,
    );
    assert!(p.sources.iter().all(|s| s.kind == SourceKind::Remote));
    let p = plan(&ctx, "FROM a\nARG DIR\nCOPY $DIR /x/\n", 0);
    assert_eq!(p.sources[0].kind, SourceKind::Unresolved);
    let p = plan(&ctx, "FROM a\nARG PAT\nCOPY --exclude=$PAT . /x/\n", 0);
    assert_eq!(p.sources[0].kind, SourceKind::Unresolved);
    let p = plan(&ctx, "FROM a\nARG DIR=src\nCOPY $DIR /x/\n", 0);
    assert_eq!(p.sources[0].files.len(), 4);
    // COPY --from reads another stage, not the context.
    let file_text = "FROM a AS b\nFROM a\nCOPY --from=b . /x/\n";
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, file_text);
    let ast = parser::parse(file_text);
    let build = BuildOptions::default();
    let df = Dockerfile::analyse(&file, &ast, &build);
    let copy = df
        .instructions()
        .find(|i| i.keyword() == Keyword::Copy)
        .unwrap();
    assert!(ctx.copy_plan(copy).is_none());
}

#[test]
fn sources_left_out_by_the_ignore_file() {
    let ctx = BuildContext::from_listing(
        [
            "target/app.jar",
            "target/classes/A.class",
            "src/Main.java",
            "logs/a.log",
        ],
        Some("target\n*.log\nlogs\n"),
    );
    let p = plan(&ctx, "FROM a\nCOPY target/app.jar /app.jar\n", 0);
    assert_eq!(p.sources[0].ignored.as_deref(), Some("target"));
    let p = plan(&ctx, "FROM a\nCOPY target/*.jar /app/\n", 0);
    assert_eq!(p.sources[0].ignored.as_deref(), Some("target"));
    let p = plan(&ctx, "FROM a\nCOPY logs/ /logs/\n", 0);
    assert_eq!(p.sources[0].ignored.as_deref(), Some("logs"));
    // A path that does not exist but that the ignore file would leave out.
    let p = plan(&ctx, "FROM a\nCOPY build.log /x\n", 0);
    assert_eq!(p.sources[0].ignored.as_deref(), Some("build.log"));
    let p = plan(&ctx, "FROM a\nCOPY src /src\n", 0);
    assert_eq!(p.sources[0].ignored, None);
    let ctx = BuildContext::from_listing(["a.txt", "b.txt", "c.md"], Some("*.txt\n"));
    let p = plan(&ctx, "FROM a\nCOPY *.txt /x/\n", 0);
    assert_eq!(p.sources[0].ignored.as_deref(), Some("a.txt"));
    let p = plan(&ctx, "FROM a\nCOPY *.* /x/\n", 0);
    assert_eq!(p.sources[0].ignored, None);
}

#[test]
fn sent_lists_each_file_once_with_its_first_source() {
    let ctx = BuildContext::from_listing(TREE.iter().copied(), None);
    let p = plan(&ctx, "FROM a\nCOPY src src/app.js /x/\n", 0);
    let sent = p.sent();
    assert_eq!(sent.len(), 4);
    assert!(sent.iter().all(|(_, s)| s.text == "src"));
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

#[test]
fn loading_from_disk_picks_the_ignore_file_as_buildkit_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/Dockerfile", "FROM a\nCOPY . .\n");
    write(root, "app/api.Dockerfile", "FROM a\nCOPY . .\n");
    write(root, "app/api.Dockerfile.dockerignore", "secret.txt\n");
    write(root, "app/.dockerignore", "*.log\n");
    write(root, "app/secret.txt", "x");
    write(root, "app/debug.log", "x");
    let opts = ContextOptions::default();
    let app = root.join("app");
    let plain = BuildContext::load(
        &app,
        "app",
        Some((&app.join("Dockerfile"), "app/Dockerfile")),
        &opts,
    )
    .unwrap();
    let ignore = plain.ignore().unwrap();
    assert_eq!(ignore.file.path, "app/.dockerignore");
    assert!(!ignore.per_dockerfile);
    assert_eq!(ignore.name(), ".dockerignore");
    assert!(plain.entry(plain.find("debug.log").unwrap()).excluded);
    assert!(!plain.entry(plain.find("secret.txt").unwrap()).excluded);
    assert_eq!(
        plain.shown_path(plain.find("secret.txt").unwrap()),
        "app/secret.txt"
    );

    let api = BuildContext::load(
        &app,
        "app",
        Some((&app.join("api.Dockerfile"), "app/api.Dockerfile")),
        &opts,
    )
    .unwrap();
    let ignore = api.ignore().unwrap();
    assert_eq!(ignore.file.path, "app/api.Dockerfile.dockerignore");
    assert!(ignore.per_dockerfile);
    assert!(api.entry(api.find("secret.txt").unwrap()).excluded);
    assert!(!api.entry(api.find("debug.log").unwrap()).excluded);

    // A Dockerfile elsewhere, with the context given: its own ignore file is beside it.
    write(root, "docker/web.Dockerfile", "FROM a\n");
    write(root, "docker/web.Dockerfile.dockerignore", "debug.log\n");
    let web = BuildContext::load(
        &app,
        "app",
        Some((&root.join("docker/web.Dockerfile"), "docker/web.Dockerfile")),
        &opts,
    )
    .unwrap();
    assert_eq!(
        web.ignore().unwrap().file.path,
        "docker/web.Dockerfile.dockerignore"
    );

    // No ignore file at all.
    write(root, "bare/Dockerfile", "FROM a\n");
    let bare = BuildContext::load(&root.join("bare"), "bare", None, &opts).unwrap();
    assert!(bare.ignore().is_none());
    assert_eq!(bare.entries().len(), 1);
    assert!(bare.is_complete());

    let missing = BuildContext::load(&root.join("nope"), "nope", None, &opts).unwrap_err();
    assert_eq!(missing.kind, DiagnosticKind::Unreadable);
}

#[test]
fn walk_does_not_apply_gitignore_and_reads_text() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", ".env\n");
    write(root, ".env", "TOKEN=1\n");
    write(root, "bin.dat", "a\0b");
    let ctx = BuildContext::load(root, "", None, &ContextOptions::default()).unwrap();
    let env = ctx.find(".env").unwrap();
    assert!(ctx.entry(env).in_context);
    assert_eq!(ctx.read_text(env, 1024).as_deref(), Some("TOKEN=1\n"));
    assert_eq!(ctx.read_text(env, 3), None);
    assert_eq!(ctx.read_text(ctx.find("bin.dat").unwrap(), 1024), None);
    assert_eq!(
        ctx.read_text(ctx.find(".gitignore").unwrap(), 1024)
            .as_deref(),
        Some(".env\n")
    );
}

#[test]
fn limits_stop_the_walk_with_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..20 {
        write(root, &format!("f{i:02}.txt"), "x");
    }
    write(root, "a/b/c/d/e.txt", "x");
    let opts = ContextOptions {
        max_entries: 10,
        ..ContextOptions::default()
    };
    let ctx = BuildContext::load(root, "", None, &opts).unwrap();
    assert_eq!(ctx.entries().len(), 10);
    assert!(!ctx.is_complete());
    assert_eq!(ctx.diagnostics()[0].kind, DiagnosticKind::ContextIncomplete);
    // Every subtree run still ends inside the list.
    for (i, e) in ctx.entries().iter().enumerate() {
        assert!(ctx.below(Some(i)).end <= ctx.entries().len(), "{}", e.path);
    }
    let opts = ContextOptions {
        max_depth: 2,
        ..ContextOptions::default()
    };
    let ctx = BuildContext::load(root, "", None, &opts).unwrap();
    let b = ctx.entry(ctx.find("a/b").unwrap());
    assert_eq!(b.not_walked, Some(NotWalked::DepthLimit));
    assert!(ctx.find("a/b/c").is_none());
    assert_eq!(ctx.diagnostics().len(), 1);
    assert!(ctx.diagnostics()[0].message.contains("max-depth"));
}

#[cfg(unix)]
#[test]
fn links_are_listed_not_followed_and_sources_resolve_inside_the_context() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret/.env", "TOKEN=x\n");
    let root = dir.path();
    write(root, "real/app.js", "x");
    write(root, "real/.env", "x");
    symlink("real", root.join("alias")).unwrap();
    symlink("/real", root.join("absolute")).unwrap();
    symlink(outside.path().join("secret"), root.join("escape")).unwrap();
    symlink("loop2", root.join("loop1")).unwrap();
    symlink("loop1", root.join("loop2")).unwrap();
    symlink(".", root.join("self")).unwrap();
    let ctx = BuildContext::load(root, "", None, &ContextOptions::default()).unwrap();
    assert!(ctx.is_complete());
    // Links are entries; nothing is listed below them.
    assert_eq!(
        ctx.entry(ctx.find("alias").unwrap()).kind,
        EntryKind::Symlink
    );
    assert!(ctx.find("escape/.env").is_none());
    assert!(ctx.find("self/real").is_none());
    // A link as the COPY source is followed, scoped to the context.
    assert_eq!(
        ctx.resolve("alias", true),
        Resolved::Entry(ctx.find("real").unwrap())
    );
    assert_eq!(
        ctx.resolve("absolute/app.js", true),
        Resolved::Entry(ctx.find("real/app.js").unwrap())
    );
    assert_eq!(
        ctx.resolve("self/self/real", true),
        Resolved::Entry(ctx.find("real").unwrap())
    );
    assert_eq!(ctx.resolve("loop1", true), Resolved::Loop);
    // An absolute target outside: scoped to the root, where it names nothing.
    assert_eq!(ctx.resolve("escape", true), Resolved::Missing);
    assert_eq!(
        ctx.resolve("alias", false),
        Resolved::Entry(ctx.find("alias").unwrap())
    );
    let files = sent(&ctx, "FROM a\nCOPY alias /x/\n", 0).remove(0);
    assert_eq!(files, paths(&["real/.env", "real/app.js"]));
    // `COPY . .` sends links as links.
    let all = sent(&ctx, "FROM a\nCOPY . /x/\n", 0).remove(0);
    assert!(all.contains(&"escape".to_owned()));
    assert!(!all.iter().any(|f| f.starts_with("escape/")));
}

#[cfg(unix)]
#[test]
fn unreadable_directories_become_diagnostics() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "ok.txt", "x");
    write(root, "locked/inner.txt", "x");
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read_dir(root.join("locked")).is_ok() {
        // Running with privileges that ignore permissions: nothing to test.
        fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let ctx = BuildContext::load(root, "ctx", None, &ContextOptions::default()).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    let locked = ctx.entry(ctx.find("locked").unwrap());
    assert_eq!(locked.not_walked, Some(NotWalked::Unreadable));
    assert!(!ctx.is_complete());
    assert_eq!(ctx.diagnostics()[0].path, "ctx/locked");
    assert!(ctx.find("ok.txt").is_some());
}

#[test]
fn shown_paths() {
    assert_eq!(join_shown("", "a/b"), "a/b");
    assert_eq!(join_shown(".", "a"), "a");
    assert_eq!(join_shown("ctx/", "a"), "ctx/a");
    assert_eq!(join_shown("ctx", "."), "ctx");
    assert_eq!(clean_source_path("./a/../b/"), "b");
    assert_eq!(clean_source_path("/"), ".");
    assert_eq!(clean_source_path("../../x"), "x");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn segment() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a",
            "b",
            ".env",
            "x.log",
            "node_modules",
            "é",
            "a b",
            "[x]",
        ])
        .prop_map(str::to_owned)
    }

    fn path() -> impl Strategy<Value = String> {
        prop::collection::vec(segment(), 1..4).prop_map(|v| v.join("/"))
    }

    fn pattern() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a",
            "b",
            "*",
            "**",
            ".env",
            "*.log",
            "node_modules",
            "[ab]",
            "?",
            "é",
        ]);
        (any::<bool>(), prop::collection::vec(piece, 1..3))
            .prop_map(|(neg, v)| format!("{}{}", if neg { "!" } else { "" }, v.join("/")))
    }

    fn source() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![".", "..", "a", "b", "*", "?", "[ab]", "x.log", ""]);
        prop::collection::vec(piece, 1..4).prop_map(|v| v.join("/"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn plans_only_send_what_the_context_holds(
            files in prop::collection::vec(path(), 0..12),
            ignore in prop::collection::vec(pattern(), 0..4),
            src in source(),
            exclude in prop::option::of(pattern()),
            parents in any::<bool>(),
        ) {
            let ignore = ignore.join("\n");
            let ctx = BuildContext::from_listing(files.iter().map(String::as_str), Some(&ignore));
            for (i, e) in ctx.entries().iter().enumerate() {
                prop_assert_eq!(ctx.find(&e.path), Some(i));
                prop_assert!(ctx.below(Some(i)).end <= ctx.entries().len());
            }
            let flags = format!(
                "{}{}",
                exclude.map(|x| format!("--exclude={x} ")).unwrap_or_default(),
                if parents { "--parents " } else { "" }
            );
            let dockerfile = format!("FROM a\nCOPY {flags}{src} /dst/\n");
            let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, dockerfile.as_str());
            let ast = parser::parse(&dockerfile);
            let build = BuildOptions::default();
            let df = Dockerfile::analyse(&file, &ast, &build);
            for (_, plan) in ctx.copy_plans(&df) {
                for s in &plan.sources {
                    for &f in &s.files {
                        let e = ctx.entry(f);
                        prop_assert!(e.in_context && e.kind != EntryKind::Dir, "{}", e.path);
                    }
                    if !s.files.is_empty() {
                        prop_assert!(s.ignored.is_none());
                    }
                }
            }
        }
    }
}

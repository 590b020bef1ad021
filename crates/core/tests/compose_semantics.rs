//! Compose semantics: interpolation from `.env` and env files, override files, `extends`,
//! `include`, and the locations merged values keep.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use seaworthy_core::syntax::compose::{
    BuildContext, DiagnosticKind, DockerfileSource, FileRole, FsLoader, LoadOptions, MemoryLoader,
    MountKind, Project, Service, Severity, default_files, load_project,
};

fn load(fs: &MemoryLoader, files: &[&str], options: &LoadOptions) -> Project {
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    load_project(&files, fs, options)
}

fn svc<'a>(p: &'a Project, name: &str) -> &'a Service {
    p.service(name)
        .unwrap_or_else(|| panic!("no service {name}: {:#?}", p.diagnostics))
}

fn path_of(p: &Project, file: seaworthy_core::syntax::compose::FileIndex) -> &Path {
    &p.file(file).expect("file").path
}

fn text_at(
    p: &Project,
    file: seaworthy_core::syntax::compose::FileIndex,
    span: seaworthy_core::source::Span,
) -> String {
    p.file(file).expect("file").slice(span).to_owned()
}

#[test]
fn dotenv_beside_the_compose_file_feeds_interpolation() {
    let fs = MemoryLoader::new()
        .with(
            "/p/compose.yaml",
            concat!(
                "services:\n  db:\n",
                "    image: postgres:${PG_TAG}\n",
                "    user: ${UID:-1000}\n",
                "    environment:\n",
                "      PASSWORD: ${DB_PASSWORD}\n",
                "      FROM_PROCESS: ${HOME}\n",
                "      REQUIRED: ${MISSING:?must be set}\n",
                "      ESCAPED: $${NOT_A_VAR}\n",
                "  web:\n    image: nginx:${WEB_TAG:-latest}\n",
            ),
        )
        .with(
            "/p/.env",
            "# defaults\nPG_TAG=16.1\nexport DB_PASSWORD='s3cr=t'\nUID=\nINHERITED\n",
        );
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    assert_eq!(p.errors().count(), 0, "{:#?}", p.diagnostics);
    let db = svc(&p, "db");
    let image = &db.image.as_ref().unwrap().value;
    assert_eq!(
        (image.text.as_str(), image.raw.as_str(), image.unknown),
        ("postgres:16.1", "postgres:${PG_TAG}", false)
    );
    assert!(image.interpolated);
    // Set but empty: `:-` takes the default, and it is known.
    let user = &db.user.as_ref().unwrap().value;
    assert_eq!((user.text.as_str(), user.unknown), ("1000", false));
    let env = &db.environment.as_ref().unwrap().value;
    let v = |i: usize| env[i].value.as_ref().unwrap().value.clone();
    assert_eq!((v(0).text.as_str(), v(0).unknown), ("s3cr=t", false));
    // The process environment is never read: HOME is unknown.
    assert_eq!((v(1).text.as_str(), v(1).unknown), ("${HOME}", true));
    // `:?` with an unknown variable is not an error.
    assert!(v(2).unknown);
    assert_eq!(
        (v(3).text.as_str(), v(3).interpolated),
        ("${NOT_A_VAR}", false)
    );
    let web = &svc(&p, "web").image.as_ref().unwrap().value;
    assert_eq!((web.text.as_str(), web.unknown), ("nginx:latest", true));
    assert!(
        p.files
            .iter()
            .any(|f| f.role == FileRole::EnvFile && f.path == Path::new("/p/.env"))
    );
}

#[test]
fn unknown_variables_in_short_syntax_are_not_guessed() {
    let fs = MemoryLoader::new().with(
        "/p/compose.yaml",
        concat!(
            "services:\n  a:\n    image: x\n",
            "    volumes:\n      - ${DATA_DIR}:/data\n      - ${CACHE:-./cache}:/cache\n      - logs:/logs\n",
            "    ports:\n      - \"${PORT}:80\"\n",
            "    environment:\n      - TOKEN=${TOKEN}\n",
        ),
    );
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let a = svc(&p, "a");
    let vols = &a.volumes.as_ref().unwrap().value;
    assert_eq!(vols[0].value.kind, MountKind::Unknown);
    assert_eq!(vols[0].value.source_kind, None);
    assert!(vols[0].value.source.as_ref().unwrap().value.unknown);
    // With a default, compose's reading when unset is used, still marked unknown.
    assert_eq!(vols[1].value.kind, MountKind::Bind);
    assert!(vols[1].value.source.as_ref().unwrap().value.unknown);
    assert_eq!(vols[2].value.kind, MountKind::Volume);
    let port = &a.ports.as_ref().unwrap().value[0].value;
    let published = port.published.as_ref().unwrap();
    assert_eq!(
        (published.value.text.as_str(), published.value.unknown),
        ("${PORT}", true)
    );
    let token = &a.environment.as_ref().unwrap().value[0];
    let v = &token.value.as_ref().unwrap().value;
    assert_eq!(
        (v.text.as_str(), v.raw.as_str(), v.unknown),
        ("${TOKEN}", "${TOKEN}", true)
    );
}

#[test]
fn explicit_env_files_replace_dotenv_and_caller_variables_win() {
    let fs = MemoryLoader::new()
        .with(
            "/p/compose.yaml",
            "services:\n  a:\n    image: ${IMG}:${TAG}\n    user: ${WHO}\n",
        )
        .with("/p/.env", "IMG=from-dotenv\n")
        .with("/p/one.env", "IMG=one\nTAG=1\nWHO=nobody\n")
        .with("/p/two.env", "TAG=2\n");
    let options = LoadOptions {
        env_files: vec![PathBuf::from("/p/one.env"), PathBuf::from("/p/two.env")],
        variables: BTreeMap::from([("WHO".to_owned(), "ci".to_owned())]),
        ..LoadOptions::default()
    };
    let p = load(&fs, &["/p/compose.yaml"], &options);
    let a = svc(&p, "a");
    assert_eq!(a.image.as_ref().unwrap().value.text, "one:2");
    assert_eq!(a.user.as_ref().unwrap().value.text, "ci");
    let missing = LoadOptions {
        env_files: vec![PathBuf::from("/p/nope.env")],
        ..LoadOptions::default()
    };
    let p = load(&fs, &["/p/compose.yaml"], &missing);
    assert_eq!(p.diagnostics_of(DiagnosticKind::Load).count(), 1);
    assert!(svc(&p, "a").image.as_ref().unwrap().value.unknown);
}

#[test]
fn interpolation_errors_are_located() {
    let fs = MemoryLoader::new()
        .with("/p/compose.yaml", "services:\n  a:\n    image: x\n    command: echo cost $5\n    user: ${EMPTY:?needs a user}\n")
        .with("/p/.env", "EMPTY=\n");
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    let errs: Vec<_> = p
        .diagnostics_of(DiagnosticKind::Interpolation)
        .map(|d| (text_at(&p, d.file.unwrap(), d.span), d.message.clone()))
        .collect();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].0, "$");
    assert!(
        errs[1]
            .1
            .contains("required variable EMPTY is missing a value: needs a user")
    );
}

#[test]
fn override_file_merges_with_compose_rules() {
    let main = concat!(
        "services:\n  web:\n",
        "    image: nginx:1\n",
        "    command: [\"a\", \"b\"]\n",
        "    ports:\n      - \"8080:80\"\n      - \"443:443\"\n",
        "    environment:\n      - A=1\n      - B=2\n",
        "    volumes:\n      - ./data:/data\n",
        "    cap_add: [NET_ADMIN]\n",
        "    labels:\n      keep: me\n      drop: me\n",
        "    security_opt: [\"no-new-privileges:true\"]\n",
        "    build:\n      context: ./app\n      args:\n        V: \"1\"\n",
    );
    let over = concat!(
        "services:\n  web:\n",
        "    image: nginx:2\n",
        "    command: [\"c\"]\n",
        "    ports:\n      - \"127.0.0.1:8080:80\"\n      - target: 443\n        published: \"443\"\n",
        "    environment:\n      B: two\n      C: \"3\"\n",
        "    volumes:\n      - ./other:/data:ro\n",
        "    cap_add: [NET_ADMIN, SYS_TIME]\n",
        "    labels:\n      drop: !reset null\n",
        "    security_opt: !reset []\n",
        "    build: ./elsewhere\n",
        "    read_only: true\n",
    );
    let fs = MemoryLoader::new()
        .with("/p/compose.yaml", main)
        .with("/p/compose.override.yaml", over);
    let files = default_files(Path::new("/p"), &fs);
    assert_eq!(files.len(), 2);
    let p = load_project(&files, &fs, &LoadOptions::default());
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    assert_eq!(p.files[1].role, FileRole::Override);
    let w = svc(&p, "web");
    // Scalars: the override wins, and the location follows.
    let image = w.image.as_ref().unwrap();
    assert_eq!(image.value.text, "nginx:2");
    assert_eq!(
        path_of(&p, image.file),
        Path::new("/p/compose.override.yaml")
    );
    assert_eq!(text_at(&p, image.file, image.key), "image");
    // The service's key stays where it was first defined.
    assert_eq!(path_of(&p, w.file), Path::new("/p/compose.yaml"));
    // command is replaced, not appended.
    match &w.command.as_ref().unwrap().value {
        seaworthy_core::syntax::compose::Command::List(l) => assert_eq!(l.len(), 1),
        other @ seaworthy_core::syntax::compose::Command::String(_) => panic!("{other:?}"),
    }
    // ports: a set keyed by ip, published, target, protocol.
    let ports: Vec<_> = w
        .ports
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|p| {
            (
                p.value.host_ip.as_ref().map(|i| i.value.text.clone()),
                p.value.published.as_ref().unwrap().value.text.clone(),
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            (None, "8080".into()),
            (None, "443".into()),
            (Some("127.0.0.1".into()), "8080".into())
        ]
    );
    let long443 = &w.ports.as_ref().unwrap().value[1];
    assert_eq!(
        path_of(&p, long443.file),
        Path::new("/p/compose.override.yaml")
    );
    // environment merges by key across list and mapping syntax.
    let env: Vec<_> = w
        .environment
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|kv| {
            (
                kv.key.value.clone(),
                kv.value.as_ref().unwrap().value.text.clone(),
                path_of(&p, kv.key.file).to_owned(),
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            ("A".into(), "1".into(), PathBuf::from("/p/compose.yaml")),
            (
                "B".into(),
                "two".into(),
                PathBuf::from("/p/compose.override.yaml")
            ),
            (
                "C".into(),
                "3".into(),
                PathBuf::from("/p/compose.override.yaml")
            ),
        ]
    );
    let a = &w.environment.as_ref().unwrap().value[0];
    assert_eq!(text_at(&p, a.key.file, a.key.span), "A");
    assert_eq!(text_at(&p, a.key.file, a.value.as_ref().unwrap().span), "1");
    // volumes: keyed by container path.
    let vols = &w.volumes.as_ref().unwrap().value;
    assert_eq!(vols.len(), 1);
    assert_eq!(vols[0].value.source.as_ref().unwrap().value.text, "./other");
    assert_eq!(
        Service::flag(
            vols[0]
                .value
                .read_only
                .as_ref()
                .map(|r| seaworthy_core::syntax::compose::Field {
                    value: r.value.clone(),
                    file: r.file,
                    key: r.span,
                    span: r.span
                })
                .as_ref()
        ),
        Some(true)
    );
    // cap_add: a set of values.
    let caps: Vec<_> = w
        .cap_add
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|c| c.value.text.clone())
        .collect();
    assert_eq!(caps, ["NET_ADMIN", "SYS_TIME"]);
    // !reset removes the inherited value.
    let labels: Vec<_> = w
        .labels
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|l| l.key.value.clone())
        .collect();
    assert_eq!(labels, ["keep"]);
    assert!(w.security_opt.is_none());
    // build: a string over a mapping becomes the context; args are kept.
    let b = &w.build.as_ref().unwrap().value;
    assert_eq!(
        b.resolved_context,
        BuildContext::Dir(PathBuf::from("/p/elsewhere"))
    );
    assert_eq!(b.args.as_ref().unwrap().value[0].key.value, "V");
    assert_eq!(Service::flag(w.read_only.as_ref()), Some(true));
}

#[test]
fn more_merge_rules() {
    let main = concat!(
        "services:\n  a:\n    image: x\n",
        "    logging:\n      driver: json-file\n      options: {max-size: 10m}\n",
        "    ulimits:\n      nofile: {soft: 1, hard: 2}\n      nproc: 10\n",
        "    depends_on: [db]\n",
        "    secrets: [one, {source: two, target: /run/secrets/t}]\n",
        "    devices: [\"/dev/a:/dev/x\"]\n",
        "    healthcheck:\n      test: [CMD, a]\n      retries: 3\n",
        "    entrypoint: [a, b]\n",
        "    tmpfs: /run\n",
        "  db:\n    image: db\n",
    );
    let over = concat!(
        "services:\n  a:\n",
        "    logging:\n      driver: syslog\n",
        "    ulimits:\n      nofile: {hard: 4}\n      nproc: 20\n",
        "    depends_on:\n      cache:\n        condition: service_started\n",
        "    secrets: [{source: one, mode: \"0400\"}, three]\n",
        "    devices: [\"/dev/b:/dev/x\"]\n",
        "    healthcheck:\n      test: [CMD, b, c]\n",
        "    entrypoint: c\n",
        "    tmpfs: [/tmp]\n",
        "    image:\n",
    );
    let fs = MemoryLoader::new()
        .with("/p/compose.yaml", main)
        .with("/p/o.yaml", over);
    let p = load(
        &fs,
        &["/p/compose.yaml", "/p/o.yaml"],
        &LoadOptions::default(),
    );
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let a = svc(&p, "a");
    // A null does not remove the earlier value.
    assert_eq!(a.image.as_ref().unwrap().value.text, "x");
    // A different logging driver replaces the whole logging block.
    let logging = a.raw.get("logging").unwrap();
    assert!(logging.get("options").is_none());
    assert_eq!(
        logging.get("driver").and_then(|d| d.as_str()),
        Some("syslog")
    );
    // ulimits merge per limit when both are mappings.
    let ul = &a.ulimits.as_ref().unwrap().value;
    let nofile = ul.iter().find(|u| u.name.value == "nofile").unwrap();
    assert_eq!(nofile.soft.as_ref().unwrap().value.value, Some(1));
    assert_eq!(nofile.hard.as_ref().unwrap().value.value, Some(4));
    let nproc = ul.iter().find(|u| u.name.value == "nproc").unwrap();
    assert_eq!(nproc.soft.as_ref().unwrap().value.value, Some(20));
    // depends_on: list and mapping forms merge as a mapping.
    let deps: Vec<_> = a
        .raw
        .get("depends_on")
        .unwrap()
        .as_map()
        .unwrap()
        .iter()
        .map(|e| e.key.clone())
        .collect();
    assert_eq!(deps, ["db", "cache"]);
    // secrets are keyed by target: `one` is replaced in place.
    let secrets: Vec<_> = a
        .secrets
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|s| {
            (
                s.value.source.as_ref().unwrap().value.text.clone(),
                s.value.mode.is_some(),
            )
        })
        .collect();
    assert_eq!(
        secrets,
        [
            ("one".into(), true),
            ("two".into(), false),
            ("three".into(), false)
        ]
    );
    // devices are keyed by container path.
    let devices = &a.devices.as_ref().unwrap().value;
    assert_eq!(devices.len(), 1);
    assert_eq!(
        devices[0].value.source.as_ref().unwrap().value.text,
        "/dev/b"
    );
    // healthcheck.test and entrypoint are replaced, other healthcheck fields kept.
    let hc = &a.healthcheck.as_ref().unwrap().value;
    assert!(
        matches!(&hc.test.as_ref().unwrap().value, seaworthy_core::syntax::compose::Command::List(l) if l.len() == 3)
    );
    assert_eq!(hc.retries.as_ref().unwrap().value.value, Some(3));
    assert!(matches!(
        &a.entrypoint.as_ref().unwrap().value,
        seaworthy_core::syntax::compose::Command::String(_)
    ));
    // A string or a list: tmpfs merges as a set.
    let tmpfs: Vec<_> = a
        .tmpfs
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|t| t.value.text.clone())
        .collect();
    assert_eq!(tmpfs, ["/run", "/tmp"]);
}

#[test]
fn override_tag_replaces_instead_of_merging() {
    let fs = MemoryLoader::new()
        .with("/p/compose.yaml", "services:\n  a:\n    image: x\n    ports: [\"80:80\", \"81:81\"]\n    environment: {A: '1', B: '2'}\n")
        .with("/p/o.yaml", "services:\n  a:\n    ports: !override [\"90:90\"]\n    environment: !override {C: '3'}\n");
    let p = load(
        &fs,
        &["/p/compose.yaml", "/p/o.yaml"],
        &LoadOptions::default(),
    );
    let a = svc(&p, "a");
    assert_eq!(a.ports.as_ref().unwrap().value.len(), 1);
    assert_eq!(a.environment.as_ref().unwrap().value.len(), 1);
    assert_eq!(a.environment.as_ref().unwrap().value[0].key.value, "C");
}

#[test]
fn conflicting_types_in_an_override_are_reported() {
    let fs = MemoryLoader::new()
        .with("/p/compose.yaml", "services:\n  a:\n    image: x\n    devices: [\"/dev/a\"]\n")
        .with("/p/o.yaml", "services:\n  a:\n    deploy: {resources: {limits: {memory: 1g}}}\n    healthcheck: [bad]\n");
    let p = load(
        &fs,
        &["/p/compose.yaml", "/p/o.yaml"],
        &LoadOptions::default(),
    );
    assert_eq!(
        p.diagnostics_of(DiagnosticKind::WrongType).count(),
        1,
        "{:#?}",
        p.diagnostics
    );
    assert!(svc(&p, "a").deploy.is_some());
}

#[test]
fn extends_in_the_same_file_and_another_file() {
    let fs = MemoryLoader::new()
        .with(
            "/p/compose.yaml",
            concat!(
                "services:\n",
                "  base:\n    image: app:1\n    cap_drop: [ALL]\n    environment: {A: base, B: base}\n",
                "  child:\n    extends: base\n    environment: {B: child}\n    read_only: true\n",
                "  grandchild:\n    extends:\n      service: child\n    user: \"1000\"\n",
                "  remote:\n    extends:\n      file: common/base.yaml\n      service: hardened\n    image: remote:1\n",
            ),
        )
        .with(
            "/p/common/base.yaml",
            concat!(
                "services:\n  root:\n    security_opt: [\"no-new-privileges:true\"]\n",
                "  hardened:\n    extends: root\n    read_only: true\n    build: ./ctx\n    env_file: vars.env\n",
            ),
        );
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let child = svc(&p, "child");
    assert_eq!(child.image.as_ref().unwrap().value.text, "app:1");
    assert_eq!(child.cap_drop.as_ref().unwrap().value[0].value.text, "ALL");
    let env: Vec<_> = child
        .environment
        .as_ref()
        .unwrap()
        .value
        .iter()
        .map(|kv| {
            (
                kv.key.value.clone(),
                kv.value.as_ref().unwrap().value.text.clone(),
            )
        })
        .collect();
    assert_eq!(
        env,
        [("A".into(), "base".into()), ("B".into(), "child".into())]
    );
    assert_eq!(
        child.extends.as_ref().unwrap().value.service.value.text,
        "base"
    );
    let gc = svc(&p, "grandchild");
    assert_eq!(Service::flag(gc.read_only.as_ref()), Some(true));
    assert_eq!(gc.image.as_ref().unwrap().value.text, "app:1");
    let remote = svc(&p, "remote");
    assert_eq!(remote.image.as_ref().unwrap().value.text, "remote:1");
    assert_eq!(remote.security_opt.as_ref().unwrap().value.len(), 1);
    // Values from the other file keep its location, and its relative paths resolve there.
    let ro = remote.read_only.as_ref().unwrap();
    assert_eq!(path_of(&p, ro.file), Path::new("/p/common/base.yaml"));
    assert_eq!(text_at(&p, ro.file, ro.key), "read_only");
    let b = &remote.build.as_ref().unwrap().value;
    assert_eq!(
        b.resolved_context,
        BuildContext::Dir(PathBuf::from("/p/common/ctx"))
    );
    assert_eq!(
        b.resolved_dockerfile,
        DockerfileSource::Path(PathBuf::from("/p/common/ctx/Dockerfile"))
    );
    assert_eq!(
        remote.env_file.as_ref().unwrap().value[0].value.resolved,
        Some(PathBuf::from("/p/common/vars.env"))
    );
    assert_eq!(
        p.files
            .iter()
            .filter(|f| f.role == FileRole::Extends)
            .count(),
        1
    );
}

#[test]
fn extends_problems_are_diagnostics() {
    let fs = MemoryLoader::new().with(
        "/p/compose.yaml",
        concat!(
            "services:\n",
            "  a:\n    image: x\n    extends: b\n",
            "  b:\n    extends: a\n",
            "  c:\n    image: x\n    extends: nowhere\n",
            "  d:\n    image: x\n    extends:\n      file: missing.yaml\n      service: s\n",
            "  self:\n    image: x\n    extends: self\n",
        ),
    );
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    let kinds: Vec<_> = p.errors().map(|d| d.kind).collect();
    assert!(kinds.contains(&DiagnosticKind::ExtendsCycle), "{kinds:?}");
    assert!(kinds.contains(&DiagnosticKind::MissingService), "{kinds:?}");
    assert!(kinds.contains(&DiagnosticKind::Load), "{kinds:?}");
    // Every service is still there.
    assert_eq!(p.services.len(), 5);
    let load_err = p.diagnostics_of(DiagnosticKind::Load).next().unwrap();
    assert_eq!(
        text_at(&p, load_err.file.unwrap(), load_err.span),
        "missing.yaml"
    );
}

#[test]
fn include_loads_a_sub_project_with_its_own_directory_and_env() {
    let fs = MemoryLoader::new()
        .with(
            "/p/compose.yaml",
            concat!(
                "include:\n  - sub/compose.yaml\n  - path: other/compose.yaml\n    env_file: other.env\n",
                "services:\n  web:\n    image: web:${TAG}\n",
            ),
        )
        .with("/p/.env", "TAG=parent\n")
        .with("/p/other.env", "OTHER_TAG=explicit\nTAG=ignored\n")
        .with("/p/sub/compose.yaml", "services:\n  api:\n    image: api:${TAG}-${SUB_ONLY}\n    build: ./src\n")
        .with("/p/sub/.env", "TAG=child\nSUB_ONLY=sub\n")
        .with("/p/other/compose.yaml", "services:\n  worker:\n    image: worker:${OTHER_TAG}\nvolumes:\n  cache: {}\n");
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    assert_eq!(
        svc(&p, "web").image.as_ref().unwrap().value.text,
        "web:parent"
    );
    let api = svc(&p, "api");
    // The including project's variables win; the included .env adds the rest.
    assert_eq!(api.image.as_ref().unwrap().value.text, "api:parent-sub");
    assert_eq!(
        api.build.as_ref().unwrap().value.resolved_context,
        BuildContext::Dir(PathBuf::from("/p/sub/src"))
    );
    assert_eq!(path_of(&p, api.file), Path::new("/p/sub/compose.yaml"));
    assert_eq!(
        svc(&p, "worker").image.as_ref().unwrap().value.text,
        "worker:explicit"
    );
    assert_eq!(p.volumes.len(), 1);
    assert_eq!(p.includes.len(), 2);
    assert_eq!(
        p.files
            .iter()
            .filter(|f| f.role == FileRole::Include)
            .count(),
        2
    );
}

#[test]
fn include_cycles_conflicts_and_missing_files() {
    let fs = MemoryLoader::new()
        .with("/p/compose.yaml", "include:\n  - a/compose.yaml\n  - missing/compose.yaml\nservices:\n  dup:\n    image: mine\n")
        .with("/p/a/compose.yaml", "include:\n  - ../compose.yaml\nservices:\n  dup:\n    image: theirs\n  a:\n    image: a\n");
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    let kinds: Vec<_> = p.errors().map(|d| d.kind).collect();
    assert!(kinds.contains(&DiagnosticKind::IncludeCycle), "{kinds:?}");
    assert!(kinds.contains(&DiagnosticKind::Conflict), "{kinds:?}");
    assert!(kinds.contains(&DiagnosticKind::Load), "{kinds:?}");
    assert_eq!(svc(&p, "dup").image.as_ref().unwrap().value.text, "mine");
    assert!(p.service("a").is_some());
}

#[test]
fn profiles_never_hide_services() {
    let fs = MemoryLoader::new().with(
        "/p/compose.yaml",
        "services:\n  always:\n    image: a\n  debug:\n    image: b\n    profiles: [debug]\n",
    );
    let p = load(&fs, &["/p/compose.yaml"], &LoadOptions::default());
    assert_eq!(p.services.len(), 2);
    assert_eq!(
        svc(&p, "debug").profiles.as_ref().unwrap().value[0]
            .value
            .text,
        "debug"
    );
}

#[test]
fn files_on_disk_through_the_fs_loader() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/compose/awesome-compose/react-java-mysql");
    let loader = FsLoader {
        root: Some(dir.clone()),
        ..FsLoader::default()
    };
    let p = load_project(
        &default_files(&dir, &loader),
        &loader,
        &LoadOptions::default(),
    );
    let backend = svc(&p, "backend");
    assert_eq!(
        backend.build.as_ref().unwrap().value.resolved_context,
        BuildContext::Dir(dir.join("backend"))
    );
    let frontend = &svc(&p, "frontend").build.as_ref().unwrap().value;
    assert_eq!(frontend.target.as_ref().unwrap().value.text, "development");
    // Reading outside the root is refused by the loader and reported.
    let outside = load_project(
        &[dir.join("../flask/compose.yaml")],
        &loader,
        &LoadOptions::default(),
    );
    assert_eq!(outside.diagnostics.len(), 1);
    assert_eq!(outside.diagnostics[0].severity, Severity::Error);
    assert!(
        outside.diagnostics[0].message.contains("outside"),
        "{:?}",
        outside.diagnostics
    );
}

//! The typed compose model: short and long syntaxes, spans of keys and values, YAML details
//! (anchors, merge keys, documents, booleans) and the scalar iterator.

use std::path::{Path, PathBuf};

use seaworthy_core::source::Span;
use seaworthy_core::syntax::compose::{
    BuildContext, Command, ComposeFileName, DiagnosticKind, DockerfileSource, FileIndex, ListOrMap,
    LoadOptions, MemoryLoader, MountKind, Project, Service, Severity, SourceKind, Syntax,
    classify_file_name, default_files, parse_str,
};

const PATH: &str = "/proj/compose.yaml";

fn parse(text: &str) -> Project {
    parse_str(text, Path::new(PATH), &LoadOptions::default())
}

fn at(p: &Project, file: FileIndex, span: Span) -> &str {
    p.file(file).expect("file").slice(span)
}

fn svc<'a>(p: &'a Project, name: &str) -> &'a Service {
    p.service(name)
        .unwrap_or_else(|| panic!("no service {name}: {:#?}", p.diagnostics))
}

fn no_diagnostics(p: &Project) {
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
}

#[test]
fn key_and_value_spans_point_at_the_text() {
    let p = parse(
        "services:\n  web:\n    image: \"nginx:1.25\"\n    user: '1000'\n    read_only: true\n    privileged: false\n",
    );
    no_diagnostics(&p);
    let web = svc(&p, "web");
    assert_eq!(at(&p, web.file, web.key), "web");
    let image = web.image.as_ref().unwrap();
    assert_eq!(image.value.text, "nginx:1.25");
    assert_eq!(at(&p, image.file, image.key), "image");
    assert_eq!(at(&p, image.file, image.span), "\"nginx:1.25\"");
    let user = web.user.as_ref().unwrap();
    assert_eq!(at(&p, user.file, user.span), "'1000'");
    assert_eq!(Service::flag(web.read_only.as_ref()), Some(true));
    assert_eq!(Service::flag(web.privileged.as_ref()), Some(false));
    assert_eq!(
        at(&p, web.file, web.read_only.as_ref().unwrap().key),
        "read_only"
    );
}

#[test]
fn non_ascii_text_before_values_keeps_byte_offsets() {
    let text = "# überall Ünïcödé — ☃\nx-note: \"日本語のテキスト\"\nservices:\n  wéb:\n    image: ñginx:1 # ☃\n    environment:\n      - ÄPFEL=grün\n";
    let p = parse(text);
    no_diagnostics(&p);
    let web = svc(&p, "wéb");
    assert_eq!(at(&p, web.file, web.key), "wéb");
    let image = web.image.as_ref().unwrap();
    assert_eq!(at(&p, image.file, image.span), "ñginx:1");
    assert_eq!(image.span.start as usize, text.find("ñginx").unwrap());
    let env = &web.environment.as_ref().unwrap().value[0];
    assert_eq!(at(&p, env.key.file, env.key.span), "ÄPFEL");
    let v = env.value.as_ref().unwrap();
    assert_eq!(at(&p, v.file, v.span), "grün");
    assert_eq!(p.files[0].comments.len(), 2);
}

#[test]
fn ports_short_and_long() {
    let p = parse(concat!(
        "services:\n  web:\n    image: x\n    ports:\n",
        "      - \"127.0.0.1:8080:80/tcp\"\n",
        "      - 3000\n",
        "      - 9000-9001:9000-9001\n",
        "      - \"[::1]:6001:6001\"\n",
        "      - 127.0.0.1::53/udp\n",
        "      - target: 443\n        published: \"8443\"\n        host_ip: 0.0.0.0\n        protocol: tcp\n        mode: host\n",
    ));
    no_diagnostics(&p);
    let ports = &svc(&p, "web").ports.as_ref().unwrap().value;
    assert_eq!(ports.len(), 6);
    let p0 = &ports[0].value;
    assert_eq!(p0.syntax, Syntax::Short);
    let part = |i: &Option<
        seaworthy_core::syntax::compose::Item<seaworthy_core::syntax::compose::Text>,
    >| {
        i.as_ref()
            .map(|i| (i.value.text.clone(), at(&p, i.file, i.span).to_owned()))
    };
    assert_eq!(
        part(&p0.host_ip),
        Some(("127.0.0.1".into(), "127.0.0.1".into()))
    );
    assert_eq!(part(&p0.published), Some(("8080".into(), "8080".into())));
    assert_eq!(part(&p0.target), Some(("80".into(), "80".into())));
    assert_eq!(part(&p0.protocol), Some(("tcp".into(), "tcp".into())));
    assert_eq!(
        at(&p, ports[0].file, ports[0].span),
        "\"127.0.0.1:8080:80/tcp\""
    );
    let p1 = &ports[1].value;
    assert_eq!((p1.host_ip.is_none(), p1.published.is_none()), (true, true));
    assert_eq!(p1.target.as_ref().unwrap().value.text, "3000");
    assert_eq!(
        ports[2].value.published.as_ref().unwrap().value.text,
        "9000-9001"
    );
    assert_eq!(ports[3].value.host_ip.as_ref().unwrap().value.text, "::1");
    assert!(ports[4].value.published.is_none());
    assert_eq!(
        ports[4].value.host_ip.as_ref().unwrap().value.text,
        "127.0.0.1"
    );
    let long = &ports[5].value;
    assert_eq!(long.syntax, Syntax::Long);
    assert_eq!(part(&long.target), Some(("443".into(), "443".into())));
    assert_eq!(
        part(&long.published),
        Some(("8443".into(), "\"8443\"".into()))
    );
    assert_eq!(
        part(&long.host_ip),
        Some(("0.0.0.0".into(), "0.0.0.0".into()))
    );
    assert_eq!(long.mode.as_ref().unwrap().value.text, "host");
}

#[test]
fn invalid_ports_are_reported_but_kept() {
    let p = parse(
        "services:\n  web:\n    image: x\n    ports:\n      - \"http:80\"\n      - published: 80\n",
    );
    let errors: Vec<_> = p.errors().map(|d| (d.kind, d.path.clone())).collect();
    assert_eq!(
        errors,
        [
            (
                DiagnosticKind::InvalidValue,
                "services.web.ports[0]".to_owned()
            ),
            (
                DiagnosticKind::InvalidValue,
                "services.web.ports[1]".to_owned()
            )
        ]
    );
    assert_eq!(svc(&p, "web").ports.as_ref().unwrap().value.len(), 2);
}

#[test]
fn volumes_short_and_long() {
    let p = parse(concat!(
        "services:\n  web:\n    image: x\n    volumes:\n",
        "      - db-data:/var/lib/db\n",
        "      - ./src:/code:ro\n",
        "      - ~/.ssh:/root/.ssh:ro,z\n",
        "      - /var/run/docker.sock:/var/run/docker.sock\n",
        "      - 'C:\\data:/data'\n",
        "      - /anonymous\n",
        "      - type: bind\n        source: /etc\n        target: /host-etc\n        read_only: true\n",
        "      - type: volume\n        source: cache\n        target: /cache\n",
        "      - type: tmpfs\n        target: /tmp\n",
        "      - type: npipe\n        source: \\\\.\\pipe\\docker_engine\n        target: \\\\.\\pipe\\docker_engine\n",
        "volumes:\n  db-data: {}\n  cache:\n    external: true\n",
    ));
    no_diagnostics(&p);
    let vols = &svc(&p, "web").volumes.as_ref().unwrap().value;
    let row = |i: usize| {
        let m = &vols[i].value;
        (
            m.kind.clone(),
            m.source.as_ref().map(|s| s.value.text.clone()),
            m.source_kind,
            m.target.as_ref().map(|s| s.value.text.clone()),
            m.read_only.as_ref().and_then(|r| r.value.value),
        )
    };
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        row(0),
        (
            MountKind::Volume,
            s("db-data"),
            Some(SourceKind::Name),
            s("/var/lib/db"),
            None
        )
    );
    assert_eq!(
        row(1),
        (
            MountKind::Bind,
            s("./src"),
            Some(SourceKind::Relative),
            s("/code"),
            Some(true)
        )
    );
    assert_eq!(
        row(2),
        (
            MountKind::Bind,
            s("~/.ssh"),
            Some(SourceKind::Home),
            s("/root/.ssh"),
            Some(true)
        )
    );
    assert_eq!(
        row(3),
        (
            MountKind::Bind,
            s("/var/run/docker.sock"),
            Some(SourceKind::Absolute),
            s("/var/run/docker.sock"),
            None
        )
    );
    assert_eq!(
        row(4),
        (
            MountKind::Bind,
            s("C:\\data"),
            Some(SourceKind::WindowsDrive),
            s("/data"),
            None
        )
    );
    assert_eq!(
        row(5),
        (MountKind::Volume, None, None, s("/anonymous"), None)
    );
    assert_eq!(
        row(6),
        (
            MountKind::Bind,
            s("/etc"),
            Some(SourceKind::Absolute),
            s("/host-etc"),
            Some(true)
        )
    );
    assert_eq!(
        row(7),
        (
            MountKind::Volume,
            s("cache"),
            Some(SourceKind::Name),
            s("/cache"),
            None
        )
    );
    assert_eq!(row(8), (MountKind::Tmpfs, None, None, s("/tmp"), None));
    assert_eq!(row(9).0, MountKind::Npipe);
    assert_eq!(row(9).2, Some(SourceKind::WindowsUnc));
    // Parts of the short syntax have their own spans.
    let m = &vols[2].value;
    let src = m.source.as_ref().unwrap();
    assert_eq!(at(&p, src.file, src.span), "~/.ssh");
    let ro = m.read_only.as_ref().unwrap();
    assert_eq!(at(&p, ro.file, ro.span), "ro");
    let opts = m.options.as_ref().unwrap();
    assert_eq!(at(&p, opts.file, opts.span), "ro,z");
    let win = vols[4].value.source.as_ref().unwrap();
    assert_eq!(at(&p, win.file, win.span), "C:\\data");
    // Top-level volumes.
    assert_eq!(p.volumes.len(), 2);
    assert_eq!(p.volumes[1].name, "cache");
    assert_eq!(
        p.volumes[1].external.as_ref().unwrap().value.value,
        Some(true)
    );
}

#[test]
fn environment_list_and_map() {
    let p = parse(concat!(
        "services:\n",
        "  a:\n    image: x\n    environment:\n      - PLAIN=value\n      - EMPTY=\n      - FROM_SHELL\n      - \"QUOTED=a=b\"\n",
        "  b:\n    image: x\n    environment:\n      KEY: value\n      NUM: 5\n      BOOL: yes\n      NULL_VALUE:\n      TILDE: ~\n      EMPTY: \"\"\n",
    ));
    no_diagnostics(&p);
    let rows = |name: &str| -> Vec<(String, Option<String>, ListOrMap)> {
        svc(&p, name)
            .environment
            .as_ref()
            .unwrap()
            .value
            .iter()
            .map(|kv| {
                (
                    kv.key.value.clone(),
                    kv.value.as_ref().map(|v| v.value.text.clone()),
                    kv.syntax,
                )
            })
            .collect()
    };
    let l = ListOrMap::List;
    let m = ListOrMap::Map;
    assert_eq!(
        rows("a"),
        [
            ("PLAIN".into(), Some("value".into()), l),
            ("EMPTY".into(), Some(String::new()), l),
            ("FROM_SHELL".into(), None, l),
            ("QUOTED".into(), Some("a=b".into()), l),
        ]
    );
    assert_eq!(
        rows("b"),
        [
            ("KEY".into(), Some("value".into()), m),
            ("NUM".into(), Some("5".into()), m),
            ("BOOL".into(), Some("yes".into()), m),
            ("NULL_VALUE".into(), None, m),
            ("TILDE".into(), None, m),
            ("EMPTY".into(), Some(String::new()), m),
        ]
    );
    let quoted = &svc(&p, "a").environment.as_ref().unwrap().value[3];
    assert_eq!(at(&p, quoted.key.file, quoted.key.span), "QUOTED");
    let v = quoted.value.as_ref().unwrap();
    assert_eq!(at(&p, v.file, v.span), "a=b");
    assert_eq!(at(&p, quoted.key.file, quoted.span), "\"QUOTED=a=b\"");
    let key = &svc(&p, "b").environment.as_ref().unwrap().value[0];
    assert_eq!(at(&p, key.key.file, key.span), "KEY: value");
}

#[test]
fn build_string_and_map() {
    let p = parse(concat!(
        "services:\n",
        "  short:\n    build: ./app\n",
        "  long:\n    build:\n      context: backend\n      dockerfile: docker/Dockerfile.prod\n      target: runtime\n      args:\n        - VERSION=1.2\n        - FROM_ENV\n      secrets:\n        - npm_token\n",
        "  mapargs:\n    build:\n      args:\n        A: one\n",
        "  inline:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine\n        USER app\n",
        "  remote:\n    build:\n      context: https://github.com/example/repo.git#main\n      dockerfile: build/Dockerfile\n",
        "  absolute:\n    build:\n      context: ../other\n      dockerfile: /abs/Dockerfile\n",
    ));
    no_diagnostics(&p);
    let b = |n: &str| &svc(&p, n).build.as_ref().unwrap().value;
    let short = b("short");
    assert_eq!(short.syntax, Syntax::Short);
    assert_eq!(
        short.resolved_context,
        BuildContext::Dir(PathBuf::from("/proj/app"))
    );
    assert_eq!(
        short.resolved_dockerfile,
        DockerfileSource::Path(PathBuf::from("/proj/app/Dockerfile"))
    );
    let ctx = short.context.as_ref().unwrap();
    assert_eq!(
        (at(&p, ctx.file, ctx.key), at(&p, ctx.file, ctx.span)),
        ("build", "./app")
    );
    let long = b("long");
    assert_eq!(long.syntax, Syntax::Long);
    assert_eq!(long.target.as_ref().unwrap().value.text, "runtime");
    assert_eq!(
        long.resolved_dockerfile,
        DockerfileSource::Path(PathBuf::from("/proj/backend/docker/Dockerfile.prod"))
    );
    let args = &long.args.as_ref().unwrap().value;
    assert_eq!(args[0].key.value, "VERSION");
    assert_eq!(args[0].value.as_ref().unwrap().value.text, "1.2");
    assert!(args[1].value.is_none());
    assert_eq!(
        long.secrets.as_ref().unwrap().value[0]
            .value
            .source
            .as_ref()
            .unwrap()
            .value
            .text,
        "npm_token"
    );
    let mapargs = b("mapargs");
    assert_eq!(
        mapargs.resolved_context,
        BuildContext::Dir(PathBuf::from("/proj"))
    );
    assert_eq!(
        mapargs.args.as_ref().unwrap().value[0].syntax,
        ListOrMap::Map
    );
    let inline = b("inline");
    assert_eq!(inline.resolved_dockerfile, DockerfileSource::Inline);
    assert_eq!(
        inline.dockerfile_inline.as_ref().unwrap().value.text,
        "FROM alpine\nUSER app\n"
    );
    let remote = b("remote");
    assert!(matches!(remote.resolved_context, BuildContext::Remote(_)));
    assert_eq!(
        remote.resolved_dockerfile,
        DockerfileSource::InRemote("build/Dockerfile".into())
    );
    let abs = b("absolute");
    assert_eq!(
        abs.resolved_context,
        BuildContext::Dir(PathBuf::from("/other"))
    );
    assert_eq!(
        abs.resolved_dockerfile,
        DockerfileSource::Path(PathBuf::from("/abs/Dockerfile"))
    );
}

#[test]
fn runtime_fields_are_typed() {
    let p = parse(concat!(
        "version: \"3.8\"\n",
        "services:\n  web:\n    image: x\n",
        "    cap_add: [NET_ADMIN]\n    cap_drop:\n      - ALL\n",
        "    security_opt:\n      - no-new-privileges:true\n      - seccomp:unconfined\n",
        "    mem_limit: 512m\n    cpus: 0.5\n    pids_limit: 100\n    memswap_limit: -1\n",
        "    deploy:\n      resources:\n        limits:\n          memory: 1g\n          cpus: '2'\n          pids: 50\n        reservations:\n          memory: 256M\n",
        "    ulimits:\n      nproc: 65535\n      nofile:\n        soft: 20000\n        hard: 40000\n",
        "    tmpfs: /run\n",
        "    devices:\n      - /dev/ttyUSB0:/dev/ttyUSB0:rwm\n      - source: /dev/sda\n        target: /dev/xvda\n",
        "    network_mode: host\n    pid: host\n    ipc: host\n    uts: host\n    userns_mode: host\n    cgroup: host\n    cgroup_parent: m-executor\n",
        "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n      interval: 30s\n      retries: 3\n      disable: false\n",
        "    restart: unless-stopped\n",
        "    labels:\n      com.example.team: core\n",
        "    profiles: [debug]\n",
        "    sysctls:\n      - net.core.somaxconn=1024\n",
        "    group_add: [\"999\", 1000]\n",
        "    oom_kill_disable: true\n",
        "    env_file:\n      - .env.web\n      - path: ./optional.env\n        required: false\n",
        "    secrets:\n      - db_password\n      - source: api_key\n        target: /run/secrets/api\n        mode: 0400\n",
        "    command: [\"run\", \"--fast\"]\n    entrypoint: /bin/sh -c\n",
        "secrets:\n  db_password:\n    file: ./secrets/db.txt\n  api_key:\n    environment: API_KEY\n",
    ));
    no_diagnostics(&p);
    let w = svc(&p, "web");
    assert_eq!(p.version.as_ref().unwrap().value.text, "3.8");
    let texts = |f: &Option<
        seaworthy_core::syntax::compose::ListField<seaworthy_core::syntax::compose::Text>,
    >|
     -> Vec<String> {
        f.as_ref()
            .unwrap()
            .value
            .iter()
            .map(|i| i.value.text.clone())
            .collect()
    };
    assert_eq!(texts(&w.cap_add), ["NET_ADMIN"]);
    assert_eq!(texts(&w.cap_drop), ["ALL"]);
    assert_eq!(
        texts(&w.security_opt),
        ["no-new-privileges:true", "seccomp:unconfined"]
    );
    assert_eq!(texts(&w.tmpfs), ["/run"]);
    assert_eq!(texts(&w.profiles), ["debug"]);
    assert_eq!(texts(&w.group_add), ["999", "1000"]);
    assert_eq!(
        w.mem_limit.as_ref().unwrap().value.value,
        Some(512 * 1024 * 1024)
    );
    assert_eq!(w.memswap_limit.as_ref().unwrap().value.value, Some(-1));
    assert_eq!(w.cpus.as_ref().unwrap().value.value, Some(0.5));
    assert_eq!(w.pids_limit.as_ref().unwrap().value.value, Some(100));
    let res = w.deploy.as_ref().unwrap().value.resources.as_ref().unwrap();
    let limits = res.value.limits.as_ref().unwrap();
    assert_eq!(
        limits.value.memory.as_ref().unwrap().value.value,
        Some(1 << 30)
    );
    assert_eq!(limits.value.cpus.as_ref().unwrap().value.value, Some(2.0));
    assert_eq!(limits.value.pids.as_ref().unwrap().value.value, Some(50));
    assert_eq!(at(&p, limits.file, limits.key), "limits");
    let reservations = res.value.reservations.as_ref().unwrap();
    assert_eq!(
        reservations.value.memory.as_ref().unwrap().value.value,
        Some(256 << 20)
    );
    let ul = &w.ulimits.as_ref().unwrap().value;
    assert_eq!(
        (
            ul[0].name.value.as_str(),
            ul[0].soft.as_ref().unwrap().value.value
        ),
        ("nproc", Some(65535))
    );
    assert_eq!(ul[1].hard.as_ref().unwrap().value.value, Some(40000));
    let dev = &w.devices.as_ref().unwrap().value;
    assert_eq!(dev[0].value.permissions.as_ref().unwrap().value.text, "rwm");
    assert_eq!(dev[1].value.syntax, Syntax::Long);
    assert_eq!(
        dev[1].value.target.as_ref().unwrap().value.text,
        "/dev/xvda"
    );
    for f in [
        &w.network_mode,
        &w.pid,
        &w.ipc,
        &w.uts,
        &w.userns_mode,
        &w.cgroup,
    ] {
        assert_eq!(f.as_ref().unwrap().value.text, "host");
    }
    assert_eq!(w.cgroup_parent.as_ref().unwrap().value.text, "m-executor");
    let hc = &w.healthcheck.as_ref().unwrap().value;
    assert!(matches!(&hc.test.as_ref().unwrap().value, Command::List(l) if l.len() == 4));
    assert_eq!(hc.retries.as_ref().unwrap().value.value, Some(3));
    assert_eq!(hc.disable.as_ref().unwrap().value.value, Some(false));
    assert_eq!(w.restart.as_ref().unwrap().value.text, "unless-stopped");
    assert_eq!(
        w.labels.as_ref().unwrap().value[0].key.value,
        "com.example.team"
    );
    assert_eq!(
        w.sysctls.as_ref().unwrap().value[0]
            .value
            .as_ref()
            .unwrap()
            .value
            .text,
        "1024"
    );
    assert_eq!(Service::flag(w.oom_kill_disable.as_ref()), Some(true));
    let env_files = &w.env_file.as_ref().unwrap().value;
    assert_eq!(
        env_files[0].value.resolved,
        Some(PathBuf::from("/proj/.env.web"))
    );
    assert_eq!(
        env_files[1].value.required.as_ref().unwrap().value.value,
        Some(false)
    );
    let secrets = &w.secrets.as_ref().unwrap().value;
    assert_eq!(secrets[0].value.syntax, Syntax::Short);
    assert_eq!(
        secrets[1].value.target.as_ref().unwrap().value.text,
        "/run/secrets/api"
    );
    assert_eq!(secrets[1].value.mode.as_ref().unwrap().value.text, "0400");
    assert!(matches!(
        &w.command.as_ref().unwrap().value,
        Command::List(_)
    ));
    assert!(
        matches!(&w.entrypoint.as_ref().unwrap().value, Command::String(s) if s.text == "/bin/sh -c")
    );
    assert_eq!(
        p.secrets[0].resolved_path,
        Some(PathBuf::from("/proj/secrets/db.txt"))
    );
    assert_eq!(
        p.secrets[1].environment.as_ref().unwrap().value.text,
        "API_KEY"
    );
}

#[test]
fn yaml_1_1_booleans_are_read_as_compose_reads_them() {
    let p = parse(concat!(
        "services:\n  web:\n    image: x\n",
        "    read_only: yes\n    privileged: \"on\"\n    init: Off\n    oom_kill_disable: TRUE\n",
        "    environment:\n      A: yes\n      B: on\n",
    ));
    let w = svc(&p, "web");
    assert_eq!(Service::flag(w.read_only.as_ref()), Some(true));
    assert_eq!(Service::flag(w.privileged.as_ref()), Some(true));
    assert_eq!(Service::flag(w.init.as_ref()), Some(false));
    assert_eq!(Service::flag(w.oom_kill_disable.as_ref()), Some(true));
    // Outside boolean fields the text stays.
    let env = &w.environment.as_ref().unwrap().value;
    assert_eq!(env[0].value.as_ref().unwrap().value.text, "yes");
    assert_eq!(env[1].value.as_ref().unwrap().value.text, "on");
    let warnings: Vec<_> = p
        .diagnostics_of(DiagnosticKind::Yaml11Boolean)
        .map(|d| (d.severity, at(&p, d.file.unwrap(), d.span).to_owned()))
        .collect();
    assert_eq!(
        warnings,
        [
            (Severity::Warning, "yes".to_owned()),
            (Severity::Warning, "\"on\"".to_owned()),
            (Severity::Warning, "Off".to_owned())
        ]
    );
    assert_eq!(p.errors().count(), 0);

    let bad = parse("services:\n  web:\n    image: x\n    read_only: maybe\n");
    let e: Vec<_> = bad.errors().map(|d| (d.kind, d.path.clone())).collect();
    assert_eq!(
        e,
        [(
            DiagnosticKind::InvalidValue,
            "services.web.read_only".to_owned()
        )]
    );
    assert_eq!(
        svc(&bad, "web").read_only.as_ref().unwrap().value.value,
        None
    );
}

#[test]
fn anchors_aliases_and_merge_keys_point_at_their_definitions() {
    let text = concat!(
        "x-common: &common\n  restart: always\n  cap_drop: [ALL]\n  user: \"1000\"\n",
        "x-img: &img nginx:1.25\n",
        "services:\n",
        "  a:\n    <<: *common\n    image: *img\n    user: \"2000\"\n",
        "  b:\n    <<: [*common, {read_only: true, restart: no}]\n    image: busybox\n",
    );
    let p = parse(text);
    no_diagnostics(&p);
    let a = svc(&p, "a");
    let restart = a.restart.as_ref().unwrap();
    assert_eq!(restart.value.text, "always");
    // The merged entry points into the anchored mapping.
    assert_eq!(restart.key.start as usize, text.find("restart").unwrap());
    assert_eq!(at(&p, restart.file, restart.span), "always");
    // An explicit key wins over the merged one.
    let user = a.user.as_ref().unwrap();
    assert_eq!(user.value.text, "2000");
    assert_eq!(user.key.start as usize, text.rfind("user").unwrap());
    // An alias value points at the anchored scalar.
    let image = a.image.as_ref().unwrap();
    assert_eq!(image.value.text, "nginx:1.25");
    assert_eq!(image.span.start as usize, text.find("nginx:1.25").unwrap());
    assert_eq!(at(&p, image.file, image.key), "image");
    let b = svc(&p, "b");
    // Earlier mappings in a merge list win.
    assert_eq!(b.restart.as_ref().unwrap().value.text, "always");
    assert_eq!(Service::flag(b.read_only.as_ref()), Some(true));
    assert_eq!(b.cap_drop.as_ref().unwrap().value[0].value.text, "ALL");
}

#[test]
fn multi_document_files_merge_in_order() {
    let p = parse(concat!(
        "services:\n  web:\n    image: nginx:1\n    ports: [\"80:80\"]\n",
        "---\n",
        "services:\n  web:\n    image: nginx:2\n    ports: [\"443:443\"]\n  db:\n    image: postgres\n",
    ));
    no_diagnostics(&p);
    assert_eq!(p.files[0].documents, 2);
    let web = svc(&p, "web");
    assert_eq!(web.image.as_ref().unwrap().value.text, "nginx:2");
    assert_eq!(web.ports.as_ref().unwrap().value.len(), 2);
    assert!(p.service("db").is_some());
}

#[test]
fn every_scalar_is_listed_with_raw_and_interpolated_text() {
    let text = "services:\n  web:\n    image: \"app:${TAG:-1}\"\n    environment:\n      TOKEN: abc$$def\n";
    let p = parse(text);
    let scalars: Vec<_> = p
        .scalars()
        .map(|(f, s)| {
            (
                at(&p, f, s.span).to_owned(),
                s.is_key,
                s.text.raw.clone(),
                s.text.text.clone(),
                s.text.unknown,
            )
        })
        .collect();
    let row = |src: &str, key: bool, raw: &str, text: &str, unknown: bool| {
        (
            src.to_owned(),
            key,
            raw.to_owned(),
            text.to_owned(),
            unknown,
        )
    };
    assert_eq!(
        scalars,
        [
            row("services", true, "services", "services", false),
            row("web", true, "web", "web", false),
            row("image", true, "image", "image", false),
            row("\"app:${TAG:-1}\"", false, "app:${TAG:-1}", "app:1", true),
            row("environment", true, "environment", "environment", false),
            row("TOKEN", true, "TOKEN", "TOKEN", false),
            row("abc$$def", false, "abc$$def", "abc$def", false),
        ]
    );
}

#[test]
fn service_key_is_the_location_when_something_is_missing() {
    let text = "services:\n  bare:\n    image: alpine\n";
    let p = parse(text);
    let s = svc(&p, "bare");
    assert!(s.read_only.is_none() && s.user.is_none() && s.cap_drop.is_none());
    assert_eq!(at(&p, s.file, s.key), "bare");
    assert_eq!(at(&p, s.file, s.span), "image: alpine");
}

#[test]
fn discovery_of_file_names() {
    assert_eq!(
        classify_file_name("compose.yaml"),
        Some(ComposeFileName::Main)
    );
    assert_eq!(
        classify_file_name("docker-compose.yml"),
        Some(ComposeFileName::Main)
    );
    assert_eq!(
        classify_file_name("compose.override.yml"),
        Some(ComposeFileName::Override)
    );
    assert_eq!(
        classify_file_name("docker-compose.override.yaml"),
        Some(ComposeFileName::Override)
    );
    assert_eq!(classify_file_name("docker-compose.prod.yml"), None);
    assert_eq!(classify_file_name("Compose.yaml"), None);
    let fs = MemoryLoader::new()
        .with("/p/docker-compose.yml", "services: {}")
        .with("/p/compose.yml", "services: {}")
        .with("/p/docker-compose.override.yaml", "services: {}");
    assert_eq!(
        default_files(Path::new("/p"), &fs),
        [
            PathBuf::from("/p/compose.yml"),
            PathBuf::from("/p/docker-compose.override.yaml")
        ]
    );
    assert!(default_files(Path::new("/empty"), &fs).is_empty());
}

#[test]
fn typical_file_parses_well_under_a_millisecond() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/compose/awesome-compose/react-java-mysql/compose.yaml"),
    )
    .unwrap();
    let opts = LoadOptions::default();
    let runs = 200;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        let p = parse_str(&text, Path::new("/p/compose.yaml"), &opts);
        assert_eq!(p.services.len(), 3);
    }
    let each = start.elapsed() / runs;
    eprintln!("{each:?} per parse");
    // Debug builds are several times slower than release; this bound still catches a
    // quadratic blow-up.
    assert!(each < std::time::Duration::from_millis(5), "{each:?}");
}

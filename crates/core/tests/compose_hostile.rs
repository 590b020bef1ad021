//! Bad and hostile input: always a project with diagnostics, never a panic or a hang.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use seaworthy_core::syntax::compose::{
    DiagnosticKind, Limits, LoadOptions, MemoryLoader, Project, Severity, load_project, parse_str,
};

fn parse(text: &str) -> Project {
    parse_str(text, Path::new("/p/compose.yaml"), &LoadOptions::default())
}

fn kinds(p: &Project) -> Vec<DiagnosticKind> {
    p.diagnostics.iter().map(|d| d.kind).collect()
}

fn at<'a>(p: &'a Project, d: &seaworthy_core::syntax::compose::Diagnostic) -> &'a str {
    p.file(d.file.expect("located"))
        .expect("file")
        .slice(d.span)
}

#[test]
fn invalid_yaml_keeps_what_came_before_the_error() {
    let p = parse(
        "services:\n  db:\n    image: postgres\n  web:\n    image: nginx\n    ports: [\"80:80\"\n    user: root\n",
    );
    assert_eq!(kinds(&p), [DiagnosticKind::Syntax]);
    assert_eq!(p.diagnostics[0].severity, Severity::Error);
    assert!(!p.service("db").unwrap().truncated);
    let web = p.service("web").unwrap();
    assert!(web.truncated, "the service open at the error is marked");
    assert_eq!(web.image.as_ref().unwrap().value.text, "nginx");
}

#[test]
fn unterminated_flow_mapping_and_tabs() {
    let p = parse("services:\n  web: {image: nginx, user: root\n");
    assert_eq!(kinds(&p), [DiagnosticKind::Syntax]);
    let d = &p.diagnostics[0];
    assert!(d.span.start as usize <= p.files[0].text.len());
    let p = parse("services:\n\tweb:\n\t\timage: nginx\n");
    assert_eq!(kinds(&p), [DiagnosticKind::Syntax]);
    assert!(
        p.diagnostics[0].message.contains("tab"),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn top_level_and_services_of_the_wrong_shape() {
    let p = parse("- just\n- a list\n");
    assert_eq!(kinds(&p), [DiagnosticKind::WrongType]);
    let p = parse("plain scalar");
    assert_eq!(kinds(&p), [DiagnosticKind::WrongType]);
    let p = parse("");
    assert!(p.diagnostics.is_empty() && p.services.is_empty());
    let p = parse("# only a comment\n");
    assert!(p.diagnostics.is_empty());
    let p = parse("services: [web, db]\n");
    assert_eq!(kinds(&p), [DiagnosticKind::WrongType]);
    let p = parse("services:\n  web: nginx\n  empty:\n  db:\n    image: postgres\n");
    assert_eq!(
        kinds(&p),
        [DiagnosticKind::WrongType, DiagnosticKind::WrongType]
    );
    assert_eq!(p.diagnostics[0].path, "services.web");
    assert_eq!(at(&p, &p.diagnostics[0]), "nginx");
    assert_eq!(p.services.len(), 1);
    assert_eq!(p.services[0].name, "db");
}

#[test]
fn wrong_types_are_reported_per_element() {
    let p = parse(concat!(
        "services:\n  web:\n",
        "    image: [a, b]\n",
        "    environment: 5\n",
        "    cap_add: SYS_ADMIN\n",
        "    ports:\n      - [80, 80]\n      - \"8080:80\"\n",
        "    read_only: {yes: no}\n",
        "    deploy: []\n",
        "    volumes:\n      - {type: bind, source: /etc, target: /etc, read_only: sure}\n",
    ));
    let paths: Vec<_> = p
        .diagnostics
        .iter()
        .map(|d| (d.kind, d.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            (DiagnosticKind::WrongType, "services.web.image"),
            (DiagnosticKind::WrongType, "services.web.environment"),
            (DiagnosticKind::WrongType, "services.web.cap_add"),
            (DiagnosticKind::WrongType, "services.web.ports[0]"),
            (DiagnosticKind::WrongType, "services.web.read_only"),
            (DiagnosticKind::WrongType, "services.web.deploy"),
            (
                DiagnosticKind::InvalidValue,
                "services.web.volumes[0].read_only"
            ),
        ]
    );
    let web = p.service("web").unwrap();
    // What could be read still is: the lenient single capability, the valid port.
    assert_eq!(
        web.cap_add.as_ref().unwrap().value[0].value.text,
        "SYS_ADMIN"
    );
    assert_eq!(web.ports.as_ref().unwrap().value.len(), 1);
}

#[test]
fn unknown_keys_are_listed_with_their_spans() {
    let p = parse(concat!(
        "servics:\n  typo: {}\n",
        "x-anything: ok\n",
        "services:\n  web:\n    imagee: nginx\n    x-custom: fine\n",
        "    build:\n      contxt: .\n",
        "    ports:\n      - target: 80\n        publishd: 8080\n",
    ));
    let unknown: Vec<_> = p
        .diagnostics_of(DiagnosticKind::UnknownKey)
        .map(|d| (d.severity, d.path.clone(), at(&p, d).to_owned()))
        .collect();
    let w = Severity::Warning;
    assert_eq!(
        unknown,
        [
            (w, "servics".to_owned(), "servics".to_owned()),
            (w, "services.web.imagee".to_owned(), "imagee".to_owned()),
            (
                w,
                "services.web.build.contxt".to_owned(),
                "contxt".to_owned()
            ),
            (
                w,
                "services.web.ports[0].publishd".to_owned(),
                "publishd".to_owned()
            ),
        ]
    );
    assert_eq!(p.errors().count(), 0);
    // Unknown keys are kept in the raw tree.
    assert!(p.service("web").unwrap().raw.get("imagee").is_some());
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let text = r#"
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
services:
  web:
    image: nginx
    environment:
      BOMB: *i
"#;
    let start = Instant::now();
    let p = parse(text);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(
        kinds(&p).contains(&DiagnosticKind::Alias),
        "{:?}",
        p.diagnostics
    );
    assert_eq!(p.diagnostics_of(DiagnosticKind::Alias).count(), 1);
    // The rest of the file is still read.
    assert_eq!(
        p.service("web").unwrap().image.as_ref().unwrap().value.text,
        "nginx"
    );
}

#[test]
fn self_referencing_and_undefined_aliases() {
    let p = parse("x: &x [a, *x]\nservices:\n  web:\n    image: *nope\n    user: root\n");
    let alias: Vec<_> = p
        .diagnostics_of(DiagnosticKind::Alias)
        .map(|d| at(&p, d).to_owned())
        .collect();
    assert_eq!(alias, ["*x", "*nope"]);
    assert_eq!(
        p.service("web").unwrap().user.as_ref().unwrap().value.text,
        "root"
    );
}

#[test]
fn deep_nesting_is_limited() {
    for text in [
        format!(
            "services:\n  web:\n    image: x\n    labels: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        format!(
            "x: {}1{}\nservices: {{}}\n",
            "{a: ".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!("x:\n  {}deep\n", "- ".repeat(10_000)),
    ] {
        let p = parse(&text);
        assert!(
            kinds(&p).contains(&DiagnosticKind::TooDeep),
            "{:?}",
            p.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }
    // Aliases cannot nest deeper than the limit either.
    let mut text = String::from("a0: &a0 [x]\n");
    for i in 1..200 {
        writeln!(text, "a{i}: &a{i} [*a{}]", i - 1).unwrap();
    }
    let p = parse(&text);
    assert!(kinds(&p).contains(&DiagnosticKind::TooDeep));
}

#[test]
fn huge_files_are_refused_and_large_ones_are_fine() {
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let options = LoadOptions {
        limits,
        ..LoadOptions::default()
    };
    let text = format!(
        "services:\n  web:\n    image: x\n    labels:\n      big: \"{}\"\n",
        "a".repeat(2000)
    );
    let p = parse_str(&text, Path::new("/p/compose.yaml"), &options);
    assert_eq!(kinds(&p), [DiagnosticKind::TooLarge]);
    assert!(p.services.is_empty());

    let mut big = String::from("services:\n");
    for i in 0..3000 {
        write!(
            big,
            "  s{i}:\n    image: app:{i}\n    ports: [\"{}:80\"]\n    environment:\n      - N={i}\n",
            10000 + i
        )
        .unwrap();
    }
    let start = Instant::now();
    let p = parse(&big);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(p.diagnostics.is_empty());
    assert_eq!(p.services.len(), 3000);
}

#[test]
fn odd_scalars_are_just_text() {
    let p = parse(
        "services:\n  web:\n    image: \"\\x00\\x01\\u00ff\\uFFFD\"\n    user: '\u{1F600}'\n    environment:\n      BIN: \"\\0\\a\\b\\e\"\n",
    );
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(
        p.service("web").unwrap().image.as_ref().unwrap().value.text,
        "\u{0}\u{1}\u{ff}\u{fffd}"
    );
    // Raw control characters are not valid YAML: a diagnostic, no panic.
    let p = parse("services:\n  web:\n    image: a\u{1}b\n");
    assert!(!p.diagnostics.is_empty());
}

#[test]
fn duplicate_and_complex_keys() {
    let p = parse("services:\n  web:\n    image: a\n    image: b\n    ? [x]\n    : y\n");
    assert_eq!(
        kinds(&p),
        [DiagnosticKind::DuplicateKey, DiagnosticKind::NonScalarKey]
    );
    assert_eq!(
        p.service("web").unwrap().image.as_ref().unwrap().value.text,
        "b"
    );
}

#[test]
fn missing_files_are_diagnostics() {
    let fs = MemoryLoader::new();
    let p = load_project(
        &[PathBuf::from("/nowhere/compose.yaml")],
        &fs,
        &LoadOptions::default(),
    );
    assert_eq!(kinds(&p), [DiagnosticKind::Load]);
    assert_eq!(p.diagnostics[0].file, None);
    assert!(p.files.is_empty() && p.services.is_empty());
}

/// Every prefix and many byte-flipped variants of real files load without panicking.
#[test]
fn truncated_and_mutated_files_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose");
    let sources = [
        "awesome-compose/react-java-mysql/compose.yaml",
        "awesome-compose/elasticsearch-logstash-kibana/compose.yaml",
        "kics/container_traffic_not_bound_to_host_interface/negative2.yaml",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let specials = b"{}[]:,&*!|>'\"#-?%@`\t\n $<";
    for src in sources {
        let text = std::fs::read_to_string(root.join(src)).unwrap();
        for end in (0..text.len())
            .filter(|i| text.is_char_boundary(*i))
            .step_by(3)
        {
            let _ = parse(&text[..end]);
        }
        for _ in 0..300 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..3 {
                let i = usize::try_from(next() % bytes.len() as u64).unwrap();
                let c = specials[usize::try_from(next() % specials.len() as u64).unwrap()];
                if bytes[i].is_ascii() {
                    bytes[i] = c;
                }
            }
            let _ = parse(&String::from_utf8(bytes).unwrap());
        }
    }
}

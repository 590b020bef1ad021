//! Realistic `RUN` bodies from official images (see `official.rs`), parsed as the
//! Dockerfile parser hands them over: continuations and comment lines removed.

use super::official::*;
use super::*;

pub(super) const ALL: &[(&str, &str)] = &[
    ("PYTHON_BUILD", PYTHON_BUILD),
    ("PYTHON_SYMLINKS", PYTHON_SYMLINKS),
    ("REDIS_GOSU", REDIS_GOSU),
    ("NODE_ALPINE", NODE_ALPINE),
    ("NGINX_ALPINE_SLIM", NGINX_ALPINE_SLIM),
    ("POSTGRES_LOCALE", POSTGRES_LOCALE),
    ("POSTGRES_GOSU", POSTGRES_GOSU),
];

/// The file text of `span` (instructions are placed at offset 0 of the file).
fn file_at(file: &str, span: Span) -> &str {
    &file[span.range()]
}

#[test]
fn official_bodies_parse_cleanly_with_file_spans() {
    for (name, instr) in ALL {
        let (body, s) = run(instr);
        assert!(s.errors.is_empty(), "{name}: {:?}", s.errors);
        assert!(s.commands.len() > 5, "{name}");
        check_invariants(&body, &s);
        for c in s.commands() {
            let words = c.assignments.iter().chain(&c.words);
            for w in words.filter(|w| !w.raw.is_empty()) {
                let in_file = file_at(instr, w.span);
                if s.enclosing_blocks(c.index)
                    .any(|b| b.kind == BlockKind::ShellC)
                {
                    // Nested `-c` words point into the quoted string; escapes may differ.
                    assert!(
                        in_file.ends_with(w.raw.chars().last().unwrap_or(' ')),
                        "{name}: {in_file:?} / {:?}",
                        w.raw
                    );
                } else if in_file.contains('\n') {
                    // Crosses a removed continuation: same ends, longer middle.
                    assert!(
                        in_file.starts_with(&w.raw[..1]) && in_file.len() > w.raw.len(),
                        "{name}: {in_file:?}"
                    );
                } else {
                    assert_eq!(in_file, w.raw, "{name}");
                }
            }
            let start = c.assignments.first().or(c.words.first());
            if let Some(first_word) = start {
                assert_eq!(
                    c.span.start, first_word.span.start,
                    "{name}: command {}",
                    c.index
                );
            }
        }
    }
}

#[test]
fn python_build_saved_apt_mark_idiom() {
    let (_, s) = run(PYTHON_BUILD);
    let saved = &s.commands[1];
    assert!(saved.words.is_empty());
    assert_eq!(
        saved.assignments[0].assignment(),
        Some(("savedAptMark", "$(apt-mark showmanual)"))
    );
    let marks: Vec<_> = s
        .find("apt-mark")
        .map(|c| texts(c.unwrapped().args()))
        .collect();
    assert_eq!(
        marks,
        [
            vec!["showmanual"],
            vec!["auto", ".*"],
            vec!["manual", "$savedAptMark"],
            vec!["manual"]
        ]
    );
    let showmanual = s.find("apt-mark").next().expect("apt-mark");
    assert_eq!(
        showmanual.parent,
        Some(Parent {
            command: 1,
            part: Part::Assignment(0)
        })
    );
    let last_mark = s.find("apt-mark").last().expect("xargs apt-mark");
    assert!(last_mark.unwrapped().wrapped_by("xargs"));
    let purge = s
        .find("apt-get")
        .find(|c| c.words[1].text == "purge")
        .expect("purge");
    assert!(purge.has_flag(&["-y"]) && purge.has_flag(&["--auto-remove"]));
    assert_eq!(
        purge.flag_value(&["-o"]).map(|v| v.value),
        Some("APT::AutoRemove::RecommendsImportant=false")
    );
    let install = s
        .find("apt-get")
        .find(|c| c.words[1].text == "install")
        .expect("install");
    // `install` and 21 packages.
    assert_eq!(install.words.len(), 25);
    assert!(install.has_flag(&["--no-install-recommends"]));
    assert_eq!(install.positional(&[]).len(), 22);
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn python_build_download_is_verified_before_extraction() {
    let (_, s) = run(PYTHON_BUILD);
    let wget = first(&s, "wget");
    let sha = first(&s, "sha256sum");
    let tar = first(&s, "tar");
    assert_eq!(
        wget.flag_value(&["-O"]).map(|v| v.value),
        Some("python.tar.xz")
    );
    assert_eq!(
        tar.flag_value(&["--file", "-f"]).map(|v| v.value),
        Some("python.tar.xz")
    );
    assert!(wget.index < sha.index && sha.index < tar.index);
    assert!(sha.has_flag(&["-c"]));
    let up: Vec<_> = s
        .upstream(sha.index)
        .iter()
        .filter_map(|c| c.name())
        .collect();
    assert_eq!(up, ["echo"]);
    assert!(!s.runs_conditionally(sha.index) && !s.failure_ignored(sha.index));
    assert_eq!(file_at(PYTHON_BUILD, sha.span), "sha256sum -c -");
    // `$(test … && echo '--with-lto')` inside ./configure's arguments.
    let configure = first(&s, "configure");
    let kids: Vec<_> = s
        .children(configure.index)
        .filter_map(|c| c.name())
        .collect();
    assert_eq!(kids, ["test", "echo"]);
    // The case arms set flags only on some architectures.
    let arms: Vec<_> = s
        .commands()
        .filter(|c| c.context == Context::CaseArm)
        .collect();
    assert_eq!(arms.len(), 2);
    assert!(arms.iter().all(|c| s.runs_conditionally(c.index)));
}

#[test]
fn python_symlinks_loop() {
    let (_, s) = run(PYTHON_SYMLINKS);
    let b = s
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::For)
        .expect("for");
    assert_eq!(
        texts(&b.words),
        [
            "src",
            "idle3",
            "pip3",
            "pydoc3",
            "python3",
            "python3-config"
        ]
    );
    assert_eq!(names(&s), ["set", "-", "echo", "tr", "[", "[", "ln"]);
    let tr = first(&s, "tr");
    assert_eq!(tr.context, Context::CommandSubst);
    assert!(
        s.runs_conditionally(tr.index),
        "inside the loop body through its owner"
    );
    let tests: Vec<_> = s
        .find("[")
        .map(|c| c.words.last().map(|w| w.text.as_str()))
        .collect();
    assert_eq!(tests, [Some("]"), Some("]")]);
}

#[test]
fn redis_gosu_case_and_verification() {
    let (_, s) = run(REDIS_GOSU);
    let case = s
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::Case)
        .expect("case");
    assert_eq!(case.words.len(), 11);
    assert_eq!(case.words[1].text, "amd64");
    assert!(case.words[1].quoted);
    let exit = first(&s, "exit");
    assert_eq!(exit.context, Context::CaseArm);
    let echo = s.commands[exit.index - 1].redirects[0].clone();
    assert_eq!(
        (echo.op, echo.target.map(|t| t.text)),
        (RedirectOp::DupOut, Some("2".to_owned()))
    );
    let manual = s
        .find("apt-mark")
        .find(|c| c.words[1].text == "manual")
        .expect("manual");
    assert!(s.runs_conditionally(manual.index));
    assert!(s.failure_ignored(manual.index - 1), "`[ -z … ] || …`");
    let verify = s
        .find("gpg")
        .find(|c| c.has_flag(&["--verify"]))
        .expect("gpg --verify");
    let wgets: Vec<_> = s.find("wget").map(|c| c.index).collect();
    assert!(wgets.iter().all(|&w| w < verify.index));
    let gosu = s.find("gosu").last().expect("gosu");
    assert_eq!(gosu.unwrapped().name(), Some("true"));
    assert!(s.uses_program("true"));
}

#[test]
fn node_alpine_conditionals_groups_and_loops() {
    let (_, s) = run(NODE_ALPINE);
    let gpgconf = first(&s, "gpgconf");
    assert!(!gpgconf.has_flag(&["-k"]));
    let find = first(&s, "find");
    let last = find.words.last().expect("words");
    assert_eq!((last.text.as_str(), last.quoted), (";", true));
    let for_block = s
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::For)
        .expect("for");
    assert_eq!(for_block.words.len(), 10);
    let gpgs: Vec<_> = s
        .find("gpg")
        .filter(|c| c.context == Context::Group)
        .collect();
    assert_eq!(gpgs.len(), 4);
    assert!(s.failure_ignored(gpgs[0].index) && s.failure_ignored(gpgs[1].index));
    assert!(!s.failure_ignored(gpgs[3].index));
    assert!(s.runs_conditionally(gpgs[2].index));
    let curls: Vec<_> = s.find("curl").collect();
    assert!(
        curls
            .iter()
            .all(|c| c.has_flag(&["-O"]) && !c.has_flag(&["-k", "--insecure"]))
    );
    let shas: Vec<_> = s.find("sha256sum").collect();
    assert_eq!(shas.len(), 2);
    assert!(
        shas.iter()
            .all(|c| c.context == Context::IfBranch && s.runs_conditionally(c.index))
    );
    let up: Vec<_> = s
        .upstream(shas[1].index)
        .iter()
        .filter_map(|c| c.name())
        .collect();
    assert_eq!(up, ["grep"]);
    let node = first(&s, "node");
    assert_eq!(node.context, Context::TopLevel);
    assert_eq!(node.after, Some(Connector::And));
}

#[test]
fn nginx_su_c_script_and_checksums() {
    let (_, s) = run(NGINX_ALPINE_SLIM);
    let su = first(&s, "su");
    let script = su.unwrapped().script_arg().expect("-c string");
    assert!(script.quoted && script.has_expansion && !script.has_substitution);
    let inner: Vec<_> = s
        .children(su.index)
        .filter(|c| c.context == Context::ShellC)
        .map(|c| c.name().unwrap_or("-"))
        .collect();
    assert_eq!(
        inner,
        [
            "export",
            "cd",
            "curl",
            "-",
            "tar",
            "cd",
            "cd",
            "make",
            "apk",
            "abuild-sign"
        ]
    );
    let curl = s
        .find("curl")
        .find(|c| c.context == Context::ShellC)
        .expect("curl in su -c");
    assert_eq!(
        file_at(NGINX_ALPINE_SLIM, curl.span),
        "curl -f -L -O https://github.com/nginx/pkg-oss/archive/${NGINX_VERSION}-${PKG_RELEASE}.tar.gz"
    );
    let apk_index = s
        .find("apk")
        .find(|c| c.words[1].text == "index")
        .expect("apk index");
    assert!(apk_index.has_flag(&["--allow-untrusted"]));
    assert_eq!(
        file_at(NGINX_ALPINE_SLIM, apk_index.words[2].span),
        "--allow-untrusted"
    );
    // `\$(openssl …)` was escaped for the outer shell: the inner shell runs it.
    let openssl = first(&s, "openssl");
    assert_eq!(openssl.context, Context::CommandSubst);
    assert_eq!(
        file_at(NGINX_ALPINE_SLIM, openssl.span),
        "openssl sha512 -r ${NGINX_VERSION}-${PKG_RELEASE}.tar.gz"
    );
    let sha512 = first(&s, "sha512sum");
    assert_eq!(sha512.context, Context::IfCondition);
    assert!(s.failure_ignored(sha512.index));
    let run_deps = s
        .pipelines()
        .find(|p| p.context == Context::CommandSubst && p.len() == 5)
        .expect("runDeps pipeline");
    let stages: Vec<_> = run_deps
        .commands()
        .map(|c| s.commands[c].unwrapped().name().unwrap_or("-"))
        .collect();
    assert_eq!(stages, ["scanelf", "awk", "sort", "apk", "sort"]);
    let egrep = first(&s, "egrep");
    assert_eq!(egrep.parent.map(|p| p.part), Some(Part::Word(3)));
}

#[test]
fn postgres_negated_grep_in_branch() {
    let (_, s) = run(POSTGRES_LOCALE);
    let greps: Vec<_> = s.find("grep").collect();
    assert_eq!(greps.len(), 3);
    assert!(!greps[0].negated && greps[1].negated);
    assert!(greps[1].context == Context::IfBranch && s.failure_ignored(greps[1].index));
    assert_eq!(greps[2].after, Some(Connector::Pipe));
    let (_, s) = run(POSTGRES_GOSU);
    let verify = s
        .find("gpg")
        .find(|c| c.has_flag(&["--verify"]))
        .expect("verify");
    let chmod = first(&s, "chmod");
    assert!(verify.index < chmod.index);
    assert_eq!(chmod.args()[0].text, "+x");
}

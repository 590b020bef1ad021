//! The queries rules make: flags, wrappers, lookups, pipes and control flow.

use super::*;

fn texts<'a>(words: impl IntoIterator<Item = &'a Word>) -> Vec<&'a str> {
    words.into_iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn short_flag_clusters() {
    let s = sh(
        "curl -fsSLk https://x; curl -fsSL https://y; gpgconf --kill all; curl --insecure z; wget --no-check-certificate=on w",
    );
    let c = &s.commands;
    assert!(c[0].has_flag(&["-k", "--insecure"]));
    assert!(c[0].has_flag(&["-L"]));
    assert!(!c[1].has_flag(&["-k", "--insecure"]));
    assert!(!c[2].has_flag(&["-k"]), "`--kill` is not `-k`");
    assert!(c[2].has_flag(&["--kill"]));
    assert!(c[3].has_flag(&["-k", "--insecure"]));
    assert!(c[4].has_flag(&["--no-check-certificate"]));
}

#[test]
fn flags_stop_at_double_dash_and_attached_values() {
    let s = sh("grep -- -k file; tar -xzf-k.tgz; curl -o/tmp/k x");
    assert!(
        !s.commands[0].has_flag(&["-k"]),
        "operands after `--` are not flags"
    );
    // A cluster is read up to the first character that cannot be an option letter.
    assert!(!s.commands[1].has_flag(&["-k"]));
    assert!(!s.commands[2].has_flag(&["-k"]));
    assert!(s.commands[2].has_flag(&["-o"]));
}

#[test]
fn flag_values_in_every_form() {
    let s = sh(
        "curl -o a u; curl -ob u; curl --output=c u; curl --output d u; curl -fsSLo e u; curl -fsSL u",
    );
    let values: Vec<_> = s
        .commands()
        .map(|c| c.flag_value(&["-o", "--output"]).map(|v| v.value))
        .collect();
    assert_eq!(
        values,
        [Some("a"), Some("b"), Some("c"), Some("d"), Some("e"), None]
    );
    let v = s.commands[1].flag_value(&["-o"]).expect("value");
    assert_eq!(v.word.text, "-ob");
    let v = s.commands[0].flag_value(&["-o"]).expect("value");
    assert_eq!(v.word.text, "a");
}

#[test]
fn repeated_flag_values() {
    let s = sh("pip install --trusted-host a.org --trusted-host=b.org -i https://idx pkg");
    let c = &s.commands[0];
    let hosts: Vec<_> = c
        .flag_values(&["--trusted-host"])
        .iter()
        .map(|v| v.value)
        .collect();
    assert_eq!(hosts, ["a.org", "b.org"]);
    assert_eq!(
        texts(c.positional(&["--trusted-host", "-i"])),
        ["install", "pkg"]
    );
    // Without the list of value-taking options, values look positional.
    assert_eq!(
        texts(c.positional(&[])),
        ["install", "a.org", "https://idx", "pkg"]
    );
}

#[test]
fn single_dash_long_options() {
    let s = sh("find / -perm -4000 -name '*.sh' -exec chmod 755 {} +");
    let c = &s.commands[0];
    assert!(c.has_flag(&["-name"]));
    assert!(c.has_flag(&["-perm"]));
    assert_eq!(c.flag_value(&["-name"]).map(|v| v.value), Some("*.sh"));
    assert!(!c.has_flag(&["-type"]));
}

#[test]
fn unwrapping_wrappers() {
    let cases = [
        (
            "sudo -u root -E apt-get install -y x",
            "apt-get",
            vec!["sudo"],
        ),
        ("sudo --user=app -- pip install y", "pip", vec!["sudo"]),
        ("env -i PATH=/bin HOME=/ curl -k x", "curl", vec!["env"]),
        ("nohup ./server --port 80", "server", vec!["nohup"]),
        (
            "exec -a name gosu app node index.js",
            "node",
            vec!["exec", "gosu"],
        ),
        ("time -p make -j4", "make", vec!["time"]),
        (
            "nice -n 10 ionice -c 3 tar czf x.tgz /",
            "tar",
            vec!["nice", "ionice"],
        ),
        ("nice -19 make", "make", vec!["nice"]),
        (
            "timeout --signal=KILL 30 curl -fsS x",
            "curl",
            vec!["timeout"],
        ),
        ("timeout -k 5 30s wget y", "wget", vec!["timeout"]),
        (
            "xargs -r -n1 -I{} apt-mark manual",
            "apt-mark",
            vec!["xargs"],
        ),
        ("command -p curl x", "curl", vec!["command"]),
        (
            "sudo env A=1 nohup bash x.sh",
            "bash",
            vec!["sudo", "env", "nohup"],
        ),
        (
            "su-exec redis redis-server",
            "redis-server",
            vec!["su-exec"],
        ),
        ("busybox wget -O- x", "wget", vec!["busybox"]),
        ("stdbuf -oL -e0 python app.py", "python", vec!["stdbuf"]),
        ("chroot /mnt apt-get update", "apt-get", vec!["chroot"]),
    ];
    for (text, name, wrappers) in cases {
        let s = sh(text);
        let view = s.commands[0].unwrapped();
        assert_eq!(view.name(), Some(name), "{text}");
        let got: Vec<_> = view.wrappers.iter().map(|w| w.basename()).collect();
        assert_eq!(got, wrappers, "{text}");
        assert!(s.uses_program(name), "{text}");
        assert!(view.wrapped_by(wrappers[0]));
    }
    let v = sh("sudo -u root -E apt-get install -y x");
    let view = v.commands[0].unwrapped();
    assert!(view.has_flag(&["-y"]));
    assert!(!view.has_flag(&["-u"]), "sudo's flags are not apt-get's");
    assert_eq!(texts(view.args()), ["install", "-y", "x"]);
}

#[test]
fn wrappers_without_a_program_stay_themselves() {
    for text in [
        "sudo -v",
        "env",
        "command -v curl",
        "command -V sudo",
        "xargs",
        "timeout 10",
        "gosu --version",
        "nohup",
    ] {
        let s = sh(text);
        let view = s.commands[0].unwrapped();
        assert_eq!(view.name(), s.commands[0].name(), "{text}");
        assert!(view.wrappers.is_empty(), "{text}");
    }
    assert!(!sh("command -v sudo").uses_program("sudo"));
    assert!(sh("command -v sudo").uses_program("command"));
}

#[test]
fn sudo_as_argument_is_not_executed() {
    let s = sh("echo sudo; apt-get install -y sudo; grep sudo /etc/group");
    assert!(!s.uses_program("sudo"));
    assert_eq!(s.find("sudo").count(), 0);
    let s = sh("echo x && sudo apt-get update");
    let found: Vec<_> = s.find("sudo").map(|c| c.index).collect();
    assert_eq!(found, [1]);
    assert_eq!(s.find("apt-get").count(), 1);
    // Behind another wrapper, and inside a `-c` string.
    assert!(sh("env DEBIAN_FRONTEND=x sudo apt-get x").uses_program("sudo"));
    assert!(sh("sh -c 'sudo id'").uses_program("sudo"));
    assert!(sh("x=$(sudo id)").uses_program("sudo"));
}

#[test]
fn script_arg_and_stdin_scripts() {
    let s = sh(
        "sh -c 'a' ; bash -euxo pipefail -c \"b\" x; sudo su - app -c 'c'; su --command=d; bash script.sh; bash -s -- --flag; python -c 'e'",
    );
    let args: Vec<_> = s
        .commands()
        .filter(|c| c.context == Context::TopLevel)
        .map(|c| c.unwrapped().script_arg().map(|w| w.text.as_str()))
        .collect();
    assert_eq!(
        args,
        [Some("a"), Some("b"), Some("c"), None, None, None, None]
    );
    let stdin: Vec<_> = s
        .commands()
        .filter(|c| c.context == Context::TopLevel)
        .map(|c| c.unwrapped().reads_script_from_stdin())
        .collect();
    assert_eq!(stdin, [false, false, false, false, false, true, false]);
    assert!(sh("sh").commands[0].unwrapped().is_shell());
    assert!(sh("sh").commands[0].unwrapped().reads_script_from_stdin());
}

#[test]
fn curl_piped_into_a_shell() {
    let s = sh(
        "curl -fsSL https://get.example | sudo -E bash -; wget -qO- https://x | tee /tmp/i.sh | sh",
    );
    let curl = first(&s, "curl");
    let down: Vec<_> = s.downstream(curl.index).iter().map(|c| c.index).collect();
    assert_eq!(down, [1]);
    assert!(s.downstream(curl.index)[0].unwrapped().is_shell());
    let wget = first(&s, "wget");
    let down: Vec<_> = s
        .downstream(wget.index)
        .iter()
        .filter_map(|c| c.name())
        .collect();
    assert_eq!(down, ["tee", "sh"]);
    assert_eq!(wget.flag_value(&["-O"]).map(|v| v.value), Some("-"));
    let sh_cmd = s.commands.last().expect("sh");
    let up: Vec<_> = s
        .upstream(sh_cmd.index)
        .iter()
        .filter_map(|c| c.name())
        .collect();
    assert_eq!(up, ["wget", "tee"]);
    assert!(s.upstream(curl.index).is_empty());
    let s = sh("wget -O- https://get.example/install.sh | bash");
    let wget = first(&s, "wget");
    assert_eq!(
        wget.flag_value(&["-O", "--output-document"])
            .map(|v| v.value),
        Some("-")
    );
    assert!(
        s.downstream(wget.index)
            .iter()
            .any(|c| c.unwrapped().reads_script_from_stdin())
    );
}

#[test]
fn pipes_through_compound_stages() {
    let s = sh(
        "{ curl -s a; wget -qO- b; } | bash; if x; then curl c; fi | sh; echo $(curl d | cat) | sh",
    );
    let names_down =
        |i: usize| -> Vec<&str> { s.downstream(i).iter().filter_map(|c| c.name()).collect() };
    assert_eq!(names_down(0), ["bash"]);
    assert_eq!(names_down(1), ["bash"]);
    let curl_c = s
        .commands()
        .find(|c| c.args().first().is_some_and(|a| a.text == "c"))
        .expect("curl c");
    assert_eq!(names_down(curl_c.index), ["sh"]);
    // Output captured by `$( )` goes to `cat`, not to the outer pipe.
    let curl_d = s
        .commands()
        .find(|c| c.args().last().is_some_and(|a| a.text == "d"))
        .expect("curl d");
    assert_eq!(names_down(curl_d.index), ["cat"]);
}

#[test]
fn verification_order_and_flow() {
    let text =
        "set -eux; wget -O f.tgz https://x; echo \"$SHA  f.tgz\" | sha256sum -c -; tar -xzf f.tgz";
    let s = sh(text);
    let sha = first(&s, "sha256sum");
    let tar = first(&s, "tar");
    let wget = first(&s, "wget");
    assert!(wget.index < sha.index && sha.index < tar.index);
    assert!(sha.has_flag(&["-c", "--check"]));
    assert!(!s.runs_conditionally(sha.index));
    assert!(!s.failure_ignored(sha.index));
    assert_eq!(texts(sha.positional(&[])), ["-"]);
    let s = sh("sha256sum -c f.sha256 || true");
    assert!(s.failure_ignored(0));
    assert!(s.runs_conditionally(1));
    let s = sh("if ! sha256sum -c x; then exit 1; fi; ! gpg --verify a b");
    assert!(s.failure_ignored(0), "if condition");
    assert!(s.runs_conditionally(1), "then branch");
    assert!(s.failure_ignored(2), "negated");
    let s = sh("{ sha256sum -c x; tar xf y; } || echo failed; a && b || c");
    assert!(s.failure_ignored(0) && s.failure_ignored(1));
    assert!(s.runs_conditionally(2) && !s.runs_conditionally(0));
    let (a, b, c) = (3, 4, 5);
    assert!(s.failure_ignored(a) && s.failure_ignored(b) && !s.failure_ignored(c));
    assert!(!s.runs_conditionally(b) && s.runs_conditionally(c));
}

#[test]
fn conditional_contexts() {
    let s = sh(
        "for f in *; do rm $f; done; case x in a) curl y;; esac; f() { wget z; }; while true; do sleep 1; done; x=$(if a; then b; fi)",
    );
    let cond: Vec<_> = s
        .commands()
        .map(|c| (c.name().unwrap_or("-"), s.runs_conditionally(c.index)))
        .collect();
    assert_eq!(
        cond,
        [
            ("rm", true),
            ("curl", true),
            ("wget", true),
            ("true", false),
            ("sleep", true),
            ("-", false),
            ("a", false),
            ("b", true),
        ]
    );
    let blocks: Vec<_> = s.enclosing_blocks(7).map(|b| b.kind).collect();
    assert_eq!(blocks, [BlockKind::If, BlockKind::CommandSubst]);
    // Through a nested script's owner.
    let s = sh("false || bash -c 'curl x'");
    assert!(s.runs_conditionally(first(&s, "curl").index));
}

#[test]
fn find_and_children() {
    let s = sh("sudo apt-get install -y $(cat pkgs) && apt-get clean");
    let found: Vec<_> = s.find("apt-get").map(|c| c.index).collect();
    assert_eq!(found, [0, 2]);
    let kids: Vec<_> = s.children(0).filter_map(|c| c.name()).collect();
    assert_eq!(kids, ["cat"]);
    assert!(s.children(2).next().is_none());
    assert!(s.command(99).is_none());
    assert!(s.downstream(99).is_empty());
    assert!(!s.runs_conditionally(99) && !s.failure_ignored(99));
}

#[test]
fn pipe_neighbours_stop_at_the_limit() {
    let text = (0..100)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(" | ");
    let s = sh(&text);
    let names = |v: Vec<&Command>| -> Vec<String> {
        v.iter()
            .filter_map(|c| c.name())
            .map(str::to_owned)
            .collect()
    };
    let down = names(s.downstream(0));
    assert_eq!(down.len(), MAX_PIPE_NEIGHBOURS);
    assert_eq!(down.first().map(String::as_str), Some("c1"));
    let up = names(s.upstream(99));
    assert_eq!(up.len(), MAX_PIPE_NEIGHBOURS);
    assert_eq!(up.last().map(String::as_str), Some("c98"));
    // Near the middle, each side keeps its nearest stages.
    let middle = names(s.upstream(50));
    assert_eq!(middle.first().map(String::as_str), Some("c18"));
    assert_eq!(names(s.downstream(97)), ["c98", "c99"]);
}

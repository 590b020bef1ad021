//! One focused case per construct.

use super::*;

#[test]
fn simple_command_words_and_span() {
    let text = "  apt-get install -y curl  ";
    let s = sh(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.commands.len(), 1);
    let c = &s.commands[0];
    assert_eq!(argv(c), ["apt-get", "install", "-y", "curl"]);
    assert_eq!(c.name(), Some("apt-get"));
    assert_eq!(c.args().len(), 3);
    assert_eq!(at(text, c.span), "apt-get install -y curl");
    assert_eq!(at(text, c.words[3].span), "curl");
    assert_eq!(c.context, Context::TopLevel);
    assert_eq!(s.pipelines.len(), 1);
    assert_eq!(s.pipelines[0].len(), 1);
}

#[test]
fn program_name_is_basename_or_none_for_expansions() {
    let s = sh(
        "/usr/bin/curl -fsSL x; $CC -c a.c; \"${CC:-gcc}\" b.c; $HOME/bin/tool; \"$(which wget)\" y",
    );
    assert_eq!(names(&s)[..5], ["curl", "-", "-", "tool", "-"]);
    assert_eq!(
        s.commands[0].program().map(|w| w.text.as_str()),
        Some("/usr/bin/curl")
    );
    assert!(s.commands[1].words[0].expansion_only);
    assert!(!s.commands[3].words[0].expansion_only);
    assert!(s.commands[3].words[0].has_expansion);
    // `which` inside the program word is still a command.
    assert!(s.uses_program("which"));
}

#[test]
fn leading_assignments_are_not_words() {
    let s = sh("DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 apt-get install -y tzdata");
    let c = &s.commands[0];
    assert_eq!(c.name(), Some("apt-get"));
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(c.assignments[0].text, "DEBIAN_FRONTEND=noninteractive");
    assert_eq!(c.assignment("PIP_NO_CACHE_DIR"), Some("1"));
    assert_eq!(c.assignment("HOME"), None);
    assert_eq!(
        c.assignments[1].assignment(),
        Some(("PIP_NO_CACHE_DIR", "1"))
    );
}

#[test]
fn name_value_after_the_program_is_an_argument() {
    let s = sh("apt-get install -y --no-install-recommends a b=1.2 c; pip install pkg==1.0 'x>=2'");
    let apt = &s.commands[0];
    assert!(apt.assignments.is_empty());
    assert_eq!(
        argv(apt),
        [
            "apt-get",
            "install",
            "-y",
            "--no-install-recommends",
            "a",
            "b=1.2",
            "c"
        ]
    );
    assert_eq!(
        apt.positional(&[])
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>(),
        ["install", "a", "b=1.2", "c"]
    );
    assert!(apt.has_flag(&["-y"]));
    assert!(apt.has_flag(&["--no-install-recommends"]));
    let pip = &s.commands[1];
    assert_eq!(argv(pip), ["pip", "install", "pkg==1.0", "x>=2"]);
}

#[test]
fn assignment_only_command_with_substitution() {
    let text = "savedAptMark=\"$(apt-mark showmanual)\"";
    let s = sh(text);
    assert_eq!(names(&s), ["-", "apt-mark"]);
    let outer = &s.commands[0];
    assert!(outer.words.is_empty());
    assert_eq!(
        outer.assignments[0].text,
        "savedAptMark=$(apt-mark showmanual)"
    );
    assert!(outer.assignments[0].has_substitution);
    let inner = &s.commands[1];
    assert_eq!(inner.context, Context::CommandSubst);
    assert_eq!(
        inner.parent,
        Some(Parent {
            command: 0,
            part: Part::Assignment(0)
        })
    );
    assert_eq!(at(text, inner.span), "apt-mark showmanual");
    assert_eq!(s.children(0).count(), 1);
}

#[test]
fn array_assignment_is_one_word() {
    let s = sh("pkgs=(curl \"git lfs\" 'a)b') && apt-get install ${pkgs[@]}");
    assert_eq!(names(&s), ["-", "apt-get"]);
    assert_eq!(
        s.commands[0].assignments[0].text,
        "pkgs=(curl \"git lfs\" 'a)b')"
    );
    assert!(s.errors.is_empty(), "{:?}", s.errors);
}

#[test]
fn single_and_double_quotes() {
    let s = sh(r#"echo 'a b' "c $HOME/x" "q\"d" "\$y" "" 'it''s'"#);
    let w = &s.commands[0].words;
    let texts: Vec<_> = w.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["echo", "a b", "c $HOME/x", "q\"d", "$y", "", "its"]);
    assert!(w[1].quoted && !w[1].has_expansion);
    assert!(w[2].quoted && w[2].has_expansion && !w[2].expansion_only);
    assert!(!w[4].has_expansion, "escaped dollar is literal");
    assert!(!w[0].quoted);
    assert_eq!(w[2].raw, "\"c $HOME/x\"");
}

#[test]
fn backslash_escapes_outside_quotes() {
    let s = sh(r"echo a\ b \$HOME \\ c\");
    let texts: Vec<_> = s.commands[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(texts, ["echo", "a b", "$HOME", "\\", "c\\"]);
    assert!(s.commands[0].words[1].quoted);
    assert!(!s.commands[0].words[2].has_expansion);
}

#[test]
fn ansi_c_and_locale_strings() {
    let s = sh(r#"printf $'a\tb\x41\101\u00e9\n' $"hi $USER" $'it\'s'"#);
    let w = &s.commands[0].words;
    assert_eq!(w[1].text, "a\tbAA\u{e9}\n");
    assert!(w[1].quoted && !w[1].has_expansion);
    assert_eq!(w[2].text, "hi $USER");
    assert!(w[2].has_expansion);
    assert_eq!(w[3].text, "it's");
}

#[test]
fn parameter_expansions_are_kept_as_written() {
    let s = sh(r#"echo ${V:-x} ${#V} $1 $@ $? ${arch##*-} "${A:-"b c"}" $ a$"#);
    let texts: Vec<_> = s.commands[0]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "echo",
            "${V:-x}",
            "${#V}",
            "$1",
            "$@",
            "$?",
            "${arch##*-}",
            "${A:-\"b c\"}",
            "$",
            "a$"
        ]
    );
    let w = &s.commands[0].words;
    assert!(w[1..8].iter().all(|w| w.has_expansion && w.expansion_only));
    assert!(!w[8].has_expansion && !w[9].has_expansion);
}

#[test]
fn mixed_quoting_keeps_raw_text() {
    let text = r#"cp "a"'b'c\ d /x"#;
    let s = sh(text);
    let w = &s.commands[0].words[1];
    assert_eq!(w.text, "abc d");
    assert_eq!(w.raw, r#""a"'b'c\ d"#);
    assert_eq!(at(text, w.span), w.raw);
}

#[test]
fn redirections_with_fds() {
    let s = sh(
        "make >build.log 2>&1 <in.txt; cmd >> app.log &> all.log 3<> rw >| clob 2>/dev/null <&- ",
    );
    let ops: Vec<_> = s
        .commands
        .iter()
        .flat_map(|c| &c.redirects)
        .map(|r| (r.op, r.fd, r.target.as_ref().map(|t| t.text.as_str())))
        .collect();
    assert_eq!(
        ops,
        [
            (RedirectOp::Out, None, Some("build.log")),
            (RedirectOp::DupOut, Some(2), Some("1")),
            (RedirectOp::In, None, Some("in.txt")),
            (RedirectOp::Append, None, Some("app.log")),
            (RedirectOp::OutErr, None, Some("all.log")),
            (RedirectOp::ReadWrite, Some(3), Some("rw")),
            (RedirectOp::Clobber, None, Some("clob")),
            (RedirectOp::Out, Some(2), Some("/dev/null")),
            (RedirectOp::DupIn, None, Some("-")),
        ]
    );
    assert_eq!(argv(&s.commands[0]), ["make"]);
    assert_eq!(argv(&s.commands[1]), ["cmd"]);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
}

#[test]
fn redirection_before_the_program_and_digits_in_words() {
    let s = sh(">/dev/null 2>&1 curl a2 -o x2");
    let c = &s.commands[0];
    assert_eq!(argv(c), ["curl", "a2", "-o", "x2"]);
    assert_eq!(c.redirects.len(), 2);
    assert_eq!(c.name(), Some("curl"));
}

#[test]
fn here_string() {
    let s = sh(r#"grep -q x <<< "$var""#);
    let r = &s.commands[0].redirects[0];
    assert_eq!(r.op, RedirectOp::HereString);
    assert_eq!(r.target.as_ref().map(|t| t.text.as_str()), Some("$var"));
}

#[test]
fn heredoc_to_a_file() {
    let text = "cat <<EOF > /etc/apt/sources.list\ndeb http://x $CODENAME main\n\\$literal\nEOF\necho done";
    let s = sh(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["cat", "echo"]);
    let cat = &s.commands[0];
    assert_eq!(cat.redirects.len(), 2);
    let h = cat.redirects[0].heredoc.as_ref().expect("heredoc body");
    assert_eq!(h.delimiter, "EOF");
    assert!(!h.quoted && h.terminated);
    assert_eq!(h.body, "deb http://x $CODENAME main\n$literal\n");
    assert_eq!(
        at(text, h.span),
        "deb http://x $CODENAME main\n\\$literal\n"
    );
    assert_eq!(cat.redirects[1].op, RedirectOp::Out);
    assert_eq!(at(text, cat.span), "cat <<EOF > /etc/apt/sources.list");
    assert_eq!(s.commands[1].after, Some(Connector::Seq));
}

#[test]
fn heredoc_quoted_and_tab_stripped() {
    let text = "cat <<-'END' >x\n\tkeep $HOME \\\n\tEND\nls";
    let s = sh(text);
    let h = s.commands[0].redirects[0].heredoc.as_ref().expect("body");
    assert!(h.quoted && h.strip_tabs && h.terminated);
    assert_eq!(h.body, "keep $HOME \\\n");
    assert_eq!(names(&s), ["cat", "ls"]);
    // Double-quoted delimiter too.
    let s = sh("cat <<\"X\"\n$(not run)\nX\n");
    assert_eq!(names(&s), ["cat"]);
    assert!(
        s.commands[0].redirects[0]
            .heredoc
            .as_ref()
            .is_some_and(|h| h.quoted)
    );
}

#[test]
fn heredoc_fed_to_a_shell_is_a_nested_script() {
    let text = "bash -ex <<'EOF'\ncurl -fsSL https://x | sh\nsudo id\nEOF";
    let s = sh(text);
    assert_eq!(names(&s), ["bash", "curl", "sh", "sudo"]);
    let curl = first(&s, "curl");
    assert_eq!(curl.context, Context::HeredocScript);
    assert_eq!(
        curl.parent,
        Some(Parent {
            command: 0,
            part: Part::Redirect(0)
        })
    );
    assert_eq!(at(text, curl.span), "curl -fsSL https://x");
    assert_eq!(s.downstream(curl.index)[0].name(), Some("sh"));
    // A shell with a script operand does not read its stdin as the script.
    let s = sh("bash install.sh <<EOF\ncurl x\nEOF");
    assert_eq!(names(&s), ["bash"]);
    // `sudo sh` does.
    let s = sh("sudo -E sh <<EOF\napk add curl\nEOF");
    assert_eq!(names(&s), ["sudo", "apk"]);
}

#[test]
fn heredoc_body_continuations_are_removed_and_spans_map_to_the_file() {
    let text = "sh <<EOF\napt-get install -y \\\n  curl \\\n  git\nEOF\n";
    let s = sh(text);
    let apt = first(&s, "apt-get");
    assert_eq!(argv(apt), ["apt-get", "install", "-y", "curl", "git"]);
    assert_eq!(at(text, apt.words[4].span), "git");
    assert_eq!(
        at(text, apt.span),
        "apt-get install -y \\\n  curl \\\n  git"
    );
    let h = s.commands[0].redirects[0].heredoc.as_ref().expect("body");
    assert_eq!(h.body, "apt-get install -y   curl   git\n");
}

#[test]
fn heredoc_substitutions_run_unless_quoted() {
    let s = sh("cat <<EOF >/x\nkey=$(curl -s http://meta)\n`id -u`\nEOF\n");
    assert_eq!(names(&s), ["cat", "curl", "id"]);
    assert_eq!(
        first(&s, "curl").parent,
        Some(Parent {
            command: 0,
            part: Part::Redirect(0)
        })
    );
    let s = sh("cat <<'EOF' >/x\nkey=$(curl -s http://meta)\nEOF\n");
    assert_eq!(names(&s), ["cat"]);
}

#[test]
fn two_heredocs_on_one_line() {
    let text = "cat <<A >a; cat <<B >b\none\nA\ntwo\nB\necho end";
    let s = sh(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["cat", "cat", "echo"]);
    let bodies: Vec<_> = s.commands[..2]
        .iter()
        .map(|c| c.redirects[0].heredoc.as_ref().map(|h| h.body.as_str()))
        .collect();
    assert_eq!(bodies, [Some("one\n"), Some("two\n")]);
}

#[test]
fn unterminated_heredoc_is_an_error_and_takes_the_rest() {
    let s = sh("cat <<EOF\nline\nnot the end");
    let h = s.commands[0].redirects[0].heredoc.as_ref().expect("body");
    assert!(!h.terminated);
    assert_eq!(h.body, "line\nnot the end");
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].kind, ErrorKind::UnterminatedHeredoc);
    // No newline at all: the body is missing.
    let s = sh("cat <<EOF");
    assert_eq!(s.errors[0].kind, ErrorKind::UnterminatedHeredoc);
}

#[test]
fn and_or_lists_and_connectors() {
    let s = sh("a && b || c; d & e\nf");
    assert_eq!(names(&s), ["a", "b", "c", "d", "e", "f"]);
    let after: Vec<_> = s.commands().map(|c| c.after).collect();
    assert_eq!(
        after,
        [
            None,
            Some(Connector::And),
            Some(Connector::Or),
            Some(Connector::Seq),
            Some(Connector::Background),
            Some(Connector::Seq)
        ]
    );
    let followed: Vec<_> = s.commands().map(|c| c.followed_by).collect();
    assert_eq!(
        followed,
        [
            Some(Connector::And),
            Some(Connector::Or),
            Some(Connector::Seq),
            Some(Connector::Background),
            Some(Connector::Seq),
            None
        ]
    );
    let recovered: Vec<_> = s.pipelines().map(|p| p.recovered).collect();
    assert_eq!(recovered, [true, true, false, false, false, false]);
}

#[test]
fn operators_at_line_ends_continue_the_list() {
    let s = sh("apt-get update &&\n  apt-get install -y x ||\n  true\ncurl x |\n  sh");
    assert_eq!(names(&s), ["apt-get", "apt-get", "true", "curl", "sh"]);
    assert_eq!(s.commands[2].after, Some(Connector::Or));
    assert_eq!(s.pipelines.len(), 4);
    assert_eq!(s.commands[4].after, Some(Connector::Pipe));
}

#[test]
fn pipelines() {
    let text = "curl -fsSL https://get.example | sudo bash -s -- --yes && echo ok";
    let s = sh(text);
    assert_eq!(s.pipelines.len(), 2);
    let p = &s.pipelines[0];
    assert_eq!(p.len(), 2);
    assert_eq!(p.commands().collect::<Vec<_>>(), [0, 1]);
    assert_eq!(
        at(text, p.span),
        "curl -fsSL https://get.example | sudo bash -s -- --yes"
    );
    let bash = &s.commands[1];
    assert_eq!(
        (bash.pipeline, bash.stage, bash.after),
        (0, 1, Some(Connector::Pipe))
    );
    assert_eq!(s.commands[0].followed_by, Some(Connector::Pipe));
    assert_eq!(bash.followed_by, Some(Connector::And));
    assert_eq!(s.commands[2].after, Some(Connector::And));
    // `|&` pipes too.
    let s = sh("make 2>&1 |& tee log");
    assert_eq!(s.pipelines[0].len(), 2);
}

#[test]
fn negation() {
    let s = sh("! grep -q x f && ! ! true");
    assert!(s.commands[0].negated && s.pipelines[0].negated);
    assert_eq!(s.commands[0].name(), Some("grep"));
    assert!(!s.commands[1].negated, "double negation cancels");
    assert_eq!(names(&s), ["grep", "true"]);
}

#[test]
fn subshell_and_group() {
    let s = sh("(cd /src && make) && { echo a; echo b; } > log || true");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["cd", "make", "echo", "echo", "true"]);
    assert_eq!(s.commands[0].context, Context::Subshell);
    assert_eq!(s.commands[2].context, Context::Group);
    let kinds: Vec<_> = s.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [BlockKind::Subshell, BlockKind::Group]);
    assert_eq!(s.blocks[1].redirects.len(), 1);
    assert_eq!(s.blocks[1].after, Some(Connector::And));
    assert_eq!(s.blocks[1].followed_by, Some(Connector::Or));
    // The outer pipeline's stage lists the group's commands.
    let outer = &s.pipelines[s.blocks[1].pipeline.expect("stage")];
    assert_eq!(outer.stages[0].commands, [2, 3]);
}

#[test]
fn if_elif_else() {
    let s =
        sh("if [ -f a ]; then echo a; elif test -f b\nthen echo b; else echo c; fi; done_marker");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let ctx: Vec<_> = s
        .commands()
        .map(|c| (c.name().unwrap_or("-"), c.context))
        .collect();
    assert_eq!(
        ctx,
        [
            ("[", Context::IfCondition),
            ("echo", Context::IfBranch),
            ("test", Context::IfCondition),
            ("echo", Context::IfBranch),
            ("echo", Context::IfBranch),
            ("done_marker", Context::TopLevel),
        ]
    );
    assert_eq!(s.blocks[0].kind, BlockKind::If);
    assert_eq!(s.commands[5].after, Some(Connector::Seq));
}

#[test]
fn reserved_words_are_not_commands() {
    let s = sh("if true; then echo fi then; fi; for x in do done; do echo $x; done");
    assert_eq!(names(&s), ["true", "echo", "echo"]);
    assert_eq!(argv(&s.commands[1]), ["echo", "fi", "then"]);
    let items: Vec<_> = s.blocks[1].words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(items, ["x", "do", "done"]);
}

#[test]
fn for_loops() {
    let s = sh("for pkg in curl 'git lfs' $(cat list); do apt-get install -y \"$pkg\"; done");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["cat", "apt-get"]);
    let b = &s.blocks[0];
    assert_eq!(b.kind, BlockKind::For);
    let words: Vec<_> = b.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(words, ["pkg", "curl", "git lfs", "$(cat list)"]);
    assert_eq!(first(&s, "apt-get").context, Context::LoopBody);
    assert_eq!(first(&s, "cat").parent, None);
    assert_eq!(first(&s, "cat").block, Some(1));
    assert_eq!(s.blocks[1].parent, Some(0));
    // Without `in`, over several lines, and C-style.
    let s = sh("for a\ndo\n echo $a\ndone\nfor ((i=0; i<$(nproc); i++)); do make; done");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["echo", "nproc", "make"]);
    assert_eq!(s.blocks[1].words[0].text, "i=0; i<$(nproc); i++");
}

#[test]
fn while_and_until_loops() {
    let s = sh(
        "while read -r line; do echo \"$line\"; done < list.txt\nuntil curl -f x; do sleep 1; done",
    );
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let ctx: Vec<_> = s.commands().map(|c| c.context).collect();
    assert_eq!(
        ctx,
        [
            Context::LoopCondition,
            Context::LoopBody,
            Context::LoopCondition,
            Context::LoopBody
        ]
    );
    assert_eq!(s.blocks[0].kind, BlockKind::While);
    assert_eq!(s.blocks[1].kind, BlockKind::Until);
    assert_eq!(s.blocks[0].redirects[0].op, RedirectOp::In);
    // Loop input from a process substitution.
    let s = sh("while read l; do echo $l; done < <(curl -s x)");
    let curl = first(&s, "curl");
    assert_eq!(curl.context, Context::ProcessSubstIn);
    assert_eq!(curl.parent, None);
}

#[test]
fn case_statement() {
    let text = "case \"$arch\" in\n  'amd64'|x86_64) url=a; sha=1 ;;\n  (arm64) url=b ;&\n  *) echo >&2 \"unsupported\"; exit 1 ;;\nesac; echo after";
    let s = sh(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["-", "-", "-", "echo", "exit", "echo"]);
    let b = &s.blocks[0];
    assert_eq!(b.kind, BlockKind::Case);
    let words: Vec<_> = b.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(words, ["$arch", "amd64", "x86_64", "arm64", "*"]);
    assert!(
        s.commands[..5]
            .iter()
            .all(|c| c.context == Context::CaseArm)
    );
    assert_eq!(s.commands[5].context, Context::TopLevel);
    // On one line, with an empty arm.
    let s = sh("case x in a) ;; b) foo;; esac");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["foo"]);
}

#[test]
fn function_definitions() {
    let s = sh(
        "install_pkg() { apt-get install -y \"$1\"; }\nfunction fetch { curl -fsSL \"$1\"; }\ninstall_pkg git",
    );
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["apt-get", "curl", "install_pkg"]);
    assert_eq!(s.blocks[0].kind, BlockKind::Function);
    assert_eq!(s.blocks[0].words[0].text, "install_pkg");
    assert_eq!(s.blocks[1].words[0].text, "fetch");
    assert_eq!(s.commands[0].context, Context::FunctionBody);
    assert_eq!(s.commands[2].context, Context::TopLevel);
    let s = sh("f ( ) ( echo sub )");
    assert_eq!(names(&s), ["echo"]);
    assert_eq!(s.commands[0].context, Context::FunctionBody);
}

#[test]
fn double_bracket_test_is_one_command() {
    let s = sh("[[ -f /x && $a == b* || ( $c < d ) ]] && echo yes; [[ $v =~ ^(a|b)$ ]]");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["[[", "echo", "[["]);
    assert_eq!(
        argv(&s.commands[0]),
        [
            "[[", "-f", "/x", "&&", "$a", "==", "b*", "||", "(", "$c", "<", "d", ")", "]]"
        ]
    );
    assert_eq!(argv(&s.commands[2]), ["[[", "$v", "=~", "^(a|b)$", "]]"]);
    assert!(s.commands[0].redirects.is_empty());
}

#[test]
fn arithmetic_command_and_expansion() {
    let s = sh("(( n = $(nproc) + 1 )); make -j$(( n * 2 )); echo $((1+(2*3)))");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["((", "nproc", "make", "echo"]);
    assert_eq!(argv(&s.commands[0]), ["((", " n = $(nproc) + 1 ", "))"]);
    assert_eq!(
        s.commands[1].parent,
        Some(Parent {
            command: 0,
            part: Part::Word(1)
        })
    );
    let make = first(&s, "make");
    assert_eq!(make.words[1].text, "-j$(( n * 2 ))");
    assert!(make.words[1].has_expansion);
    // `$( (…) )` is a command substitution holding a subshell, not arithmetic.
    let s = sh("x=$( (cd /a && pwd) )");
    assert_eq!(names(&s), ["-", "cd", "pwd"]);
}

#[test]
fn nested_command_substitutions() {
    let text = "echo \"$(dirname \"$(command -v curl)\")\" $(id -u)";
    let s = sh(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["echo", "dirname", "command", "id"]);
    assert_eq!(
        s.commands[1].parent,
        Some(Parent {
            command: 0,
            part: Part::Word(1)
        })
    );
    assert_eq!(
        s.commands[2].parent,
        Some(Parent {
            command: 1,
            part: Part::Word(1)
        })
    );
    assert_eq!(
        s.commands[3].parent,
        Some(Parent {
            command: 0,
            part: Part::Word(2)
        })
    );
    assert_eq!(at(text, s.commands[2].span), "command -v curl");
    assert_eq!(
        s.commands[0].words[1].text,
        "$(dirname \"$(command -v curl)\")"
    );
    // `command -v` looks a program up, it does not run it.
    assert!(!s.uses_program("curl"));
    let kinds: Vec<_> = s.blocks.iter().map(|b| (b.kind, b.parent)).collect();
    assert_eq!(
        kinds,
        [
            (BlockKind::CommandSubst, None),
            (BlockKind::CommandSubst, Some(0)),
            (BlockKind::CommandSubst, None)
        ]
    );
}

#[test]
fn backquote_substitution() {
    let text = "echo `uname -m` \"`id -u`\"";
    let s = sh(text);
    assert_eq!(names(&s), ["echo", "uname", "id"]);
    assert_eq!(s.commands[1].context, Context::Backquote);
    assert_eq!(at(text, s.commands[1].span), "uname -m");
    assert_eq!(s.commands[0].words[1].text, "`uname -m`");
    assert!(s.commands[0].words[1].has_substitution);
}

#[test]
fn process_substitutions() {
    let text = "bash <(curl -fsSL https://x) && diff <(ls a) >(tee log)";
    let s = sh(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(names(&s), ["bash", "curl", "diff", "ls", "tee"]);
    let curl = first(&s, "curl");
    assert_eq!(curl.context, Context::ProcessSubstIn);
    assert_eq!(
        curl.parent,
        Some(Parent {
            command: 0,
            part: Part::Word(1)
        })
    );
    assert_eq!(first(&s, "tee").context, Context::ProcessSubstOut);
    assert_eq!(s.commands[0].words[1].text, "<(curl -fsSL https://x)");
    assert!(s.commands[0].redirects.is_empty());
}

#[test]
fn sh_c_single_quoted_string_is_a_nested_script() {
    let text = "sh -c 'apt-get update && apt-get install -y sudo'";
    let s = sh(text);
    assert_eq!(names(&s), ["sh", "apt-get", "apt-get"]);
    let inner = &s.commands[2];
    assert_eq!(inner.context, Context::ShellC);
    assert_eq!(
        inner.parent,
        Some(Parent {
            command: 0,
            part: Part::Word(2)
        })
    );
    assert_eq!(inner.after, Some(Connector::And));
    assert_eq!(at(text, inner.span), "apt-get install -y sudo");
    assert_eq!(at(text, inner.words[3].span), "sudo");
    assert_eq!(s.blocks[0].kind, BlockKind::ShellC);
}

#[test]
fn sh_c_double_quoted_string_maps_escapes_to_the_file() {
    let text = r#"bash -ec "echo \"a b\" && sudo ls \$HOME" arg0"#;
    let s = sh(text);
    assert_eq!(names(&s), ["bash", "echo", "sudo"]);
    let echo = first(&s, "echo");
    assert_eq!(argv(echo), ["echo", "a b"]);
    // An escaped character maps to itself, not to its backslash.
    assert_eq!(at(text, echo.words[1].span), r#""a b\""#);
    let sudo = first(&s, "sudo");
    assert_eq!(argv(sudo), ["sudo", "ls", "$HOME"]);
    assert_eq!(at(text, sudo.words[2].span), "$HOME");
    assert!(sudo.words[2].has_expansion);
}

#[test]
fn sh_c_with_command_substitution_is_not_parsed_twice() {
    let s = sh(r#"sh -c "$(curl -fsSL https://x)"; bash -c "echo $(date) && wget y""#);
    assert_eq!(names(&s), ["sh", "curl", "bash", "echo", "date", "wget"]);
    assert_eq!(first(&s, "curl").context, Context::CommandSubst);
    assert_eq!(
        first(&s, "curl").parent,
        Some(Parent {
            command: 0,
            part: Part::Word(2)
        })
    );
    assert_eq!(first(&s, "wget").context, Context::ShellC);
    // `$(date)` was kept once, as a substitution of `bash`'s word.
    assert_eq!(
        first(&s, "date").parent,
        Some(Parent {
            command: 2,
            part: Part::Word(2)
        })
    );
}

#[test]
fn su_c_string_is_a_nested_script() {
    let s = sh("su nobody -s /bin/sh -c \"curl -fLO https://x && tar xzf x.tgz\"; su -c 'id' root");
    assert_eq!(names(&s), ["su", "curl", "tar", "su", "id"]);
    assert_eq!(first(&s, "tar").context, Context::ShellC);
}

#[test]
fn comments() {
    let text = "echo a # not an arg\necho b#c; # whole line\n  # indented\necho c";
    let s = sh(text);
    assert_eq!(names(&s), ["echo", "echo", "echo"]);
    assert_eq!(argv(&s.commands[0]), ["echo", "a"]);
    assert_eq!(argv(&s.commands[1]), ["echo", "b#c"]);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
}

#[test]
fn crlf_line_endings() {
    let s = sh("apt-get update\r\napt-get install -y \\\r\n  curl\r\n");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(argv(&s.commands[0]), ["apt-get", "update"]);
    assert_eq!(argv(&s.commands[1]), ["apt-get", "install", "-y", "curl"]);
}

#[test]
fn shell_line_continuation_joins_words() {
    let text = "apt-get ins\\\ntall -y \\\n curl";
    let s = sh(text);
    let c = &s.commands[0];
    assert_eq!(argv(c), ["apt-get", "install", "-y", "curl"]);
    assert_eq!(at(text, c.words[1].span), "ins\\\ntall");
    // Inside double quotes too; not inside single quotes.
    let s = sh("echo \"a\\\nb\" 'c\\\nd'");
    assert_eq!(argv(&s.commands[0]), ["echo", "ab", "c\\\nd"]);
}

#[test]
fn word_span_across_a_removed_dockerfile_continuation() {
    // The Dockerfile parser removed `\` + newline; the word `install` is split in the file.
    let file = "RUN apt-get ins\\\n\ttall -y curl";
    let (body, s) = run(file);
    assert_eq!(body.text, "apt-get ins\ttall -y curl");
    let file = "RUN apt-get ins\\\ntall -y curl";
    let (body, s2) = run(file);
    assert_eq!(body.text, "apt-get install -y curl");
    let w = &s2.commands[0].words[1];
    assert_eq!(w.text, "install");
    assert_eq!(&file[w.span.range()], "ins\\\ntall");
    assert_eq!(&file[s2.commands[0].words[3].span.range()], "curl");
    assert_eq!(
        argv(&s.commands[0]),
        ["apt-get", "ins", "tall", "-y", "curl"]
    );
}

#[test]
fn background_commands() {
    let s = sh("dockerd & sleep 3; docker info");
    assert_eq!(s.commands[0].followed_by, Some(Connector::Background));
    assert_eq!(s.commands[1].after, Some(Connector::Background));
    assert_eq!(s.commands[2].after, Some(Connector::Seq));
}

#[test]
fn indices_follow_source_order() {
    let s = sh("echo $(a) && b $(c $(d)) | e");
    assert_eq!(names(&s), ["echo", "a", "b", "c", "d", "e"]);
    // A `-c` string parsed after later words of its command is put back in order.
    let text = "sh -c 'curl x' $(y) && z";
    let s = sh(text);
    assert_eq!(names(&s), ["sh", "curl", "y", "z"]);
    assert_eq!(
        s.commands[2].parent,
        Some(Parent {
            command: 0,
            part: Part::Word(3)
        })
    );
    assert_eq!(
        s.commands[1].parent,
        Some(Parent {
            command: 0,
            part: Part::Word(2)
        })
    );
    let starts: Vec<_> = s.blocks.iter().map(|b| b.span.start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(s.blocks[0].kind, BlockKind::ShellC);
    assert_eq!(s.commands[1].block, Some(0));
    assert_eq!(s.commands[2].block, Some(1));
}

#[test]
fn errors_are_recorded_and_parsing_goes_on() {
    let s = sh("echo 'unterminated");
    assert_eq!(s.errors[0].kind, ErrorKind::UnterminatedQuote);
    assert_eq!(names(&s), ["echo"]);
    let text = "a ) ; b";
    let s = sh(text);
    assert_eq!(names(&s), ["a", "b"]);
    assert_eq!(s.errors[0].kind, ErrorKind::Unexpected);
    assert_eq!(at(text, s.errors[0].span), ")");
    let text = "if true; then echo x; done_not; echo y";
    let s = sh(text);
    assert_eq!(names(&s), ["true", "echo", "done_not", "echo"]);
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.errors[0].kind, ErrorKind::Missing);
    assert_eq!(at(text, s.errors[0].span), "if");
    let s = sh("echo $(curl x; echo y");
    assert_eq!(names(&s), ["echo", "curl", "echo"]);
    assert_eq!(s.errors[0].kind, ErrorKind::UnterminatedExpansion);
    let s = sh("done; fi; esac; echo ok");
    assert_eq!(names(&s), ["echo"]);
    assert_eq!(s.errors.len(), 3);
    let s = sh("a && ; b | ; c");
    assert!(
        s.errors
            .iter()
            .all(|e| e.kind == ErrorKind::Missing || e.kind == ErrorKind::Unexpected)
    );
    assert_eq!(names(&s), ["a", "b", "c"]);
    let s = sh("echo \"${x");
    assert!(!s.errors.is_empty());
    assert_eq!(names(&s), ["echo"]);
}

#[test]
fn nested_shell_c_strings_cost_linear_time() {
    // Found by the fuzzer: unterminated `sh -c "` strings, each holding `$(` and the rest of
    // the text, so that every `-c` string contains all the later ones. Each one is read
    // again and parsed as a script, which re-read the strings inside it: the work doubled
    // per string. A budget proportional to the text's length bounds it.
    let unit = "  && su nobody -s /bin/sh -c \" \\\n  apk add -X \"https://x/v$(egrep -o '^[0-9]+' /e  alpine \\\n";
    // Before the budget, 8 of these took 0.1 s and 12 took 7.5 s in a release build.
    for n in [4, 12, 40] {
        let text = format!("true \\\n{}", unit.repeat(n));
        let start = std::time::Instant::now();
        let s = sh(&text);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{n} strings took {:?}",
            start.elapsed()
        );
        check_invariants(&MappedText::contiguous(text.as_str(), BASE), &s);
        assert!(s.commands.iter().any(|c| c.name() == Some("su")));
        if n == 40 {
            assert!(
                s.errors
                    .iter()
                    .any(|e| e.kind == ErrorKind::TooDeep && e.message.contains("-c")),
                "{:?}",
                s.errors
            );
        }
    }
    // Ordinary nesting is still parsed in full: the inner command is found, no budget error.
    let s = sh("sh -c \"su app -c 'curl -fsSL https://x | sh'\"");
    assert!(s.commands.iter().any(|c| c.name() == Some("curl")));
    assert!(s.errors.iter().all(|e| e.kind != ErrorKind::TooDeep));
}

#[test]
fn nesting_is_capped() {
    for (open, close) in [
        ("$(", ")"),
        ("( ", " )"),
        ("{ ", ";}"),
        ("${a:-", "}"),
        ("if a; then ", "; fi"),
        ("\"$(", ")\""),
    ] {
        let text = format!(
            "echo start; {}x{}; echo end",
            open.repeat(200),
            close.repeat(200)
        );
        let s = sh(&text);
        assert_eq!(s.errors.len(), 1, "{open}: {:?}", s.errors);
        assert_eq!(s.errors[0].kind, ErrorKind::TooDeep, "{open}");
        assert_eq!(s.commands[0].name(), Some("echo"), "{open}");
        check_invariants(&MappedText::contiguous(text.as_str(), BASE), &s);
    }
    // Depth below the cap is fine.
    let text = format!("{}x{}", "$(".repeat(40), ")".repeat(40));
    assert!(sh(&text).errors.is_empty());
}

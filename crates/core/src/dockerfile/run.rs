//! The shell analysis of `RUN` instructions, and the `SHELL` in effect.
//!
//! - Shell form: the instruction text (continuations removed) is the script.
//! - `RUN <<EOF` with a single heredoc as the whole command: the heredoc body is the script,
//!   unless its `#!` line names an interpreter that is not a POSIX shell.
//! - Other heredocs (`RUN python3 <<EOF`, `RUN cat <<EOF > /etc/x`): BuildKit passes the
//!   command line followed by the heredoc bodies to the shell, and so does this analysis.
//! - Exec form: the argument list becomes one command, so rules see `["sudo", …]` too, and
//!   `["sh", "-c", "…"]` scripts are analysed like shell-form ones.
//! - A `SHELL` that is not a POSIX shell (PowerShell, `cmd`) disables the analysis for the
//!   `RUN`s that use it; `InstrData::not_analysed` says so.

use super::{Base, Dockerfile};
use crate::source::Span;
use crate::syntax::MappedText;
use crate::syntax::dockerfile::{Args, Instruction, Keyword};
use crate::syntax::shell;

/// The shell `RUN` (shell form) uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ShellKind {
    /// `/bin/sh -c`, `bash -c`, …; `pipefail` when `-o pipefail` is among its options.
    Posix {
        pipefail: bool,
        program: String,
    },
    PowerShell,
    Cmd,
    /// An unusual shell seaworthy does not analyse.
    Other(String),
    /// Not yet determined (no stage).
    #[default]
    Unset,
}

impl ShellKind {
    fn default_shell() -> Self {
        ShellKind::Posix {
            pipefail: false,
            program: "/bin/sh".to_owned(),
        }
    }

    /// From the exec-form arguments of `SHELL`.
    pub fn from_args(args: &[String]) -> Self {
        let Some(first) = args.first() else {
            return ShellKind::default_shell();
        };
        let prog = first
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(first)
            .to_ascii_lowercase();
        let prog = prog.trim_end_matches(".exe");
        match prog {
            "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox" => {
                // `-o pipefail`, `-eo pipefail`, `-opipefail`.
                let pipefail = args.iter().any(|a| a == "-opipefail")
                    || args.windows(2).any(|w| {
                        w[0].starts_with('-')
                            && !w[0].starts_with("--")
                            && w[0].contains('o')
                            && w[1] == "pipefail"
                    });
                ShellKind::Posix {
                    pipefail,
                    program: first.clone(),
                }
            }
            "powershell" | "pwsh" => ShellKind::PowerShell,
            "cmd" => ShellKind::Cmd,
            _ => ShellKind::Other(first.clone()),
        }
    }

    pub fn is_posix(&self) -> bool {
        matches!(self, ShellKind::Posix { .. })
    }
}

/// Sets the shell of every instruction and parses every `RUN`.
pub(super) fn attach_scripts(df: &mut Dockerfile<'_>) {
    let mut stage_shell: Vec<ShellKind> = Vec::with_capacity(df.stages.len());
    let mut current = ShellKind::Unset;
    let mut stage_index: Option<usize> = None;
    let ast = df.ast;
    for (i, inst) in ast.instructions.iter().enumerate() {
        let stage = df.data[i].stage;
        if inst.keyword == Keyword::From {
            if let Some(s) = stage_index {
                if stage_shell.len() <= s {
                    stage_shell.resize(s + 1, ShellKind::Unset);
                }
                stage_shell[s] = current.clone();
            }
            stage_index = stage;
            current = match stage.map(|s| &df.stages[s].base) {
                Some(Base::Stage(p)) => stage_shell
                    .get(*p)
                    .cloned()
                    .unwrap_or_else(ShellKind::default_shell),
                _ => ShellKind::default_shell(),
            };
        } else if inst.keyword == Keyword::Shell {
            if let Args::Exec(items) = &inst.args {
                let args: Vec<String> = items.iter().map(|s| s.value.clone()).collect();
                current = ShellKind::from_args(&args);
            }
        }
        df.data[i].shell = current.clone();
        if inst.keyword == Keyword::Run {
            match script_for(inst, &current) {
                Ok(script) => df.data[i].script = Some(script),
                Err(note) => df.data[i].not_analysed = Some(note),
            }
        }
    }
}

/// The script a `RUN` executes, or why it is not analysed.
pub(super) fn script_for(
    inst: &Instruction,
    shell_kind: &ShellKind,
) -> Result<shell::Script, String> {
    match &inst.args {
        Args::Exec(items) => Ok(shell::parse(&exec_as_text(items))),
        Args::Shell(text) => {
            if !shell_kind.is_posix() {
                return Err(match shell_kind {
                    ShellKind::PowerShell => "not analysed: the SHELL is PowerShell".to_owned(),
                    ShellKind::Cmd => "not analysed: the SHELL is cmd".to_owned(),
                    ShellKind::Other(p) => format!("not analysed: the SHELL is `{p}`"),
                    _ => "not analysed".to_owned(),
                });
            }
            if inst.heredocs.is_empty() {
                return Ok(shell::parse(text));
            }
            let trimmed = text.text.trim();
            if inst.heredocs.len() == 1 && is_lone_heredoc(trimmed) {
                // The body is the script; a `#!` line may name another interpreter.
                let doc = &inst.heredocs[0];
                let body = &doc.body;
                if let Some(first) = body.text.lines().next() {
                    if let Some(interp) = first.strip_prefix("#!") {
                        if !is_posix_shebang(interp) {
                            return Err(format!(
                                "not analysed: the heredoc script runs with `{}`",
                                interp.trim()
                            ));
                        }
                    }
                }
                return Ok(shell::parse(body));
            }
            // The command line, then each heredoc body and its terminator line.
            let mut joined = text.clone();
            for doc in &inst.heredocs {
                let start = doc.body.span().start;
                joined.push("\n", start.saturating_sub(1));
                let body = &doc.body;
                if !body.text.is_empty() {
                    joined.push(&body.text, body.span().start);
                }
                // An unterminated heredoc runs to the end of the file: nothing follows it,
                // and a terminator made up here would map past the end of the file.
                if !doc.terminator.is_empty() {
                    joined.push(&doc.name, doc.terminator.start);
                    joined.push("\n", doc.terminator.end);
                }
            }
            Ok(shell::parse(&joined))
        }
        _ => Err("not analysed: no command".to_owned()),
    }
}

fn is_lone_heredoc(word: &str) -> bool {
    let w = word.trim_start_matches(|c: char| c.is_ascii_digit());
    w.starts_with("<<") && !w[2..].contains(char::is_whitespace)
}

fn is_posix_shebang(interp: &str) -> bool {
    let mut parts = interp.split_whitespace();
    let Some(first) = parts.next() else {
        return true;
    };
    let prog = first.rsplit('/').next().unwrap_or(first);
    let prog = if prog == "env" {
        parts.find(|p| !p.starts_with('-')).unwrap_or("")
    } else {
        prog
    };
    matches!(
        prog,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "busybox"
    )
}

/// An exec-form argument list as shell text: each element single-quoted, mapped to the
/// position of its JSON string.
fn exec_as_text(items: &[crate::source::Spanned<String>]) -> MappedText {
    let mut m = MappedText::new();
    for (i, item) in items.iter().enumerate() {
        let Span { start, end } = item.span;
        if i > 0 {
            m.push(" ", start.saturating_sub(1));
        }
        let inner = start + 1;
        // The quotes map onto the first and last characters of the string's content.
        m.push("'", inner);
        // Single quotes inside become '\'' ; positions stay inside the JSON string.
        let mut offset = 0u32;
        for (j, part) in item.value.split('\'').enumerate() {
            if j > 0 {
                m.push("'\\''", inner + offset);
            }
            if !part.is_empty() {
                m.push(part, (inner + offset).min(end.saturating_sub(1)));
            }
            offset += crate::source::to_u32(part.len()) + 1;
        }
        m.push("'", end.saturating_sub(2).max(inner));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::{BuildOptions, Dockerfile};
    use crate::source::{FileId, FileKind, SourceFile};
    use crate::syntax::dockerfile;

    fn with_df(src: &str, f: impl FnOnce(&Dockerfile<'_>)) {
        let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, src);
        let ast = dockerfile::parse(&file.text);
        let build = BuildOptions::default();
        let df = Dockerfile::analyse(&file, &ast, &build);
        f(&df);
    }

    fn names(script: &shell::Script) -> Vec<String> {
        script
            .commands()
            .filter_map(|c| c.name().map(str::to_owned))
            .collect()
    }

    #[test]
    fn shell_form_spans_map_to_the_file() {
        let src = "FROM a\nRUN apt-get update \\\n && sudo apt-get install -y x\n";
        with_df(src, |df| {
            let s = df.instr(1).script().unwrap();
            assert_eq!(names(s), ["apt-get", "sudo"]);
            let sudo = s.commands().nth(1).unwrap();
            assert_eq!(&src[sudo.words[0].span.range()], "sudo");
        });
    }

    #[test]
    fn heredoc_script_and_heredoc_input() {
        let src = "FROM a\nRUN <<EOF\nset -e\nsudo ls\nEOF\nRUN cat <<EOT > /etc/x\nsudo is text here\nEOT\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n";
        with_df(src, |df| {
            let s = df.instr(1).script().unwrap();
            assert_eq!(names(s), ["set", "sudo"]);
            let sudo = s.commands().nth(1).unwrap();
            assert_eq!(&src[sudo.words[0].span.range()], "sudo");
            let s = df.instr(2).script().unwrap();
            assert_eq!(names(s), ["cat"]);
            assert!(df.instr(3).script().is_none());
            assert!(
                df.instr(3)
                    .data
                    .not_analysed
                    .as_deref()
                    .unwrap()
                    .contains("python3")
            );
        });
    }

    #[test]
    fn unterminated_heredoc_at_the_end_of_the_file_keeps_spans_inside_it() {
        // Found by fuzzing: a body without a final newline, the command writing a
        // credential file, once reported a span one byte past the end of the file.
        for src in [
            "FROM a\nRUN t>/.netrc <<E\nD_PASSWORD",
            "FROM a\nRUN t>/.netrc <<E\nD_PASSWORD\n",
            "FROM a\nRUN cat <<A <<B >/.netrc\nx\nA\npassword y",
        ] {
            with_df(src, |df| {
                let s = df.instr(1).script().unwrap();
                for c in s.commands() {
                    assert!(c.span.end as usize <= src.len(), "{src:?}");
                    for r in &c.redirects {
                        if let Some(doc) = &r.heredoc {
                            assert!(doc.span.end as usize <= src.len(), "{src:?}");
                            assert!(src[doc.span.range()].starts_with(doc.body.trim_end()));
                        }
                    }
                }
            });
        }
    }

    #[test]
    fn exec_form_becomes_one_command() {
        let src = "FROM a\nRUN [\"sudo\", \"apt-get\", \"install\", \"it's\"]\nRUN [\"sh\", \"-c\", \"curl -s x | sh\"]\n";
        with_df(src, |df| {
            let s = df.instr(1).script().unwrap();
            let c = s.commands().next().unwrap();
            assert_eq!(c.name(), Some("sudo"));
            assert_eq!(c.words.last().unwrap().text, "it's");
            assert_eq!(&src[c.words[0].span.range()], "sudo");
            let s = df.instr(2).script().unwrap();
            assert!(names(s).contains(&"curl".to_owned()));
        });
    }

    #[test]
    fn powershell_is_not_analysed_and_shell_is_inherited() {
        let src = "FROM a AS one\nSHELL [\"powershell\", \"-Command\"]\nRUN Get-Item x\nFROM one\nRUN dir\nFROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN ls\n";
        with_df(src, |df| {
            assert!(df.instr(2).script().is_none());
            assert!(
                df.instr(2)
                    .data
                    .not_analysed
                    .as_deref()
                    .unwrap()
                    .contains("PowerShell")
            );
            assert_eq!(df.instr(4).data.shell, ShellKind::PowerShell);
            assert!(matches!(
                df.instr(7).data.shell,
                ShellKind::Posix { pipefail: true, .. }
            ));
            assert!(df.instr(7).script().is_some());
        });
    }
}

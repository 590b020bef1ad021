use crate::prelude::*;
use crate::syntax::dockerfile::Args;
use crate::syntax::shell::{self, Connector, Script};

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`) instead of
    /// exec form (`CMD ["node", "server.js"]`), in every stage.
    ///
    /// Not reported, as in BuildKit's JSONArgsRecommended check: instructions after a `SHELL`
    /// instruction in the stage (or in a stage it is built `FROM`), where the shell form is a
    /// deliberate choice. Also not reported: a `CMD` whose main command list ends with `exec
    /// program …` (`CMD ./migrate && exec ./server`), since `exec` replaces the shell and
    /// the program then receives the signals. An `ENTRYPOINT` in shell form is still reported
    /// in that case, because it also discards the `CMD` and `docker run` arguments.
    ///
    /// A bracketed list that is not valid JSON (`CMD [node, server.js]`, single quotes) is
    /// shell form too: Docker runs it with `/bin/sh -c`, where it fails. It is reported with
    /// the correctly quoted array. When the command is a single simple command of plain
    /// words, the help spells out the equivalent exec form.
    ///
    /// ## Why is this bad?
    /// The shell form runs `/bin/sh -c "…"`: the shell is PID 1 and the program its child.
    /// `docker stop` sends `SIGTERM` to the shell, which does not forward it, so the program
    /// never shuts down cleanly and is killed after the grace period, losing in-flight work.
    /// A shell-form `ENTRYPOINT` also ignores `CMD` and the arguments given to `docker run`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY . /app
    /// CMD node /app/server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    /// - [BuildKit check JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    /// - Similar: hadolint DL3025; KICS "Not Using JSON In CMD And ENTRYPOINT Arguments";
    ///   BuildKit JSONArgsRecommended
    pub struct ShellFormEntrypoint {
        code: "SW805",
        name: "shell-form-entrypoint",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [
            "hadolint:DL3025",
            "kics:not_using_json_in_cmd_and_entrypoint_arguments",
            "buildkit:JSONArgsRecommended",
        ],
        summary: "CMD or ENTRYPOINT in shell form",
    }
}

impl Rule for ShellFormEntrypoint {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            let kind = instr.keyword();
            if !matches!(kind, Keyword::Cmd | Keyword::Entrypoint) {
                continue;
            }
            let Some(stage) = instr.stage() else { continue };
            let Args::Shell(text) = &instr.inst.args else {
                continue;
            };
            if text.text.trim().is_empty() || shell_set_before(df, stage, instr.index) {
                continue;
            }
            let span = instr.data.args.first().map_or(instr.span(), |v| v.span);
            let trimmed = text.text.trim();
            if looks_like_exec_form(trimmed) {
                // Meant as exec form, but not valid JSON: Docker runs the text with a shell.
                let help = match quoted_array(trimmed) {
                    Some(json) => format!("Quote every element with double quotes: `{kind} {json}`"),
                    None => "Write a JSON array of double-quoted strings".to_owned(),
                };
                cx.report(
                    span,
                    format!("`{kind} {trimmed}` is not valid JSON, so it runs in shell form under `/bin/sh -c`"),
                )
                .help(help);
                continue;
            }
            let script = shell::parse(text);
            let execs = ends_with_exec(&script);
            if kind == Keyword::Cmd && execs {
                continue;
            }
            let message = match (kind, execs) {
                (Keyword::Cmd, _) => {
                    "`CMD` in shell form runs under `/bin/sh -c`, so the program does not receive stop signals"
                }
                (_, true) => "`ENTRYPOINT` in shell form ignores the `CMD` and `docker run` arguments",
                (_, false) => {
                    "`ENTRYPOINT` in shell form runs under `/bin/sh -c`: the program does not receive stop signals, and `CMD` and `docker run` arguments are ignored"
                }
            };
            let help = match exec_form(&script) {
                Some(json) => format!("Use the exec form: `{kind} {json}`"),
                None if kind == Keyword::Cmd => "Use the exec form (`CMD [\"program\", \"arg\"]`), or start the command with `exec` so that the program replaces the shell".to_owned(),
                None => "Use the exec form (`ENTRYPOINT [\"program\", \"arg\"]`) and move shell logic into a script it runs".to_owned(),
            };
            cx.report(span, message).help(help);
        }
    }
}

/// A `SHELL` instruction precedes instruction `before` in the stage or the stages it is
/// built `FROM`.
fn shell_set_before(df: &Dockerfile<'_>, stage: usize, before: usize) -> bool {
    let mut cur = stage;
    for _ in 0..=df.stages.len() {
        if df
            .stages[cur]
            .body()
            .filter(|&i| i < before)
            .any(|i| df.instr(i).keyword() == Keyword::Shell)
        {
            return true;
        }
        match df.stages[cur].base {
            Base::Stage(parent) if parent < cur => cur = parent,
            _ => return false,
        }
    }
    false
}

/// Indices of the commands of the main list (not nested in blocks or substitutions).
fn top_level(script: &Script) -> impl Iterator<Item = &shell::Command> + '_ {
    script
        .commands()
        .filter(|c| c.block.is_none() && c.parent.is_none())
}

/// The main command list ends with `exec program …`, run in the foreground.
fn ends_with_exec(script: &Script) -> bool {
    let Some(last) = top_level(script).last() else {
        return false;
    };
    last.name() == Some("exec")
        && last.args().iter().any(|w| !w.text.starts_with('-'))
        && script.pipelines.get(last.pipeline).is_some_and(|p| p.len() == 1)
        && last.followed_by != Some(Connector::Background)
}

/// The exec form of a script that is one simple command of plain words (a leading `exec`
/// dropped): `["node", "server.js"]`.
fn exec_form(script: &Script) -> Option<String> {
    if !script.errors.is_empty() || !script.blocks.is_empty() || script.commands.len() != 1 {
        return None;
    }
    let cmd = &script.commands[0];
    if !cmd.assignments.is_empty() || !cmd.redirects.is_empty() || cmd.followed_by.is_some() {
        return None;
    }
    let mut words: &[shell::Word] = &cmd.words;
    if words.first().is_some_and(|w| w.text == "exec" && !w.quoted) {
        words = &words[1..];
    }
    if words.is_empty() || words.first().is_some_and(|w| w.text.starts_with('-')) {
        return None;
    }
    let plain = words.iter().all(|w| {
        w.is_literal() && (w.quoted || !w.text.contains(['*', '?', '[', '~']))
    });
    if !plain {
        return None;
    }
    let items: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(&w.text).unwrap_or_default())
        .collect();
    Some(format!("[{}]", items.join(", ")))
}

/// Bracketed like an exec form (`[node, x]`), rather than a shell test (`[ -f x ] && …`,
/// `[[ … ]]`).
fn looks_like_exec_form(text: &str) -> bool {
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return false;
    };
    let inner = inner.trim_start();
    !inner.starts_with(['[', '-', '!']) && !inner.ends_with(']')
}

/// `[node, /app/server.js]` or `['node', 'x']` as a JSON array, when every element is a
/// plain word (bare or in single or double quotes) without commas or brackets.
fn quoted_array(text: &str) -> Option<String> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    for item in inner.split(',') {
        let item = item.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|q| item.strip_prefix(*q).and_then(|i| i.strip_suffix(*q)))
            .unwrap_or(item);
        if unquoted.is_empty() || unquoted.contains(['"', '\'', '[', ']', '\\']) {
            return None;
        }
        items.push(serde_json::to_string(unquoted).ok()?);
    }
    Some(format!("[{}]", items.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::MappedText;

    fn script(text: &str) -> Script {
        shell::parse(&MappedText::contiguous(text, 0))
    }

    #[test]
    fn exec_form_of_plain_commands_only() {
        assert_eq!(
            exec_form(&script("node /app/server.js --port 80")).as_deref(),
            Some(r#"["node", "/app/server.js", "--port", "80"]"#)
        );
        assert_eq!(
            exec_form(&script("exec nginx -g 'daemon off;'")).as_deref(),
            Some(r#"["nginx", "-g", "daemon off;"]"#)
        );
        for text in [
            "node $APP",
            "a && b",
            "a > log",
            "PORT=1 node x",
            "ls *.js",
            "echo $(date)",
            "a | b",
        ] {
            assert_eq!(exec_form(&script(text)), None, "{text}");
        }
    }

    #[test]
    fn exec_form_lookalikes() {
        assert!(looks_like_exec_form("[python, app.py]"));
        assert!(looks_like_exec_form("[bash]"));
        assert!(!looks_like_exec_form("[ -f /x ]"));
        assert!(!looks_like_exec_form("[[ -f /x ]]"));
        assert!(!looks_like_exec_form("[ -f /x ] && run"));
        assert!(!looks_like_exec_form("run [x]"));
    }

    #[test]
    fn broken_json_arrays_are_requoted() {
        assert_eq!(
            quoted_array("[python, /usr/src/app/app.py]").as_deref(),
            Some(r#"["python", "/usr/src/app/app.py"]"#)
        );
        assert_eq!(
            quoted_array("['top', \"-b\"]").as_deref(),
            Some(r#"["top", "-b"]"#)
        );
        assert_eq!(quoted_array("[a, ]"), None);
        assert_eq!(quoted_array("[a, b\\c]"), None);
        assert_eq!(quoted_array("[a"), None);
    }

    #[test]
    fn exec_at_the_end_of_the_main_list() {
        assert!(ends_with_exec(&script("exec node server.js")));
        assert!(ends_with_exec(&script("./migrate && exec ./server")));
        assert!(!ends_with_exec(&script("exec node server.js | tee log")));
        assert!(!ends_with_exec(&script("node server.js")));
        assert!(!ends_with_exec(&script("exec")));
        assert!(!ends_with_exec(&script("exec node & wait")));
    }
}

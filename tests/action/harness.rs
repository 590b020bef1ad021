//! A simulated GitHub runner for the action's scripts: a scratch directory, the runner's
//! environment variables, the step-output file as the runner parses it, and workflow
//! commands as the runner reads them from a step's output (honouring `::stop-commands::`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub(crate) use crate::{repo, seaworthy};

/// A scratch directory, removed when dropped.
pub(crate) struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    pub(crate) fn new(name: &str) -> Sandbox {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!(
            "seaworthy-action-{name}-{}-{n}",
            std::process::id()
        ));
        if root.exists() {
            fs::remove_dir_all(&root).unwrap();
        }
        fs::create_dir_all(&root).unwrap();
        // Canonical, so that paths the scripts print compare equal (macOS: /var → /private/var).
        let root = root.canonicalize().unwrap();
        for dir in ["temp", "toolcache", "workspace"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        Sandbox { root }
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The runner's workspace (`GITHUB_WORKSPACE`), where projects are checked out.
    pub(crate) fn workspace(&self) -> PathBuf {
        self.path("workspace")
    }

    /// A copy of the action's scripts, so that a test can give it checksums of its own.
    pub(crate) fn action_copy(&self) -> PathBuf {
        let dir = self.path("action");
        fs::create_dir_all(dir.join("checksums")).unwrap();
        for script in ["lib.sh", "install.sh", "scan.sh", "gate.sh"] {
            fs::copy(repo().join("action").join(script), dir.join(script)).unwrap();
        }
        dir
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// One step run by the simulated runner.
#[derive(Debug)]
pub(crate) struct StepRun {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// The outputs as the runner reads them from `GITHUB_OUTPUT`, in file order.
    pub(crate) outputs: Vec<(String, String)>,
    /// What the step appended to `GITHUB_STEP_SUMMARY`.
    pub(crate) summary: String,
}

impl StepRun {
    pub(crate) fn output(&self, name: &str) -> Option<&str> {
        self.outputs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn out(&self, name: &str) -> &str {
        self.output(name).unwrap_or_else(|| {
            panic!(
                "no output {name}; outputs {:?}\nstdout:\n{}\nstderr:\n{}",
                self.outputs, self.stdout, self.stderr
            )
        })
    }

    /// Workflow commands the runner would act on: those outside `::stop-commands::` blocks.
    pub(crate) fn commands(&self) -> Vec<WorkflowCommand> {
        workflow_commands(&self.stdout)
    }

    /// The error messages of `::error` commands.
    pub(crate) fn errors(&self) -> Vec<String> {
        self.commands()
            .into_iter()
            .filter(|c| c.name == "error")
            .map(|c| c.message)
            .collect()
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "exit code {}\n--- stdout\n{}\n--- stderr\n{}\n--- outputs\n{:?}",
            self.code, self.stdout, self.stderr, self.outputs
        )
    }
}

/// A workflow command: `::name properties::message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WorkflowCommand {
    pub(crate) name: String,
    pub(crate) properties: String,
    /// The message, unescaped as the runner does (`%0A` → newline …).
    pub(crate) message: String,
}

/// Reads workflow commands from a step's standard output as the runner does.
pub(crate) fn workflow_commands(stdout: &str) -> Vec<WorkflowCommand> {
    let mut commands = Vec::new();
    let mut stopped: Option<String> = None;
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("::") else {
            continue;
        };
        let Some((head, message)) = rest.split_once("::") else {
            continue;
        };
        if let Some(token) = &stopped {
            if head == token && message.is_empty() {
                stopped = None;
            }
            continue;
        }
        let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
        if name == "stop-commands" {
            stopped = Some(message.to_owned());
            continue;
        }
        commands.push(WorkflowCommand {
            name: name.to_owned(),
            properties: properties.to_owned(),
            message: message
                .replace("%0A", "\n")
                .replace("%0D", "\r")
                .replace("%25", "%"),
        });
    }
    commands
}

/// Parses a `GITHUB_OUTPUT` file: `name=value` lines and `name<<DELIMITER` blocks.
pub(crate) fn parse_outputs(text: &str) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            let mut closed = false;
            for l in lines.by_ref() {
                if l == delimiter {
                    closed = true;
                    break;
                }
                value.push(l);
            }
            assert!(closed, "unterminated output {name} in {text:?}");
            outputs.push((name.to_owned(), value.join("\n")));
        } else if let Some((name, value)) = line.split_once('=') {
            outputs.push((name.to_owned(), value.to_owned()));
        } else {
            panic!("malformed output line {line:?} in {text:?}");
        }
    }
    outputs
}

/// The environment of one simulated runner step.
pub(crate) struct Step<'a> {
    sandbox: &'a Sandbox,
    script: PathBuf,
    cwd: PathBuf,
    env: BTreeMap<String, String>,
}

impl<'a> Step<'a> {
    /// A step running `action/<script>` from the repository.
    pub(crate) fn new(sandbox: &'a Sandbox, script: &str) -> Step<'a> {
        Step::with_script(sandbox, repo().join("action").join(script))
    }

    pub(crate) fn with_script(sandbox: &'a Sandbox, script: PathBuf) -> Step<'a> {
        let mut env = BTreeMap::new();
        env.insert("RUNNER_OS".to_owned(), "Linux".to_owned());
        env.insert("RUNNER_ARCH".to_owned(), "X64".to_owned());
        env.insert("RUNNER_TEMP".to_owned(), path_str(&sandbox.path("temp")));
        env.insert(
            "RUNNER_TOOL_CACHE".to_owned(),
            path_str(&sandbox.path("toolcache")),
        );
        env.insert(
            "GITHUB_WORKSPACE".to_owned(),
            path_str(&sandbox.workspace()),
        );
        Step {
            sandbox,
            script,
            cwd: sandbox.workspace(),
            env,
        }
    }

    pub(crate) fn env(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.env.insert(name.to_owned(), value.as_ref().to_owned());
        self
    }

    pub(crate) fn unset(mut self, name: &str) -> Self {
        self.env.remove(name);
        self
    }

    /// Puts a directory first on PATH.
    pub(crate) fn path_first(self, dir: &Path) -> Self {
        let path = format!("{}:{}", path_str(dir), std::env::var("PATH").unwrap());
        self.env("PATH", path)
    }

    pub(crate) fn run(self) -> StepRun {
        static STEP: AtomicU32 = AtomicU32::new(0);
        let n = STEP.fetch_add(1, Ordering::Relaxed);
        let output_file = self.sandbox.path(&format!("github-output-{n}"));
        let summary_file = self.sandbox.path(&format!("step-summary-{n}"));
        fs::write(&output_file, "").unwrap();
        fs::write(&summary_file, "").unwrap();

        let mut cmd = Command::new("bash");
        cmd.arg(&self.script)
            .current_dir(&self.cwd)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap())
            .env("HOME", path_str(&self.sandbox.path("temp")))
            .env("LC_ALL", "C")
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("bash runs");
        StepRun {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs: parse_outputs(&fs::read_to_string(&output_file).unwrap()),
            summary: fs::read_to_string(&summary_file).unwrap(),
        }
    }
}

pub(crate) fn path_str(p: &Path) -> String {
    p.to_str().expect("test paths are UTF-8").to_owned()
}

/// The SHA-256 of a file, from the system's tool (the tests do not link a hash crate).
pub(crate) fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .or_else(|_| {
            Command::new("shasum")
                .args(["-a", "256"])
                .arg(path)
                .output()
        })
        .expect("sha256sum or shasum");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

/// Whether a program is on PATH.
pub(crate) fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", "command -v \"$1\" >/dev/null 2>&1", "sh", program])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a program and asserts that it succeeded.
pub(crate) fn run_ok(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

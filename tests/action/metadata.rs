//! The action's metadata, the workflows and the CI templates, read as YAML: required keys,
//! inputs wired through `env:` only, no expression inside a `run:`, every `uses:` pinned
//! by commit.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use regex::Regex;

use crate::repo;
use crate::yaml::{self, Yaml};

fn read(rel: &str) -> String {
    fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn files_in(rel: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(repo().join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

/// action.yml, the workflows, and the example workflows: every file GitHub runs.
fn github_files() -> Vec<(String, String)> {
    let mut files = vec![repo().join("action.yml")];
    files.extend(files_in(".github/workflows"));
    files.extend(files_in("examples/ci").into_iter().filter(|p| {
        yaml::parse(&fs::read_to_string(p).unwrap())
            .get("jobs")
            .is_some()
    }));
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(repo())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = fs::read_to_string(&p).unwrap();
            (rel, text)
        })
        .collect()
}

fn input_env_name(input: &str) -> String {
    format!("INPUT_{}", input.to_ascii_uppercase().replace('-', "_"))
}

#[test]
fn action_metadata_has_the_required_keys() {
    let action = yaml::parse(&read("action.yml"));
    for key in ["name", "description", "author"] {
        let value = action.at(&[key]).str().unwrap();
        assert!(!value.trim().is_empty(), "{key} is empty");
    }
    assert_eq!(action.at(&["runs", "using"]).str(), Some("composite"));
    assert!(action.at(&["branding", "icon"]).str().is_some());

    let inputs = action.at(&["inputs"]).entries();
    let names: Vec<&str> = inputs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "paths",
            "config",
            "fail-on",
            "annotations",
            "job-summary",
            "sarif-file",
            "junit-file",
            "upload-sarif",
            "category",
            "version",
            "args",
            "working-directory"
        ]
    );
    for (name, input) in inputs {
        assert!(
            input
                .get("description")
                .and_then(Yaml::str)
                .is_some_and(|d| d.len() > 10),
            "input {name} has no description"
        );
        assert_eq!(
            input.get("required").and_then(Yaml::str),
            Some("false"),
            "{name}"
        );
        assert!(
            input.get("default").is_some(),
            "input {name} has no default"
        );
    }

    let steps = action.at(&["runs", "steps"]).items();
    let ids: BTreeMap<&str, &Yaml> = steps
        .iter()
        .filter_map(|s| s.get("id").and_then(Yaml::str).map(|id| (id, s)))
        .collect();
    let output_ref = Regex::new(r"^\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$").unwrap();
    let script_ref = Regex::new(r"action/([a-z]+\.sh)").unwrap();
    let outputs = action.at(&["outputs"]).entries();
    let names: BTreeSet<&str> = outputs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "findings",
            "max-severity",
            "sarif-file",
            "junit-file",
            "version"
        ])
    );
    for (name, output) in outputs {
        assert!(output.get("description").is_some(), "output {name}");
        let value = output.at(&["value"]).str().unwrap();
        let caps = output_ref
            .captures(value)
            .unwrap_or_else(|| panic!("output {name}: {value}"));
        let step = ids
            .get(&caps[1])
            .unwrap_or_else(|| panic!("output {name} names no step"));
        // The step's script writes that output.
        let run = step.at(&["run"]).str().unwrap();
        let script = script_ref.captures(run).unwrap()[1].to_owned();
        let source = read(&format!("action/{script}"));
        assert!(
            source.contains(&format!("sw_set_output {} ", &caps[2])),
            "{script} never writes output {}",
            &caps[2]
        );
    }
}

#[test]
fn inputs_reach_the_scripts_only_through_env() {
    let text = read("action.yml");
    let action = yaml::parse(&text);
    let declared: BTreeSet<String> = action
        .at(&["inputs"])
        .entries()
        .iter()
        .map(|(k, _)| k.clone())
        .collect();

    // Every `${{ inputs.x }}` names a declared input, and every input is used.
    let reference = Regex::new(r"inputs\.([A-Za-z0-9_-]+)").unwrap();
    let used: BTreeSet<String> = reference
        .captures_iter(&text)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(used, declared, "inputs used vs declared");

    // Each step passes inputs as INPUT_<NAME> variables, named after the input.
    let input_ref = Regex::new(r"^\$\{\{ inputs\.([a-z-]+) \}\}$").unwrap();
    let mut env_names = BTreeSet::new();
    for step in action.at(&["runs", "steps"]).items() {
        if let Some(run) = step.get("run") {
            assert_eq!(step.get("shell").and_then(Yaml::str), Some("bash"));
            let run = run.str().unwrap();
            assert!(!run.contains("${{"), "expression inside run: {run}");
            assert!(
                run.starts_with("bash \"$GITHUB_ACTION_PATH/action/"),
                "{run}"
            );
        }
        for (name, value) in step.get("env").map(Yaml::entries).unwrap_or_default() {
            let value = value.str().unwrap();
            if let Some(caps) = input_ref.captures(value) {
                assert_eq!(*name, input_env_name(&caps[1]), "{name}: {value}");
            }
            env_names.insert(name.clone());
        }
    }
    // upload-sarif and category also steer the upload step, never a script.
    let upload = action
        .at(&["runs", "steps"])
        .items()
        .iter()
        .find(|s| s.get("uses").is_some())
        .unwrap();
    assert!(
        upload
            .at(&["if"])
            .str()
            .unwrap()
            .contains("inputs.upload-sarif == 'true'")
    );

    // Every INPUT_* variable a script reads is set by action.yml.
    let read_var =
        Regex::new(r"\b(INPUT_[A-Z_]+|SEAWORTHY_BIN|MAX_SEVERITY|FINDINGS|VERDICT)\b").unwrap();
    for script in ["install.sh", "scan.sh", "gate.sh"] {
        let source = read(&format!("action/{script}"));
        for caps in read_var.captures_iter(&source) {
            assert!(
                env_names.contains(&caps[1]),
                "{script} reads {} which action.yml never sets",
                &caps[1]
            );
        }
    }
}

#[test]
fn no_expression_inside_a_run() {
    for (file, text) in github_files() {
        let doc = yaml::parse(&text);
        let runs = doc.all_values("run");
        assert!(
            !runs.is_empty() || file.starts_with("examples"),
            "{file} has no run:"
        );
        for run in runs {
            assert!(
                !run.contains("${{"),
                "{file}: an expression inside run: (pass it through env:)\n{run}"
            );
        }
        for map in doc.maps_with("run") {
            if map.get("uses").is_none() {
                assert!(
                    map.get("shell").is_some() || !file.ends_with("action.yml"),
                    "{file}: a composite step without shell"
                );
            }
        }
    }
}

#[test]
fn every_uses_is_pinned_by_commit() {
    let pinned =
        Regex::new(r"^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(/[A-Za-z0-9_./-]+)?@([0-9a-f]{40})$")
            .unwrap();
    let line = Regex::new(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(\S+).*)?$").unwrap();
    let version = Regex::new(r"^v\d+(\.\d+)*$").unwrap();
    let mut shas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut count = 0;
    for (file, text) in github_files() {
        let doc = yaml::parse(&text);
        let uses: Vec<&str> = doc.all_values("uses");
        for value in &uses {
            if value.starts_with("./") {
                continue;
            }
            let caps = pinned
                .captures(value)
                .unwrap_or_else(|| panic!("{file}: `{value}` is not pinned by a full commit SHA"));
            shas.entry(caps[1].to_owned())
                .or_default()
                .insert(caps[3].to_owned());
            count += 1;
        }
        // The line says which release the commit is.
        let mut on_lines = 0;
        for l in text.lines() {
            let Some(caps) = line.captures(l) else {
                continue;
            };
            on_lines += 1;
            if caps[1].starts_with("./") {
                continue;
            }
            let tag = caps.get(2).map_or("", |m| m.as_str());
            assert!(
                version.is_match(tag),
                "{file}: `{l}` needs a `# vX.Y.Z` comment"
            );
        }
        assert_eq!(
            on_lines,
            uses.len(),
            "{file}: a uses: the line check did not see"
        );
    }
    assert!(count > 0);
    for (action, set) in shas {
        assert_eq!(
            set.len(),
            1,
            "{action} is pinned to several commits: {set:?}"
        );
    }
}

#[test]
fn workflows_declare_least_privilege() {
    for path in files_in(".github/workflows") {
        let text = fs::read_to_string(&path).unwrap();
        let doc = yaml::parse(&text);
        let name = path.display();
        // Top level: nothing; jobs ask for what they need.
        assert_eq!(
            doc.get("permissions"),
            Some(&Yaml::Map(Vec::new())),
            "{name}"
        );
        for (job, body) in doc.at(&["jobs"]).entries() {
            assert!(
                body.get("permissions").is_some(),
                "{name}: job {job} states its permissions"
            );
            assert!(
                body.get("timeout-minutes").is_some(),
                "{name}: job {job} has no timeout"
            );
        }
        for map in doc.maps_with("uses") {
            let uses = map.at(&["uses"]).str().unwrap();
            if uses.starts_with("actions/checkout@") {
                assert_eq!(
                    map.at(&["with", "persist-credentials"]).str(),
                    Some("false"),
                    "{name}: checkout keeps the token on disk"
                );
            }
        }
    }
}

#[test]
fn pre_commit_hooks_cover_every_file_seaworthy_reads() {
    let hooks = yaml::parse(&read(".pre-commit-hooks.yaml"));
    let hooks = hooks.items();
    assert!(!hooks.is_empty());
    let matching = [
        "Dockerfile",
        "docker/Dockerfile",
        "Dockerfile.prod",
        "api.Dockerfile",
        "api.dockerfile",
        "Containerfile",
        "Containerfile.dev",
        "web.containerfile",
        "dockerfile",
        ".dockerignore",
        "svc/.dockerignore",
        "Dockerfile.dockerignore",
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "deploy/compose.override.yaml",
        "docker-compose.override.yml",
        ".env",
        ".seaworthy.toml",
    ];
    let other = [
        "README.md",
        "src/main.rs",
        "Cargo.toml",
        "compose.md",
        "notes/dockerfiles.txt",
    ];
    for hook in hooks {
        let id = hook.at(&["id"]).str().unwrap();
        for key in ["name", "entry", "language", "description"] {
            assert!(hook.get(key).is_some(), "hook {id} has no {key}");
        }
        assert!(
            hook.at(&["entry"])
                .str()
                .unwrap()
                .starts_with("seaworthy check")
        );
        // A change to an ignore file or compose file changes the findings of other files:
        // the hook checks the repository rather than the changed files.
        assert_eq!(hook.at(&["pass_filenames"]).str(), Some("false"), "{id}");
        let files = Regex::new(hook.at(&["files"]).str().unwrap()).unwrap();
        for name in matching {
            assert!(files.is_match(name), "hook {id} misses {name}");
        }
        for name in other {
            assert!(!files.is_match(name), "hook {id} runs for {name}");
        }
    }
    let languages: BTreeSet<&str> = hooks
        .iter()
        .map(|h| h.at(&["language"]).str().unwrap())
        .collect();
    assert!(
        languages.contains("rust") && languages.contains("system"),
        "{languages:?}"
    );
}

#[test]
fn gitlab_jobs_publish_junit_and_code_quality() {
    for rel in [
        "ci/gitlab/seaworthy.gitlab-ci.yml",
        "examples/ci/gitlab-ci.yml",
    ] {
        let doc = yaml::parse(&read(rel));
        let jobs: Vec<&Yaml> = doc.maps_with("artifacts");
        assert!(!jobs.is_empty(), "{rel} has no job with artifacts");
        for job in jobs {
            assert_eq!(
                job.at(&["artifacts", "when"]).str(),
                Some("always"),
                "{rel}"
            );
            let reports = job.at(&["artifacts", "reports"]);
            assert!(reports.get("junit").is_some(), "{rel}: no reports:junit");
            assert!(
                reports.get("codequality").is_some(),
                "{rel}: no reports:codequality"
            );
        }
    }
    let template = read("ci/gitlab/seaworthy.gitlab-ci.yml");
    assert!(
        template.contains("sha256sum -c"),
        "the template verifies its download"
    );
    let image = Regex::new(r"image:\s*\S+@sha256:[0-9a-f]{64}").unwrap();
    assert!(
        image.is_match(&template),
        "the template pins its image by digest"
    );
}

//! Every compose file of the copied corpora loads: the 39 awesome-compose projects with no
//! error diagnostic and every `build:` resolved to a Dockerfile that exists, and every KICS
//! compose sample.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use seaworthy_core::syntax::compose::{
    BuildContext, DockerfileSource, FsLoader, LoadOptions, Project, default_files, load_project,
};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/compose")
}

fn files_named(dir: &Path, pred: &dyn Fn(&str) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("test data directory")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_named(&p, pred, out);
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(pred) {
            out.push(p);
        }
    }
}

fn show(p: &Project) -> String {
    let mut out = String::new();
    for d in &p.diagnostics {
        let text = d
            .file
            .and_then(|f| p.file(f))
            .map(|f| f.slice(d.span).to_owned())
            .unwrap_or_default();
        writeln!(
            out,
            "{:?} {:?} {} {text:?}: {}",
            d.severity, d.kind, d.path, d.message
        )
        .expect("write to a string");
    }
    out
}

#[test]
fn awesome_compose_loads_without_errors() {
    let root = data().join("awesome-compose");
    let mut mains = Vec::new();
    files_named(
        &root,
        &|n| n == "compose.yaml" || n == "compose.yml",
        &mut mains,
    );
    assert_eq!(mains.len(), 39);
    let loader = FsLoader {
        root: Some(root.clone()),
        ..FsLoader::default()
    };
    let (mut services, mut builds, mut diagnostics) = (0, 0, 0);
    for file in &mains {
        let files = default_files(file.parent().expect("directory"), &loader);
        assert_eq!(&files[0], file);
        let p = load_project(&files, &loader, &LoadOptions::default());
        assert_eq!(p.errors().count(), 0, "{}:\n{}", file.display(), show(&p));
        diagnostics += p.diagnostics.len();
        assert!(!p.services.is_empty(), "{}", file.display());
        services += p.services.len();
        for s in &p.services {
            assert!(
                s.image.is_some() || s.build.is_some(),
                "{}: {} has neither image nor build",
                file.display(),
                s.name
            );
            let Some(b) = &s.build else { continue };
            builds += 1;
            let BuildContext::Dir(dir) = &b.value.resolved_context else {
                panic!(
                    "{}: {}: {:?}",
                    file.display(),
                    s.name,
                    b.value.resolved_context
                );
            };
            assert!(dir.is_dir(), "{}", dir.display());
            let DockerfileSource::Path(df) = &b.value.resolved_dockerfile else {
                panic!("{}: {:?}", s.name, b.value.resolved_dockerfile);
            };
            assert!(
                df.is_file(),
                "{}: {} → {}",
                file.display(),
                s.name,
                df.display()
            );
        }
    }
    assert_eq!(services, 81, "services in the corpus");
    assert_eq!(builds, 36, "services with a build");
    assert_eq!(diagnostics, 0);
}

/// The KICS samples are small, sometimes deliberately odd, compose files. All load without a
/// syntax or type error; two define only top-level volumes (no services).
#[test]
fn kics_samples_load() {
    let root = data().join("kics");
    let mut files = Vec::new();
    files_named(
        &root,
        &|n| Path::new(n).extension().is_some_and(|e| e == "yaml"),
        &mut files,
    );
    assert_eq!(files.len(), 111);
    let loader = FsLoader::default();
    let mut without_services = Vec::new();
    for file in &files {
        let p = load_project(std::slice::from_ref(file), &loader, &LoadOptions::default());
        assert!(
            p.diagnostics.is_empty(),
            "{}:\n{}",
            file.display(),
            show(&p)
        );
        if p.services.is_empty() {
            assert!(!p.volumes.is_empty(), "{}", file.display());
            without_services.push(file.strip_prefix(&root).expect("under root").to_owned());
        }
    }
    assert_eq!(
        without_services,
        [
            PathBuf::from("volume_has_sensitive_host_directory/negative2.yaml"),
            PathBuf::from("volume_has_sensitive_host_directory/positive3.yaml"),
        ]
    );
}

use crate::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an `ADD` that copies a local file or directory (after build arguments are
    /// expanded) that is not a tar archive for `ADD` to extract, in every stage: source
    /// code, a directory, a `.jar`, a heredoc. The first such source of each `ADD` is
    /// reported.
    ///
    /// Not reported here:
    /// - URLs and git sources (`http://`, `https://`, `git@…`, any `scheme://`), and an `ADD`
    ///   with `--checksum` or `--keep-git-dir`: downloading is `ADD`'s business, and checked
    ///   by the supply-chain rules;
    /// - local archives `ADD` extracts, recognised by their name: `.tar`, `.tgz`, `.tar.gz`,
    ///   `.tbz2`, `.tar.bz2`, `.txz`, `.tar.xz`, `.tzst`, `.tar.zst` and the other tar and
    ///   compression suffixes (`.gz`, `.bz2`, `.xz`, `.zst`, `.lz`, `.lzma`, `.Z`), unless
    ///   `--unpack=false` turns extraction off;
    /// - a source that depends on a value unknown before the build, unless its literal end
    ///   shows a file type that is not an archive (`target/${NAME}.jar`).
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it downloads URLs and unpacks any local file it recognises as
    /// a tar archive, by its content. Using it for plain files hides which of these the author
    /// wanted, and a file that happens to be an archive gets extracted instead of copied.
    /// `COPY` does only what it says.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// ADD target/app.jar /opt/app/app.jar
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// COPY target/app.jar /opt/app/app.jar
    /// ```
    ///
    /// ## References
    /// - [Docker build best practices: ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
    /// - [Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)
    /// - Similar: hadolint DL3020; Trivy DS005; Checkov CKV_DOCKER_4; KICS "Add Instead of
    ///   Copy"
    pub struct AddInsteadOfCopy {
        code: "SW811",
        name: "add-instead-of-copy",
        steps: [CiScanning],
        severity: Low,
        fix: Never,
        set: Default,
        precision: High,
        cwe: [],
        equivalents: [
            "hadolint:DL3020",
            "trivy:DS005",
            "checkov:CKV_DOCKER_4",
            "kics:add_instead_of_copy",
        ],
        summary: "ADD used to copy local files",
    }
}

/// Name endings of files `ADD` may extract: tar archives, compressed or not, and bare
/// compression suffixes (a compressed tar with an unusual name).
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tzst", ".tlz", ".tz", ".gz",
    ".bz2", ".xz", ".zst", ".zstd", ".lz", ".lzma", ".z",
];

impl Rule for AddInsteadOfCopy {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Ctx<'_>) {
        for instr in df.instructions() {
            if instr.keyword() != Keyword::Add || instr.stage().is_none() {
                continue;
            }
            if instr.flag_value("checksum").is_some() || instr.flag_value("keep-git-dir").is_some() {
                continue;
            }
            let unpack = match instr.flag_value("unpack") {
                Some((_, Some(v))) => match v.known() {
                    Some(text) => !text.eq_ignore_ascii_case("false"),
                    None => continue,
                },
                _ => true,
            };
            let Some((_, sources)) = instr.data.args.split_last() else {
                continue;
            };
            let names: std::collections::HashSet<&str> =
                instr.inst.heredocs.iter().map(|h| h.name.as_str()).collect();
            let heredoc = |text: &str| {
                text.strip_prefix("<<").is_some_and(|rest| {
                    let name = rest.trim_start_matches('-').trim_matches(['"', '\'']);
                    names.contains(name)
                })
            };
            let Some(source) = sources
                .iter()
                .find(|s| heredoc(&s.text) || is_plain_local(s, unpack))
            else {
                continue;
            };
            let what = if heredoc(&source.text) {
                "inline content".to_owned()
            } else {
                format!("the local path `{}`", source.text)
            };
            cx.report(
                source.span,
                format!("`ADD` copies {what}, which is not an archive to extract"),
            )
            .help("Use `COPY`: `ADD` is only needed to extract a local tar archive");
        }
    }
}

/// A local source that is certainly not an archive `ADD` would extract.
fn is_plain_local(source: &Value, unpack: bool) -> bool {
    let text = source.text.trim();
    if text.is_empty() || text.contains("://") || text.starts_with("git@") {
        return false;
    }
    if source.unknown {
        // The unknown part keeps its variable text; only the literal end after the last
        // variable can tell the file type, and only a literal start rules out a URL.
        if text.starts_with('$') {
            return false;
        }
        let tail = literal_tail(text);
        let Some(ext) = extension(tail) else {
            return false;
        };
        return !unpack || !is_archive_extension(ext, tail);
    }
    !unpack || !is_archive_name(text)
}

/// The text after the last variable reference (`$NAME` or `${…}`).
fn literal_tail(text: &str) -> &str {
    let Some(dollar) = text.rfind('$') else {
        return text;
    };
    let rest = &text[dollar + 1..];
    if let Some(braced) = rest.strip_prefix('{') {
        return braced.find('}').map_or("", |end| &braced[end + 1..]);
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[name_len..]
}

/// The extension of the last path element of `tail`, when `tail` has one and no variable
/// could change it.
fn extension(tail: &str) -> Option<&str> {
    let name = tail.rsplit(['/', '\\']).next().unwrap_or(tail);
    let dot = name.rfind('.')?;
    let ext = &name[dot..];
    (ext.len() > 1).then_some(ext)
}

fn is_archive_name(path: &str) -> bool {
    let name = path.trim_end_matches(['/', '\\']);
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    extension(name).is_some_and(|ext| is_archive_extension(ext, name))
}

fn is_archive_extension(ext: &str, name: &str) -> bool {
    let lower = ext.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.contains(&lower.as_str())
        // A wildcard extension (`app.*`, `x.t?z`) may match an archive.
        || lower.contains(['*', '?', '['])
        || name.to_ascii_lowercase().ends_with(".tar")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, unknown: bool) -> Value {
        Value {
            text: text.to_owned(),
            raw: text.to_owned(),
            span: Span::default(),
            unknown,
        }
    }

    #[test]
    fn archives_are_not_plain() {
        for name in [
            "app.tar",
            "app.tar.gz",
            "APP.TGZ",
            "rootfs.tar.xz",
            "x.tar.zst",
            "data.gz",
            "dist/*.tar.gz",
            "pkg.*",
        ] {
            assert!(!is_plain_local(&value(name, false), true), "{name}");
        }
    }

    #[test]
    fn plain_files_and_directories() {
        for name in [".", "src/", "build/", "app.jar", "requirements.txt", "bin/tool", "*.jar", "conf.d"] {
            assert!(is_plain_local(&value(name, false), true), "{name}");
        }
        assert!(is_plain_local(&value("rootfs.tar.gz", false), false), "--unpack=false");
    }

    #[test]
    fn remote_and_unknown_sources() {
        for (name, unknown) in [
            ("https://example.com/app.jar", false),
            ("git@github.com:org/repo.git", false),
            ("$JAR_FILE", true),
            ("${JAR_FILE}", true),
            ("target/${NAME}", true),
            ("target/${NAME}.tar.gz", true),
            ("app.$EXT", true),
        ] {
            assert!(!is_plain_local(&value(name, unknown), true), "{name}");
        }
        assert!(is_plain_local(&value("target/${NAME}.jar", true), true));
        assert!(is_plain_local(&value("target/$NAME-app.jar", true), true));
    }
}

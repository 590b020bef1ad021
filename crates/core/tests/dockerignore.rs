//! `.dockerignore` matching and Docker's COPY/ADD glob, checked against Docker's recorded
//! decisions (`data/dockerignore/cases.json`), Docker's documented examples and Go's
//! documented `filepath.Match` behaviour.

use std::path::PathBuf;

use proptest::prelude::*;
use seaworthy_core::syntax::docker_glob::{GlobError, glob_match, has_glob_meta};
use seaworthy_core::syntax::dockerignore::{IgnoreErrorKind, IgnoreFile};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/dockerignore")
}

#[test]
fn every_recorded_docker_decision() {
    let text = std::fs::read_to_string(data_dir().join("cases.json")).unwrap();
    let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 24);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let file = IgnoreFile::parse(case["dockerignore"].as_str().unwrap());
        assert!(file.errors().is_empty(), "{name}: {:?}", file.errors());
        for (path, want) in case["excluded"].as_object().unwrap() {
            let want = want.as_bool().unwrap();
            if file.is_excluded(path) != want {
                wrong.push(format!("{name}: {path} should be excluded={want}"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 76);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `(ignore file, path, excluded, why)`.
const DOCUMENTED: &[(&str, &str, bool, &str)] = &[
    // The docs' first example file.
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "somedir/temporary.txt",
        true,
        "*/temp* excludes names starting with temp in any immediate subdirectory",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "somedir/temp/inner.txt",
        true,
        "*/temp* excludes the directory somedir/temp, so everything in it",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "somedir/subdir/temporary.txt",
        true,
        "*/*/temp* reaches two levels below the root",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "a/b/c/temporary.txt",
        false,
        "no pattern reaches three levels below the root",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "tempa",
        true,
        "temp? excludes root names of temp plus one character",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "temp",
        false,
        "? needs exactly one character",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "tempab",
        false,
        "? matches one character, not two",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "temporary.txt",
        false,
        "*/temp* needs a directory before the name; at the root nothing matches",
    ),
    (
        "# comment\n*/temp*\n*/*/temp*\ntemp?\n",
        "# comment",
        false,
        "a line starting with # in column 1 is a comment, not a pattern",
    ),
    // `**` matches any number of directories, including none.
    ("**/*.go\n", "main.go", true, "**/ matches zero directories"),
    (
        "**/*.go\n",
        "cmd/tool/main.go",
        true,
        "**/ matches several directories",
    ),
    (
        "**/*.go\n",
        "main.go.txt",
        false,
        "the pattern is anchored at the end of the name",
    ),
    (
        "*.go\n",
        "cmd/main.go",
        false,
        "without **/ a pattern is anchored at the root",
    ),
    // Exceptions, and the order of exceptions.
    (
        "*.md\n!README.md\n",
        "README.md",
        false,
        "the exception re-includes README.md",
    ),
    (
        "*.md\n!README.md\n",
        "CHANGELOG.md",
        true,
        "other markdown stays excluded",
    ),
    (
        "*.md\n!README*.md\nREADME-secret.md\n",
        "README-secret.md",
        true,
        "the last matching line excludes README-secret.md again",
    ),
    (
        "*.md\n!README*.md\nREADME-secret.md\n",
        "README-public.md",
        false,
        "README*.md files other than the secret one are included",
    ),
    (
        "*.md\nREADME-secret.md\n!README*.md\n",
        "README-secret.md",
        false,
        "!README*.md is last, so every README is included",
    ),
    (
        "!keep.txt\n*.txt\n",
        "keep.txt",
        true,
        "an exception before the exclusion does not help: last match wins",
    ),
    // Re-including below an excluded directory.
    (
        "vendor\n!vendor/keep.txt\n",
        "vendor/keep.txt",
        false,
        "an exception can re-include a file inside an excluded directory",
    ),
    (
        "vendor\n!vendor/keep.txt\n",
        "vendor/other.txt",
        true,
        "the rest of the directory stays excluded",
    ),
    (
        "*\n!src\n",
        "src/a/b.rs",
        false,
        "re-including a directory re-includes its contents",
    ),
    (
        "*\n!src\n",
        "docs/a.md",
        true,
        "* excludes every top-level entry and what is below",
    ),
    (
        "build\n!build/**/*.keep\n",
        "build/x/y/z.keep",
        false,
        "a wildcard exception reaches deep inside an excluded directory",
    ),
    // `**/` prefixes and directories.
    (
        "**/node_modules\n",
        "web/node_modules/pkg/index.js",
        true,
        "**/node_modules excludes the directory at any depth",
    ),
    (
        "**/node_modules\n",
        "node_modules/x",
        true,
        "**/ also matches at the root",
    ),
    (
        "**/node_modules\n",
        "web/node_modulesx/y",
        false,
        "the name must match whole",
    ),
    (
        "a/**\n",
        "a",
        false,
        "a/** matches what is below a, not a itself",
    ),
    ("a/**\n", "a/b/c", true, "a/** matches everything below a"),
    (
        "**\n",
        "any/thing/at/all",
        true,
        "** alone matches every path",
    ),
    // `dir/` and `dir` are the same pattern after cleaning.
    (
        "logs/\n",
        "logs",
        true,
        "the trailing / is dropped, so a plain file logs matches too",
    ),
    (
        "logs\n",
        "logs/today.log",
        true,
        "a directory pattern excludes the directory's files",
    ),
    (
        "logs/\n",
        "app/logs/today.log",
        false,
        "patterns are anchored at the context root",
    ),
    // Leading `/` and `./`, `..` elements and whitespace.
    (
        "/foo/bar\n",
        "foo/bar",
        true,
        "a leading / is dropped: /foo/bar is foo/bar",
    ),
    (
        "foo/bar\n",
        "x/foo/bar",
        false,
        "foo/bar excludes nothing else",
    ),
    ("./dist\n", "dist/app.js", true, "./ is cleaned away"),
    (
        "tmp/../cache\n",
        "cache/x",
        true,
        "tmp/../cache is cleaned to cache",
    ),
    (
        "   spaced.txt   \n",
        "spaced.txt",
        true,
        "leading and trailing whitespace is trimmed",
    ),
    (
        "  # not a comment\n",
        "# not a comment",
        true,
        "# is a comment only in column 1; after trimming this is a pattern",
    ),
    (
        "a.txt\r\nb.txt\r\n",
        "b.txt",
        true,
        "CRLF line ends are accepted",
    ),
    (
        "\u{feff}first.txt\n",
        "first.txt",
        true,
        "a UTF-8 byte order mark is ignored",
    ),
    // Character classes, ranges and escapes (Go rules).
    (
        "file[0-9].txt\n",
        "file7.txt",
        true,
        "a range matches one character",
    ),
    (
        "file[0-9].txt\n",
        "filex.txt",
        false,
        "a character outside the range",
    ),
    ("[^a]*\n", "bcd", true, "^ negates a class"),
    (
        "[^a]*\n",
        "abc",
        false,
        "^ negates a class: a is excluded from it",
    ),
    (
        "[!a]*\n",
        "!x",
        true,
        "[!a] is the set {!, a}, not a negation",
    ),
    ("[!a]*\n", "bcd", false, "[!a] does not match b"),
    ("[a-c]x\n", "bx", true, "a range in a class"),
    ("\\*.txt\n", "*.txt", true, "\\* is a literal star"),
    (
        "\\*.txt\n",
        "a.txt",
        false,
        "\\* does not act as a wildcard",
    ),
    ("\\[x\\]\n", "[x]", true, "escaped brackets are literal"),
    ("a?b\n", "a/b", false, "? never matches the separator"),
    ("*.log\n", "logs/x.log", false, "* never crosses a /"),
    ("*.MD\n", "x.md", false, "matching is case-sensitive"),
    (
        "a.b\n",
        "axb",
        false,
        ". is a literal dot, not a regex wildcard",
    ),
    ("a+b\n", "a+b", true, "+ is literal"),
    ("(x)\n", "(x)", true, "parentheses are literal"),
    // Files that Docker always needs can be excluded from COPY.
    (
        "Dockerfile\n.dockerignore\n",
        "Dockerfile",
        true,
        "Dockerfile may be listed; COPY then does not copy it",
    ),
];

#[test]
fn documented_behaviour() {
    assert!(DOCUMENTED.len() >= 40);
    for &(file, path, want, why) in DOCUMENTED {
        let f = IgnoreFile::parse(file);
        assert!(f.errors().is_empty(), "{file:?}: {:?}", f.errors());
        assert_eq!(f.is_excluded(path), want, "{file:?} on {path:?}: {why}");
    }
}

#[test]
fn decisive_pattern_names_the_line() {
    let f = IgnoreFile::parse("# secrets\n*.pem\n\n!public.pem\nsecrets/\n");
    let p = f.decisive_pattern("key.pem").unwrap();
    assert_eq!((p.line, p.text.as_str(), p.negated), (2, "*.pem", false));
    let p = f.decisive_pattern("public.pem").unwrap();
    assert_eq!((p.line, p.negated), (4, true));
    assert!(!f.is_excluded("public.pem"));
    let p = f.decisive_pattern("secrets/public.pem").unwrap();
    assert_eq!((p.line, p.cleaned.as_str()), (5, "secrets"));
    assert!(f.decisive_pattern("src/main.rs").is_none());
}

#[test]
fn refused_patterns_are_reported_with_spans() {
    let text = "ok\n  [z  \n!\n";
    let f = IgnoreFile::parse(text);
    assert_eq!(f.patterns.len(), 1);
    let e = &f.errors()[0];
    assert_eq!((e.line, e.kind.clone()), (2, IgnoreErrorKind::BadPattern));
    assert_eq!(&text[e.span.range()], "[z");
    assert_eq!(f.errors()[1].kind, IgnoreErrorKind::BareExclusion);
    // The refused lines take no part; the rest still works.
    assert!(f.is_excluded("ok/x"));
    assert!(!f.is_excluded("z"));
}

#[test]
fn walk_may_skip_directories_nothing_can_reinclude() {
    let f = IgnoreFile::parse("node_modules\n.git\n*.log\n!important.log\n!docs/keep/**\n");
    assert!(!f.may_reinclude_below("node_modules"));
    assert!(!f.may_reinclude_below(".git"));
    // `docs` is not excluded at all.
    assert!(f.may_reinclude_below("docs"));
    let f = IgnoreFile::parse("docs\n!docs/keep/**\n");
    assert!(f.may_reinclude_below("docs"));
    assert!(f.may_reinclude_below("docs/keep"));
    assert!(!f.may_reinclude_below("docs/other"));
}

#[test]
fn copy_exclude_patterns() {
    // `COPY --exclude` patterns go straight to the pattern matcher.
    let f = IgnoreFile::from_patterns(["*.txt", "!keep.txt", "", "tmp/"]);
    assert_eq!(f.patterns.len(), 3);
    assert!(f.is_excluded("a.txt"));
    assert!(!f.is_excluded("keep.txt"));
    assert!(f.is_excluded("tmp/x"));
    assert_eq!(f.patterns[2].line, 4);
}

#[test]
fn a_large_context_is_fast() {
    let f = IgnoreFile::parse(
        "**/.git\n**/node_modules\n*.md\n!README.md\nbuild/\ndist\n**/*.log\n!keep/**\n\
         **/__pycache__\n.env*\ncoverage\n*/tmp*\n",
    );
    let mut paths = Vec::new();
    for a in 0..100 {
        for b in 0..100 {
            for name in [
                "main.rs",
                "x.log",
                "README.md",
                "node_modules/p/i.js",
                "y.py",
                "z",
            ] {
                paths.push(format!("src{a}/mod{b}/{name}"));
            }
        }
    }
    let start = std::time::Instant::now();
    let excluded = paths.iter().filter(|p| f.is_excluded(p)).count();
    let elapsed = start.elapsed();
    // x.log and node_modules/… in every directory.
    assert_eq!(excluded, 20_000);
    // Generous enough for an unoptimised build on a busy machine.
    assert!(
        elapsed.as_secs() < 20,
        "{} paths took {elapsed:?}",
        paths.len()
    );
}

/// Go's `filepath.Match` behaviour as its documentation and tests describe it:
/// `(pattern, name, Ok(matched) or Err)`.
const GO_MATCH: &[(&str, &str, Result<bool, GlobError>)] = &[
    ("abc", "abc", Ok(true)),
    ("*", "abc", Ok(true)),
    ("*c", "abc", Ok(true)),
    ("a*", "a", Ok(true)),
    ("a*", "abc", Ok(true)),
    ("a*", "ab/c", Ok(false)),
    ("a*/b", "abc/b", Ok(true)),
    ("a*/b", "a/c/b", Ok(false)),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
    ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
    ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
    ("ab[c]", "abc", Ok(true)),
    ("ab[b-d]", "abc", Ok(true)),
    ("ab[e-g]", "abc", Ok(false)),
    ("ab[^c]", "abc", Ok(false)),
    ("ab[^b-d]", "abc", Ok(false)),
    ("ab[^e-g]", "abc", Ok(true)),
    ("a\\*b", "a*b", Ok(true)),
    ("a\\*b", "ab", Ok(false)),
    ("a?b", "a☺b", Ok(true)),
    ("a[^a]b", "a☺b", Ok(true)),
    ("a???b", "a☺b", Ok(false)),
    ("a[^a][^a][^a]b", "a☺b", Ok(false)),
    ("[a-ζ]*", "α", Ok(true)),
    ("*[a-ζ]", "A", Ok(false)),
    ("a?b", "a/b", Ok(false)),
    ("a*b", "a/b", Ok(false)),
    ("[\\]a]", "]", Ok(true)),
    ("[\\-]", "-", Ok(true)),
    ("[x\\-]", "x", Ok(true)),
    ("[x\\-]", "-", Ok(true)),
    ("[x\\-]", "z", Ok(false)),
    ("[\\-x]", "x", Ok(true)),
    ("[\\-x]", "-", Ok(true)),
    ("[\\-x]", "a", Ok(false)),
    ("[]a]", "]", Err(GlobError::BadPattern)),
    ("[-]", "-", Err(GlobError::BadPattern)),
    ("[x-]", "x", Err(GlobError::BadPattern)),
    ("[x-]", "-", Err(GlobError::BadPattern)),
    ("[x-]", "z", Err(GlobError::BadPattern)),
    ("[-x]", "x", Err(GlobError::BadPattern)),
    ("[-x]", "-", Err(GlobError::BadPattern)),
    ("[-x]", "a", Err(GlobError::BadPattern)),
    ("\\", "a", Err(GlobError::BadPattern)),
    ("[a-b-c]", "a", Err(GlobError::BadPattern)),
    ("[", "a", Err(GlobError::BadPattern)),
    ("[^", "a", Err(GlobError::BadPattern)),
    ("[^bc", "a", Err(GlobError::BadPattern)),
    ("a[", "a", Err(GlobError::BadPattern)),
    ("a[", "ab", Err(GlobError::BadPattern)),
    ("a[", "x", Err(GlobError::BadPattern)),
    ("a/b[", "x", Err(GlobError::BadPattern)),
    ("*x", "xxx", Ok(true)),
    // Only `^` negates a class.
    ("[!a]", "!", Ok(true)),
    ("[!a]", "b", Ok(false)),
    // A bad class after a mismatch is still an error.
    ("x*[", "abc", Err(GlobError::BadPattern)),
];

#[test]
fn glob_follows_go_filepath_match() {
    for &(pattern, name, want) in GO_MATCH {
        assert_eq!(
            glob_match(pattern, name),
            want,
            "Match({pattern:?}, {name:?})"
        );
    }
}

#[test]
fn glob_meta_detection() {
    assert!(has_glob_meta("*.txt"));
    assert!(has_glob_meta("src/?"));
    assert!(has_glob_meta("a[bc]"));
    assert!(!has_glob_meta("plain/file.txt"));
    assert!(!has_glob_meta("a\\*b"), "an escaped star is literal");
    assert!(!has_glob_meta("a]"));
}

fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "a",
        "/",
        "*",
        "**",
        "?",
        "[",
        "]",
        "^",
        "!",
        "-",
        "\\",
        "#",
        " ",
        "\t",
        "\r",
        "\n",
        ".",
        "..",
        "{",
        "}",
        "$",
        "(",
        ")",
        "|",
        "+",
        ":",
        "é",
        "\u{feff}",
        "\\Q",
        "\\E",
        "\\p",
        "\\x",
        "[:alpha:]",
        "\\d",
        "0",
        "7",
    ]);
    prop_oneof![
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_files_and_paths_never_panic(file in messy_text(), path in messy_text()) {
        let f = IgnoreFile::parse(&file);
        let excluded = f.is_excluded(&path);
        let decisive = f.decisive_pattern(&path);
        prop_assert_eq!(excluded, decisive.is_some_and(|p| !p.negated));
        let _ = f.may_reinclude_below(&path);
        let _ = IgnoreFile::from_patterns(file.lines()).is_excluded(&path);
        let _ = glob_match(&file, &path);
        let _ = has_glob_meta(&file);
    }
}

//! The `.dockerignore` matcher: arbitrary pattern files matched against arbitrary paths.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy_core::syntax::dockerignore::IgnoreFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (patterns, paths) = text.split_once('\u{0}').unwrap_or((text, "a/b/c.txt\n.env\nsrc/x"));
    let ignore = IgnoreFile::parse(patterns);
    for path in paths.lines() {
        let _ = ignore.is_excluded(path);
        let _ = ignore.decisive_pattern(path);
        let _ = ignore.may_reinclude_below(path);
    }
});

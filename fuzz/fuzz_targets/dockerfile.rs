//! The Dockerfile parser, the analysed model and every rule, on arbitrary text.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use seaworthy_core::engine;
use seaworthy_core::settings::{Options, Overrides, Settings};
use seaworthy_core::source::{FileId, FileKind, SourceFile};

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    Settings::resolve(
        &Options::default(),
        &Overrides {
            select: Some(vec!["all".to_owned()]),
            today: seaworthy_core::date::Date::parse("2026-11-29").ok(),
            ..Overrides::default()
        },
    )
    .expect("selecting all rules is valid")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile::new(FileId(0), "Dockerfile", FileKind::Dockerfile, text);
    let outcome = engine::check(std::slice::from_ref(&file), &SETTINGS);
    for f in &outcome.findings {
        let s = f.location.span;
        assert!(s.start <= s.end && s.end as usize <= text.len());
    }
});

//! The shell analysis of RUN bodies, on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy_core::syntax::{MappedText, shell};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let src = MappedText::contiguous(text, 7);
    let script = shell::parse(&src);
    let bounds = src.span();
    for c in script.commands() {
        assert!(c.span.start >= bounds.start && c.span.end <= bounds.end);
        let _ = c.unwrapped().name();
    }
});

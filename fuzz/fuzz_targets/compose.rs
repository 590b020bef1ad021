//! The compose loader (YAML, interpolation, normalisation), on arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy_core::syntax::compose::{self, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let project = compose::parse_str(text, std::path::Path::new("compose.yaml"), &LoadOptions::default());
    let _ = project.scalars().count();
});

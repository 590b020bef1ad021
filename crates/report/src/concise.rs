//! `concise`: one unsuppressed finding per line, `path:line:col: SW101 [medium] message`.
//!
//! The shape is fixed so that editors (`errorformat`) and `grep` can read it: a finding
//! about a whole file is printed at `1:1`, and newlines and other control characters in
//! paths and messages are escaped (`\n`), so one finding is always exactly one line.
//! Suppressed findings and files that could not be checked are not listed (the CLI reports
//! the latter on standard error).

use std::io::{self, Write};

use crate::{Emitter, Report, one_line, valid_region};

/// The `concise` emitter.
#[derive(Clone, Copy, Debug, Default)]
pub struct Concise;

impl Emitter for Concise {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for finding in report.unsuppressed() {
            let (line, column) =
                valid_region(&finding.location).map_or((1, 1), |(s, _)| (s.line, s.column));
            writeln!(
                out,
                "{}:{line}:{column}: {} [{}] {}",
                one_line(&finding.location.path),
                finding.rule.code,
                finding.severity,
                one_line(&finding.message)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{SampleReport, emit};
    use crate::{EmitOptions, Format};

    #[test]
    fn sample() {
        let sample = SampleReport::new();
        let out = emit(Format::Concise, &EmitOptions::default(), &sample.report());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn one_line_per_unsuppressed_finding() {
        let sample = SampleReport::new();
        let report = sample.report();
        let out = emit(Format::Concise, &EmitOptions::default(), &report);
        assert_eq!(out.lines().count(), report.counts().findings());
        for line in out.lines() {
            assert!(line.contains(": SW"), "{line}");
        }
    }
}

//! The correctness rules (SW801–SW812) on hostile and unusual input: they never panic,
//! and every finding points inside the file, on character boundaries.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;

use proptest::prelude::*;

const CODES: [&str; 12] = [
    "SW801", "SW802", "SW803", "SW804", "SW805", "SW806", "SW807", "SW808", "SW809", "SW810",
    "SW811", "SW812",
];

/// Runs the rules and checks every finding's span; returns the number of findings.
fn run(text: &str) -> usize {
    let settings = common::settings_for(&CODES);
    let findings = common::check_dockerfile(text, &settings);
    for f in &findings {
        let span = f.location.span;
        assert!(span.start <= span.end, "{}: inverted span", f.rule.code);
        assert!(
            (span.end as usize) <= text.len(),
            "{}: span past the end: {span:?}",
            f.rule.code
        );
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
            "{}: span splits a character: {span:?}",
            f.rule.code
        );
        assert!(f.help.is_some(), "{}: no help", f.rule.code);
    }
    findings.len()
}

#[test]
fn buildkit_parser_samples_do_not_break_the_rules() {
    let root = common::data_dir().join("buildkit/parser");
    let mut stack = vec![root];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "Dockerfile") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                run(&text);
                files += 1;
            }
        }
    }
    assert!(files >= 30, "only {files} BuildKit samples found");
}

#[test]
fn unusual_instructions() {
    let cases = [
        "",
        "FROM",
        "FROM scratch AS",
        "COPY a b c\n",
        "FROM alpine\nCOPY --from= /a /b\nCOPY --from /a /b\nRUN --mount=from= true\n",
        "FROM alpine\nCOPY --from=99999999999999999999999 /a /b\n",
        "FROM alpine AS é\nCOPY --from=É /a /b\nFROM é\n",
        "FROM alpine\nEXPOSE ٨٠ ８０ 80/ 80/tcp/udp :80 80: - -80 80- 1-2-3 ::::\n",
        "FROM alpine\nEXPOSE 99999999999999999999999999999999999999-1\n",
        "FROM alpine\nWORKDIR é\nWORKDIR ${X:-é}/x\nWORKDIR\nWORKDIR \\\\\nWORKDIR C:\n",
        "FROM alpine\nADD\nADD a\nADD <<EOF\nEOF\nADD <<-'X' <<\"Y\" /d\nX\nY\n",
        "FROM alpine\nADD ${ ${}} $ $$ ${A ${B}.jar /x\n",
        "FROM alpine\nRUN cd\nRUN cd -- /x\nRUN cd -P\nRUN cd -LP /x && y\nRUN ['cd']\n",
        "FROM alpine\nCMD [\nCMD []\nCMD [,]\nCMD ['a', \"b]\nENTRYPOINT [\"a\"\nCMD [é, ß]\n",
        "FROM alpine\nMAINTAINER\nMAINTAINER \"\nMAINTAINER \"a\\\"b\"\n",
        "FROM alpine\nHEALTHCHECK\nHEALTHCHECK NONE\nHEALTHCHECK CMD\nONBUILD HEALTHCHECK NONE\n",
        "ARG A=$B\nFROM ${A}${C:-x}$D\nARG E=${F}\nLABEL ${G}=${H}\nFROM $TARGETARCH\n",
        "FROM scratch\nENV ${A}=1 B=${B}\nUSER ${C}:${D}\nVOLUME $E ${F}\nSTOPSIGNAL $G\n",
        "FROM a AS x\nFROM x AS y\nFROM y AS x\nFROM x\nCOPY --from=x / /\n",
    ];
    for text in cases {
        run(text);
    }
}

#[test]
fn deep_and_long_input() {
    let mut text = String::from("FROM alpine AS s0\n");
    for i in 1..300 {
        let _ = write!(
            text,
            "FROM s{} AS s{i}\nWORKDIR w{i}\nARG A{i}=1\nCMD x\n",
            i - 1
        );
    }
    text.push_str("COPY --from=s0 ");
    text.push_str(&"a ".repeat(5_000));
    text.push_str("/dest\n");
    let _ = writeln!(text, "RUN {}cd /x{}", "$(".repeat(200), ")".repeat(200));
    let _ = writeln!(text, "LABEL x=${}", "A".repeat(100_000));
    let _ = writeln!(text, "EXPOSE {}", "8".repeat(10_000));
    assert!(run(&text) > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_instruction_soup(lines in prop::collection::vec(
        prop::sample::select(vec![
            "FROM alpine", "FROM scratch AS b", "FROM b", "FROM $X AS c", "WORKDIR rel",
            "WORKDIR /abs", "WORKDIR $U/x", "COPY a b c", "COPY --from=b a /x/", "COPY --from=$Y a b",
            "ADD x.jar /y", "ADD x.tgz /", "EXPOSE 80 70000 8:8", "RUN cd /x && y", "RUN cd z",
            "CMD run it", "CMD [\"a\"]", "ENTRYPOINT x", "SHELL [\"bash\", \"-c\"]", "MAINTAINER m",
            "HEALTHCHECK NONE", "ARG X=1", "ARG Y", "ENV E=$X", "LABEL l=$TARGETOS", "USER ${Q}",
        ]),
        0..40,
    )) {
        let text = lines.join("\n");
        run(&text);
    }

    #[test]
    fn arbitrary_text_after_a_keyword(
        keyword in prop::sample::select(vec![
            "WORKDIR", "EXPOSE", "COPY", "ADD", "RUN", "CMD", "ENTRYPOINT", "MAINTAINER", "ENV",
            "LABEL", "USER", "FROM",
        ]),
        rest in "\\PC{0,60}",
    ) {
        let text = format!("FROM alpine AS a\n{keyword} {rest}\n{keyword} {rest}\n");
        run(&text);
    }
}

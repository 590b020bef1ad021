//! Variable interpolation as docker compose does it, with unknown values kept apart.
//!
//! Syntax (compose-spec "Interpolation"): `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$` for a
//! literal `$`. Names are `[_A-Za-z][_A-Za-z0-9]*`. Defaults, alternatives and error texts
//! are themselves interpolated, so `${A:-${B:-x}}` nests. A `$` followed by anything else is an
//! invalid template (compose refuses the file); here it is reported and kept literally.
//!
//! seaworthy never reads the process environment, so a variable is either *known* (from a
//! `.env` file or a value the caller supplied) or *unknown*. An unknown variable is never
//! guessed: the result is marked `unknown`, and its text is the reading compose would give if
//! the variable were unset where that reading is defined by the template (`${VAR:-default}`
//! and `${VAR-default}` give the default, `${VAR:+alt}` and `${VAR+alt}` give nothing);
//! otherwise (`$VAR`, `${VAR}`, `${VAR:?err}`, `${VAR?err}`) the reference is kept verbatim.
//! `${VAR:?err}` with an unknown `VAR` is therefore not an error.

/// What a variable lookup found: `Some(value)` when known, `None` when unknown.
pub trait Lookup {
    fn lookup(&self, name: &str) -> Option<&str>;
}

impl<F: Fn(&str) -> Option<&'static str>> Lookup for F {
    fn lookup(&self, name: &str) -> Option<&str> {
        self(name)
    }
}

/// The operator of a braced reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `:-`: default when unset or empty.
    DefaultIfEmpty,
    /// `-`: default when unset.
    DefaultIfUnset,
    /// `:?`: error when unset or empty.
    RequiredNonEmpty,
    /// `?`: error when unset.
    Required,
    /// `:+`: alternative when set and not empty.
    AltIfNonEmpty,
    /// `+`: alternative when set.
    AltIfSet,
}

impl Operator {
    const TABLE: [(&'static str, Operator); 6] = [
        (":-", Operator::DefaultIfEmpty),
        (":?", Operator::RequiredNonEmpty),
        (":+", Operator::AltIfNonEmpty),
        ("-", Operator::DefaultIfUnset),
        ("?", Operator::Required),
        ("+", Operator::AltIfSet),
    ];
}

/// A variable reference found in a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub operator: Option<Operator>,
    /// Byte range of the whole reference (`$VAR` or `${…}`) in the template.
    pub start: usize,
    pub end: usize,
}

/// An invalid template or a required variable that is set but empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset in the template.
    pub offset: usize,
    pub message: String,
}

/// The result of interpolating one string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    /// The text depends on a variable whose value is unknown.
    pub unknown: bool,
    /// At least one variable reference was evaluated (known or not).
    pub substituted: bool,
    pub errors: Vec<TemplateError>,
}

#[derive(Clone, Debug)]
enum Piece {
    Lit(String),
    Var {
        name: String,
        op: Option<Operator>,
        arg: Vec<Piece>,
        start: usize,
        end: usize,
    },
}

const MAX_NESTING: usize = 32;

/// Interpolates `template`.
pub fn interpolate(template: &str, vars: &dyn Lookup) -> Interpolated {
    let mut out = Interpolated::default();
    if !template.contains('$') {
        template.clone_into(&mut out.text);
        return out;
    }
    let pieces = parse(template, 0, 0, &mut out.errors);
    eval(&pieces, template, vars, &mut out);
    out
}

/// Every variable reference in `template`, including those nested in defaults.
pub fn variables(template: &str) -> Vec<VarRef> {
    let mut errors = Vec::new();
    let pieces = parse(template, 0, 0, &mut errors);
    let mut out = Vec::new();
    collect(&pieces, &mut out);
    out
}

fn collect(pieces: &[Piece], out: &mut Vec<VarRef>) {
    for p in pieces {
        if let Piece::Var {
            name,
            op,
            arg,
            start,
            end,
        } = p
        {
            out.push(VarRef {
                name: name.clone(),
                operator: *op,
                start: *start,
                end: *end,
            });
            collect(arg, out);
        }
    }
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name_char(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

/// Parses `s` (which sits at `base` in the original template).
fn parse(s: &str, base: usize, depth: usize, errors: &mut Vec<TemplateError>) -> Vec<Piece> {
    let bytes = s.as_bytes();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let Some(rel) = memchr::memchr(b'$', &bytes[i..]) else {
            lit.push_str(&s[i..]);
            break;
        };
        lit.push_str(&s[i..i + rel]);
        i += rel;
        let next = bytes.get(i + 1).copied();
        match next {
            Some(b'$') => {
                lit.push('$');
                i += 2;
            }
            Some(c) if is_name_start(c) => {
                let mut j = i + 2;
                while j < bytes.len() && is_name_char(bytes[j]) {
                    j += 1;
                }
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Var {
                    name: s[i + 1..j].to_owned(),
                    op: None,
                    arg: Vec::new(),
                    start: base + i,
                    end: base + j,
                });
                i = j;
            }
            Some(b'{') => {
                if let Some((piece, next_i)) = braced(s, i, base, depth, errors) {
                    flush(&mut lit, &mut pieces);
                    pieces.push(piece);
                    i = next_i;
                } else {
                    errors.push(TemplateError {
                        offset: base + i,
                        message: format!(
                            "invalid interpolation format in {s:?}: use `$$` for a literal `$`"
                        ),
                    });
                    lit.push('$');
                    i += 1;
                }
            }
            _ => {
                errors.push(TemplateError {
                    offset: base + i,
                    message: format!(
                        "invalid interpolation format in {s:?}: use `$$` for a literal `$`"
                    ),
                });
                lit.push('$');
                i += 1;
            }
        }
    }
    flush(&mut lit, &mut pieces);
    pieces
}

fn flush(lit: &mut String, pieces: &mut Vec<Piece>) {
    if !lit.is_empty() {
        pieces.push(Piece::Lit(std::mem::take(lit)));
    }
}

/// Parses `${…}` starting at `i` (the `$`). Returns the piece and the index after `}`.
fn braced(
    s: &str,
    i: usize,
    base: usize,
    depth: usize,
    errors: &mut Vec<TemplateError>,
) -> Option<(Piece, usize)> {
    let bytes = s.as_bytes();
    let name_start = i + 2;
    if !bytes.get(name_start).copied().is_some_and(is_name_start) {
        return None;
    }
    let mut j = name_start + 1;
    while j < bytes.len() && is_name_char(bytes[j]) {
        j += 1;
    }
    let name = s[name_start..j].to_owned();
    if bytes.get(j) == Some(&b'}') {
        return Some((
            Piece::Var {
                name,
                op: None,
                arg: Vec::new(),
                start: base + i,
                end: base + j + 1,
            },
            j + 1,
        ));
    }
    let rest = &s[j..];
    let (op_text, op) = Operator::TABLE
        .iter()
        .find(|(t, _)| rest.starts_with(t))
        .copied()?;
    let arg_start = j + op_text.len();
    // The argument ends at the first `}` not closing a nested `${`.
    let mut open = 0usize;
    let mut k = arg_start;
    let close = loop {
        if k >= bytes.len() {
            return None;
        }
        if bytes[k] == b'}' {
            if open == 0 {
                break k;
            }
            open -= 1;
        } else if bytes[k] == b'$' && bytes.get(k + 1) == Some(&b'{') {
            open += 1;
            k += 1;
        }
        k += 1;
    };
    let arg_text = &s[arg_start..close];
    let arg = if depth >= MAX_NESTING {
        errors.push(TemplateError {
            offset: base + arg_start,
            message: "interpolation nested too deeply".to_owned(),
        });
        vec![Piece::Lit(arg_text.to_owned())]
    } else {
        parse(arg_text, base + arg_start, depth + 1, errors)
    };
    Some((
        Piece::Var {
            name,
            op: Some(op),
            arg,
            start: base + i,
            end: base + close + 1,
        },
        close + 1,
    ))
}

fn eval_to_string(
    pieces: &[Piece],
    template: &str,
    vars: &dyn Lookup,
    out: &mut Interpolated,
) -> String {
    let mut sub = Interpolated::default();
    eval(pieces, template, vars, &mut sub);
    out.unknown |= sub.unknown;
    out.substituted |= sub.substituted;
    out.errors.extend(sub.errors);
    sub.text
}

fn eval(pieces: &[Piece], template: &str, vars: &dyn Lookup, out: &mut Interpolated) {
    for piece in pieces {
        match piece {
            Piece::Lit(s) => out.text.push_str(s),
            Piece::Var {
                name,
                op,
                arg,
                start,
                end,
            } => {
                out.substituted = true;
                let value = vars.lookup(name);
                let verbatim = || template.get(*start..*end).unwrap_or_default().to_owned();
                let text = match (op, value) {
                    (None | Some(Operator::DefaultIfUnset), Some(v)) => v.to_owned(),
                    (None | Some(Operator::Required | Operator::RequiredNonEmpty), None) => {
                        out.unknown = true;
                        verbatim()
                    }
                    (Some(Operator::DefaultIfEmpty), Some(v)) if !v.is_empty() => v.to_owned(),
                    (Some(Operator::DefaultIfEmpty | Operator::DefaultIfUnset), v) => {
                        out.unknown |= v.is_none();
                        eval_to_string(arg, template, vars, out)
                    }
                    (Some(Operator::RequiredNonEmpty), Some("")) => {
                        let msg = eval_to_string(arg, template, vars, out);
                        out.errors.push(TemplateError {
                            offset: *start,
                            message: format!("required variable {name} is missing a value: {msg}"),
                        });
                        String::new()
                    }
                    (Some(Operator::RequiredNonEmpty | Operator::Required), Some(v)) => {
                        v.to_owned()
                    }
                    (Some(Operator::AltIfNonEmpty), Some("")) => String::new(),
                    (Some(Operator::AltIfNonEmpty | Operator::AltIfSet), Some(_)) => {
                        eval_to_string(arg, template, vars, out)
                    }
                    (Some(Operator::AltIfNonEmpty | Operator::AltIfSet), None) => {
                        out.unknown = true;
                        String::new()
                    }
                };
                out.text.push_str(&text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<&'static str> {
        match name {
            "FOO" => Some("first"),
            "BAR" => Some(""),
            "TAG" => Some("1.2"),
            "HOST" => Some("db"),
            "lower" => Some("low"),
            _ => None,
        }
    }

    /// (template, text, unknown, has error)
    const CASES: &[(&str, &str, bool, bool)] = &[
        // plain text and escapes
        ("foo", "foo", false, false),
        ("$${foo}", "${foo}", false, false),
        ("$$FOO", "$FOO", false, false),
        ("a$$b", "a$b", false, false),
        // known values
        ("This $FOO var", "This first var", false, false),
        ("This ${FOO} var", "This first var", false, false),
        ("$FOO-bar", "first-bar", false, false),
        ("${lower}", "low", false, false),
        ("image:${TAG}", "image:1.2", false, false),
        // empty but set
        ("ok ${BAR}", "ok ", false, false),
        ("ok ${BAR:-def}", "ok def", false, false),
        ("ok ${BAR-def}", "ok ", false, false),
        ("ok ${BAR?err}", "ok ", false, false),
        ("ok ${BAR:?err}", "ok ", false, true),
        ("${BAR:+alt}", "", false, false),
        ("${BAR+alt}", "alt", false, false),
        // set and not empty
        ("ok ${FOO:-def}", "ok first", false, false),
        ("ok ${FOO-def}", "ok first", false, false),
        ("ok ${FOO:?err}", "ok first", false, false),
        ("ok ${FOO?err}", "ok first", false, false),
        ("${FOO:+alt}", "alt", false, false),
        ("${FOO+alt}", "alt", false, false),
        // unknown variables
        ("ok ${MISSING:-def}", "ok def", true, false),
        ("ok ${MISSING-def}", "ok def", true, false),
        (
            "postgres:${MISSING:-latest}",
            "postgres:latest",
            true,
            false,
        ),
        ("${MISSING}", "${MISSING}", true, false),
        ("$MISSING/x", "$MISSING/x", true, false),
        (
            "${MISSING:?must be set}",
            "${MISSING:?must be set}",
            true,
            false,
        ),
        (
            "${MISSING?must be set}",
            "${MISSING?must be set}",
            true,
            false,
        ),
        ("${MISSING:+alt}", "", true, false),
        ("${MISSING+alt}", "", true, false),
        // nested defaults
        ("ok ${MISSING-$FOO}", "ok first", true, false),
        ("ok ${MISSING-${FOO}}", "ok first", true, false),
        ("ok ${MISSING-${FOO} ${FOO}}", "ok first first", true, false),
        ("ok ${BAR:-${FOO}}", "ok first", false, false),
        ("${A:-${B:-${C:-deep}}}", "deep", true, false),
        (
            "ok ${BAR:-/non:-alphanumeric}",
            "ok /non:-alphanumeric",
            false,
            false,
        ),
        ("${MISSING-myerror?msg}", "myerror?msg", true, false),
        ("${FOO?bar-baz}", "first", false, false),
        ("${HOST:-x}:${TAG}", "db:1.2", false, false),
        ("${FOO:-a}}", "first}", false, false),
        // invalid templates
        ("${", "${", false, true),
        ("$}", "$}", false, true),
        ("${}", "${}", false, true),
        ("${ foo}", "${ foo}", false, true),
        ("${foo }", "${foo }", false, true),
        ("${foo!}", "${foo!}", false, true),
        ("cost $5", "cost $5", false, true),
        ("end$", "end$", false, true),
    ];

    #[test]
    fn table() {
        for &(template, text, unknown, error) in CASES {
            let r = interpolate(template, &env);
            assert_eq!(r.text, text, "text of {template:?}");
            assert_eq!(r.unknown, unknown, "unknown of {template:?}");
            assert_eq!(!r.errors.is_empty(), error, "errors of {template:?}: {r:?}");
        }
        assert!(CASES.len() >= 30);
    }

    #[test]
    fn required_error_message_is_interpolated() {
        let r = interpolate("${BAR:?need ${FOO}}", &env);
        assert_eq!(
            r.errors[0].message,
            "required variable BAR is missing a value: need first"
        );
    }

    #[test]
    fn substituted_flag() {
        assert!(!interpolate("a$$b", &env).substituted);
        assert!(interpolate("${FOO}", &env).substituted);
        assert!(interpolate("${MISSING:-x}", &env).substituted);
    }

    #[test]
    fn variables_lists_nested_references_with_offsets() {
        let t = "x${A:-${B}}$C";
        let v = variables(t);
        let names: Vec<_> = v.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(&t[v[0].start..v[0].end], "${A:-${B}}");
        assert_eq!(&t[v[1].start..v[1].end], "${B}");
        assert_eq!(v[0].operator, Some(Operator::DefaultIfEmpty));
        assert_eq!(&t[v[2].start..v[2].end], "$C");
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let t = format!("{}x{}", "${A:-".repeat(200), "}".repeat(200));
        let r = interpolate(&t, &env);
        assert!(r.unknown);
        assert!(!r.errors.is_empty());
    }
}

//! When a `RUN` verifies what it downloads: checksum and signature checks, what they cover,
//! whether their failure stops the build, and the downloads that are used (extracted,
//! installed, executed) without one.
//!
//! A download counts as verified when the same script checks it before the first command
//! that uses it:
//! - checksum checks: `sha256sum -c` / `sha512sum --check` (and the other `sha*sum`,
//!   `b2sum`, `shasum -c`, `cksum --check`), whatever feeds them (`echo "<sum>  f" |`,
//!   `grep f SHASUMS |`, `<<<`, a sums file); a digest computed and compared
//!   (`[ "$(sha256sum f | cut -d' ' -f1)" = "$SHA" ]`, `if [ "$(openssl sha512 -r f)" = … ]`,
//!   `sha256sum f | grep -q "$SHA"`, `actual=$(…); [ "$actual" = "$SHA" ]`);
//! - signature checks: `gpg --verify` (any options), `gpgv`, `cosign verify-blob`,
//!   `minisign -V`, `signify -V`, `openssl dgst -verify`, `rpm -K`/`--checksig`,
//!   `gh attestation verify`, `slsa-verifier verify-artifact`, `jarsigner -verify`.
//!
//! MD5 sums do not count (`md5sum -c`): MD5 collisions are practical.
//!
//! A check *covers* a download when its words (and what is piped or redirected into it)
//! name the downloaded file, or when it names none of the other downloaded files that the
//! script uses (`sha256sum -c SHA256SUMS` checks whatever the sums file lists).
//!
//! A check *guards* a later command when the command cannot run after the check failed:
//! the check's failure is handled (`|| exit 1`, an `if` condition), or the command follows it
//! through `&&` only, or `set -e` is on and the check ends its and-or list. A check whose
//! failure is ignored (`sha256sum -c x || true`), or whose status a later pipe stage
//! hides, guards nothing; a check that runs only on some paths (an `if` branch, after `||`)
//! guards only commands on the same path.
//!
//! The first use of a downloaded file is looked for among the [`MAX_USE_DISTANCE`]
//! commands after the download: a script of thousands of downloads would otherwise cost
//! every download a walk over the rest of the script.

use crate::knowledge::commands::{self, Download, DownloadTarget, ShellOption};
use crate::source::Span;
use crate::syntax::shell::{Command, CommandView, Connector, Context, Pipeline, Script};

/// Commands after a download searched for its first use.
pub const MAX_USE_DISTANCE: usize = 256;

/// What a check establishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// The content matches an expected digest.
    Checksum,
    /// The content is signed by an expected key.
    Signature,
}

/// A verification command in a script.
#[derive(Clone, Debug)]
pub struct Check {
    /// The command that computes or verifies (`sha256sum`, `gpg`).
    pub tool_index: usize,
    /// The command whose status carries the result: the verifier itself, or what compares a
    /// computed digest (the test `[`, or `grep` in `sha256sum f | grep -q "$SHA"`).
    pub status_index: usize,
    pub kind: CheckKind,
    /// `sha256sum`, `gpg`, `openssl`…
    pub tool: String,
    pub span: Span,
    /// The words of the check and of what feeds it, for [`Check::mentions`].
    text: String,
}

impl Check {
    /// Whether the check names `file` (compared by file name, see [`mentions`]).
    pub fn mentions(&self, file: &str) -> bool {
        mentions(&self.text, file)
    }
}

/// Normalises shell text for comparisons: `${NAME}` becomes `$NAME`, a leading `./` goes.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            out.push('$');
            out.push_str(&after[..name_len]);
            rest = &after[name_len + 1..];
        } else {
            out.push_str("${");
            rest = after;
        }
    }
    out.push_str(rest);
    match out.strip_prefix("./") {
        Some(s) => s.to_owned(),
        None => out,
    }
}

/// The file name of a path (`/tmp/go.tgz` → `go.tgz`), normalised.
pub fn file_name(path: &str) -> String {
    let n = normalise(path);
    let trimmed = n.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// Whether two paths name the same file, compared by file name (the directory a relative
/// name resolves to is not known).
pub fn same_file(a: &str, b: &str) -> bool {
    let (a, b) = (file_name(a), file_name(b));
    !a.is_empty() && a == b
}

/// Whether `text` names the file `file`: its file name appears after a separator (start,
/// blank, `/`, `*`, quote, `=`, `:`, `(`) and before an end (end, blank, quote, `)`, `$`, `.`,
/// `;`, `,`, `|`), so `go.tgz` is named by `*go.tgz`, `/tmp/go.tgz`, `go.tgz.asc` and
/// `" go.tgz$"`, not by `mygo.tgz`.
pub fn mentions(text: &str, file: &str) -> bool {
    let name = file_name(file);
    if name.is_empty() {
        return false;
    }
    let text = normalise(text);
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(&name) {
        let start = from + found;
        let end = start + name.len();
        let before_ok = start == 0
            || matches!(
                bytes[start - 1],
                b' ' | b'\t' | b'\n' | b'/' | b'*' | b'\'' | b'"' | b'=' | b':' | b'('
            );
        let after_ok = end == bytes.len()
            || matches!(
                bytes[end],
                b' ' | b'\t' | b'\n' | b'\'' | b'"' | b')' | b'$' | b'.' | b';' | b',' | b'|'
            );
        if before_ok && after_ok {
            return true;
        }
        from = start + 1;
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// Programs that print a digest (`sha256sum f`), and with `-c`/`--check` verify a list.
fn is_sum_program(name: &str) -> bool {
    matches!(
        name,
        "sha1sum"
            | "sha224sum"
            | "sha256sum"
            | "sha384sum"
            | "sha512sum"
            | "b2sum"
            | "shasum"
            | "cksum"
            | "rhash"
    )
}

/// What a command is, as a check: a verifier (its status is the verdict), or a digest
/// computation whose output must be compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Verifies(CheckKind),
    Computes,
}

fn role(view: &CommandView<'_>) -> Option<Role> {
    let name = view.name()?;
    let args = view.args();
    let sub = |i: usize| args.get(i).map(|w| w.text.as_str());
    if is_sum_program(name) {
        return Some(if view.has_flag(&["-c", "--check"]) {
            Role::Verifies(CheckKind::Checksum)
        } else {
            Role::Computes
        });
    }
    match name {
        "gpg" | "gpg2" if view.has_flag(&["--verify", "--verify-files"]) => {
            Some(Role::Verifies(CheckKind::Signature))
        }
        "gpgv" | "gpgv2" => Some(Role::Verifies(CheckKind::Signature)),
        "minisign" | "signify" | "signify-openbsd" if view.has_flag(&["-V"]) => {
            Some(Role::Verifies(CheckKind::Signature))
        }
        "cosign" if matches!(sub(0), Some("verify-blob" | "verify-blob-attestation")) => {
            Some(Role::Verifies(CheckKind::Signature))
        }
        "gh" if sub(0) == Some("attestation") && sub(1) == Some("verify") => {
            Some(Role::Verifies(CheckKind::Signature))
        }
        "slsa-verifier" if sub(0) == Some("verify-artifact") => {
            Some(Role::Verifies(CheckKind::Signature))
        }
        "jarsigner" if view.has_flag(&["-verify"]) => Some(Role::Verifies(CheckKind::Signature)),
        "rpm" | "rpmkeys" if view.has_flag(&["-K", "--checksig"]) => {
            Some(Role::Verifies(CheckKind::Signature))
        }
        "openssl" => match sub(0) {
            Some("dgst") if view.has_flag(&["-verify", "-prverify"]) => {
                Some(Role::Verifies(CheckKind::Signature))
            }
            Some(
                "dgst" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512" | "sha3-256"
                | "sha3-512",
            ) => Some(Role::Computes),
            _ => None,
        },
        _ => None,
    }
}

fn is_test(c: &Command) -> bool {
    matches!(c.unwrapped().name(), Some("[" | "[[" | "test"))
}

/// The words of a command and what feeds its standard input: earlier pipe stages, `<`
/// files, here-strings and heredoc bodies.
fn fed_text(script: &Script, c: &Command) -> String {
    let mut parts: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
    let upstream = script.upstream(c.index);
    for u in &upstream {
        parts.extend(u.words.iter().map(|w| w.text.as_str()));
    }
    for r in c
        .redirects
        .iter()
        .chain(upstream.iter().flat_map(|u| &u.redirects))
    {
        if let Some(doc) = &r.heredoc {
            parts.push(&doc.body);
        } else if let Some(t) = &r.target {
            parts.push(&t.text);
        }
    }
    parts.join(" ")
}

/// For a digest computed inside `$( … )`: the command holding the substitution.
fn substitution_owner<'a>(script: &'a Script, c: &Command) -> Option<&'a Command> {
    let mut cur = c;
    for _ in 0..8 {
        let parent = cur.parent?;
        let owner = script.command(parent.command)?;
        if matches!(cur.context, Context::CommandSubst | Context::Backquote)
            || script.enclosing_blocks(cur.index).next().is_some_and(|b| {
                matches!(
                    b.kind,
                    crate::syntax::shell::BlockKind::CommandSubst
                        | crate::syntax::shell::BlockKind::Backquote
                )
            })
        {
            return Some(owner);
        }
        cur = owner;
    }
    None
}

/// Whether word text references variable `name` (`$name`, `${name}`).
fn references(text: &str, name: &str) -> bool {
    let text = normalise(text);
    let needle = format!("${name}");
    text.match_indices(&needle).any(|(at, _)| {
        text[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// When a computed digest is compared: the command whose status is the comparison.
fn comparison(script: &Script, tool: &Command) -> Option<usize> {
    // The digest is piped on to a comparison: `sha256sum f | grep -q "$SHA"`.
    if let Some(last) = script.downstream(tool.index).last() {
        if matches!(
            last.unwrapped().name(),
            Some("grep" | "egrep" | "fgrep" | "cmp" | "diff")
        ) {
            return Some(last.index);
        }
    }
    let owner = substitution_owner(script, tool)?;
    // `[ "$(sha256sum f)" = "$SHA" ]`
    if is_test(owner) {
        return Some(owner.index);
    }
    // `actual=$(sha256sum f | cut …)` then `[ "$actual" = "$SHA" ]`.
    let names: Vec<&str> = commands::env_assignments(owner)
        .into_iter()
        .map(|(_, n, _)| n)
        .collect();
    script
        .commands()
        .skip(owner.index + 1)
        .find(|c| {
            is_test(c)
                && c.words
                    .iter()
                    .any(|w| names.iter().any(|n| references(&w.text, n)))
        })
        .map(|c| c.index)
}

/// Every checksum or signature check in a script, in command order.
pub fn checks(script: &Script) -> Vec<Check> {
    let mut out = Vec::new();
    for c in script.commands() {
        let view = c.unwrapped();
        let Some(role) = role(&view) else { continue };
        let tool = view.name().unwrap_or_default().to_owned();
        let (kind, status_index) = match role {
            // A later pipe stage hiding the verdict is handled by `guards`.
            Role::Verifies(kind) => (kind, c.index),
            Role::Computes => match comparison(script, c) {
                Some(i) => (CheckKind::Checksum, i),
                None => continue,
            },
        };
        let mut text = fed_text(script, c);
        if let Some(s) = script.command(status_index) {
            if status_index != c.index {
                text.push(' ');
                text.push_str(&fed_text(script, s));
            }
        }
        out.push(Check {
            tool_index: c.index,
            status_index,
            kind,
            tool,
            span: c.span,
            text,
        });
    }
    out
}

/// The pipeline `index` of `script`.
fn pipeline(script: &Script, index: usize) -> Option<&Pipeline> {
    script.pipelines.get(index)
}

/// The pipeline around the compound command or nested script block `block`.
fn outer_pipeline(script: &Script, mut block: Option<usize>) -> Option<usize> {
    for _ in 0..=4 * crate::syntax::shell::MAX_DEPTH {
        let b = script.blocks.get(block?)?;
        if b.kind.is_compound() {
            return b.pipeline;
        }
        if let Some(owner) = b.owner {
            return script.command(owner.command).map(|c| c.pipeline);
        }
        block = b.parent;
    }
    None
}

/// The pipelines that contain command `index`, innermost first.
fn pipeline_chain(script: &Script, index: usize) -> Vec<usize> {
    let mut chain = Vec::new();
    let Some(mut p) = script.command(index).map(|c| c.pipeline) else {
        return chain;
    };
    for _ in 0..=4 * crate::syntax::shell::MAX_DEPTH {
        chain.push(p);
        match pipeline(script, p).and_then(|pl| outer_pipeline(script, pl.block)) {
            Some(outer) if !chain.contains(&outer) => p = outer,
            _ => break,
        }
    }
    chain
}

/// The pipeline `p` failing runs an `||` branch that stops the script (`|| exit 1`,
/// `|| { echo bad; exit 1; }`, `|| false`).
fn recovered_by_exit(script: &Script, p: usize) -> bool {
    let Some(pl) = pipeline(script, p) else {
        return false;
    };
    let next = script
        .pipelines
        .iter()
        .skip(p + 1)
        .find(|q| q.block == pl.block && q.context == pl.context);
    let Some(next) = next.filter(|q| q.after == Some(Connector::Or)) else {
        return false;
    };
    next.commands().filter_map(|i| script.command(i)).any(|c| {
        let view = c.unwrapped();
        match view.name() {
            Some("exit" | "return") => view.args().first().is_none_or(|w| w.text != "0"),
            Some("false" | "abort") => true,
            _ => false,
        }
    })
}

/// `later` follows pipeline `p` in the same list through `&&` only.
fn and_chained(script: &Script, p: usize, later: usize) -> bool {
    let (Some(first), Some(last)) = (pipeline(script, p), pipeline(script, later)) else {
        return false;
    };
    if later <= p || first.block != last.block || first.context != last.context {
        return false;
    }
    first.followed_by == Some(Connector::And)
        && script.pipelines[p + 1..=later]
            .iter()
            .filter(|q| q.block == first.block && q.context == first.context)
            .all(|q| q.after == Some(Connector::And))
}

/// Where a command that runs only on some paths sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Conditional {
    /// The block whose list makes it conditional (`None`: the top level, after `||`).
    block: Option<usize>,
}

/// The block that makes command `index` conditional (an `if` branch, `case` arm, loop or
/// function body, or `||`); `None` when it always runs.
fn conditional_block(script: &Script, index: usize) -> Option<Conditional> {
    for p in pipeline_chain(script, index) {
        let pl = pipeline(script, p)?;
        if pl.after == Some(Connector::Or)
            || matches!(
                pl.context,
                Context::IfBranch | Context::CaseArm | Context::LoopBody | Context::FunctionBody
            )
        {
            return Some(Conditional { block: pl.block });
        }
    }
    None
}

/// Whether command `later` cannot run after `check` failed (see the module docs).
/// `shell_pipefail` says whether the `RUN`'s shell has `-o pipefail`; `later` `None` means
/// the end of the script (the `RUN` fails).
pub fn guards(script: &Script, check: &Check, later: Option<usize>, shell_pipefail: bool) -> bool {
    let status = check.status_index;
    let Some(cmd) = script.command(status) else {
        return false;
    };
    let Some(p) = pipeline(script, cmd.pipeline) else {
        return false;
    };
    // A check that runs only on some paths guards only commands on the same path.
    if let Some(Conditional { block }) = conditional_block(script, status) {
        let inside = match (block, later) {
            (Some(b), Some(l)) => script
                .enclosing_blocks(l)
                .any(|x| script.blocks.get(b).is_some_and(|bb| std::ptr::eq(x, bb))),
            _ => false,
        };
        if !inside {
            return false;
        }
    }
    if matches!(p.context, Context::IfCondition | Context::LoopCondition) {
        return true;
    }
    let last_stage = cmd.stage + 1 == p.len()
        || commands::option_on(script, status, ShellOption::Pipefail, shell_pipefail);
    if !last_stage || p.negated {
        return false;
    }
    if p.recovered {
        return recovered_by_exit(script, cmd.pipeline);
    }
    if script.failure_ignored(status) {
        return false;
    }
    if let Some(l) = later {
        if pipeline_chain(script, l)
            .into_iter()
            .any(|q| and_chained(script, cmd.pipeline, q))
        {
            return true;
        }
    } else if top_level_chain_to_end(script, cmd.pipeline) {
        return true;
    }
    commands::option_on(script, status, ShellOption::Errexit, false)
        && p.followed_by != Some(Connector::And)
}

/// Pipeline `p` is at the top level and every later top-level pipeline follows it through
/// `&&` (its failure is the script's status).
fn top_level_chain_to_end(script: &Script, p: usize) -> bool {
    let Some(first) = pipeline(script, p) else {
        return false;
    };
    first.block.is_none()
        && script.pipelines[p + 1..]
            .iter()
            .filter(|q| q.block.is_none())
            .all(|q| q.after == Some(Connector::And))
}

/// How a downloaded file is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UseKind {
    /// Unpacked (`tar -x`, `unzip`, `gunzip`).
    Extract,
    /// Installed or made executable (`dpkg -i`, `rpm -i`, `apk add`, `pip install`,
    /// `install`, `chmod +x`).
    Install,
    /// Run (`sh f`, `./f`, `java -jar f`).
    Execute,
}

impl UseKind {
    /// `extracts`, `installs`, `executes`.
    pub fn verb(self) -> &'static str {
        match self {
            UseKind::Extract => "extracts",
            UseKind::Install => "installs",
            UseKind::Execute => "executes",
        }
    }
}

/// `tar` in extract mode: `-x`, `--extract`, `--get`, or an old-style first argument
/// (`xzf`).
fn tar_extracts(view: &CommandView<'_>) -> bool {
    view.has_flag(&["-x", "--extract", "--get"])
        || view.args().first().is_some_and(|w| {
            !w.text.starts_with('-')
                && w.text.contains('x')
                && w.text.len() <= 8
                && w.text.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// The command unpacks an archive (the file operand is not checked).
fn extractor(view: &CommandView<'_>) -> bool {
    let Some(name) = view.name() else {
        return false;
    };
    let sub = view.args().first().map(|w| w.text.as_str());
    match name {
        "tar" | "bsdtar" | "gtar" => tar_extracts(view),
        "unzip" | "gunzip" | "unxz" | "bunzip2" | "unzstd" | "funzip" | "unlzma" | "lunzip"
        | "unsquashfs" | "cpio" | "rpm2cpio" | "ar" => true,
        "gzip" | "xz" | "bzip2" | "zstd" | "lzma" | "lz4" | "brotli" => {
            view.has_flag(&["-d", "--decompress"])
        }
        "7z" | "7za" | "7zr" => matches!(sub, Some("x" | "e")),
        "jar" => sub.is_some_and(|s| s.starts_with('x') || s.starts_with("-x")),
        _ => false,
    }
}

/// Words of `view` after the program, and the values after `=` of `--opt=value` words.
fn operand_texts<'a>(view: &CommandView<'a>) -> impl Iterator<Item = &'a str> + 'a {
    view.args().iter().map(|w| {
        let t = w.text.as_str();
        if t.starts_with('-') {
            t.split_once('=').map_or(t, |(_, v)| v)
        } else {
            t
        }
    })
}

fn names_file(view: &CommandView<'_>, file: &str) -> bool {
    operand_texts(view).any(|t| same_file(t, file))
}

/// A mode that grants execute permission (`+x`, `a+x`, `u+rwx`, `755`, `0750`).
fn grants_execute(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        return mode
            .chars()
            .rev()
            .take(3)
            .any(|c| matches!(c, '1' | '3' | '5' | '7'));
    }
    mode.split(',').any(|clause| {
        clause
            .split_once(['+', '='])
            .is_some_and(|(_, perms)| perms.contains('x'))
    })
}

/// Directories whose programs run by name.
fn on_path(path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    matches!(
        dir,
        "/usr/local/bin" | "/usr/bin" | "/bin" | "/usr/local/sbin" | "/usr/sbin" | "/sbin"
    )
}

/// How command `c` uses the downloaded `file`, if it does.
pub fn file_use(c: &Command, file: &str) -> Option<UseKind> {
    let view = c.unwrapped();
    let program = view.program()?;
    // Run by path (`./install.sh`, `/tmp/rustup-init`) or, from a `PATH` directory, by name.
    if same_file(&program.text, file)
        && (program.text.contains('/') || (on_path(file) && !program.has_expansion))
    {
        return Some(UseKind::Execute);
    }
    let name = view.name()?;
    let sub = view.args().first().map(|w| w.text.as_str());
    if extractor(&view) {
        return names_file(&view, file).then_some(UseKind::Extract);
    }
    let kind = match name {
        "chmod" => {
            let pos = view.positional(&["--reference"]);
            let (mode, files) = pos.split_first()?;
            return (grants_execute(&mode.text) && files.iter().any(|w| same_file(&w.text, file)))
                .then_some(UseKind::Install);
        }
        "install" => {
            let pos = view.positional(&[
                "-m",
                "--mode",
                "-o",
                "--owner",
                "-g",
                "--group",
                "-t",
                "--target-directory",
                "-S",
                "--suffix",
            ]);
            return pos
                .first()
                .is_some_and(|w| same_file(&w.text, file))
                .then_some(UseKind::Install);
        }
        "dpkg" if view.has_flag(&["-i", "--install", "--unpack"]) => UseKind::Install,
        "rpm" if view.has_flag(&["-i", "-U", "-F", "--install", "--upgrade", "--freshen"]) => {
            UseKind::Install
        }
        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" | "tdnf"
            if matches!(
                sub,
                Some("install" | "localinstall" | "reinstall" | "in" | "upgrade")
            ) =>
        {
            UseKind::Install
        }
        "apk" if sub == Some("add") => UseKind::Install,
        "gem" | "npm" | "pnpm" if matches!(sub, Some("install" | "i" | "add")) => UseKind::Install,
        "yarn" if matches!(sub, Some("add" | "global")) => UseKind::Install,
        n if n.starts_with("pip") && sub == Some("install") => UseKind::Install,
        n if n.starts_with("python")
            && view
                .args()
                .windows(3)
                .any(|w| w[0].text == "-m" && w[1].text == "pip" && w[2].text == "install") =>
        {
            UseKind::Install
        }
        "java" => {
            let jar = view.flag_value(&["-jar"])?;
            return same_file(jar.value, file).then_some(UseKind::Execute);
        }
        n if commands::is_interpreter(n) && !matches!(n, "eval") => {
            if view.script_arg().is_some() {
                return None;
            }
            let first = view
                .positional(&["-o", "+o", "-O", "+O", "-W", "-X", "-I", "-m"])
                .into_iter()
                .next()?;
            return same_file(&first.text, file).then_some(UseKind::Execute);
        }
        _ => return None,
    };
    names_file(&view, file).then_some(kind)
}

/// The command reads an archive from standard input and unpacks it (`tar -xz`,
/// `tar -xf -`, `gunzip`, `bsdtar -xf -`, `cpio -i`).
fn extracts_stdin(c: &Command) -> bool {
    let view = c.unwrapped();
    if !extractor(&view) {
        return false;
    }
    match view.name() {
        Some("tar" | "bsdtar" | "gtar") => view
            .flag_value(&["-f", "--file"])
            .is_none_or(|v| v.value == "-" || v.value == "/dev/stdin"),
        Some("unzip" | "7z" | "7za" | "7zr" | "jar" | "unsquashfs" | "ar") => false,
        _ => view.positional(&[]).iter().all(|w| w.text == "-"),
    }
}

/// A downloaded file used without a check that guards the use.
#[derive(Clone, Debug)]
pub struct UnverifiedDownload<'a> {
    pub download: Download<'a>,
    /// The file, or `None` when the download is piped into the command.
    pub file: Option<String>,
    /// The command that uses the download.
    pub user: &'a Command,
    pub kind: UseKind,
}

/// Downloads in `script` that are extracted, installed or executed with no checksum or
/// signature check covering and guarding the use, including downloads piped straight into
/// an extractor (`curl … | tar -xz`), which cannot be checked at all. Downloads piped into
/// an interpreter are [`commands::remote_executions`]. `shell_pipefail` is the `RUN`'s
/// `SHELL` setting.
pub fn unverified_downloads(script: &Script, shell_pipefail: bool) -> Vec<UnverifiedDownload<'_>> {
    let all = commands::downloads(script);
    let checks = checks(script);
    // Each command's words as `file_name` reads them, to skip commands that cannot name a
    // file before asking `file_use`.
    let words: Vec<String> = if all.is_empty() {
        Vec::new()
    } else {
        script
            .commands()
            .map(|c| {
                let joined: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
                normalise(&joined.join("\n"))
            })
            .collect()
    };
    // The first use of each downloaded file.
    let uses: Vec<Option<(&Command, UseKind)>> = all
        .iter()
        .map(|d| match &d.target {
            DownloadTarget::File(f) => {
                let name = file_name(f);
                script
                    .commands()
                    .skip(d.command.index + 1)
                    .take(MAX_USE_DISTANCE)
                    .filter(|c| words.get(c.index).is_none_or(|w| w.contains(name.as_str())))
                    .find_map(|c| file_use(c, f).map(|k| (c, k)))
            }
            DownloadTarget::Stdout => script
                .downstream(d.command.index)
                .into_iter()
                .find(|c| extracts_stdin(c))
                .map(|c| (c, UseKind::Extract)),
            DownloadTarget::Unknown => None,
        })
        .collect();
    let used_owned: Vec<String> = all
        .iter()
        .zip(&uses)
        .filter_map(|(d, u)| match (&d.target, u) {
            (DownloadTarget::File(f), Some(_)) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let used_files: Vec<&str> = used_owned.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for (d, used) in all.into_iter().zip(uses) {
        let Some((user, kind)) = used else { continue };
        let file = match &d.target {
            DownloadTarget::File(f) => Some(f.clone()),
            _ => None,
        };
        if let Some(f) = &file {
            let verified = checks.iter().any(|c| {
                c.tool_index > d.command.index
                    && c.status_index < user.index
                    && covers(c, f, &used_files)
                    && guards(script, c, Some(user.index), shell_pipefail)
            });
            if verified {
                continue;
            }
        }
        out.push(UnverifiedDownload {
            download: d,
            file,
            user,
            kind,
        });
    }
    out
}

/// Whether check `c` covers the downloaded `file`, given the files the script uses.
pub fn covers(c: &Check, file: &str, used_files: &[&str]) -> bool {
    c.mentions(file)
        || !used_files
            .iter()
            .any(|other| !same_file(other, file) && c.mentions(other))
}

/// Whether `script` checks `file` with a check that stops the script when it fails, before
/// any command uses the file: for files a previous instruction fetched (`ADD <url>`).
/// `Some(true)`: verified; `Some(false)`: used first; `None`: the script does neither.
pub fn verifies_before_use(script: &Script, file: &str, shell_pipefail: bool) -> Option<bool> {
    let first_use = script
        .commands()
        .find(|c| file_use(c, file).is_some())
        .map(|c| c.index);
    let verified = checks(script).iter().any(|c| {
        c.mentions(file)
            && first_use.is_none_or(|u| c.status_index < u)
            && guards(script, c, first_use, shell_pipefail)
    });
    match (verified, first_use) {
        (true, _) => Some(true),
        (false, Some(_)) => Some(false),
        (false, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{MappedText, shell};

    fn parse(s: &str) -> Script {
        shell::parse(&MappedText::contiguous(s, 0))
    }

    /// `(downloader, file, user)` of each unverified download.
    fn unverified(s: &str) -> Vec<(String, Option<String>, String)> {
        let script = parse(s);
        unverified_downloads(&script, false)
            .into_iter()
            .map(|u| {
                (
                    u.download.downloader.to_owned(),
                    u.file,
                    u.user.unwrapped().name().unwrap_or("?").to_owned(),
                )
            })
            .collect()
    }

    fn quiet(s: &str) {
        assert!(unverified(s).is_empty(), "{s}: {:?}", unverified(s));
    }

    fn fires(s: &str) {
        assert_eq!(unverified(s).len(), 1, "{s}");
    }

    #[test]
    fn normalising_and_naming_files() {
        assert_eq!(normalise("${A}/x-${B_C}.tgz"), "$A/x-$B_C.tgz");
        assert_eq!(normalise("${A:-x}"), "${A:-x}");
        assert_eq!(normalise("./go.tgz"), "go.tgz");
        assert!(same_file("/tmp/go.tgz", "go.tgz"));
        assert!(!same_file("/tmp/go.tgz", "go.tgz.asc"));
        assert!(mentions("$SHA *go.tgz", "/tmp/go.tgz"));
        assert!(mentions("--verify go.tgz.asc", "go.tgz"));
        assert!(mentions(
            " node-v$V-linux-$A.tar.xz$ SHASUMS",
            "node-v${V}-linux-${A}.tar.xz"
        ));
        assert!(!mentions("mygo.tgz", "go.tgz"));
        assert!(!mentions("go.tgzx", "go.tgz"));
        assert!(!mentions("anything", ""));
    }

    #[test]
    fn download_targets() {
        use DownloadTarget::{File, Stdout, Unknown};
        let s = parse(
            "curl -fsSLO https://x/a/b.tar.gz?x=1; curl -o /tmp/c.zip https://x/c; curl https://x/d > e.tgz; \
             curl -fsSL https://x/f; wget https://x/g.deb; wget -qO- https://x/h; wget -P /opt https://x/i.jar; \
             wget -O j \"$url\"; curl -OJ https://x/k; curl --output-dir /d -O https://x/l.tgz; \
             aria2c -d /t -o m.tgz https://x/m; wget \"$url\"",
        );
        let got: Vec<DownloadTarget> = commands::downloads(&s)
            .into_iter()
            .map(|d| d.target)
            .collect();
        assert_eq!(
            got,
            [
                File("b.tar.gz".into()),
                File("/tmp/c.zip".into()),
                File("e.tgz".into()),
                Stdout,
                File("g.deb".into()),
                Stdout,
                File("/opt/i.jar".into()),
                File("j".into()),
                Unknown,
                File("/d/l.tgz".into()),
                File("/t/m.tgz".into()),
                Unknown,
            ]
        );
    }

    #[test]
    fn unverified_uses_fire() {
        fires("curl -fsSLo /tmp/app.tgz https://x/app.tgz && tar -xzf /tmp/app.tgz -C /opt");
        fires("wget https://x/tool.deb && dpkg -i tool.deb");
        fires(
            "curl -Lo /usr/local/bin/kubectl https://dl/kubectl && chmod +x /usr/local/bin/kubectl",
        );
        fires("curl -LO https://x/install.sh && bash install.sh --yes");
        fires("curl -LO https://x/install.sh; chmod 0755 ./install.sh");
        fires("wget -O /tmp/x.rpm https://x/x.rpm && rpm -ivh /tmp/x.rpm");
        fires("curl -fsSL https://x/app.tar.gz | tar -xz -C /opt");
        fires("wget -qO- https://x/a.tgz | tar xzf - -C /opt");
        fires("curl -fsSLO https://x/app.jar && java -jar app.jar --version");
        fires("curl -o a.whl https://x/a.whl && pip install ./a.whl");
        fires("curl -o a.zip https://x/a.zip && unzip a.zip");
        fires("curl -o /tmp/x https://x/x && install -m 755 /tmp/x /usr/local/bin/x");
        fires("curl -o k https://x/k && ./k version");
    }

    #[test]
    fn unused_and_unknown_downloads_are_quiet() {
        quiet("curl -fsSLo /tmp/data.json https://x/data.json");
        quiet("curl -o /tmp/a.tgz https://x/a.tgz && tar -tzf /tmp/a.tgz");
        quiet("wget \"$url\" && tar xf go.tgz");
        quiet("curl -fsSL https://x/key.asc | gpg --dearmor -o /k.gpg");
        quiet("curl -fsSL https://x/install.sh | sh");
        quiet("curl -o a.tgz https://x/a.tgz && chmod 644 a.tgz");
    }

    #[test]
    fn checks_before_use_verify() {
        quiet(
            "curl -fsSLo /tmp/a.tgz https://x/a.tgz && echo \"$SHA  /tmp/a.tgz\" | sha256sum -c - && tar -xzf /tmp/a.tgz",
        );
        quiet(
            "set -eux; wget -O go.tgz \"$url\"; echo \"$sha256 *go.tgz\" | sha256sum -c -; tar -C /usr/local -xzf go.tgz",
        );
        quiet(
            "set -eux; wget -O p.tar.xz \"$U\"; wget -O p.tar.xz.asc \"$U.asc\"; gpg --batch --verify p.tar.xz.asc p.tar.xz; tar -xf p.tar.xz",
        );
        quiet(
            "curl -O https://x/SHA256SUMS && curl -O https://x/a.tgz && sha256sum -c --ignore-missing SHA256SUMS && tar xf a.tgz",
        );
        quiet(
            "curl -fsSLO https://n/node-v$V-linux-$A.tar.xz && grep \" node-v$V-linux-$A.tar.xz\\$\" SHASUMS256.txt | sha256sum -c - && tar -xJf \"node-v$V-linux-$A.tar.xz\" -C /usr/local",
        );
        quiet(
            "curl -o f.tgz https://x/f.tgz && if [ \"$(openssl sha512 -r f.tgz)\" = \"$SUM\" ]; then tar xzf f.tgz; else exit 1; fi",
        );
        quiet(
            "curl -o f.tgz https://x/f.tgz && [ \"$(sha256sum f.tgz | cut -d' ' -f1)\" = \"$SHA\" ] && tar xzf f.tgz",
        );
        quiet(
            "curl -o f.tgz https://x/f.tgz; actual=$(sha256sum f.tgz | awk '{print $1}'); [ \"$actual\" = \"$SHA\" ] || exit 1; tar xzf f.tgz",
        );
        quiet(
            "curl -o f.tgz https://x/f.tgz && sha256sum f.tgz | grep -q \"$SHA\" && tar xzf f.tgz",
        );
        quiet("curl -o f.tgz https://x/f.tgz && sha256sum -c <<< \"$SHA  f.tgz\" && tar xzf f.tgz");
        quiet(
            "curl -o f https://x/f && cosign verify-blob --key k.pub --signature f.sig f && chmod +x f",
        );
        quiet("curl -o f https://x/f && minisign -Vm f -P $PK && chmod +x f");
        quiet("curl -o f https://x/f && gpgv --keyring k.gpg f.sig f && chmod +x f");
        quiet(
            "curl -o f https://x/f && openssl dgst -sha256 -verify pub.pem -signature f.sig f && chmod +x f",
        );
        quiet("curl -o f https://x/f && { sha256sum -c f.sha256 || exit 1; } && chmod +x f");
        quiet(
            "curl -o f.tgz https://x/f.tgz && echo \"$S  f.tgz\" | shasum -a 256 -c && tar xzf f.tgz",
        );
        quiet(
            "curl -o f.tgz https://x/f.tgz && sha512sum --status -c f.tgz.sha512 && tar xzf f.tgz",
        );
        quiet("curl -o f https://x/f; sha256sum -c f.sha256 || exit 1; chmod +x f");
        quiet(
            "if [ -n \"$C\" ]; then curl -O https://x/n.tar.xz; echo \"$C  n.tar.xz\" | sha256sum -c - && tar -xJf n.tar.xz; fi",
        );
    }

    #[test]
    fn ineffective_or_misplaced_checks_do_not_verify() {
        // Failure ignored.
        fires("curl -o f.tgz https://x/f.tgz && (sha256sum -c f.sha || true) && tar xzf f.tgz");
        fires("curl -o f.tgz https://x/f.tgz; sha256sum -c f.sha || true; tar xzf f.tgz");
        // No `set -e`: the check's failure does not stop the next command.
        fires("curl -o f.tgz https://x/f.tgz; echo \"$S  f.tgz\" | sha256sum -c -; tar xzf f.tgz");
        // After the use.
        fires("curl -o f.tgz https://x/f.tgz && tar xzf f.tgz && sha256sum -c f.sha");
        // Hidden by a later pipe stage.
        fires("curl -o f.tgz https://x/f.tgz && sha256sum -c f.sha | tee log && tar xzf f.tgz");
        // MD5 is not a verification.
        fires("curl -o f.tgz https://x/f.tgz && echo \"$M  f.tgz\" | md5sum -c - && tar xzf f.tgz");
        // Only on one path.
        fires(
            "set -e; curl -o f.tgz https://x/f.tgz; if [ -n \"$S\" ]; then echo \"$S  f.tgz\" | sha256sum -c -; fi; tar xzf f.tgz",
        );
        // Checks another used download.
        let got = unverified(
            "curl -o a.tgz https://x/a && curl -o b.tgz https://x/b && echo \"$S  a.tgz\" | sha256sum -c - && tar xf a.tgz && tar xf b.tgz",
        );
        assert_eq!(
            got,
            [(
                "curl".to_owned(),
                Some("b.tgz".to_owned()),
                "tar".to_owned()
            )]
        );
        // A digest printed but never compared.
        fires("curl -o f.tgz https://x/f.tgz && sha256sum f.tgz && tar xzf f.tgz");
    }

    #[test]
    fn check_kinds() {
        let s = parse(
            "echo x | sha512sum --strict --check -; gpg --batch --verify a.asc a; openssl sha256 f; cosign verify-blob f; sha256sum f",
        );
        let kinds: Vec<(String, CheckKind)> =
            checks(&s).into_iter().map(|c| (c.tool, c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("sha512sum".to_owned(), CheckKind::Checksum),
                ("gpg".to_owned(), CheckKind::Signature),
                ("cosign".to_owned(), CheckKind::Signature),
            ]
        );
    }

    #[test]
    fn verification_in_a_later_script() {
        assert_eq!(
            verifies_before_use(
                &parse("echo \"$S  /tmp/a.tgz\" | sha256sum -c - && tar xf /tmp/a.tgz"),
                "/tmp/a.tgz",
                false
            ),
            Some(true)
        );
        assert_eq!(
            verifies_before_use(&parse("tar xf /tmp/a.tgz"), "/tmp/a.tgz", false),
            Some(false)
        );
        assert_eq!(
            verifies_before_use(&parse("echo hi"), "/tmp/a.tgz", false),
            None
        );
        assert_eq!(
            verifies_before_use(
                &parse("echo \"$S  a.tgz\" | sha256sum -c - || true"),
                "a.tgz",
                false
            ),
            None
        );
    }

    /// Pieces of download-and-check scripts, glued at random.
    const TOKENS: &[&str] = &[
        "curl -fsSLo f.tgz https://x/f.tgz",
        "wget -O- https://x/a",
        "wget https://x/g.deb",
        "curl -O https://x/${V}/n.tar.xz",
        "tar -xzf f.tgz",
        "tar xJf n.tar.xz",
        "| tar -xz",
        "dpkg -i g.deb",
        "chmod +x f.tgz",
        "./f.tgz",
        "sh n.tar.xz",
        "echo \"$S  f.tgz\"",
        "| sha256sum -c -",
        "sha256sum -c SUMS",
        "gpg --verify f.tgz.asc f.tgz",
        "[ \"$(sha256sum f.tgz)\" = x ]",
        "a=$(openssl sha512 -r f.tgz)",
        "[ \"$a\" = x ]",
        "set -e",
        "set -eo pipefail",
        "set +e",
        " && ",
        " || ",
        " ; ",
        " | ",
        "\n",
        "if true; then",
        "fi",
        "else",
        "{ ",
        "; }",
        "( ",
        " )",
        "|| exit 1",
        "|| true",
        "sh -c '",
        "'",
        "\"",
        "$(",
        ")",
        "<<EOF\n",
        "\nEOF\n",
        "<<< x",
        "> ~/.npmrc",
        "sed -i 's/a/b/' f",
        "é",
        "🦀",
        "\\",
        "${",
        "}",
        "#",
    ];

    fn token_soup() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        #[test]
        fn random_scripts_never_panic(src in token_soup(), pipefail in proptest::bool::ANY) {
            let script = parse(&src);
            let _ = unverified_downloads(&script, pipefail);
            for c in checks(&script) {
                let _ = guards(&script, &c, None, pipefail);
                let _ = c.mentions("f.tgz");
            }
            let _ = verifies_before_use(&script, "f.tgz", pipefail);
            let _ = commands::written_texts(&script);
            for c in script.commands() {
                let _ = commands::option_on(&script, c.index, ShellOption::Errexit, pipefail);
                let _ = commands::env_assignments(c);
            }
        }

        #[test]
        fn random_text_never_panics(text in "\\PC{0,60}", file in "\\PC{0,20}") {
            let _ = normalise(&text);
            let _ = mentions(&text, &file);
            let _ = same_file(&text, &file);
            let _ = commands::sed_inserted(&text);
            let _ = commands::url_file_name(&text);
        }
    }
}

//! Command-line arguments (clap derive); nothing else.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "seaworthy",
    version,
    about = "Audit container builds (Dockerfiles, build contexts, compose files) for security before they ship",
    long_about = None,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Dockerfiles (and their build contexts and compose files) below PATHS.
    Check(Box<CheckArgs>),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Show the end-of-life table (products, cycles and dates it knows).
    Eol(EolArgs),
    /// Show a Dockerfile's build context: the ignore file used, what each COPY/ADD sends
    /// into the image, and why a file is in or out.
    Context(ContextArgs),
    /// Print version information.
    Version(VersionArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Also list rules that are off by default (they are marked `ext`).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (`SW201`) or name (`runs-as-root`).
    pub rule: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct EolArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Evaluate support status on this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct ContextArgs {
    /// The Dockerfile (default: `Dockerfile` in the current directory).
    #[arg(value_name = "DOCKERFILE")]
    pub dockerfile: Option<PathBuf>,
    /// The build context directory (default: the Dockerfile's directory).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,
    /// Explain only these paths (relative to the context): in or out, the deciding
    /// ignore pattern, and the instructions that copy them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub why: Vec<String>,
    /// Also list every entry of the context, sent or left out, with the deciding pattern.
    #[arg(long)]
    pub all: bool,
    /// A build argument, as `docker build --build-arg`. Repeatable.
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,
    /// The stage that is shipped (default: the last stage).
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Also show the end-of-life table's source and age, and the rule count.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_field_names)]
pub struct CheckArgs {
    /// Files or directories to check (default: the current directory). Directories are
    /// searched for Dockerfiles and compose files; a `.yaml`/`.yml` file named here is a
    /// compose file. `-` reads a Dockerfile from standard input.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output format on standard output (or in `--output`).
    #[arg(long, default_value = "human", value_name = "FORMAT")]
    pub format: String,

    /// Write the `--format` output to FILE instead of standard output (atomically).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a report: `FORMAT` (standard output) or `FORMAT:PATH`. Repeatable.
    /// Formats: human, concise, json, sarif, junit, github, gitlab (codequality), summary.
    #[arg(long = "report", value_name = "FORMAT[:PATH]")]
    pub reports: Vec<String>,

    /// Rules to run, replacing the default set: codes, prefixes (`SW2`), names,
    /// `step:<slug>` or `all`. Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Rules to run in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Rules not to run (added to the configuration's `ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Lowest severity that makes the exit code 1: critical, high, medium, low, info or never.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,

    /// Exit 0 even when findings reach `--fail-on` (reports are written either way).
    #[arg(long)]
    pub exit_zero: bool,

    /// The stage that is shipped (default: the last stage).
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// A build argument, as `docker build --build-arg`. Repeatable.
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,

    /// Use this configuration file instead of discovering `.seaworthy.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Evaluate end-of-life dates on this day (YYYY-MM-DD) instead of today, for
    /// reproducible results.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// A compose file to check. Repeated, the files form one project and apply in order, as
    /// `docker compose -f a.yaml -f b.yaml` merges them. Without PATHS, only these are checked.
    #[arg(long = "compose", value_name = "FILE")]
    pub compose: Vec<PathBuf>,

    /// An env file for compose interpolation, used instead of the `.env` beside each compose
    /// file (as `docker compose --env-file`). Repeatable.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,

    /// The build context directory of the (single) Dockerfile checked (default: each
    /// Dockerfile's own directory).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// Name of the Dockerfile read from standard input (`-`).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Files larger than this many bytes are not read.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// Report findings even where a suppression comment hides them (audits).
    #[arg(long)]
    pub ignore_suppressions: bool,

    /// Include suppressed findings in SARIF output, with their justification.
    #[arg(long)]
    pub report_suppressed: bool,

    /// SARIF `automationDetails.id`, to tell several analyses apart in code scanning.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,

    /// In JUnit output, add a passing test case per file and rule without findings.
    #[arg(long)]
    pub junit_passed_rules: bool,

    /// Never use colours (also when `NO_COLOR` is set or output is not a terminal).
    #[arg(long)]
    pub no_color: bool,

    /// Print only findings: no summary line, no progress.
    #[arg(long, short)]
    pub quiet: bool,
}

#!/usr/bin/env bash
# Runs `seaworthy check` for the action and writes every report, whatever it finds.
#
# Input (environment), each one the value of the action input of the same name:
#   SEAWORTHY_BIN              the binary (the install step's `binary` output)
#   INPUT_PATHS                files or directories, one per line (default: `.`)
#   INPUT_CONFIG               --config FILE
#   INPUT_FAIL_ON              --fail-on SEVERITY (default: the configuration's, else medium)
#   INPUT_ANNOTATIONS          true/false: workflow annotations (default true)
#   INPUT_JOB_SUMMARY          true/false: Markdown job summary (default true)
#   INPUT_SARIF_FILE           where the SARIF report goes (default: a file in RUNNER_TEMP)
#   INPUT_JUNIT_FILE           where a JUnit report goes (default: none)
#   INPUT_CATEGORY             --sarif-category
#   INPUT_ARGS                 more `seaworthy check` arguments, separated by blanks
#   INPUT_WORKING_DIRECTORY    the directory to run in (default: the current one)
#
# Outputs: findings, max-severity, sarif-file, junit-file, verdict (`pass` when nothing
# reaches the fail-on threshold, `fail` when something does).
#
# Findings never fail this step: the gate step does that after the reports exist (and after
# an optional SARIF upload). An error of seaworthy itself (exit code 2: a bad flag or
# configuration, an unreadable file) fails this step with that code.
#
# Input values are data. They reach seaworthy as single arguments in `--flag=value` form
# (a value cannot turn into a flag), never through eval or an unquoted expansion; while
# seaworthy runs, workflow commands are stopped, so nothing it prints about a file name or
# a path can issue `::…::` commands.
set -euo pipefail
unset CDPATH

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

bin=${SEAWORTHY_BIN:-}
[ -n "$bin" ] || sw_fail 2 "no seaworthy binary was given: the install step did not run"

# --- inputs --------------------------------------------------------------------------

workdir=${INPUT_WORKING_DIRECTORY:-}
[ -n "$(sw_trim "$workdir")" ] || workdir=.
if ! cd -- "$workdir" 2>/dev/null; then
    sw_fail 2 "input working-directory is not a directory: \`$(sw_show "$workdir")\`"
fi

sw_fail_on "${INPUT_FAIL_ON:-}"
fail_on=$REPLY
sw_bool annotations "${INPUT_ANNOTATIONS:-}" true
annotations=$REPLY
sw_bool job-summary "${INPUT_JOB_SUMMARY:-}" true
job_summary=$REPLY

config=${INPUT_CONFIG:-}
[ -n "$(sw_trim "$config")" ] || config=""
category=${INPUT_CATEGORY:-}
[ -n "$(sw_trim "$category")" ] || category=""

# One path per line; blank lines are skipped and blanks around a path removed.
paths=()
while IFS= read -r line || [ -n "$line" ]; do
    line=$(sw_trim "$line")
    [ -n "$line" ] || continue
    if [ "$line" = "-" ]; then
        sw_fail 2 "input paths: \`-\` (standard input) cannot be used in the action"
    fi
    paths+=("$line")
done <<<"${INPUT_PATHS:-}"

# Extra arguments: split at blanks and line breaks, nothing else (no quotes, no globbing,
# no variables).
extra=()
if [ -n "$(sw_trim "${INPUT_ARGS:-}")" ]; then
    IFS=$' \t\r\n' read -r -d '' -a extra <<<"${INPUT_ARGS}" || true
fi

# A report path: absolute (relative ones are taken from the working directory), on one line.
report_path() {
    local name=$1 value=$2
    if sw_has_newline "$value"; then
        sw_fail 2 "input $name must not contain a line break: \`$(sw_show "$value")\`"
    fi
    REPLY=$(sw_abs_path "$value")
}

work=$(mktemp -d "$(sw_temp_root)/seaworthy-scan.XXXXXX")

sarif_input=$(sw_trim "${INPUT_SARIF_FILE:-}")
if [ -n "$sarif_input" ]; then
    report_path sarif-file "${INPUT_SARIF_FILE}"
    sarif=$REPLY
else
    sarif="$work/seaworthy.sarif"
fi
junit=""
if [ -n "$(sw_trim "${INPUT_JUNIT_FILE:-}")" ]; then
    report_path junit-file "${INPUT_JUNIT_FILE}"
    junit=$REPLY
fi
for f in "$sarif" ${junit:+"$junit"}; do
    mkdir -p -- "$(dirname -- "$f")"
done

json="$work/seaworthy.json"
annotations_file="$work/annotations.txt"
summary_file="$work/summary.md"

# --- run -----------------------------------------------------------------------------

cmd=("$bin" check)
[ -z "$config" ] || cmd+=("--config=$config")
[ -z "$fail_on" ] || cmd+=("--fail-on=$fail_on")
cmd+=("--report=json:$(sw_native_path "$json")")
cmd+=("--report=sarif:$(sw_native_path "$sarif")")
[ -z "$junit" ] || cmd+=("--report=junit:$(sw_native_path "$junit")")
[ "$annotations" = false ] || cmd+=("--report=github:$(sw_native_path "$annotations_file")")
[ "$job_summary" = false ] || cmd+=("--report=summary:$(sw_native_path "$summary_file")")
[ -z "$category" ] || cmd+=("--sarif-category=$category")
# `${a[@]+"${a[@]}"}`: an empty array under `set -u` in bash 3.2 (macOS's /bin/bash).
cmd+=(${extra[@]+"${extra[@]}"})
cmd+=(--)
cmd+=(${paths[@]+"${paths[@]}"})

token=$(sw_random_token)
printf '::stop-commands::%s\n' "$token"
set +e
"${cmd[@]}" </dev/null
rc=$?
set -e
printf '::%s::\n' "$token"

# --- read the results ----------------------------------------------------------------

# The JSON report's `summary` (a versioned contract, see crates/report/src/json.rs). With
# the blanks removed, `"summary":{` can only be the summary key itself: inside a JSON
# string every quote is escaped.
findings=""
max_severity=""
if [ -f "$json" ]; then
    flat=$(tr -d ' \t\r\n' <"$json")
    if ! [[ $flat =~ ^\{\"version\":1, ]]; then
        sw_fail 2 "seaworthy wrote a JSON report of a version this action does not read"
    fi
    summary=${flat##*\"summary\":\{}
    by_severity=""
    if [[ $summary =~ \"by_severity\":\{([^}]*)\} ]]; then
        by_severity=${BASH_REMATCH[1]}
    fi
    if [[ $summary =~ \"findings\":([0-9]+) ]]; then
        findings=${BASH_REMATCH[1]}
    fi
    max_severity=none
    for severity in critical high medium low info; do
        if [[ $by_severity =~ \"$severity\":([0-9]+) ]] && [ "${BASH_REMATCH[1]}" != 0 ]; then
            max_severity=$severity
            break
        fi
    done
    if [ -z "$findings" ]; then
        sw_fail 2 "cannot read the summary of seaworthy's JSON report"
    fi
fi

# GitHub reads annotation and SARIF paths from the repository root, seaworthy writes them
# relative to the directory it ran in: with a working-directory below the workspace, its
# path is put in front.
prefix=""
if [ -n "${GITHUB_WORKSPACE:-}" ]; then
    workspace=$(cd -- "$(sw_posix_path "$GITHUB_WORKSPACE")" 2>/dev/null && pwd -P) || workspace=""
    here_dir=$(pwd -P)
    if [ -n "$workspace" ] && [ "$here_dir" != "$workspace" ]; then
        case $here_dir in
            "$workspace"/*) prefix=${here_dir#"$workspace"/} ;;
            *) sw_warning "working-directory is outside the workspace: annotation and SARIF paths are relative to it, so GitHub cannot place them" ;;
        esac
    fi
fi
if [ -n "$prefix" ]; then
    if [ -f "$sarif" ]; then
        # Every artifact URI in seaworthy's SARIF is relative to %SRCROOT% and sits in a
        # `"uri": "…"` member; inside a JSON string that sequence would have escaped quotes.
        uri_prefix=$(sw_sed_escape "$(sw_uri_encode "$prefix")/")
        sed -e "s|\"uri\": \"|\"uri\": \"$uri_prefix|g" -- "$sarif" >"$sarif.rebased"
        mv -f -- "$sarif.rebased" "$sarif"
    fi
    if [ -f "$annotations_file" ]; then
        file_prefix=$(sw_sed_escape "$(sw_escape_property "$prefix")/")
        sed -e "s|^\(::[a-z]* \)file=|\1file=$file_prefix|" -- "$annotations_file" >"$annotations_file.rebased"
        mv -f -- "$annotations_file.rebased" "$annotations_file"
    fi
fi

if [ "$annotations" = true ] && [ -f "$annotations_file" ]; then
    cat -- "$annotations_file"
fi
if [ "$job_summary" = true ] && [ -f "$summary_file" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat -- "$summary_file" >>"$GITHUB_STEP_SUMMARY"
fi

if [ -f "$sarif" ]; then
    sw_set_output sarif-file "$(sw_native_path "$sarif")"
else
    sw_set_output sarif-file ""
fi
if [ -n "$junit" ] && [ -f "$junit" ]; then
    sw_set_output junit-file "$(sw_native_path "$junit")"
else
    sw_set_output junit-file ""
fi

case $rc in
    0 | 1) ;;
    *)
        if [ -n "$findings" ]; then
            sw_set_output findings "$findings"
            sw_set_output max-severity "$max_severity"
        fi
        sw_fail "$rc" "seaworthy stopped with exit code $rc: it could not check everything it was asked to (see its messages above)"
        ;;
esac
[ -n "$findings" ] || sw_fail 2 "seaworthy wrote no JSON report"

if [ "$rc" = 0 ]; then verdict=pass; else verdict=fail; fi
sw_set_output findings "$findings"
sw_set_output max-severity "$max_severity"
sw_set_output verdict "$verdict"
if [ "$max_severity" = none ]; then
    printf 'seaworthy: %s findings\n' "$findings"
else
    printf 'seaworthy: %s findings, the most severe %s\n' "$findings" "$max_severity"
fi

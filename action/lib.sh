# shellcheck shell=bash
# Helpers shared by the action's scripts (install.sh, scan.sh, gate.sh). Sourced, never run.
#
# Every value that comes from an input is data: it is only ever passed as one argument to
# a program, compared, or printed through sw_escape_data. Nothing here evaluates text.

# The GitHub workflow-command escaping for the message part of `::error::…`: without it, a
# value holding a newline could start a line with `::` and issue a command of its own.
sw_escape_data() {
    # Patterns and replacements through variables: quoting inside ${s//…} differs between
    # bash 3.2 (macOS) and later versions.
    local s=$1 pct='%' cr=$'\r' lf=$'\n' e_pct='%25' e_cr='%0D' e_lf='%0A'
    s=${s//$pct/$e_pct}
    s=${s//$cr/$e_cr}
    s=${s//$lf/$e_lf}
    printf '%s' "$s"
}

# The escaping of a workflow-command property value (`file=…`): the message escaping plus
# `:` and `,`, which separate properties.
sw_escape_property() {
    local s colon=':' comma=',' e_colon='%3A' e_comma='%2C'
    s=$(sw_escape_data "$1")
    s=${s//$colon/$e_colon}
    s=${s//$comma/$e_comma}
    printf '%s' "$s"
}

# A relative path as a URI reference: every byte but the unreserved characters and `/`
# percent-encoded (RFC 3986).
sw_uri_encode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~/-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# Text for the replacement part of a sed `s|…|…|` command: `\`, `|` and `&` escaped. A
# loop rather than ${s//…}, whose replacement treats `\` and `&` differently across bash
# versions.
sw_sed_escape() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            \\ | '|' | '&') out+="\\$c" ;;
            *) out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

# A value shown in a message: escaped, and cut so that a huge input cannot flood the log.
sw_show() {
    local s=$1
    if [ "${#s}" -gt 200 ]; then
        s="${s:0:200}…"
    fi
    sw_escape_data "$s"
}

sw_error() {
    printf '::error title=seaworthy::%s\n' "$(sw_escape_data "$1")"
}

sw_warning() {
    printf '::warning title=seaworthy::%s\n' "$(sw_escape_data "$1")"
}

sw_notice() {
    printf '::notice title=seaworthy::%s\n' "$(sw_escape_data "$1")"
}

# sw_fail CODE MESSAGE: report an error and exit with CODE.
sw_fail() {
    sw_error "$2"
    exit "$1"
}

# 32 hex digits from the system's random source, for heredoc delimiters and the
# stop-commands token. Falls back to bash's $RANDOM where od or /dev/urandom is missing.
sw_random_token() {
    local token=""
    if [ -r /dev/urandom ] && command -v od >/dev/null 2>&1; then
        token=$(od -An -N16 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n') || token=""
    fi
    if [ "${#token}" -lt 32 ]; then
        token=$(printf '%04x%04x%04x%04x%04x%04x%04x%04x' \
            "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM" "$RANDOM")
    fi
    printf '%s' "$token"
}

# sw_set_output NAME VALUE: appends a step output to $GITHUB_OUTPUT with a random heredoc
# delimiter, so that no value can end the entry early and add outputs of its own. Without
# $GITHUB_OUTPUT (a local run) the output is printed instead.
sw_set_output() {
    local name=$1 value=$2 delimiter
    if [ -z "${GITHUB_OUTPUT:-}" ]; then
        printf 'output %s: %s\n' "$name" "$(sw_show "$value")"
        return 0
    fi
    delimiter="ghadelimiter_$(sw_random_token)"
    case $value in
        *"$delimiter"*) sw_fail 2 "output $name: the value contains its own delimiter" ;;
    esac
    {
        printf '%s<<%s\n' "$name" "$delimiter"
        printf '%s\n' "$value"
        printf '%s\n' "$delimiter"
    } >>"$GITHUB_OUTPUT"
}

# Leading and trailing blanks (spaces, tabs, CR, LF) removed.
sw_trim() {
    local s=$1
    s=${s#"${s%%[![:space:]]*}"}
    s=${s%"${s##*[![:space:]]}"}
    printf '%s' "$s"
}

sw_lower() {
    printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

# Functions that can fail set REPLY instead of printing, so that they run in the script's
# own shell (an exit inside `$(…)` would only leave the subshell, and its message would be
# captured instead of shown).

# sw_bool INPUT-NAME VALUE DEFAULT: REPLY becomes `true` or `false`; anything else fails.
sw_bool() {
    local value
    value=$(sw_lower "$(sw_trim "$2")")
    case $value in
        "") REPLY=$3 ;;
        true) REPLY=true ;;
        false) REPLY=false ;;
        *) sw_fail 2 "input $1 must be true or false, not \`$(sw_show "$2")\`" ;;
    esac
}

# The rank of a severity (critical 5 … info 1, none 0); returns 1 for anything else.
sw_rank() {
    case $1 in
        critical) printf '5' ;;
        high) printf '4' ;;
        medium) printf '3' ;;
        low) printf '2' ;;
        info) printf '1' ;;
        none) printf '0' ;;
        *) return 1 ;;
    esac
}

# sw_fail_on VALUE: REPLY becomes the normalised fail-on (lower case, `none` read as
# `never`), empty for "not given"; anything that is not a severity fails.
sw_fail_on() {
    local value
    value=$(sw_lower "$(sw_trim "$1")")
    case $value in
        "" | critical | high | medium | low | info | never) REPLY=$value ;;
        none) REPLY=never ;;
        *) sw_fail 2 "input fail-on must be one of critical, high, medium, low, info or never, not \`$(sw_show "$1")\`" ;;
    esac
}

sw_is_windows() {
    [ "${RUNNER_OS:-}" = "Windows" ] && command -v cygpath >/dev/null 2>&1
}

# A path as bash on this runner uses it (`/d/a/x` on Windows).
sw_posix_path() {
    if sw_is_windows; then
        cygpath -u -- "$1"
    else
        printf '%s' "$1"
    fi
}

# A path as native programs and other steps read it (`D:/a/x` on Windows).
sw_native_path() {
    if sw_is_windows; then
        cygpath -m -- "$1"
    else
        printf '%s' "$1"
    fi
}

# An absolute path: relative ones are taken from the current directory.
sw_abs_path() {
    case $1 in
        /* | [A-Za-z]:[\\/]*) printf '%s' "$1" ;;
        *) printf '%s/%s' "$PWD" "${1#./}" ;;
    esac
}

# Whether a value holds a line break (not allowed in paths that become outputs).
sw_has_newline() {
    case $1 in
        *$'\n'* | *$'\r'*) return 0 ;;
        *) return 1 ;;
    esac
}

# The directory for temporary files: $RUNNER_TEMP on a runner.
sw_temp_root() {
    local root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
    sw_posix_path "$root"
}

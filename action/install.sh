#!/usr/bin/env bash
# Installs seaworthy for the action's scan step.
#
# Input (environment):
#   INPUT_VERSION  `X.Y.Z` (or `vX.Y.Z`): that release; empty: the newest release whose
#                  checksums are committed in action/checksums/; `path`: the `seaworthy`
#                  already on PATH (built in an earlier step, or installed another way).
# Runner environment: RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, RUNNER_TOOL_CACHE.
# SEAWORTHY_DOWNLOAD_BASE may name a mirror of the release downloads (https or file URL);
# the archive is verified against the committed checksums wherever it comes from.
#
# Outputs: binary (path to the executable), version, cache-hit.
#
# A release archive is used only after its SHA-256 matches the line for it in
# action/checksums/vX.Y.Z.sha256, which is committed in this repository: whoever pins the
# action by commit also pins the checksums, so a replaced release asset is refused.
set -euo pipefail
unset CDPATH

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

readonly default_base="https://github.com/seaworthy-dev/seaworthy/releases/download"
checksums_dir="$here/checksums"

# --- which version -------------------------------------------------------------------

# Whether $1 is a release version: MAJOR.MINOR.PATCH with an optional pre-release suffix.
is_version() {
    [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$ ]]
}

# version_gt A B: whether release A sorts after release B (numeric parts; a pre-release sorts
# before its release; pre-releases of the same version compare as text).
version_gt() {
    local a=$1 b=$2 a_core a_pre b_core b_pre i
    a_core=${a%%-*}
    b_core=${b%%-*}
    a_pre=""
    b_pre=""
    [ "$a_core" = "$a" ] || a_pre=${a#*-}
    [ "$b_core" = "$b" ] || b_pre=${b#*-}
    local -a pa pb
    IFS=. read -r -a pa <<<"$a_core"
    IFS=. read -r -a pb <<<"$b_core"
    for i in 0 1 2; do
        if ((10#${pa[i]} > 10#${pb[i]})); then return 0; fi
        if ((10#${pa[i]} < 10#${pb[i]})); then return 1; fi
    done
    if [ -z "$a_pre" ] && [ -n "$b_pre" ]; then return 0; fi
    if [ -n "$a_pre" ] && [ -z "$b_pre" ]; then return 1; fi
    [[ $a_pre > $b_pre ]]
}

# The newest version with a checksums file, or nothing.
newest_recorded_version() {
    local file name v best=""
    for file in "$checksums_dir"/v*.sha256; do
        [ -f "$file" ] || continue
        name=${file##*/}
        v=${name#v}
        v=${v%.sha256}
        is_version "$v" || continue
        if [ -z "$best" ] || version_gt "$v" "$best"; then
            best=$v
        fi
    done
    printf '%s' "$best"
}

# The version a binary reports (`seaworthy 1.2.3` → `1.2.3`).
reported_version() {
    local out name ver rest
    out=$("$1" version 2>/dev/null </dev/null) || return 1
    read -r name ver rest <<<"$out" || true
    [ "$name" = "seaworthy" ] || return 1
    printf '%s' "$ver"
}

requested=$(sw_trim "${INPUT_VERSION:-}")

if [ "$(sw_lower "$requested")" = "path" ]; then
    found=$(command -v seaworthy 2>/dev/null) || found=""
    if [ -z "$found" ]; then
        sw_fail 1 "version: path was given, but there is no seaworthy on PATH; build or install it in an earlier step"
    fi
    ver=$(reported_version "$found") || sw_fail 1 "$(sw_show "$found") on PATH is not a working seaworthy binary"
    printf 'Using %s from PATH (seaworthy %s)\n' "$(sw_show "$found")" "$(sw_show "$ver")"
    sw_set_output binary "$(sw_native_path "$found")"
    sw_set_output version "$ver"
    sw_set_output cache-hit false
    exit 0
fi

version=${requested#v}
if [ -z "$version" ]; then
    version=$(newest_recorded_version)
    if [ -z "$version" ]; then
        sw_fail 1 "this copy of the action records no released version (action/checksums/ is empty); pin a released action commit, or set version: path with seaworthy on PATH"
    fi
elif ! is_version "$version"; then
    sw_fail 1 "input version must be a release such as 1.2.3, or path; \`$(sw_show "$requested")\` is neither"
fi

sums_file="$checksums_dir/v$version.sha256"
if [ ! -f "$sums_file" ]; then
    sw_fail 1 "no checksums are committed for seaworthy $version in this copy of the action (action/checksums/v$version.sha256): refusing to install a binary that cannot be verified. Use an action commit that records this version, or omit version for the newest one it records"
fi

# --- which archive -------------------------------------------------------------------

runner_os=${RUNNER_OS:-}
runner_arch=${RUNNER_ARCH:-}
exe=""
ext="tar.gz"
case "$runner_os/$runner_arch" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64)
        target=x86_64-pc-windows-msvc
        exe=".exe"
        ext="zip"
        ;;
    Windows/ARM64)
        # Windows on Arm runs x86_64 programs through its built-in emulation.
        target=x86_64-pc-windows-msvc
        exe=".exe"
        ext="zip"
        sw_notice "no native Windows ARM64 build: using the x86_64 build through Windows' emulation"
        ;;
    *)
        sw_fail 1 "seaworthy has no release for RUNNER_OS=$(sw_show "$runner_os") RUNNER_ARCH=$(sw_show "$runner_arch"); releases exist for Linux (X64, ARM64), macOS (X64, ARM64) and Windows (X64, ARM64 through emulation). Build seaworthy from source in an earlier step and set version: path"
        ;;
esac

archive="seaworthy-$version-$target.$ext"

expected=""
while read -r sum name rest; do
    name=${name#\*}
    if [ "$name" = "$archive" ] && [ -z "${rest:-}" ]; then
        expected=$(sw_lower "$sum")
        break
    fi
done <"$sums_file"
if ! [[ $expected =~ ^[0-9a-f]{64}$ ]]; then
    sw_fail 1 "action/checksums/v$version.sha256 has no SHA-256 for $archive: refusing to install it"
fi

# --- tool cache ----------------------------------------------------------------------

case $target in
    aarch64-*) cache_arch=arm64 ;;
    *) cache_arch=x64 ;;
esac
if [ -n "${RUNNER_TOOL_CACHE:-}" ]; then
    cache_root=$(sw_posix_path "$RUNNER_TOOL_CACHE")/seaworthy
else
    cache_root=$(sw_temp_root)/seaworthy-tools
fi
dest_dir="$cache_root/$version/$cache_arch"
dest="$dest_dir/seaworthy$exe"

if [ -f "$dest_dir.complete" ] && [ -f "$dest" ] && [ ! -L "$dest" ]; then
    ver=$(reported_version "$dest") || ver=""
    if [ "$ver" = "$version" ]; then
        printf 'Using seaworthy %s from the tool cache\n' "$version"
        sw_set_output binary "$(sw_native_path "$dest")"
        sw_set_output version "$version"
        sw_set_output cache-hit true
        exit 0
    fi
    printf 'The cached seaworthy %s does not run: installing it again\n' "$version"
    rm -f -- "$dest_dir.complete"
fi

# --- download and verify -------------------------------------------------------------

command -v curl >/dev/null 2>&1 || sw_fail 1 "curl is needed to download seaworthy"

sha256_of() {
    local out
    if command -v sha256sum >/dev/null 2>&1; then
        out=$(sha256sum -b -- "$1")
    elif command -v shasum >/dev/null 2>&1; then
        out=$(shasum -a 256 -b -- "$1")
    else
        return 1
    fi
    out=${out%% *}
    sw_lower "${out#\\}"
}

work=$(mktemp -d "$(sw_temp_root)/seaworthy-install.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT

base=${SEAWORTHY_DOWNLOAD_BASE:-$default_base}
base=${base%/}
url="$base/v$version/$archive"
printf 'Downloading %s\n' "$(sw_show "$url")"
if ! curl --fail --silent --show-error --location --retry 3 \
    --proto '=https,file' --proto-redir '=https' \
    --output "$work/$archive" -- "$url"; then
    sw_fail 1 "cannot download $(sw_show "$url")"
fi

actual=$(sha256_of "$work/$archive") || sw_fail 1 "neither sha256sum nor shasum is available to verify the download"
if [ "$actual" != "$expected" ]; then
    sw_fail 1 "checksum mismatch for $archive: expected SHA-256 $expected (action/checksums/v$version.sha256), the download has $actual. Refusing to install it"
fi
printf 'Verified SHA-256 %s of %s\n' "$actual" "$archive"

mkdir -p -- "$work/x"
if [ "$ext" = "zip" ]; then
    if command -v unzip >/dev/null 2>&1; then
        unzip -q -o -- "$work/$archive" -d "$work/x"
    elif command -v powershell >/dev/null 2>&1; then
        # The paths travel in environment variables, which PowerShell (not bash) expands.
        # shellcheck disable=SC2016
        SW_ARCHIVE=$(sw_native_path "$work/$archive") SW_DEST=$(sw_native_path "$work/x") \
            powershell -NoProfile -NonInteractive -Command \
            'Expand-Archive -LiteralPath $env:SW_ARCHIVE -DestinationPath $env:SW_DEST -Force'
    else
        sw_fail 1 "neither unzip nor PowerShell is available to extract $archive"
    fi
else
    tar -xzf "$work/$archive" -C "$work/x"
fi

unpacked="$work/x/seaworthy-$version-$target/seaworthy$exe"
if [ ! -f "$unpacked" ] || [ -L "$unpacked" ]; then
    sw_fail 1 "$archive does not hold seaworthy-$version-$target/seaworthy$exe"
fi

mkdir -p -- "$dest_dir"
cp -- "$unpacked" "$dest.tmp"
chmod 0755 -- "$dest.tmp"
mv -f -- "$dest.tmp" "$dest"

ver=$(reported_version "$dest") || ver=""
if [ "$ver" != "$version" ]; then
    rm -f -- "$dest"
    sw_fail 1 "the installed binary reports version \`$(sw_show "$ver")\`, not $version"
fi
: >"$dest_dir.complete"

printf 'Installed seaworthy %s (%s)\n' "$version" "$target"
sw_set_output binary "$(sw_native_path "$dest")"
sw_set_output version "$version"
sw_set_output cache-hit false

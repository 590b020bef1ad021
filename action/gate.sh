#!/usr/bin/env bash
# The action's last step: fails the job when findings reach the fail-on threshold. It runs
# after the reports were written and uploaded, so a failing gate never hides them.
#
# Input (environment):
#   INPUT_FAIL_ON   critical, high, medium, low, info or never; empty: the threshold
#                   seaworthy applied (the configuration file's fail-on, else medium)
#   MAX_SEVERITY    the scan step's max-severity output (`none` without findings)
#   FINDINGS        the scan step's findings output
#   VERDICT         the scan step's verdict output (`pass` or `fail`), used when fail-on
#                   is empty
#
# Exit code: 0 when the gate passes, 1 when it fails, 2 when its inputs are unusable.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

sw_fail_on "${INPUT_FAIL_ON:-}"
fail_on=$REPLY
max=$(sw_lower "$(sw_trim "${MAX_SEVERITY:-}")")
findings=$(sw_trim "${FINDINGS:-}")
verdict=$(sw_trim "${VERDICT:-}")

if ! max_rank=$(sw_rank "$max"); then
    sw_fail 2 "the scan step reported no usable max-severity (\`$(sw_show "$max")\`): it did not complete"
fi
[[ $findings =~ ^[0-9]+$ ]] || findings="?"

if [ "$max" = none ]; then
    found="no findings"
else
    found="$findings findings, the most severe $max"
fi

if [ -n "$fail_on" ]; then
    if [ "$fail_on" = never ]; then
        printf 'seaworthy: %s; fail-on never: passed\n' "$found"
        exit 0
    fi
    threshold_rank=$(sw_rank "$fail_on")
    if [ "$max_rank" -ge "$threshold_rank" ]; then
        sw_fail 1 "$found: at or above fail-on $fail_on. The reports (SARIF, annotations, job summary) list them"
    fi
    printf 'seaworthy: %s; nothing at or above fail-on %s: passed\n' "$found" "$fail_on"
    exit 0
fi

case $verdict in
    pass)
        printf 'seaworthy: %s; nothing at or above the configured fail-on: passed\n' "$found"
        ;;
    fail)
        sw_fail 1 "$found: at or above the fail-on threshold (the configuration file's fail-on, else medium). The reports (SARIF, annotations, job summary) list them"
        ;;
    *)
        sw_fail 2 "the scan step reported no verdict (\`$(sw_show "$verdict")\`): it did not complete"
        ;;
esac

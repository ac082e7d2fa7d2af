#!/usr/bin/env bash
# Creates (or refreshes) a Python virtual environment for a test tool and prints its bin directory.
#
#   scripts/venv.sh <name> <requirements-file>
#
# The environment lives in .venv/<name> and is rebuilt only when the requirements file changes
# (its checksum is kept beside it). Concurrent callers wait on a lock, so parallel test workers share one install.
set -euo pipefail
name=${1:?usage: venv.sh <name> <requirements-file>}
requirements=${2:?usage: venv.sh <name> <requirements-file>}
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv/$name"
mkdir -p "$root/.venv"
exec 9>"$root/.venv/$name.lock"
flock 9
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || $(cat "$venv/.requirements.sha256" 2>/dev/null) != "$wanted" ]]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  printf '%s\n' "$wanted" >"$venv/.requirements.sha256"
fi
printf '%s\n' "$venv/bin"

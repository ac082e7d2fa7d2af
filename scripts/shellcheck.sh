#!/usr/bin/env bash
# Lints every shell file we ship or test with, except the seed tutorial's runtime, which the tests keep
# as it was published (it is the baseline we measure against, warts included).
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || { echo "shellcheck not found: apt-get install -y shellcheck" >&2; exit 1; }
files=()
for f in runtime/shell/bootstrap runtime/**/*.sh test/fixtures/**/*.sh examples/**/*.sh bench/**/*.sh scripts/**/*.sh .ci/run; do
  [[ $f == test/fixtures/runtime/tutorial/* ]] && continue
  files+=("$f")
done
shellcheck --shell=bash --severity=style "${files[@]}"
echo "shellcheck: ${#files[@]} files clean"

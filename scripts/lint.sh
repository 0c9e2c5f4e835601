#!/usr/bin/env bash
# Static checks of the project's own C++ code: clang-format (every tracked .cpp/.hpp) and clang-tidy
# (the sources under src/, with the configuration in .clang-tidy), in parallel. Exit 1 on a finding.
#
#   scripts/lint.sh [--deep] [--fix-format] [BUILD_DIR]
#
#   BUILD_DIR      a configured build directory with compile_commands.json [build/dev]
#   --deep         also run the clang static analyzer checks (clang-analyzer-*): about five times
#                  slower; not part of the test run
#   --fix-format   rewrite the files clang-format would change instead of failing
# Environment: HOSTSTUDIO_LINT_JOBS (parallel clang-tidy processes; default: the number of cores).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
deep=0 fix=0 build=$repo/build/dev
for argument in "$@"; do
  case $argument in
    --deep) deep=1 ;;
    --fix-format) fix=1 ;;
    -h | --help) sed -n '2,/^# SPDX/{/^# SPDX/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "lint: unknown option $argument" >&2; exit 2 ;;
    *) build=$argument ;;
  esac
done
msg() { printf 'lint: %s\n' "$*" >&2; }

tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
format=$(command -v clang-format-14 || command -v clang-format || true)
[[ -n $tidy && -n $format ]] || { msg "clang-tidy and clang-format are missing (run: scripts/dev setup)"; exit 1; }
[[ -f $build/compile_commands.json ]] ||
  { msg "no compile_commands.json in $build (configure it first: cmake --preset dev)"; exit 1; }

cd -- "$repo"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
failed=0

# 1. Formatting.
if ((fix)); then
  "$format" -i "${sources[@]}"
  msg "formatted ${#sources[@]} files"
else
  unformatted=()
  for file in "${sources[@]}"; do
    "$format" --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
  done
  if ((${#unformatted[@]})); then
    msg "not formatted (run: scripts/lint.sh --fix-format): ${unformatted[*]}"
    failed=1
  else
    msg "format: ${#sources[@]} files ok"
  fi
fi

# 2. clang-tidy on the sources under src/ (headers are checked through them).
mapfile -t units < <(git ls-files 'src/*.cpp')
checks=()
((deep)) || checks=(--checks=-clang-analyzer-*)
jobs=${HOSTSTUDIO_LINT_JOBS:-$(nproc)}
out=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-lint.XXXXXX")
trap 'rm -rf -- "$out"' EXIT
msg "clang-tidy: ${#units[@]} files, $jobs at a time$( ((deep)) && echo ', with the static analyzer')"
started=$SECONDS
export LINT_TIDY=$tidy LINT_BUILD=$build LINT_OUT=$out LINT_CHECKS="${checks[*]:-}"
# shellcheck disable=SC2016 # expanded by the inner shell
printf '%s\n' "${units[@]}" | xargs -P "$jobs" -n 1 sh -c '
  set -f
  log="$LINT_OUT/$(echo "$1" | tr / _).log"
  "$LINT_TIDY" -p "$LINT_BUILD" --quiet $LINT_CHECKS "$1" >"$log" 2>&1 || echo "$1" >>"$LINT_OUT/failed"' _
if [[ -s $out/failed ]]; then
  while read -r unit; do
    grep -E '(error|warning):' "$out/$(echo "$unit" | tr / _).log" | grep -v 'warnings generated' >&2 || true
  done <"$out/failed"
  msg "clang-tidy found problems in: $(tr '\n' ' ' <"$out/failed")"
  failed=1
else
  msg "clang-tidy: ${#units[@]} files ok ($((SECONDS - started)) s)"
fi
exit "$failed"

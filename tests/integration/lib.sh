# Helpers for HostStudio's shell integration tests. Source it after "set -euo pipefail".
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash

HS_REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck disable=SC2034 # used by the tests that source this file
HS_STACK_SH=$HS_REPO_ROOT/scripts/stack.sh
# shellcheck disable=SC2034
HS_DEV=$HS_REPO_ROOT/scripts/dev
HS_TEST_NAME=$(basename -- "$0" .sh)

# Cleanups run on any exit, last registered first; a failing cleanup does not stop the others.
HS_CLEANUPS=()
hs_on_exit() {
  local rc=$? i
  trap '' INT TERM
  for ((i = ${#HS_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${HS_CLEANUPS[i]}" >/dev/null 2>&1 || true
  done
  if ((rc == 0)); then
    printf '%s: PASS\n' "$HS_TEST_NAME"
  else
    printf '%s: FAIL (exit %s)\n' "$HS_TEST_NAME" "$rc" >&2
  fi
  exit "$rc"
}
trap hs_on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

hs_cleanup() { HS_CLEANUPS+=("$1"); }

hs_log() { printf '[%s] %s\n' "$HS_TEST_NAME" "$*"; }
hs_fail() {
  printf '[%s] FAIL: %s\n' "$HS_TEST_NAME" "$*" >&2
  exit 1
}

hs_assert_eq() { # actual expected what
  [[ $1 == "$2" ]] || hs_fail "$3: expected '$2', got '$1'"
  hs_log "ok: $3 = $2"
}

# Asserts that a number is within [low, high].
hs_assert_between() { # value low high what
  awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }' ||
    hs_fail "$4: $1 not within [$2, $3]"
  hs_log "ok: $4 = $1 (within [$2, $3])"
}

hs_assert_match() { # text regex what
  [[ $1 =~ $2 ]] || hs_fail "$3: '$1' does not match /$2/"
  hs_log "ok: $3"
}

# hs_make_tmpdir VAR: a private temporary directory in $VAR, removed on exit.
# (Not a command substitution: the clean-up must be registered in this shell.)
hs_make_tmpdir() {
  local dir
  [[ -z ${TMPDIR:-} ]] || mkdir -p -- "$TMPDIR"
  dir=$(mktemp -d "${TMPDIR:-/tmp}/hoststudio-$HS_TEST_NAME.XXXXXX")
  hs_cleanup "rm -rf -- $(printf '%q' "$dir")"
  printf -v "$1" '%s' "$dir"
}

# Kill a background process (and wait for it) on exit if it is still running.
hs_reap_on_exit() {
  hs_cleanup "kill -TERM $1 2>/dev/null; sleep 0.2; kill -KILL $1 2>/dev/null; wait $1 2>/dev/null"
}

# A unique stream key / identifier.
hs_unique() {
  printf '%s-%s-%s%04d\n' "$1" "$$" "$(date +%s)" "$((RANDOM % 10000))"
}

# Export the variables of the running stack (HOSTSTUDIO_STACK_DIR/stack.env).
hs_load_stack_env() {
  local dir=${HOSTSTUDIO_STACK_DIR:?HOSTSTUDIO_STACK_DIR is not set}
  [[ -r $dir/stack.env ]] || hs_fail "no $dir/stack.env: is the stack running? (scripts/stack.sh start)"
  set -a
  # shellcheck source=/dev/null
  source "$dir/stack.env"
  set +a
}

# Print one line per stream of ffprobe's JSON on stdin: "codec_type codec_name width height sample_rate".
hs_streams_from_json() {
  node -e '
    const probe = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const s of probe.streams ?? []) {
      console.log([s.codec_type, s.codec_name, s.width ?? "-", s.height ?? "-", s.sample_rate ?? "-"].join(" "));
    }'
}

# ffprobe a URL or file; prints the stream lines (see hs_streams_from_json).
hs_probe_streams() {
  local json
  json=$(timeout 30 ffprobe -v error -rw_timeout 10000000 \
    -show_entries stream=codec_type,codec_name,width,height,sample_rate -of json "$1") ||
    hs_fail "ffprobe could not read $1"
  printf '%s\n' "$json" | hs_streams_from_json
}

# Wait until "$@" succeeds, up to $HS_WAIT_SECONDS (default 15) seconds.
hs_wait_for() {
  local deadline=$((SECONDS + ${HS_WAIT_SECONDS:-15}))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# true when something accepts TCP connections on 127.0.0.1:$1
hs_port_open() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# true when the process exists and is not a zombie
# hs_free_ports COUNT: that many distinct free TCP ports on 127.0.0.1, one per line, for a private
# stack. They are drawn below the kernel's ephemeral range (ip_local_port_range): a port in that range
# can be taken at any moment by an outgoing connection of another process, between our check and the
# server's bind(). The fixed ports of the shared test stack are avoided too.
hs_free_ports() {
  local low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  local -a ports=()
  local port attempts=0 span=$((low - 10000))
  while ((${#ports[@]} < $1)); do
    ((++attempts < 1000)) || hs_fail "could not find $1 free ports"
    port=$((10000 + (RANDOM * 32768 + RANDOM) % span))
    case " ${ports[*]} 21935 21936 23001 23002 27447 28080 " in *" $port "*) continue ;; esac
    hs_port_open "$port" && continue
    ports+=("$port")
  done
  printf '%s\n' "${ports[@]}"
}

hs_pid_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $state && $state != Z* ]]
}

# true when any non-zombie process is in process group $1
hs_group_alive() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

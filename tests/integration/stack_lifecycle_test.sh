#!/usr/bin/env bash
# Integration: the stack starts, reports and stops cleanly, and "scripts/dev with-stack" leaves no
# process behind when its command fails or when it is interrupted with Ctrl-C (SIGINT).
# Uses its own stack directory and its own free ports: the shared test stack is not touched.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

tmp=
hs_make_tmpdir tmp
export HOSTSTUDIO_STACK_DIR=$tmp/stack
export HOSTSTUDIO_SKIP_SETUP=1

# Whatever happens below, stop this stack.
hs_cleanup "HOSTSTUDIO_STACK_DIR=$(printf '%q' "$HOSTSTUDIO_STACK_DIR") $(printf '%q' "$HS_STACK_SH") stop"

choose_ports() {
  mapfile -t ports < <(hs_free_ports 6)
  export HOSTSTUDIO_RTMP_PORT=${ports[0]} HOSTSTUDIO_RTMPS_PORT=${ports[1]} HOSTSTUDIO_HTTP_PORT=${ports[2]}
  export HOSTSTUDIO_RELAY_PORT=${ports[3]} HOSTSTUDIO_CHAT_PORT=${ports[4]} HOSTSTUDIO_CLOUD_PORT=${ports[5]}
  server_ports=("$HOSTSTUDIO_RTMP_PORT" "$HOSTSTUDIO_RTMPS_PORT" "$HOSTSTUDIO_HTTP_PORT" "$HOSTSTUDIO_RELAY_PORT" "$HOSTSTUDIO_CLOUD_PORT" "$HOSTSTUDIO_CHAT_PORT")
}
choose_ports
hs_log "stack dir $HOSTSTUDIO_STACK_DIR, ports ${server_ports[*]}"

stack_pids() { cat -- "$HOSTSTUDIO_STACK_DIR"/run/*.pid 2>/dev/null || true; }

stack_is_up() { "$HS_STACK_SH" status >/dev/null 2>&1; }

# Every process of this stack is gone: the recorded process groups are empty, no process names
# the stack directory on its command line, and no port answers.
assert_nothing_left() { # what pid...
  local what=$1 pid port
  shift
  for pid in "$@"; do
    ! hs_pid_alive "$pid" || hs_fail "$what: process $pid is still running: $(ps -o args= -p "$pid")"
    ! hs_group_alive "$pid" || hs_fail "$what: process group $pid still has members: $(ps -o pid=,args= -g "$pid")"
  done
  local left
  left=$(pgrep -af -- "$HOSTSTUDIO_STACK_DIR" || true)
  [[ -z $left ]] || hs_fail "$what: processes still name the stack dir: $left"
  for port in "${server_ports[@]}"; do
    ! hs_port_open "$port" || hs_fail "$what: something still listens on 127.0.0.1:$port"
  done
  hs_log "ok: $what: no process and no listening port left"
}

# wait up to $1 seconds until nothing of the given pids is alive
wait_gone() {
  local seconds=$1 pid
  shift
  local deadline=$((SECONDS + seconds))
  for pid in "$@"; do
    while hs_group_alive "$pid" || hs_pid_alive "$pid"; do
      ((SECONDS < deadline)) || return 1
      sleep 0.1
    done
  done
}

# --- (a) start, status, idempotent start, stop, idempotent stop --------------------------------
# Another process may still take a chosen port before nginx binds it: then try fresh ports (twice).
for attempt in 1 2 3; do
  if "$HS_STACK_SH" start >"$tmp/start.out" 2>&1; then
    break
  fi
  if ((attempt < 3)) && grep -q 'Address already in use' "$tmp/start.out"; then
    hs_log "a chosen port was taken meanwhile; choosing new ports"
    choose_ports
    continue
  fi
  hs_fail "stack.sh start failed: $(tail -n 30 "$tmp/start.out")"
done
mapfile -t pids < <(stack_pids)
hs_assert_eq "${#pids[@]}" 4 "number of pid files (nginx, relay, cloud, backend)"
for pid in "${pids[@]}"; do
  hs_pid_alive "$pid" || hs_fail "pid $pid from run/ is not alive"
  pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
  hs_assert_eq "$pgid" "$pid" "process group of $(ps -o comm= -p "$pid")"
done
for port in "${server_ports[@]}"; do
  hs_port_open "$port" || hs_fail "nothing listens on 127.0.0.1:$port"
done
hs_log "ok: every server port answers"
hs_assert_eq "$(curl -fsS --max-time 5 "http://127.0.0.1:$HOSTSTUDIO_HTTP_PORT/health")" ok "/health body"
"$HS_STACK_SH" status >"$tmp/status.out" || hs_fail "status reports a problem: $(cat "$tmp/status.out")"
hs_assert_eq "$(grep -c ' healthy ' "$tmp/status.out")" 4 "healthy services in status"

# The written settings point at this stack.
grep -qx "rtmpUrl=rtmp://127.0.0.1:$HOSTSTUDIO_RTMP_PORT/live" "$HOSTSTUDIO_STACK_DIR/hoststudio.ini" ||
  hs_fail "hoststudio.ini has no rtmpUrl for port $HOSTSTUDIO_RTMP_PORT"
grep -qx "relays=ws://127.0.0.1:$HOSTSTUDIO_RELAY_PORT" "$HOSTSTUDIO_STACK_DIR/hoststudio.ini" ||
  hs_fail "hoststudio.ini has no relay on port $HOSTSTUDIO_RELAY_PORT"
grep -qx "HOSTSTUDIO_CHAT_URL=http://127.0.0.1:$HOSTSTUDIO_CHAT_PORT" "$HOSTSTUDIO_STACK_DIR/stack.env" ||
  hs_fail "stack.env has no chat URL for port $HOSTSTUDIO_CHAT_PORT"
hs_log "ok: hoststudio.ini and stack.env describe this stack"
key_mode=$(stat -c %a "$HOSTSTUDIO_STACK_DIR/certs/ca.key")
hs_assert_eq "$key_mode" 600 "CA key file mode"

"$HS_STACK_SH" start >"$tmp/start-again.out" 2>&1 || hs_fail "second start failed: $(cat "$tmp/start-again.out")"
grep -q 'already running' "$tmp/start-again.out" || hs_fail "second start did not notice the running stack"
hs_assert_eq "$(stack_pids | tr '\n' ' ')" "$(printf '%s ' "${pids[@]}")" "pids after a second start"

"$HS_STACK_SH" stop >"$tmp/stop.out" 2>&1 || hs_fail "stack.sh stop failed: $(cat "$tmp/stop.out")"
assert_nothing_left "after stop" "${pids[@]}"
hs_assert_eq "$(stack_pids)" "" "pid files after stop"
status_rc=0
"$HS_STACK_SH" status >"$tmp/status.out" 2>&1 || status_rc=$?
hs_assert_eq "$status_rc" 1 "status exit code of a stopped stack"
stop_output=$("$HS_STACK_SH" stop 2>&1) || hs_fail "a second stop failed"
hs_assert_eq "$stop_output" "" "output of a second stop"

# --- (b) with-stack: a failing command still stops the stack ----------------------------------
rc=0
# shellcheck disable=SC2016 # expanded by the command run inside the stack
"$HS_DEV" with-stack bash -c 'cat -- "$HOSTSTUDIO_STACK_DIR"/run/*.pid >"$1"; curl -fsS "http://127.0.0.1:$HOSTSTUDIO_HTTP_PORT/health" >"$1.health"; exit 7' _ "$tmp/with-stack.pids" \
  >"$tmp/with-stack.out" 2>&1 || rc=$?
hs_assert_eq "$rc" 7 "with-stack exit status of a command exiting 7"
hs_assert_eq "$(cat "$tmp/with-stack.pids.health")" ok "the command saw a healthy stack"
mapfile -t pids < "$tmp/with-stack.pids"
hs_assert_eq "${#pids[@]}" 4 "servers started by with-stack"
assert_nothing_left "after with-stack exit 7" "${pids[@]}"

rc=0
"$HS_DEV" with-stack false >"$tmp/with-stack-false.out" 2>&1 || rc=$?
((rc != 0)) || hs_fail "with-stack false exited 0"
hs_log "ok: with-stack false exited $rc"
assert_nothing_left "after with-stack false"

# --- (c) with-stack interrupted by Ctrl-C (SIGINT to its process group) ------------------------
# A terminal's foreground job: its own process group, SIGINT not ignored (a script's "&" would
# otherwise start it with SIGINT ignored).
env --default-signal=INT setsid "$HS_DEV" with-stack sleep 60 >"$tmp/interrupted.out" 2>&1 &
runner=$!
hs_reap_on_exit "$runner"
hs_cleanup "kill -KILL -- -$runner 2>/dev/null"
command_running() { pgrep -g "$runner" -f '^sleep 60$' >/dev/null; }
hs_wait_for command_running || hs_fail "the command of with-stack did not start: $(tail -n 20 "$tmp/interrupted.out")"
stack_is_up || hs_fail "the command of with-stack runs but the stack is not healthy"
mapfile -t pids < <(stack_pids)
hs_assert_eq "${#pids[@]}" 4 "servers started by with-stack"

kill -INT -- "-$runner"
exited=0
for ((i = 0; i < 100; i++)); do
  hs_pid_alive "$runner" || { exited=1; break; }
  sleep 0.1
done
((exited)) || hs_fail "with-stack did not exit within 10 s of SIGINT: $(tail -n 20 "$tmp/interrupted.out")"
rc=0
wait "$runner" || rc=$?
hs_assert_eq "$rc" 130 "with-stack exit status after SIGINT"
wait_gone 5 "${pids[@]}" "$runner" || true
assert_nothing_left "after SIGINT" "${pids[@]}" "$runner"

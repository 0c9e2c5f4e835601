#!/usr/bin/env bash
# HostStudio local stack: the real servers the studio and the integration tests talk to.
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   scripts/stack.sh start    start nginx (RTMP ingest + HLS over HTTP + RTMPS), a Nostr relay, the
#                             Cloudinary API stand-in and the seed's livestream backend
#   scripts/stack.sh stop     stop everything this stack directory started
#   scripts/stack.sh status   one line per service; exit 0 only when every service is healthy
#
# Every server binds 127.0.0.1 only. Configuration (defaults in brackets):
#   HOSTSTUDIO_STACK_DIR   [${XDG_STATE_HOME:-$HOME/.local/state}/hoststudio/stack]
#   HOSTSTUDIO_RTMP_PORT   [1935]   RTMP ingest (nginx-rtmp), application "live"
#   HOSTSTUDIO_RTMPS_PORT  [1936]   RTMPS (TLS terminated by nginx's stream module)
#   HOSTSTUDIO_HTTP_PORT   [8080]   HTTP: /hls/, /stat, /health
#   HOSTSTUDIO_RELAY_PORT  [7447]   Nostr relay (ws://), NIP-11 over HTTP
#   HOSTSTUDIO_BACKEND_PORT [3001]  the seed's livestream backend (tests/peers/livestream-backend.mjs):
#                                   HTTP API /livestream/… and Socket.IO (media in, HLS out, chat);
#                                   HOSTSTUDIO_CHAT_PORT is its older name and still accepted
#   HOSTSTUDIO_CLOUD_PORT  [3002]   the Cloudinary Live Streaming API stand-in (tests/peers/cloudinary-fake.mjs)
#   HOSTSTUDIO_STACK_TIMEOUT [20]   seconds to wait for each server to become healthy
#   HOSTSTUDIO_STACK_SERVICES [nginx relay cloud backend]   the services this stack runs (a
#                                   subset, e.g. "nginx" for a private ingest a test can stop)
#   HOSTSTUDIO_NGINX_MODULES_DIR [/usr/lib/nginx/modules]   where ngx_rtmp_module.so and
#                                   ngx_stream_module.so are
#
# Layout of the stack directory: logs/ run/ hls/ rec/ certs/ relay/ nginx/ backend/, plus stack.env
# (shell KEY=VALUE lines) and hoststudio.ini (settings for the studio) written by "start".

set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)

STACK_DIR=${HOSTSTUDIO_STACK_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/hoststudio/stack}
RTMP_PORT=${HOSTSTUDIO_RTMP_PORT:-1935}
RTMPS_PORT=${HOSTSTUDIO_RTMPS_PORT:-1936}
HTTP_PORT=${HOSTSTUDIO_HTTP_PORT:-8080}
RELAY_PORT=${HOSTSTUDIO_RELAY_PORT:-7447}
if [[ -n ${HOSTSTUDIO_BACKEND_PORT:-} && -n ${HOSTSTUDIO_CHAT_PORT:-} &&
  $HOSTSTUDIO_BACKEND_PORT != "$HOSTSTUDIO_CHAT_PORT" ]]; then
  printf 'stack: error: HOSTSTUDIO_BACKEND_PORT=%s and HOSTSTUDIO_CHAT_PORT=%s differ: set only one (CHAT_PORT is the old name)\n' \
    "$HOSTSTUDIO_BACKEND_PORT" "$HOSTSTUDIO_CHAT_PORT" >&2
  exit 1
fi
BACKEND_PORT=${HOSTSTUDIO_BACKEND_PORT:-${HOSTSTUDIO_CHAT_PORT:-3001}}
CLOUD_PORT=${HOSTSTUDIO_CLOUD_PORT:-3002}
HEALTH_TIMEOUT=${HOSTSTUDIO_STACK_TIMEOUT:-20}
HOST=127.0.0.1
ALL_SERVICES=(nginx relay cloud backend)
SERVICES=("${ALL_SERVICES[@]}")
if [[ -n ${HOSTSTUDIO_STACK_SERVICES:-} ]]; then
  read -ra SERVICES <<<"${HOSTSTUDIO_STACK_SERVICES//,/ }"
  for service in "${SERVICES[@]}"; do
    [[ " ${ALL_SERVICES[*]} " == *" $service "* ]] ||
      { printf 'stack: error: HOSTSTUDIO_STACK_SERVICES: unknown service %s (known: %s)\n' "$service" "${ALL_SERVICES[*]}" >&2; exit 2; }
  done
fi
NGINX_MODULES_DIR=${HOSTSTUDIO_NGINX_MODULES_DIR:-/usr/lib/nginx/modules}

msg() { printf 'stack: %s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

usage() {
  sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

# ---------------------------------------------------------------------------------------------
# helpers

abspath() {
  mkdir -p -- "$1"
  (cd -- "$1" && pwd -P)
}

check_port_number() {
  local name=$1 value=$2
  if [[ ! $value =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$name=$value is not a TCP port"
  fi
}

# true when something accepts TCP connections on 127.0.0.1:$1
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

pid_file() { printf '%s/run/%s.pid\n' "$STACK_DIR" "$1"; }

read_pid() {
  local file
  file=$(pid_file "$1")
  [[ -s $file ]] || return 1
  local pid
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# The process (or what is left of its process group) belongs to this stack directory.
# Each server runs as a session/process-group leader and its command line names the stack dir;
# a process group id cannot be reused while any member is alive.
# Zombies count as gone: they hold no port and no file, and are reaped by whoever inherited them.
group_alive() {
  [[ $1 =~ ^[1-9][0-9]*$ ]] || return 1
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

proc_alive() {
  local state
  [[ $1 =~ ^[1-9][0-9]*$ ]] || return 1
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ -n $state && $state != Z* ]]
}

leader_is_ours() {
  local pid=$1 cmdline
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$STACK_DIR"* ]]
}

# 0 when the service's process-group leader is alive and ours
service_running() {
  local pid
  pid=$(read_pid "$1") || return 1
  proc_alive "$pid" && leader_is_ours "$pid"
}

service_healthy() {
  case $1 in
    nginx)
      [[ $(curl -fsS --max-time 2 "http://$HOST:$HTTP_PORT/health" 2>/dev/null) == ok ]] &&
        port_open "$RTMP_PORT" && port_open "$RTMPS_PORT"
      ;;
    relay)
      local info
      info=$(curl -fsS --max-time 2 -H 'Accept: application/nostr+json' "http://$HOST:$RELAY_PORT/" 2>/dev/null) &&
        [[ $info == '{'*'"supported_nips"'*'}' ]]
      ;;
    cloud)
      [[ $(curl -fsS --max-time 2 "http://$HOST:$CLOUD_PORT/__health" 2>/dev/null) == ok ]]
      ;;
    backend)
      [[ $(curl -fsS --max-time 2 "http://$HOST:$BACKEND_PORT/livestream/health" 2>/dev/null) == *'"status":"healthy"'* ]]
      ;;
  esac
}

service_ports() {
  case $1 in
    nginx) printf 'rtmp=%s rtmps=%s http=%s' "$RTMP_PORT" "$RTMPS_PORT" "$HTTP_PORT" ;;
    relay) printf 'ws=%s' "$RELAY_PORT" ;;
    cloud) printf 'http=%s' "$CLOUD_PORT" ;;
    backend) printf 'http+socket.io=%s' "$BACKEND_PORT" ;;
  esac
}

# Start "$@" in its own session (so its pid is its process-group id), detached from our stdio
# and from every inherited descriptor above 2; the child records its own pid before exec.
launch() {
  local name=$1 log=$2
  shift 2
  local file
  file=$(pid_file "$name")
  rm -f -- "$file"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid sh -c 'echo "$$" >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$file" "$@" \
    </dev/null >>"$log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $file ]] && return 0
    sleep 0.1
  done
  die "$name did not start (no pid file $file)"
}

stop_service() {
  local name=$1 pid file
  file=$(pid_file "$name")
  pid=$(read_pid "$name") || { rm -f -- "$file"; return 0; }
  if proc_alive "$pid" && ! leader_is_ours "$pid"; then
    msg "pid $pid in $file is not a $name of this stack; leaving it alone"
    rm -f -- "$file"
    return 0
  fi
  if group_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
      group_alive "$pid" || break
      sleep 0.1
    done
    if group_alive "$pid"; then
      msg "$name (pid $pid) ignored SIGTERM for 5 s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do
        group_alive "$pid" || break
        sleep 0.1
      done
    fi
    msg "stopped $name (pid $pid)"
  fi
  rm -f -- "$file"
}

log_tail() {
  local file
  for file in "$@"; do
    [[ -s $file ]] || continue
    printf -- '---- last lines of %s ----\n' "$file" >&2
    tail -n 25 -- "$file" >&2
  done
}

# ---------------------------------------------------------------------------------------------
# generated files

make_certs() {
  local certs=$STACK_DIR/certs
  mkdir -p -- "$certs"
  if [[ -s $certs/ca.crt && -s $certs/ca.key && -s $certs/server.crt && -s $certs/server.key ]] &&
    openssl verify -CAfile "$certs/ca.crt" "$certs/server.crt" >/dev/null 2>&1 &&
    openssl x509 -in "$certs/server.crt" -noout -checkend 86400 >/dev/null 2>&1; then
    return 0
  fi
  command -v openssl >/dev/null || die "openssl is missing (run: scripts/dev setup)"
  msg "generating a local CA and a server certificate for 127.0.0.1/localhost in $certs"
  local old_umask
  old_umask=$(umask)
  umask 077
  rm -f -- "$certs"/ca.* "$certs"/server.*
  openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$certs/ca.key" -out "$certs/ca.crt" \
    -subj "/O=HostStudio/CN=HostStudio local test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  openssl req -new -newkey rsa:2048 -nodes -sha256 \
    -keyout "$certs/server.key" -out "$certs/server.csr" \
    -subj "/O=HostStudio/CN=localhost" 2>/dev/null
  cat >"$certs/server.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
  openssl x509 -req -sha256 -days 825 -in "$certs/server.csr" \
    -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -CAserial "$certs/ca.srl" \
    -extfile "$certs/server.ext" -out "$certs/server.crt" 2>/dev/null
  umask "$old_umask"
  chmod 600 -- "$certs/ca.key" "$certs/server.key"
  chmod 644 -- "$certs/ca.crt" "$certs/server.crt"
  rm -f -- "$certs/server.csr"
  openssl verify -CAfile "$certs/ca.crt" "$certs/server.crt" >/dev/null || die "generated certificate does not verify"
}

write_nginx_conf() {
  local d=$STACK_DIR n=$STACK_DIR/nginx
  mkdir -p -- "$n/client_body" "$n/proxy" "$n/fastcgi" "$n/uwsgi" "$n/scgi"
  local user_line='# workers run as the invoking user'
  if [[ $(id -u) -eq 0 ]]; then
    # nginx would otherwise drop its workers to "nobody", who can neither traverse a private
    # home directory nor write hls/ and rec/.
    user_line='user root root;'
  fi
  cat >"$n/nginx.conf.tmp" <<EOF
# Generated by scripts/stack.sh: HostStudio local ingest. Edits are overwritten on start.
load_module $NGINX_MODULES_DIR/ngx_rtmp_module.so;
load_module $NGINX_MODULES_DIR/ngx_stream_module.so;

daemon off;
master_process on;
worker_processes 1;
$user_line
pid $n/nginx.pid;
lock_file $n/nginx.lock;
error_log $d/logs/nginx-error.log info;

events {
    worker_connections 256;
}

rtmp {
    access_log $d/logs/nginx-rtmp-access.log;
    server {
        listen $HOST:$RTMP_PORT;
        chunk_size 4096;
        application live {
            live on;
            allow publish 127.0.0.1;
            deny publish all;
            allow play 127.0.0.1;
            deny play all;
            hls on;
            hls_path $d/hls;
            hls_fragment 1s;
            hls_playlist_length 10s;
            record all;
            record_path $d/rec;
            record_unique on;
        }
    }
}

stream {
    server {
        listen $HOST:$RTMPS_PORT ssl;
        ssl_certificate $d/certs/server.crt;
        ssl_certificate_key $d/certs/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        proxy_pass $HOST:$RTMP_PORT;
    }
}

http {
    access_log $d/logs/nginx-access.log;
    client_body_temp_path $n/client_body;
    proxy_temp_path $n/proxy;
    fastcgi_temp_path $n/fastcgi;
    uwsgi_temp_path $n/uwsgi;
    scgi_temp_path $n/scgi;
    sendfile off;
    server_tokens off;
    default_type application/octet-stream;

    map \$uri \$hls_cache_control {
        ~\.m3u8\$ "no-cache";
        default   "";
    }

    server {
        listen $HOST:$HTTP_PORT;
        server_name localhost;

        location /hls/ {
            types {
                application/vnd.apple.mpegurl m3u8;
                video/mp2t ts;
            }
            root $d;
            add_header Cache-Control \$hls_cache_control always;
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Allow-Methods "GET, HEAD, OPTIONS" always;
            add_header Access-Control-Allow-Headers "Range, Origin, Accept, Content-Type" always;
            add_header Access-Control-Expose-Headers "Content-Length, Content-Range" always;
            add_header Access-Control-Max-Age 600 always;
            if (\$request_method = OPTIONS) {
                return 204;
            }
        }

        location = /stat {
            rtmp_stat all;
        }

        location = /health {
            default_type text/plain;
            return 200 "ok";
        }

        location / {
            return 404;
        }
    }
}
EOF
  mv -f -- "$n/nginx.conf.tmp" "$n/nginx.conf"
}

write_env_files() {
  local ca=$STACK_DIR/certs/ca.crt
  {
    printf '# Generated by scripts/stack.sh start: the local HostStudio stack.\n'
    printf '%s=%q\n' \
      HOSTSTUDIO_STACK_DIR "$STACK_DIR" \
      HOSTSTUDIO_RTMP_PORT "$RTMP_PORT" \
      HOSTSTUDIO_RTMPS_PORT "$RTMPS_PORT" \
      HOSTSTUDIO_HTTP_PORT "$HTTP_PORT" \
      HOSTSTUDIO_RELAY_PORT "$RELAY_PORT" \
      HOSTSTUDIO_BACKEND_PORT "$BACKEND_PORT" \
      HOSTSTUDIO_CHAT_PORT "$BACKEND_PORT" \
      HOSTSTUDIO_CLOUD_PORT "$CLOUD_PORT" \
      HOSTSTUDIO_RTMP_URL "rtmp://$HOST:$RTMP_PORT/live" \
      HOSTSTUDIO_RTMPS_URL "rtmps://$HOST:$RTMPS_PORT/live" \
      HOSTSTUDIO_HLS_BASE_URL "http://$HOST:$HTTP_PORT/hls" \
      HOSTSTUDIO_STAT_URL "http://$HOST:$HTTP_PORT/stat" \
      HOSTSTUDIO_RELAY_URL "ws://$HOST:$RELAY_PORT" \
      HOSTSTUDIO_CA_FILE "$ca" \
      HOSTSTUDIO_BACKEND_URL "http://$HOST:$BACKEND_PORT" \
      HOSTSTUDIO_CHAT_URL "http://$HOST:$BACKEND_PORT" \
      HOSTSTUDIO_CLOUD_URL "http://$HOST:$CLOUD_PORT" \
      HOSTSTUDIO_HLS_DIR "$STACK_DIR/hls" \
      HOSTSTUDIO_REC_DIR "$STACK_DIR/rec" \
      HOSTSTUDIO_BACKEND_DATA_DIR "$STACK_DIR/backend" \
      HOSTSTUDIO_STACK_LOG_DIR "$STACK_DIR/logs"
  } >"$STACK_DIR/stack.env.tmp"
  mv -f -- "$STACK_DIR/stack.env.tmp" "$STACK_DIR/stack.env"

  cat >"$STACK_DIR/hoststudio.ini.tmp" <<EOF
[ingest]
provider=custom
rtmpUrl=rtmp://$HOST:$RTMP_PORT/live
rtmpsUrl=rtmps://$HOST:$RTMPS_PORT/live
hlsBaseUrl=http://$HOST:$HTTP_PORT/hls

[tls]
extraCaFile=$ca

[nostr]
relays=ws://$HOST:$RELAY_PORT

[backend]
url=http://$HOST:$BACKEND_PORT

[chat]
url=http://$HOST:$BACKEND_PORT

[cloudinary]
apiBaseUrl=http://$HOST:$CLOUD_PORT
EOF
  mv -f -- "$STACK_DIR/hoststudio.ini.tmp" "$STACK_DIR/hoststudio.ini"
}

# When a stack.env exists, status reports on the ports the stack was started with.
load_recorded_ports() {
  local env=$STACK_DIR/stack.env key value
  [[ -r $env ]] || return 0
  while IFS='=' read -r key value; do
    case $key in
      HOSTSTUDIO_RTMP_PORT) RTMP_PORT=$value ;;
      HOSTSTUDIO_RTMPS_PORT) RTMPS_PORT=$value ;;
      HOSTSTUDIO_HTTP_PORT) HTTP_PORT=$value ;;
      HOSTSTUDIO_RELAY_PORT) RELAY_PORT=$value ;;
      HOSTSTUDIO_CLOUD_PORT) CLOUD_PORT=$value ;;
      HOSTSTUDIO_BACKEND_PORT) BACKEND_PORT=$value ;;
    esac
  done <"$env"
}

print_table() {
  printf '\nHostStudio local stack (%s)\n' "$STACK_DIR"
  printf '  %-8s %-7s %-40s %s\n' SERVICE PID ENDPOINT LOG
  local npid rpid cpid bpid
  npid=$(read_pid nginx || echo -)
  rpid=$(read_pid relay || echo -)
  cpid=$(read_pid cloud || echo -)
  bpid=$(read_pid backend || echo -)
  printf '  %-8s %-7s %-40s %s\n' \
    rtmp "$npid" "rtmp://$HOST:$RTMP_PORT/live" nginx-error.log \
    rtmps "$npid" "rtmps://$HOST:$RTMPS_PORT/live" nginx-error.log \
    hls "$npid" "http://$HOST:$HTTP_PORT/hls/<key>.m3u8" nginx-access.log \
    stat "$npid" "http://$HOST:$HTTP_PORT/stat" nginx-access.log \
    relay "$rpid" "ws://$HOST:$RELAY_PORT" relay.log \
    cloud "$cpid" "http://$HOST:$CLOUD_PORT/v2/video/demo" cloudinary-fake.log \
    backend "$bpid" "http://$HOST:$BACKEND_PORT/livestream/" backend.log
  printf '  CA file:   %s\n' "$STACK_DIR/certs/ca.crt"
  printf '  logs:      %s\n' "$STACK_DIR/logs"
  printf '  settings:  %s  (and %s)\n\n' "$STACK_DIR/hoststudio.ini" "$STACK_DIR/stack.env"
}

# ---------------------------------------------------------------------------------------------
# verbs

wait_healthy() {
  local name=$1
  shift
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  while ((SECONDS < deadline)); do
    if service_healthy "$name"; then
      return 0
    fi
    local pid
    if ! pid=$(read_pid "$name") || ! group_alive "$pid"; then
      msg "error: $name exited during start-up"
      log_tail "$@"
      return 1
    fi
    sleep 0.2
  done
  msg "error: $name did not become healthy within ${HEALTH_TIMEOUT}s ($(service_ports "$name"))"
  log_tail "$@"
  return 1
}

# One function per service: launch it and wait until it is healthy (1 when it is not).
start_nginx() {
  local conf=$STACK_DIR/nginx/nginx.conf prefix=$STACK_DIR/nginx/
  local errlog=$STACK_DIR/logs/nginx-error.log
  msg "starting nginx (rtmp $RTMP_PORT, rtmps $RTMPS_PORT, http $HTTP_PORT)"
  launch nginx "$STACK_DIR/logs/nginx.out" nginx -c "$conf" -p "$prefix" -e "$errlog"
  wait_healthy nginx "$STACK_DIR/logs/nginx.out" "$errlog"
}

start_relay() {
  msg "starting the Nostr relay (ws $RELAY_PORT)"
  launch relay "$STACK_DIR/logs/relay.log" node "$REPO_ROOT/tests/peers/relay.mjs" \
    --host "$HOST" --port "$RELAY_PORT" --db "$STACK_DIR/relay/relay.db"
  wait_healthy relay "$STACK_DIR/logs/relay.log"
}

start_cloud() {
  msg "starting the Cloudinary API stand-in (http $CLOUD_PORT)"
  launch cloud "$STACK_DIR/logs/cloudinary-fake.log" node "$REPO_ROOT/tests/peers/cloudinary-fake.mjs" \
    --host "$HOST" --port "$CLOUD_PORT" --ingest-uri "rtmp://$HOST:$RTMP_PORT/live" \
    --hls-base "http://$HOST:$HTTP_PORT/hls" --request-log "$STACK_DIR/logs/cloudinary-requests.jsonl"
  wait_healthy cloud "$STACK_DIR/logs/cloudinary-fake.log"
}

start_backend() {
  msg "starting the livestream backend (http + socket.io $BACKEND_PORT)"
  launch backend "$STACK_DIR/logs/backend.log" node "$REPO_ROOT/tests/peers/livestream-backend.mjs" \
    --host "$HOST" --port "$BACKEND_PORT" --data-dir "$STACK_DIR/backend" \
    --log "$STACK_DIR/logs/backend-events.jsonl"
  wait_healthy backend "$STACK_DIR/logs/backend.log"
}

# The TCP ports a service listens on.
ports_of() {
  case $1 in
    nginx) echo "$RTMP_PORT $RTMPS_PORT $HTTP_PORT" ;;
    relay) echo "$RELAY_PORT" ;;
    cloud) echo "$CLOUD_PORT" ;;
    backend) echo "$BACKEND_PORT" ;;
  esac
}

cmd_start() {
  local missing=() tool
  for tool in nginx node openssl curl setsid; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (run: scripts/dev setup)"
  [[ -d $REPO_ROOT/tests/peers/node_modules/@nostr-relay/core && -d $REPO_ROOT/tests/peers/node_modules/socket.io ]] ||
    die "the test peers' npm packages are not installed (run: scripts/dev setup)"
  command -v ffmpeg >/dev/null ||
    msg "warning: ffmpeg is missing: the backend will refuse media (run: scripts/dev setup)"
  [[ -f $NGINX_MODULES_DIR/ngx_rtmp_module.so && -f $NGINX_MODULES_DIR/ngx_stream_module.so ]] ||
    die "nginx rtmp/stream modules are missing in $NGINX_MODULES_DIR (run: scripts/dev setup)"

  local all_up=1 any_up=0 name
  for name in "${SERVICES[@]}"; do
    if service_running "$name"; then any_up=1; else all_up=0; fi
  done
  if ((all_up)); then
    load_recorded_ports
    msg "already running in $STACK_DIR"
    print_table
    return 0
  fi
  if ((any_up)); then
    msg "a partial stack is running in $STACK_DIR: restarting it"
    for name in "${SERVICES[@]}"; do stop_service "$name"; done
  fi

  local port
  for port in $(for name in "${SERVICES[@]}"; do ports_of "$name"; done); do
    if port_open "$port"; then
      die "port $port on $HOST is already in use (another stack? set HOSTSTUDIO_*_PORT or run: scripts/stack.sh stop)"
    fi
  done

  # Interrupted half-way: stop whatever was started already.
  trap 'msg "interrupted: stopping what was started"; cmd_stop; exit 130' INT HUP
  trap 'msg "terminated: stopping what was started"; cmd_stop; exit 143' TERM

  mkdir -p -- "$STACK_DIR"/{logs,run,hls,rec,certs,relay,nginx,backend}
  make_certs
  write_nginx_conf

  local conf=$STACK_DIR/nginx/nginx.conf prefix=$STACK_DIR/nginx/
  local errlog=$STACK_DIR/logs/nginx-error.log
  if ! nginx -t -q -c "$conf" -p "$prefix" -e "$errlog" 2>>"$STACK_DIR/logs/nginx.out"; then
    msg "error: nginx rejected the generated configuration $conf"
    log_tail "$STACK_DIR/logs/nginx.out" "$errlog"
    exit 1
  fi

  local started=() service index
  for service in "${SERVICES[@]}"; do
    if ! "start_$service"; then
      stop_service "$service"
      for ((index = ${#started[@]} - 1; index >= 0; index--)); do stop_service "${started[index]}"; done
      exit 1
    fi
    started+=("$service")
  done

  write_env_files
  msg "stack is up"
  print_table
}

cmd_stop() {
  [[ -d $STACK_DIR/run ]] || return 0
  local name
  for name in "${SERVICES[@]}"; do
    stop_service "$name"
  done
  # pid files of services this version no longer knows
  local file
  for file in "$STACK_DIR"/run/*.pid; do
    [[ -e $file ]] || continue
    stop_service "$(basename -- "$file" .pid)"
  done
}

cmd_status() {
  load_recorded_ports
  local name pid state rc=0
  for name in "${SERVICES[@]}"; do
    pid=$(read_pid "$name" || echo -)
    if service_running "$name"; then
      if service_healthy "$name"; then state=healthy; else state=running; rc=1; fi
    else
      state=stopped
      pid=-
      rc=1
    fi
    printf '%-7s %-8s pid=%-7s %s\n' "$name" "$state" "$pid" "$(service_ports "$name")"
  done
  return "$rc"
}

# ---------------------------------------------------------------------------------------------

for var in RTMP_PORT RTMPS_PORT HTTP_PORT RELAY_PORT BACKEND_PORT CLOUD_PORT; do
  check_port_number "HOSTSTUDIO_$var" "${!var}"
done
[[ $STACK_DIR == /* ]] || STACK_DIR=$PWD/$STACK_DIR
[[ $STACK_DIR != *[[:space:]]* ]] || die "HOSTSTUDIO_STACK_DIR must not contain white space: $STACK_DIR"

verb=${1:-}
case $verb in
  start | stop | status)
    if [[ ! -d $STACK_DIR/run ]]; then
      case $verb in
        stop) exit 0 ;;
        status) cmd_status; exit $? ;;
      esac
    fi
    STACK_DIR=$(abspath "$STACK_DIR")
    mkdir -p -- "$STACK_DIR/run"
    # One verb at a time per stack directory (servers never inherit this descriptor).
    exec 9>"$STACK_DIR/run/.lock"
    if [[ $verb != status ]]; then
      flock -w 60 9 || die "another stack.sh is busy with $STACK_DIR"
    fi
    "cmd_$verb"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage
    exit 2
    ;;
esac

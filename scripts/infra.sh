#!/usr/bin/env bash
# Local test infrastructure for Gatehouse: RabbitMQ, Redis and a Docker Distribution registry,
# installed from Debian packages and run as plain processes with private state (no systemd, no
# Docker engine). See /work/shared/docs/LOCAL-INFRA.md (shared/docs/LOCAL-INFRA.md) for the facts.
#
#   scripts/infra.sh start  [rabbitmq|redis|registry ...]   install what is missing, start what is not running
#   scripts/infra.sh stop   [rabbitmq|redis|registry ...]   stop what we started (by PID), bounded waits
#   scripts/infra.sh status                                 one line per service; exit 3 if any is down
#   scripts/infra.sh env                                    `export` lines for the tests
#   scripts/infra.sh install                                only install the missing Debian packages
#
# Idempotent: a service that is already running from this state dir (PID file alive, port answering)
# is left alone; a stale PID file is removed. A port held by a process we did not start is an error
# (set GATEHOUSE_INFRA_ALLOW_FOREIGN=1 to use that process anyway).
#
# Settings (environment, with defaults):
#   GATEHOUSE_STATE               <repo>/.state      private state: data, logs, PID files, configs
#   GATEHOUSE_TEST_WEBHOOK_PORT   5080               where the registry sends push notifications
#   GATEHOUSE_TEST_WEBHOOK_TOKEN  gatehouse-test-token   Bearer token in those notifications
#   GATEHOUSE_INFRA_STARTED_FILE  (unset)            `start` appends the names of services it started
#   GATEHOUSE_IMAGE_CACHE         ~/.cache/gatehouse/images   (only for `env`: GATEHOUSE_TEST_IMAGES)
# `env` also names the digests file of scripts/build-platform-images.sh (GATEHOUSE_TEST_PLATFORM_IMAGES).
# Ports are fixed: AMQP 5672, management 15672, Erlang dist 25672, epmd 4369, Redis 6379, registry 5000.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
STATE="${GATEHOUSE_STATE:-$REPO_ROOT/.state}"

WEBHOOK_PORT="${GATEHOUSE_TEST_WEBHOOK_PORT:-5080}"
WEBHOOK_TOKEN="${GATEHOUSE_TEST_WEBHOOK_TOKEN:-gatehouse-test-token}"

AMQP_PORT=5672
MGMT_PORT=15672
DIST_PORT=25672
EPMD_PORT=4369
REDIS_PORT=6379
REGISTRY_PORT=5000
RABBIT_START_TIMEOUT="${GATEHOUSE_RABBITMQ_START_TIMEOUT:-180}"   # seconds; a busy 2-core machine is slow

RABBIT_DIR="$STATE/rabbitmq"
REDIS_DIR="$STATE/redis"
REGISTRY_DIR="$STATE/registry"
BIN_DIR="$STATE/bin"

# chromium (and a font for its text) for the dashboard tests, driven by Playwright with its executable path set.
PACKAGES=(rabbitmq-server redis-server docker-registry skopeo umoci debootstrap chromium fonts-dejavu-core)
ALL_SERVICES=(rabbitmq redis registry)

log() { printf '[infra %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }
elapsed() { local start=$1; local ms=$(( $(now_ms) - start )); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }

# ---------------------------------------------------------------- helpers

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PID PATTERN: the process exists and its command line contains PATTERN (guards PID reuse).
pid_alive() {
  local pid=$1 pattern=$2
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  # a zombie has an empty cmdline; treat it as dead
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern"
}

read_pid() { [[ -s "$1" ]] && tr -dc '0-9' <"$1" || true; }

# pidfile_alive FILE PATTERN: prints the PID when alive; removes a stale file.
pidfile_alive() {
  local file=$1 pattern=$2 pid
  [[ -e "$file" ]] || return 1
  pid="$(read_pid "$file")"
  if [[ -n "$pid" ]] && pid_alive "$pid" "$pattern"; then
    echo "$pid"
    return 0
  fi
  log "removing stale PID file $file${pid:+ (pid $pid)}"
  rm -f "$file"
  return 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls every 0.2 s.
wait_for() {
  local secs=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + secs ))
  while ! "$@"; do
    if (( $(date +%s) >= deadline )); then
      log "timed out after ${secs}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# stop_pid PID PATTERN NAME SECONDS: TERM, bounded wait, then KILL.
stop_pid() {
  local pid=$1 pattern=$2 name=$3 secs=${4:-15}
  pid_alive "$pid" "$pattern" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "$secs" "$name (pid $pid) to exit" bash -c "! tr '\\0' ' ' </proc/$pid/cmdline 2>/dev/null | grep -qF -- '$pattern'"; then
    log "killing $name (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 5 "$name (pid $pid) to die" bash -c "! tr '\\0' ' ' </proc/$pid/cmdline 2>/dev/null | grep -qF -- '$pattern'" || true
  fi
}

check_port_free_or_ours() {
  local port=$1 name=$2
  if port_open "$port"; then
    if [[ "${GATEHOUSE_INFRA_ALLOW_FOREIGN:-0}" == 1 ]]; then
      log "$name: port $port is answering from a process not started from $STATE; using it (GATEHOUSE_INFRA_ALLOW_FOREIGN=1)"
      return 1
    fi
    die "$name: port 127.0.0.1:$port is already in use by a process not started from $STATE (another clone's infra? stop it, or set GATEHOUSE_INFRA_ALLOW_FOREIGN=1 to use it)"
  fi
  return 0
}

note_started() {
  if [[ -n "${GATEHOUSE_INFRA_STARTED_FILE:-}" ]]; then
    echo "$1" >>"$GATEHOUSE_INFRA_STARTED_FILE"
  fi
}

# ---------------------------------------------------------------- packages

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  local t0; t0=$(now_ms)
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local aptopts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
  apt-get "${aptopts[@]}" update -qq </dev/null >"/tmp/gatehouse-apt-update.$$.log" 2>&1 \
    || { cat "/tmp/gatehouse-apt-update.$$.log" >&2; die "apt-get update failed"; }
  apt-get "${aptopts[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null >"/tmp/gatehouse-apt-install.$$.log" 2>&1 \
    || { tail -50 "/tmp/gatehouse-apt-install.$$.log" >&2; die "apt-get install failed"; }
  rm -f "/tmp/gatehouse-apt-update.$$.log" "/tmp/gatehouse-apt-install.$$.log"
  log "packages installed in $(elapsed "$t0")"
}

# ---------------------------------------------------------------- RabbitMQ

rabbit_env() {
  export HOME="$RABBIT_DIR/home"
  export RABBITMQ_NODENAME=rabbit@localhost
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$AMQP_PORT
  export RABBITMQ_DIST_PORT=$DIST_PORT
  export ERL_EPMD_ADDRESS=127.0.0.1
  export ERL_EPMD_PORT=$EPMD_PORT
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins"
  export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$RABBIT_DIR/log"
  export RABBITMQ_PID_FILE="$RABBIT_DIR/beam.pid"
  export PATH="/usr/lib/rabbitmq/bin:$PATH"
}

write_rabbit_files() {
  mkdir -p "$RABBIT_DIR/home" "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log" "$BIN_DIR"
  cat >"$RABBIT_DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
  echo '[rabbitmq_management].' >"$RABBIT_DIR/enabled_plugins"
  # Wrappers so tests and developers run the CLI tools against this node with the shared cookie.
  local tool
  for tool in rabbitmqctl rabbitmq-diagnostics rabbitmq-plugins rabbitmq-queues; do
    cat >"$BIN_DIR/$tool.tmp" <<EOF
#!/usr/bin/env bash
# Generated by scripts/infra.sh: runs $tool against the local test node in $RABBIT_DIR.
export HOME='$RABBIT_DIR/home'
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$AMQP_PORT
export RABBITMQ_DIST_PORT=$DIST_PORT
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=$EPMD_PORT
export RABBITMQ_CONFIG_FILE='$RABBIT_DIR/rabbitmq.conf'
export RABBITMQ_ENABLED_PLUGINS_FILE='$RABBIT_DIR/enabled_plugins'
export RABBITMQ_MNESIA_BASE='$RABBIT_DIR/mnesia'
export RABBITMQ_LOG_BASE='$RABBIT_DIR/log'
export RABBITMQ_PID_FILE='$RABBIT_DIR/beam.pid'
exec /usr/lib/rabbitmq/bin/$tool "\$@"
EOF
    chmod +x "$BIN_DIR/$tool.tmp"
    mv -f "$BIN_DIR/$tool.tmp" "$BIN_DIR/$tool"
  done
}

rabbit_ready() { "$BIN_DIR/rabbitmq-diagnostics" -q check_port_connectivity >/dev/null 2>&1; }

start_epmd() {
  if pidfile_alive "$RABBIT_DIR/epmd.pid" epmd >/dev/null; then return 0; fi
  if port_open "$EPMD_PORT"; then
    # Some other Erlang node's epmd (e.g. another clone); sharing it is harmless: we just don't own it.
    log "epmd: port $EPMD_PORT already served by a process we did not start; sharing it"
    return 0
  fi
  local epmd_bin=/usr/bin/epmd
  [[ -x "$epmd_bin" ]] || epmd_bin="$(ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -1)"
  [[ -x "$epmd_bin" ]] || die "epmd not found"
  # Not -daemon: we want its PID so that `stop` can end exactly this process.
  # Daemons start in their state folder: a deleted working directory (a removed clone) breaks their child processes.
  (cd "$RABBIT_DIR" && ERL_EPMD_ADDRESS=127.0.0.1 exec setsid "$epmd_bin" -port "$EPMD_PORT" </dev/null >>"$RABBIT_DIR/log/epmd.log" 2>&1 9>&-) &
  echo $! >"$RABBIT_DIR/epmd.pid"
  wait_for 10 "epmd on port $EPMD_PORT" port_open "$EPMD_PORT" || die "epmd did not start"
}

start_rabbitmq() {
  local beam launcher t0
  write_rabbit_files
  rabbit_env
  beam="$(pidfile_alive "$RABBIT_DIR/beam.pid" beam || true)"
  launcher="$(pidfile_alive "$RABBIT_DIR/server.pid" rabbitmq-server || true)"
  if [[ -n "$beam" || -n "$launcher" ]]; then
    if rabbit_ready || wait_for 60 "RabbitMQ (already starting, pid ${beam:-$launcher})" rabbit_ready; then
      log "rabbitmq: already running (pid ${beam:-$launcher})"
      return 0
    fi
    die "rabbitmq: our node (pid ${beam:-$launcher}) is running but not answering; see $RABBIT_DIR/log, or run: $0 stop rabbitmq"
  fi
  check_port_free_or_ours "$AMQP_PORT" rabbitmq || return 0
  check_port_free_or_ours "$DIST_PORT" "rabbitmq (Erlang distribution)" || return 0
  t0=$(now_ms)
  start_epmd
  log "rabbitmq: starting (logs in $RABBIT_DIR/log)"
  (cd "$RABBIT_DIR" && exec setsid /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >>"$RABBIT_DIR/log/server.out" 2>&1 9>&-) &
  echo $! >"$RABBIT_DIR/server.pid"
  launcher=$!
  local deadline=$(( $(date +%s) + RABBIT_START_TIMEOUT ))
  # Cheap check first (the AMQP listener opens last in the boot sequence); each diagnostics call
  # boots an Erlang VM, which would compete with the starting node for the CPU.
  until port_open "$AMQP_PORT" || (( $(date +%s) >= deadline )) || ! pid_alive "$launcher" rabbitmq-server; do
    sleep 0.2
  done
  until rabbit_ready; do
    if ! pid_alive "$launcher" rabbitmq-server; then
      tail -40 "$RABBIT_DIR/log/server.out" >&2 || true
      die "rabbitmq: server exited during startup"
    fi
    if (( $(date +%s) >= deadline )); then
      tail -40 "$RABBIT_DIR/log/server.out" >&2 || true
      log "rabbitmq: not ready after ${RABBIT_START_TIMEOUT}s; stopping the half-started node"
      stop_rabbitmq || true
      die "rabbitmq: not ready after ${RABBIT_START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "rabbitmq: ready on 127.0.0.1:$AMQP_PORT (management 127.0.0.1:$MGMT_PORT) in $(elapsed "$t0")"
  note_started rabbitmq
}

stop_rabbitmq() {
  write_rabbit_files
  rabbit_env
  local beam launcher epmd
  beam="$(pidfile_alive "$RABBIT_DIR/beam.pid" beam || true)"
  launcher="$(pidfile_alive "$RABBIT_DIR/server.pid" rabbitmq-server || true)"
  if [[ -n "$beam" || -n "$launcher" ]]; then
    local t0; t0=$(now_ms)
    log "rabbitmq: stopping (beam ${beam:-?}, launcher ${launcher:-?})"
    if [[ -n "$beam" ]]; then
      # With the PID file argument, `stop` returns once the VM has exited.
      timeout 60 "$BIN_DIR/rabbitmqctl" -q stop "$RABBIT_DIR/beam.pid" >/dev/null 2>&1 \
        || log "rabbitmq: rabbitmqctl stop failed or timed out; terminating by PID"
      stop_pid "$beam" beam "rabbitmq beam" 20
    fi
    [[ -n "$launcher" ]] && stop_pid "$launcher" rabbitmq-server "rabbitmq launcher" 10
    rm -f "$RABBIT_DIR/beam.pid" "$RABBIT_DIR/server.pid"
    log "rabbitmq: stopped in $(elapsed "$t0")"
  fi
  epmd="$(pidfile_alive "$RABBIT_DIR/epmd.pid" epmd || true)"
  if [[ -n "$epmd" ]]; then
    stop_pid "$epmd" epmd epmd 10
    log "epmd: stopped (pid $epmd)"
  fi
  rm -f "$RABBIT_DIR/epmd.pid"
}

status_rabbitmq() {
  local beam
  beam="$(pidfile_alive "$RABBIT_DIR/beam.pid" beam 2>/dev/null || true)"
  if [[ -n "$beam" ]] && port_open "$AMQP_PORT"; then
    echo "rabbitmq  running  pid $beam  amqp://127.0.0.1:$AMQP_PORT/  http://127.0.0.1:$MGMT_PORT/"
  elif [[ -n "$beam" ]]; then
    echo "rabbitmq  starting pid $beam  (AMQP port $AMQP_PORT not answering yet)"; return 1
  elif port_open "$AMQP_PORT"; then
    echo "rabbitmq  foreign  port $AMQP_PORT answers but not from $STATE"; return 1
  else
    echo "rabbitmq  stopped"; return 1
  fi
}

# ---------------------------------------------------------------- Redis

start_redis() {
  local pid t0
  mkdir -p "$REDIS_DIR"
  if pid="$(pidfile_alive "$REDIS_DIR/redis.pid" redis-server)"; then
    if wait_for 10 "redis on port $REDIS_PORT" port_open "$REDIS_PORT"; then
      log "redis: already running (pid $pid)"
      return 0
    fi
    die "redis: our server (pid $pid) is not answering on $REDIS_PORT; run: $0 stop redis"
  fi
  check_port_free_or_ours "$REDIS_PORT" redis || return 0
  t0=$(now_ms)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" \
    --save '' --appendonly no </dev/null >/dev/null 9>&-
  wait_for 10 "redis PING" bash -c "[[ \"\$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping 2>/dev/null)\" == PONG ]]" \
    || { tail -20 "$REDIS_DIR/redis.log" >&2 || true; die "redis did not start"; }
  log "redis: ready on 127.0.0.1:$REDIS_PORT (pid $(read_pid "$REDIS_DIR/redis.pid")) in $(elapsed "$t0")"
  note_started redis
}

stop_redis() {
  local pid
  if pid="$(pidfile_alive "$REDIS_DIR/redis.pid" redis-server)"; then
    stop_pid "$pid" redis-server redis 15
    log "redis: stopped (pid $pid)"
  fi
  rm -f "$REDIS_DIR/redis.pid"
}

status_redis() {
  local pid
  pid="$(pidfile_alive "$REDIS_DIR/redis.pid" redis-server 2>/dev/null || true)"
  if [[ -n "$pid" ]] && port_open "$REDIS_PORT"; then
    echo "redis     running  pid $pid  127.0.0.1:$REDIS_PORT"
  elif port_open "$REDIS_PORT"; then
    echo "redis     foreign  port $REDIS_PORT answers but not from $STATE"; return 1
  else
    echo "redis     stopped"; return 1
  fi
}

# ---------------------------------------------------------------- registry

write_registry_config() {
  mkdir -p "$REGISTRY_DIR/data"
  if [[ ! -s "$REGISTRY_DIR/http.secret" ]]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$REGISTRY_DIR/http.secret"
  fi
  cat >"$REGISTRY_DIR/config.yml.new" <<EOF
# Generated by scripts/infra.sh; edits are overwritten on the next start.
version: 0.1
log:
  level: info
  formatter: text
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  secret: $(cat "$REGISTRY_DIR/http.secret")
  headers:
    X-Content-Type-Options: [nosniff]
notifications:
  events:
    includereferences: true
  endpoints:
    - name: gatehouse
      url: http://127.0.0.1:$WEBHOOK_PORT/webhooks/distribution
      headers:
        Authorization: [Bearer $WEBHOOK_TOKEN]
      timeout: 2s
      threshold: 3
      backoff: 1s
EOF
}

registry_ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$REGISTRY_PORT/v2/"; }

start_registry() {
  local pid t0
  write_registry_config
  if pid="$(pidfile_alive "$REGISTRY_DIR/registry.pid" docker-registry)"; then
    if cmp -s "$REGISTRY_DIR/config.yml" "$REGISTRY_DIR/config.yml.new"; then
      rm -f "$REGISTRY_DIR/config.yml.new"
      if wait_for 10 "registry /v2/" registry_ready; then
        log "registry: already running (pid $pid)"
        return 0
      fi
      die "registry: our server (pid $pid) is not answering; see $REGISTRY_DIR/registry.log, or run: $0 stop registry"
    fi
    log "registry: configuration changed (webhook port/token); restarting it"
    stop_pid "$pid" docker-registry registry 10
    rm -f "$REGISTRY_DIR/registry.pid"
  fi
  mv -f "$REGISTRY_DIR/config.yml.new" "$REGISTRY_DIR/config.yml"
  check_port_free_or_ours "$REGISTRY_PORT" registry || return 0
  # While no receiver listens on the webhook port the registry logs two lines a second; keep one old log.
  if [[ -f "$REGISTRY_DIR/registry.log" ]] && (( $(stat -c %s "$REGISTRY_DIR/registry.log") > 20000000 )); then
    mv -f "$REGISTRY_DIR/registry.log" "$REGISTRY_DIR/registry.log.1"
  fi
  t0=$(now_ms)
  (cd "$REGISTRY_DIR" && exec setsid /usr/bin/docker-registry serve "$REGISTRY_DIR/config.yml" \
      </dev/null >>"$REGISTRY_DIR/registry.log" 2>&1 9>&-) &
  pid=$!
  echo "$pid" >"$REGISTRY_DIR/registry.pid"
  wait_for 15 "registry /v2/" registry_ready \
    || { tail -20 "$REGISTRY_DIR/registry.log" >&2 || true; die "registry did not start"; }
  log "registry: ready on http://127.0.0.1:$REGISTRY_PORT/ (pid $pid, notifications -> 127.0.0.1:$WEBHOOK_PORT) in $(elapsed "$t0")"
  note_started registry
}

stop_registry() {
  local pid
  if pid="$(pidfile_alive "$REGISTRY_DIR/registry.pid" docker-registry)"; then
    stop_pid "$pid" docker-registry registry 10
    log "registry: stopped (pid $pid)"
  fi
  rm -f "$REGISTRY_DIR/registry.pid"
}

status_registry() {
  local pid
  pid="$(pidfile_alive "$REGISTRY_DIR/registry.pid" docker-registry 2>/dev/null || true)"
  if [[ -n "$pid" ]] && registry_ready; then
    echo "registry  running  pid $pid  http://127.0.0.1:$REGISTRY_PORT/v2/  (log $REGISTRY_DIR/registry.log)"
  elif port_open "$REGISTRY_PORT"; then
    echo "registry  foreign  port $REGISTRY_PORT answers but not from $STATE"; return 1
  else
    echo "registry  stopped"; return 1
  fi
}

# ---------------------------------------------------------------- commands

services_from_args() {
  if (($# == 0)); then printf '%s\n' "${ALL_SERVICES[@]}"; return; fi
  local s
  for s in "$@"; do
    case "$s" in
      rabbitmq|redis|registry) echo "$s" ;;
      *) die "unknown service '$s' (expected: ${ALL_SERVICES[*]})" ;;
    esac
  done
}

# Serialize start/stop between concurrent callers (several engineers share one state dir).
take_lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/infra.lock"
  flock -w 300 9 || die "could not lock $STATE/infra.lock within 300 s"
}

cmd_start() {
  local services s t0
  t0=$(now_ms)
  mapfile -t services < <(services_from_args "$@")
  take_lock
  ensure_packages
  for s in "${services[@]}"; do "start_$s"; done
  log "all requested services up ($(elapsed "$t0") total)"
}

cmd_stop() {
  local services s i
  mapfile -t services < <(services_from_args "$@")
  take_lock
  # reverse order: registry, redis, rabbitmq
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    s=${services[i]}
    if [[ "$s" == rabbitmq ]]; then
      [[ -x /usr/lib/rabbitmq/bin/rabbitmqctl ]] || continue
    fi
    "stop_$s"
  done
}

cmd_status() {
  local rc=0
  mkdir -p "$STATE"
  status_rabbitmq || rc=3
  status_redis || rc=3
  status_registry || rc=3
  return $rc
}

image_dir() {
  # Ask the image script where its (versioned) cache lives, so both agree on one place.
  bash "$SCRIPT_DIR/build-test-images.sh" --print-dir
}

cmd_env() {
  cat <<EOF
export GATEHOUSE_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:$AMQP_PORT/'
export GATEHOUSE_TEST_RABBITMQ_MANAGEMENT='http://127.0.0.1:$MGMT_PORT/'
export GATEHOUSE_TEST_RABBITMQ_CTL='$BIN_DIR/rabbitmqctl'
export GATEHOUSE_TEST_REDIS='127.0.0.1:$REDIS_PORT'
export GATEHOUSE_TEST_REGISTRY='127.0.0.1:$REGISTRY_PORT'
export GATEHOUSE_TEST_REGISTRY_LOG='$REGISTRY_DIR/registry.log'
export GATEHOUSE_TEST_WEBHOOK_PORT='$WEBHOOK_PORT'
export GATEHOUSE_TEST_WEBHOOK_TOKEN='$WEBHOOK_TOKEN'
export GATEHOUSE_TEST_IMAGES='$(image_dir)'
export GATEHOUSE_TEST_PLATFORM_IMAGES='$STATE/platform-images.tsv'
EOF
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case "$cmd" in
    install) take_lock; ensure_packages ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: $0 start|stop [rabbitmq|redis|registry ...] | status | env | install" >&2; exit 2 ;;
  esac
}

main "$@"

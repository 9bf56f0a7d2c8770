#!/usr/bin/env bash
# Side-by-side benchmark on loopback (bench/README.md): starts the peers (origin, squid, squid-bump, tinyproxy, mitmproxy)
# and one Portcullis node, runs portcullis-bench, prints the tables, and stops whatever it started.
#
#   bench/run.sh [--quick] [--profile] [more portcullis-bench options, e.g. --repeat 3]
#
#   --quick    3 s cells, 2 s prewarm, 5 bulk fetches, 12 s node warm-up (for development);
#              default 5 s cells, 5 s prewarm, 30 fetches, 40 s node warm-up
#   --profile  each Portcullis node records a JFR profile (settings=profile) of the whole run into
#              RESULTS_DIR/portcullis-NAME-STAMP.jfr, written when it stops (jfr print --events ... FILE reads it)
#   --repeat N runs both tables N times and ends each with the median [min-max] of every ratio over the
#              repetitions that began with a load average below 2 (--max-load L changes the bound)
#
#   --scenarios LIST  only these (reverse = reverse-keepalive,reverse-new); each run measures those of its own and
#              is left out when it has none
#
# Four runs: "splice" (direct, portcullis, squid, tinyproxy; the four timed scenarios and forward-keepalive),
# "intercept" (direct,
# squid-bump, mitmproxy, which decrypt with their own CA; TLS scenarios only, as bumping needs TLS inside the tunnel),
# "idle" (portcullis, squid, tinyproxy; idle-tunnels: heap and RSS per open tunnel) and "reverse" (direct = a
# backend, nginx-reverse, portcullis's reverse listener; the reverse scenarios, peers from bench/reverse-peers.sh).
# The reverse run is in the default run only when the node jar accepts a reverse listener (`check`); REVERSE=1 or
# --scenarios naming it runs it anyway (nginx-reverse alone when the jar refuses), REVERSE=0 never.
# Environment: PEERS_DIR (default /tmp/portcullis-peers), RESULTS_DIR (default /tmp/portcullis-bench-results),
# NODE_JAR (default node/target/portcullis.jar), NODE_JAVA_OPTS (extra JVM options for the node), IDLE_TUNNELS
# (tunnels the idle run holds open, default 10000; 0 skips the idle run), REVERSE (above), REVERSE_DIR (the reverse
# peers' files, default /tmp/portcullis-bench-reverse).
# Peers or a node already listening on their ports are used as they are and left running; a port taken by
# something else on 3128, 5801, 9291 (or 8445 for the reverse listener) stops the run rather than measuring a
# stranger.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
peers="$repo/../shared/tools/peers/peers.sh"
reverse_peers="$here/reverse-peers.sh"
export REVERSE_DIR=${REVERSE_DIR:-/tmp/portcullis-bench-reverse}
R=$REVERSE_DIR
bench_jar="$here/target/portcullis-bench.jar"
node_jar=${NODE_JAR:-$repo/node/target/portcullis.jar}
export PEERS_DIR=${PEERS_DIR:-/tmp/portcullis-peers}
D=$PEERS_DIR
results=${RESULTS_DIR:-/tmp/portcullis-bench-results}
data=/tmp/portcullis-bench-data

timing=(--seconds 5 --warmup 1 --prewarm 5 --bulk-reps 30)
node_warmup=10 # seconds per scenario of the warm-up
profile=false
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) timing=(--seconds 3 --warmup 1 --prewarm 2 --bulk-reps 5); node_warmup=3; shift ;;
    --profile) profile=true; shift ;;
    *) break ;;
  esac
done
# --scenarios is taken out of the options passed through: each run gets the share of it that it measures.
only=""
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scenarios) only=${2:?--scenarios needs a value}; shift 2 ;;
    --scenarios=*) only=${1#--scenarios=}; shift ;;
    *) pass+=("$1"); shift ;;
  esac
done
expanded=()
for s in ${only//,/ }; do
  if [ "$s" = reverse ]; then expanded+=(reverse-keepalive reverse-new); else expanded+=("$s"); fi
done
only=$(IFS=,; echo "${expanded[*]:-}")
pick() { # pick LIST: the scenarios of LIST that --scenarios names (all of LIST without --scenarios), comma-separated
  local s out=()
  for s in ${1//,/ }; do
    if [ -z "$only" ] || [[ ",$only," == *",$s,"* ]]; then out+=("$s"); fi
  done
  local IFS=,; echo "${out[*]}"
}
splice_scenarios=$(pick tunnel-plain,tunnel-tls,bulk,bulk-tls,forward-keepalive)
intercept_scenarios=$(pick tunnel-tls,bulk-tls)
reverse_scenarios=$(pick reverse-keepalive,reverse-new)
idle_wanted=$([ -n "$(pick idle-tunnels)" ] && echo true || echo false)
# off, forced (REVERSE=1 or named by --scenarios) or auto (only if the node jar accepts the reverse listener)
case "${REVERSE:-}" in
  0) reverse=off ;;
  1) reverse=forced ;;
  *) if [ -z "$reverse_scenarios" ]; then reverse=off
     elif [ -n "$only" ]; then reverse=forced
     else reverse=auto; fi ;;
esac
[ "$reverse" = off ] && reverse_scenarios=""
run_stamp=$(date -u +%Y%m%dT%H%M%SZ)
idle_tunnels=${IDLE_TUNNELS:-10000}

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
say() { echo "run.sh: $*" >&2; }

started_peers=()
started_reverse=false
declare -A node_pids=()
cleanup() {
  for node_pid in "${node_pids[@]}"; do
    kill -0 "$node_pid" 2>/dev/null || continue
    say "stopping portcullis (pid $node_pid)"
    kill "$node_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$node_pid" 2>/dev/null && kill -9 "$node_pid" 2>/dev/null || true
  done
  for ((i = ${#started_peers[@]} - 1; i >= 0; i--)); do
    say "stopping ${started_peers[i]}"
    "$peers" stop "${started_peers[i]}" || true
  done
  if [ "$started_reverse" = true ]; then
    say "stopping the reverse peers"
    "$reverse_peers" stop || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The idle run holds IDLE_TUNNELS tunnels: two descriptors each in the bench (client and holding origin) and in a
# proxy (client and upstream). Raised here so that the peers and the node started below inherit it; where the hard
# limit is lower (and cannot be raised), the idle run holds as many tunnels as fit under it.
fd_spare=2048
want_fds=$((2 * idle_tunnels + fd_spare))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
  ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
    idle_tunnels=$(( ($(ulimit -n) - fd_spare) / 2 ))
    say "open files limited to $(ulimit -n) (hard limit): the idle run holds $idle_tunnels tunnels"
  fi
fi

if [ ! -f "$bench_jar" ]; then
  say "building the bench tool"
  (cd "$repo" && mvn -B -q -pl bench package -DskipTests)
fi

pid_of() { # pid_of PIDFILE: the pid in it, if that process lives
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Portcullis: one node with every role for each run: the bench origin allowed and spliced (3128), and a second
# node that decrypts it (3138; its root is fetched from /ca.pem, the origin's CA is given as upstream-ca-file).
# node_config NAME PORT CLUSTER_PORT ADMIN_PORT INSPECTION TRANSPARENT [REVERSE_PORT]: writes $data/NAME/config.yaml
# and policy.yaml; with REVERSE_PORT, also a reverse listener there serving the reverse peers' site (the config the
# reverse proxy of issue 13 takes).
node_config() {
  local name=$1 port=$2 cluster=$3 admin=$4 inspection=$5 transparent=$6 reverse_port=${7:-} dir="$data/$1"
  local limit=$((idle_tunnels + 10000))
  local reverse_listener="" services=""
  if [ -n "$reverse_port" ]; then
    reverse_listener="  reverse: [ { name: reverse, host: 127.0.0.1, port: $reverse_port } ]"
    services=$(cat <<YAML
services:
  - name: bench-reverse
    hosts: [reverse.bench.test]
    tls: { cert: $R/reverse.crt, key: $R/reverse.key }
    backends: ["127.0.0.1:9181", "127.0.0.1:9182"]
    destinations: [127.0.0.1/32]   # guard exemption: the backends are on loopback
    balance: round-robin
YAML
)
  fi
  mkdir -p "$dir"
  cat > "$dir/policy.yaml" <<YAML
version: 1
default: { action: deny }
rules:
  - name: bench-origin
    hosts: [localhost]
    ports: [9080, 9443, 9099]   # 9099: the bench's holding origin (idle-tunnels)
    action: allow
    inspection: $inspection
    destinations: [127.0.0.1/32]   # guard exemption: the bench origin is on loopback
$services
YAML
  cat > "$dir/config.yaml" <<YAML
node:    { data-dir: $dir }
cluster: { name: bench-$$-$RANDOM, host: 127.0.0.1, port: $cluster, members: ["127.0.0.1:$cluster"] }
admin:   { host: 127.0.0.1, port: $admin }
policy:  { file: $dir/policy.yaml }
dns:     { static: { localhost: [127.0.0.1] } }
proxy:
  explicit: { host: 127.0.0.1, port: $port }
$reverse_listener
  transparent: $transparent
  upstream-ca-file: $D/origin-ca.pem
  limits: { max-connections: $limit, max-connections-per-client: $limit }   # the idle run's tunnels, one client

YAML
}

# start_node NAME PORT CLUSTER_PORT ADMIN_PORT INSPECTION TRANSPARENT [REVERSE_PORT] -> sets node_pids[NAME]; 1 when
# it did not come up
start_node() {
  local name=$1 port=$2 cluster=$3 admin=$4 reverse_port=${7:-} dir="$data/$1"
  for p in "$port" "$cluster" "$admin" $reverse_port; do
    if up "$p"; then say "127.0.0.1:$p is taken by something this script did not start; stop it first"; exit 1; fi
  done
  node_config "$@"
  local jfr=()
  if [ "$profile" = true ]; then
    mkdir -p "$results"
    jfr=("-XX:StartFlightRecording=filename=$results/portcullis-$name-$run_stamp.jfr,settings=profile,dumponexit=true")
  fi
  # shellcheck disable=SC2086 # NODE_JAVA_OPTS is a list of options
  java ${NODE_JAVA_OPTS:-} "${jfr[@]}" -jar "$data/portcullis.jar" --config "$dir/config.yaml" > "$dir/node.log" 2>&1 &
  node_pids[$name]=$!
  for _ in $(seq 1 240); do
    up "$port" && break
    kill -0 "${node_pids[$name]}" 2>/dev/null || break
    sleep 0.25
  done
  # The reverse listener may come up a moment after the explicit one.
  if [ -n "$reverse_port" ]; then
    for _ in $(seq 1 40); do
      up "$reverse_port" && break
      kill -0 "${node_pids[$name]}" 2>/dev/null || break
      sleep 0.25
    done
  fi
  if up "$port" && { [ -z "$reverse_port" ] || up "$reverse_port"; }; then
    say "portcullis $name up on $port${reverse_port:+ and $reverse_port} (pid ${node_pids[$name]}, log $dir/node.log)"
    return 0
  fi
  say "portcullis $name did not start listening on $port${reverse_port:+ and $reverse_port}; last lines of" \
    "$dir/node.log:"
  tail -20 "$dir/node.log" >&2 || true
  return 1
}

# The splice node also listens as a transparent proxy (what a REDIRECT rule would send it), one listener per
# origin port: 18443 -> 9443 (decided by SNI) and 18080 -> 9080 (by Host), measured as "redirected".
redirect_listeners='[{ host: 127.0.0.1, port: 18443, upstream-port: 9443 }, { host: 127.0.0.1, port: 18080, upstream-port: 9080 }]'
node_reverse="" # the splice node's reverse listener port, when the node jar accepts one
if [ -f "$node_jar" ]; then
  rm -rf "$data"; mkdir -p "$data"
  # A copy, so that a rebuild of the node during the run does not change the jar under the running JVM.
  cp "$node_jar" "$data/portcullis.jar"
fi
if [ "$reverse" != off ]; then
  # A node without the reverse listener refuses the key proxy.reverse: ask it before starting anything.
  refusal="no node jar"
  if [ -f "$node_jar" ]; then
    "$reverse_peers" certs
    node_config splice 3128 5801 9291 splice "$redirect_listeners" 8445
    if refusal=$(java -jar "$data/portcullis.jar" check --config "$data/splice/config.yaml" 2>&1); then
      node_reverse=8445
    fi
  fi
  if [ -z "$node_reverse" ]; then
    why="this node jar has no reverse listener"
    [ -f "$node_jar" ] || why="no node jar"
    if [ "$reverse" = auto ]; then
      say "reverse: $why; skipped"
      reverse_scenarios=""
    else
      say "reverse: $why; measuring nginx-reverse without portcullis"
    fi
    [ -f "$node_jar" ] && say "  check said: ${refusal##*$'\n'}"
  fi
fi

[ "$idle_tunnels" -gt 0 ] || idle_wanted=false
wanted_peers=()
[ -n "$splice_scenarios" ] && wanted_peers+=(origin:9443 squid:3130 tinyproxy:3132)
[ -n "$intercept_scenarios" ] && wanted_peers+=(origin:9443 squid-bump:3131 mitmproxy:3133)
[ "$idle_wanted" = true ] && wanted_peers+=(squid:3130 tinyproxy:3132)
# Peers: start those whose port is closed, and only those are stopped at the end.
for p in origin:9443 squid:3130 squid-bump:3131 tinyproxy:3132 mitmproxy:3133; do
  [[ " ${wanted_peers[*]:-} " == *" $p "* ]] || continue
  name=${p%%:*} port=${p##*:}
  if up "$port"; then
    say "$name already listening on $port, using it"
  else
    "$peers" start "$name" >&2
    started_peers+=("$name")
  fi
done

if [ -n "$reverse_scenarios" ]; then
  if up 9181 && up 9182 && up 9445; then
    say "reverse peers already listening on 9181, 9182 and 9445, using them"
  else
    "$reverse_peers" start >&2
    started_reverse=true
  fi
fi

portcullis=()
decrypting=()
reverse_portcullis=()
if [ ! -f "$node_jar" ]; then
  say "no $node_jar (build it: mvn -B -q -pl node -am package); measuring the peers only"
else
  if [ -n "$splice_scenarios" ] || [ "$idle_wanted" = true ] || [ -n "$node_reverse" ] &&
    start_node splice 3128 5801 9291 splice "$redirect_listeners" $node_reverse; then
    portcullis=(portcullis=127.0.0.1:3128 --pid "portcullis=${node_pids[splice]}"
      redirected=redirect:127.0.0.1:18443,18080 --pid "redirected=${node_pids[splice]}")
    if [ -n "$node_reverse" ]; then
      reverse_portcullis=(portcullis=127.0.0.1:$node_reverse --pid "portcullis=${node_pids[splice]}"
        --trust "portcullis=$R/reverse-ca.pem")
    fi
  fi
  fetch_root() { # the admin API comes up after the listeners: retry for up to 20 s
    for _ in $(seq 1 80); do
      curl -sf http://127.0.0.1:9292/ca.pem -o "$data/decrypt-root.pem" && return 0
      sleep 0.25
    done
    say "could not fetch the decrypting node's root from http://127.0.0.1:9292/ca.pem"; return 1
  }
  if [ -n "$intercept_scenarios" ] && start_node decrypt 3138 5811 9292 decrypt '[]' && fetch_root; then
    decrypting=(portcullis=127.0.0.1:3138 --pid "portcullis=${node_pids[decrypt]}" --trust "portcullis=$data/decrypt-root.pem")
  fi
  # The JIT keeps compiling for ~40 s of load (C2 used more CPU than the event loop in the first minute), which
  # the 5 s prewarm does not cover; the peers are native and need none. Not measured, summary on stderr.
  if [ ${#portcullis[@]} -gt 0 ] && { [ -n "$splice_scenarios" ] || [ "$idle_wanted" = true ]; }; then
    say "warming portcullis up, $((5 * node_warmup)) s unmeasured"
    java -jar "$bench_jar" --scenarios tunnel-plain,tunnel-tls,bulk,bulk-tls,forward-keepalive --concurrency 16 --prewarm 0 \
      --warmup 0.5 --seconds "$node_warmup" --bulk-reps 1000 portcullis=127.0.0.1:3128 > /dev/null
  fi
  if [ ${#decrypting[@]} -gt 0 ]; then
    say "warming the decrypting portcullis up, $((2 * node_warmup)) s unmeasured"
    java -jar "$bench_jar" --scenarios tunnel-tls,bulk-tls --concurrency 16 --prewarm 0 --warmup 0.5 \
      --seconds "$node_warmup" --bulk-reps 1000 portcullis=127.0.0.1:3138 \
      --trust "portcullis=$data/decrypt-root.pem" > /dev/null
  fi
  if [ ${#reverse_portcullis[@]} -gt 0 ] && [ -n "$reverse_scenarios" ]; then
    say "warming portcullis's reverse listener up, $((2 * node_warmup)) s unmeasured"
    java -jar "$bench_jar" --scenarios reverse --concurrency 16 --prewarm 0 --warmup 0.5 --seconds "$node_warmup" \
      "portcullis=127.0.0.1:$node_reverse" --trust "portcullis=$R/reverse-ca.pem" > /dev/null
  fi
fi

mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report="$results/bench-$stamp.md"
pids=()
for p in squid:squid-3130 squid-bump:squid-3131 tinyproxy:tinyproxy mitmproxy:mitm; do
  pid=$(pid_of "$D/${p##*:}.pid" || true)
  [ -n "$pid" ] && pids+=(--pid "${p%%:*}=$pid")
done
pid_for() { # keep only the --pid options of the given targets
  local i out=()
  for ((i = 0; i < ${#pids[@]}; i += 2)); do
    for t in "$@"; do [[ ${pids[i + 1]} == "$t="* ]] && out+=(--pid "${pids[i + 1]}"); done
  done
  echo "${out[@]:-}"
}

say "tables go to $report"
if [ -n "$splice_scenarios" ]; then
  say "splice run"
  # shellcheck disable=SC2046 # pid_for prints separate words on purpose
  java -jar "$bench_jar" "${timing[@]}" --scenarios "$splice_scenarios" \
    --json "$results/bench-$stamp-splice.json" "${pass[@]}" \
    direct "${portcullis[@]}" squid=127.0.0.1:3130 tinyproxy=127.0.0.1:3132 \
    $(pid_for squid tinyproxy) | tee -a "$report"
fi

if [ -n "$intercept_scenarios" ]; then
  say "intercept run (peers that decrypt, for the decrypt aims)"
  # shellcheck disable=SC2046
  java -jar "$bench_jar" "${timing[@]}" --scenarios "$intercept_scenarios" \
    --json "$results/bench-$stamp-intercept.json" "${pass[@]}" \
    direct "${decrypting[@]}" squid-bump=127.0.0.1:3131 mitmproxy=127.0.0.1:3133 \
    --trust "squid-bump=$D/bump-ca.pem" --trust "mitmproxy=$D/mitm-ca.pem" \
    $(pid_for squid-bump mitmproxy) | tee -a "$report"
fi

if [ -n "$reverse_scenarios" ]; then
  say "reverse run (reverse proxies in front of the same two backends; direct is one backend, plain HTTP)"
  reverse_pid=()
  pid=$(pid_of "$R/reverse.pid" || true)
  [ -n "$pid" ] && reverse_pid=(--pid "nginx-reverse=$pid")
  java -jar "$bench_jar" "${timing[@]}" --scenarios "$reverse_scenarios" \
    --json "$results/bench-$stamp-reverse.json" "${pass[@]}" \
    direct nginx-reverse=127.0.0.1:9445 "${reverse_portcullis[@]}" --trust "nginx-reverse=$R/reverse-ca.pem" \
    "${reverse_pid[@]}" | tee -a "$report"
fi

if [ "$idle_wanted" = true ]; then
  say "idle run: $idle_tunnels tunnels held open through each proxy, heap and RSS per tunnel"
  # shellcheck disable=SC2046
  java -jar "$bench_jar" --scenarios idle-tunnels --tunnels "$idle_tunnels" \
    --json "$results/bench-$stamp-idle.json" \
    "${portcullis[@]:0:3}" squid=127.0.0.1:3130 tinyproxy=127.0.0.1:3132 \
    $(pid_for squid tinyproxy) | tee -a "$report"
fi

say "tables: $report; raw results: $results/bench-$stamp-*.json"

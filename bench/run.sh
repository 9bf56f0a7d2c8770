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
# Three runs: "splice" (direct, portcullis, squid, tinyproxy; the four timed scenarios), "intercept" (direct,
# squid-bump, mitmproxy, which decrypt with their own CA; TLS scenarios only, as bumping needs TLS inside the tunnel)
# and "idle" (portcullis, squid, tinyproxy; idle-tunnels: heap and RSS per open tunnel).
# Environment: PEERS_DIR (default /tmp/portcullis-peers), RESULTS_DIR (default /tmp/portcullis-bench-results),
# NODE_JAR (default node/target/portcullis.jar), NODE_JAVA_OPTS (extra JVM options for the node), IDLE_TUNNELS
# (tunnels the idle run holds open, default 10000; 0 skips the idle run).
# Peers or a node already listening on their ports are used as they are and left running; a port taken by
# something else on 3128, 5801 or 9291 stops the run rather than measuring a stranger.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
peers="$repo/../shared/tools/peers/peers.sh"
bench_jar="$here/target/portcullis-bench.jar"
node_jar=${NODE_JAR:-$repo/node/target/portcullis.jar}
export PEERS_DIR=${PEERS_DIR:-/tmp/portcullis-peers}
D=$PEERS_DIR
results=${RESULTS_DIR:-/tmp/portcullis-bench-results}
data=/tmp/portcullis-bench-data

timing=(--seconds 5 --warmup 1 --prewarm 5 --bulk-reps 30)
node_warmup=10 # seconds per scenario, four scenarios
profile=false
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) timing=(--seconds 3 --warmup 1 --prewarm 2 --bulk-reps 5); node_warmup=3; shift ;;
    --profile) profile=true; shift ;;
    *) break ;;
  esac
done
run_stamp=$(date -u +%Y%m%dT%H%M%SZ)
idle_tunnels=${IDLE_TUNNELS:-10000}

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
say() { echo "run.sh: $*" >&2; }

started_peers=()
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

# Peers: start those whose port is closed, and only those are stopped at the end.
for p in origin:9443 squid:3130 squid-bump:3131 tinyproxy:3132 mitmproxy:3133; do
  name=${p%%:*} port=${p##*:}
  if up "$port"; then
    say "$name already listening on $port, using it"
  else
    "$peers" start "$name" >&2
    started_peers+=("$name")
  fi
done

pid_of() { # pid_of PIDFILE: the pid in it, if that process lives
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Portcullis: one node with every role for each run: the bench origin allowed and spliced (3128), and a second
# node that decrypts it (3138; its root is fetched from /ca.pem, the origin's CA is given as upstream-ca-file).
start_node() { # start_node NAME PORT CLUSTER_PORT ADMIN_PORT INSPECTION TRANSPARENT -> sets node_pids[NAME]; 1 when it did not come up
  local name=$1 port=$2 cluster=$3 admin=$4 inspection=$5 transparent=$6 dir="$data/$1"
  local limit=$((idle_tunnels + 10000))
  for p in "$port" "$cluster" "$admin"; do
    if up "$p"; then say "127.0.0.1:$p is taken by something this script did not start; stop it first"; exit 1; fi
  done
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
YAML
  cat > "$dir/config.yaml" <<YAML
node:    { data-dir: $dir }
cluster: { name: bench-$$-$RANDOM, host: 127.0.0.1, port: $cluster, members: ["127.0.0.1:$cluster"] }
admin:   { host: 127.0.0.1, port: $admin }
policy:  { file: $dir/policy.yaml }
dns:     { static: { localhost: [127.0.0.1] } }
proxy:
  explicit: { host: 127.0.0.1, port: $port }
  transparent: $transparent
  upstream-ca-file: $D/origin-ca.pem
  limits: { max-connections: $limit, max-connections-per-client: $limit }   # the idle run's tunnels, one client

YAML
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
  if up "$port"; then
    say "portcullis $name up on $port (pid ${node_pids[$name]}, log $dir/node.log)"
    return 0
  fi
  say "portcullis $name did not start listening on $port; last lines of $dir/node.log:"
  tail -20 "$dir/node.log" >&2 || true
  return 1
}

portcullis=()
decrypting=()
if [ ! -f "$node_jar" ]; then
  say "no $node_jar (build it: mvn -B -q -pl node -am package); measuring the peers only"
else
  rm -rf "$data"; mkdir -p "$data"
  # A copy, so that a rebuild of the node during the run does not change the jar under the running JVM.
  cp "$node_jar" "$data/portcullis.jar"
  # The splice node also listens as a transparent proxy (what a REDIRECT rule would send it), one listener per
  # origin port: 18443 -> 9443 (decided by SNI) and 18080 -> 9080 (by Host), measured as "redirected".
  redirect_listeners='[{ host: 127.0.0.1, port: 18443, upstream-port: 9443 }, { host: 127.0.0.1, port: 18080, upstream-port: 9080 }]'
  if start_node splice 3128 5801 9291 splice "$redirect_listeners"; then
    portcullis=(portcullis=127.0.0.1:3128 --pid "portcullis=${node_pids[splice]}"
      redirected=redirect:127.0.0.1:18443,18080 --pid "redirected=${node_pids[splice]}")
  fi
  fetch_root() { # the admin API comes up after the listeners: retry for up to 20 s
    for _ in $(seq 1 80); do
      curl -sf http://127.0.0.1:9292/ca.pem -o "$data/decrypt-root.pem" && return 0
      sleep 0.25
    done
    say "could not fetch the decrypting node's root from http://127.0.0.1:9292/ca.pem"; return 1
  }
  if start_node decrypt 3138 5811 9292 decrypt '[]' && fetch_root; then
    decrypting=(portcullis=127.0.0.1:3138 --pid "portcullis=${node_pids[decrypt]}" --trust "portcullis=$data/decrypt-root.pem")
  fi
  # The JIT keeps compiling for ~40 s of load (C2 used more CPU than the event loop in the first minute), which
  # the 5 s prewarm does not cover; the peers are native and need none. Not measured, summary on stderr.
  if [ ${#portcullis[@]} -gt 0 ]; then
    say "warming portcullis up, $((4 * node_warmup)) s unmeasured"
    java -jar "$bench_jar" --scenarios tunnel-plain,tunnel-tls,bulk,bulk-tls --concurrency 16 --prewarm 0 \
      --warmup 0.5 --seconds "$node_warmup" --bulk-reps 1000 portcullis=127.0.0.1:3128 > /dev/null
  fi
  if [ ${#decrypting[@]} -gt 0 ]; then
    say "warming the decrypting portcullis up, $((2 * node_warmup)) s unmeasured"
    java -jar "$bench_jar" --scenarios tunnel-tls,bulk-tls --concurrency 16 --prewarm 0 --warmup 0.5 \
      --seconds "$node_warmup" --bulk-reps 1000 portcullis=127.0.0.1:3138 \
      --trust "portcullis=$data/decrypt-root.pem" > /dev/null
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

say "splice run; tables also go to $report"
# shellcheck disable=SC2046 # pid_for prints separate words on purpose
java -jar "$bench_jar" "${timing[@]}" --scenarios tunnel-plain,tunnel-tls,bulk,bulk-tls \
  --json "$results/bench-$stamp-splice.json" "$@" \
  direct "${portcullis[@]}" squid=127.0.0.1:3130 tinyproxy=127.0.0.1:3132 \
  $(pid_for squid tinyproxy) | tee "$report"

say "intercept run (peers that decrypt, for the decrypt aims)"
# shellcheck disable=SC2046
java -jar "$bench_jar" "${timing[@]}" --scenarios tunnel-tls,bulk-tls \
  --json "$results/bench-$stamp-intercept.json" "$@" \
  direct "${decrypting[@]}" squid-bump=127.0.0.1:3131 mitmproxy=127.0.0.1:3133 \
  --trust "squid-bump=$D/bump-ca.pem" --trust "mitmproxy=$D/mitm-ca.pem" \
  $(pid_for squid-bump mitmproxy) | tee -a "$report"

if [ "$idle_tunnels" -gt 0 ]; then
  say "idle run: $idle_tunnels tunnels held open through each proxy, heap and RSS per tunnel"
  # shellcheck disable=SC2046
  java -jar "$bench_jar" --scenarios idle-tunnels --tunnels "$idle_tunnels" \
    --json "$results/bench-$stamp-idle.json" \
    "${portcullis[@]:0:3}" squid=127.0.0.1:3130 tinyproxy=127.0.0.1:3132 \
    $(pid_for squid tinyproxy) | tee -a "$report"
fi

say "tables: $report; raw results: $results/bench-$stamp-*.json"

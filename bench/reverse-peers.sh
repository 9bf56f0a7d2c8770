#!/usr/bin/env bash
# The reverse scenarios' peers on loopback (bench/README.md, "reverse"): two plain-HTTP backends and nginx as a
# reverse proxy in front of them, with a certificate for the site that Portcullis's reverse listener serves too.
#
#   bench/reverse-peers.sh start|stop|status|certs
#
#   backends       127.0.0.1:9181 and 9182, GET / -> 200 with a 1 KiB body; one nginx, pid file backends.pid
#   nginx-reverse  127.0.0.1:9445, TLS for reverse.bench.test, round robin over both backends through an upstream
#                  keepalive pool; another nginx, pid file reverse.pid (its process tree is the proxy's CPU alone)
#   certs          only make the files below (start makes them too)
# Files in $REVERSE_DIR (default /tmp/portcullis-bench-reverse): reverse-ca.pem (trust it), reverse.crt and
# reverse.key (the site's certificate and key, PEM), the two nginx configs and their error logs.
# Both nginx have worker_processes 1, as Portcullis has its one box; the proxy is an nginx of its own so that its
# --pid measures proxying, not the backends' work. Package nginx-light, as ../shared/tools/peers/peers.sh uses.
set -euo pipefail
R=${REVERSE_DIR:-/tmp/portcullis-bench-reverse}
site=reverse.bench.test
mkdir -p "$R"

wait_port() { # wait until 127.0.0.1:$1 accepts, up to 20 s
  for _ in $(seq 1 80); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.25; done
  echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

certs() { # a bench CA and the site's certificate signed by it, P-256 like the peers' origin
  [ -f "$R/reverse.crt" ] && [ -f "$R/reverse.key" ] && [ -f "$R/reverse-ca.pem" ] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=portcullis-bench reverse CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$R/reverse-ca.key" -out "$R/reverse-ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$site" \
    -keyout "$R/reverse.key" -out "$R/reverse.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$site" > "$R/reverse.ext"
  openssl x509 -req -in "$R/reverse.csr" -CA "$R/reverse-ca.pem" -CAkey "$R/reverse-ca.key" \
    -CAcreateserial -days 30 -extfile "$R/reverse.ext" -out "$R/reverse.crt" 2>/dev/null
}

# What every nginx here shares: its own pid, error log and temp paths (nginx-light's compiled-in ones are under
# /var/lib/nginx), one worker, no access log.
common() { # common NAME
  cat <<CONF
worker_processes 1;
pid $R/$1.pid;
error_log $R/$1-error.log;
events { worker_connections 4096; }
CONF
}

start() {
  if ! dpkg -s nginx-light >/dev/null 2>&1; then   # as ../shared/tools/peers/peers.sh installs it
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
  fi
  certs
  head -c 1023 /dev/zero | tr '\0' x > "$R/body"; echo >> "$R/body"   # 1 KiB
  if ! (exec 3<>/dev/tcp/127.0.0.1/9181) 2>/dev/null; then
    mkdir -p "$R/backends"
    { common backends
      cat <<CONF
http {
  access_log off;
  client_body_temp_path $R/backends/body;
  proxy_temp_path $R/backends/proxy;
  keepalive_requests 100000;
  server { listen 127.0.0.1:9181; root $R; location = / { default_type text/plain; try_files /body =404; } }
  server { listen 127.0.0.1:9182; root $R; location = / { default_type text/plain; try_files /body =404; } }
}
CONF
    } > "$R/backends.conf"
    nginx -e "$R/backends-error.log" -p "$R/backends" -c "$R/backends.conf" && wait_port 9181 && wait_port 9182
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/9445) 2>/dev/null; then
    mkdir -p "$R/reverse"
    { common reverse
      cat <<CONF
http {
  access_log off;
  client_body_temp_path $R/reverse/body;
  proxy_temp_path $R/reverse/proxy;
  keepalive_requests 100000;   # the client decides how many requests a connection carries
  upstream bench_backends {    # round robin, nginx's default
    server 127.0.0.1:9181;
    server 127.0.0.1:9182;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:9445 ssl;
    server_name $site;
    ssl_certificate $R/reverse.crt;
    ssl_certificate_key $R/reverse.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://bench_backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";   # keep the upstream connection (nginx docs, upstream keepalive)
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
    }
  }
}
CONF
    } > "$R/reverse.conf"
    nginx -e "$R/reverse-error.log" -p "$R/reverse" -c "$R/reverse.conf" && wait_port 9445
  fi
}

stop_pidfile() { # stop the process named in pid file $1, if any
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$1"
}

case "${1:-}" in
  start) start; echo "started backends (9181, 9182) and nginx-reverse (9445); trust $R/reverse-ca.pem" ;;
  stop) stop_pidfile "$R/reverse.pid"; stop_pidfile "$R/backends.pid" ;;
  certs) certs ;;
  status) for port in 9181 9182 9445; do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && echo "$port up" || echo "$port down"; done ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac

#!/usr/bin/env bash
# Portcullis as the workloads' router: redirect their outbound HTTPS and HTTP to the transparent listeners.
# Run on the gateway host as root. The gateway's own upstream connections leave through OUTPUT, not PREROUTING,
# so they are never redirected back to it.
#
#   WORKLOAD_IF   interface the workloads' traffic arrives on            [eth1]
#   HTTPS_PORT    transparent listener for upstream 443                   [8443]
#   HTTP_PORT     transparent listener for upstream 80 (empty: none)      []
#   SSH_PORT      transparent listener for upstream 22 (empty: none)      []
#   DNS_PORT      the dns role's workload DNS server, to catch workloads
#                 that ignore their resolver setting (empty: none)         []
#
# Listener config to match (proxy section), listening on the address of WORKLOAD_IF or 0.0.0.0:
#   transparent: [ { host: 0.0.0.0, port: 8443, upstream-port: 443 }, { host: 0.0.0.0, port: 8080, upstream-port: 80 } ]
set -euo pipefail
WORKLOAD_IF="${WORKLOAD_IF:-eth1}"
HTTPS_PORT="${HTTPS_PORT:-8443}"
HTTP_PORT="${HTTP_PORT:-}"
SSH_PORT="${SSH_PORT:-}"
DNS_PORT="${DNS_PORT:-}"

# Workloads must reach nothing else directly: forward nothing but what the gateway itself proxies.
sysctl -qw net.ipv4.ip_forward=0

iptables -t nat -N PORTCULLIS 2>/dev/null || iptables -t nat -F PORTCULLIS
iptables -t nat -A PORTCULLIS -p tcp --dport 443 -j REDIRECT --to-ports "$HTTPS_PORT"
if [[ -n "$HTTP_PORT" ]]; then
    iptables -t nat -A PORTCULLIS -p tcp --dport 80 -j REDIRECT --to-ports "$HTTP_PORT"
fi
if [[ -n "$SSH_PORT" ]]; then
    # Named by the original destination (this host's conntrack) and the names the dns role gave the workload.
    iptables -t nat -A PORTCULLIS -p tcp --dport 22 -j REDIRECT --to-ports "$SSH_PORT"
fi
if [[ -n "$DNS_PORT" ]]; then
    iptables -t nat -A PORTCULLIS -p udp --dport 53 -j REDIRECT --to-ports "$DNS_PORT"
    iptables -t nat -A PORTCULLIS -p tcp --dport 53 -j REDIRECT --to-ports "$DNS_PORT"
fi
iptables -t nat -C PREROUTING -i "$WORKLOAD_IF" -j PORTCULLIS 2>/dev/null \
    || iptables -t nat -A PREROUTING -i "$WORKLOAD_IF" -j PORTCULLIS

# Same-host workloads (containers in the host namespace, local daemons): OUTPUT, minus the gateway's own user,
# or the gateway's upstream connections would loop back into it. Uncomment and set the gateway's user:
# iptables -t nat -A OUTPUT -p tcp --dport 443 -m owner ! --uid-owner portcullis -j REDIRECT --to-ports "$HTTPS_PORT"

echo "redirecting tcp/443 from $WORKLOAD_IF to :$HTTPS_PORT${HTTP_PORT:+, tcp/80 to :$HTTP_PORT}"

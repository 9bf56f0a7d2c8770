#!/usr/bin/env bash
# TPROXY variant of iptables-redirect.sh. NOT YET USABLE with Portcullis: TPROXY delivers a connection only to
# a listening socket with IP_TRANSPARENT set, and the transparent listener does not set it yet (Vert.x's
# NetServerOptions has no such option). Kept as the reference for when it does: with TPROXY the socket's local
# address IS the client's original destination, which Portcullis then logs (originalDst) without conntrack.
#
#   WORKLOAD_IF   interface the workloads' traffic arrives on   [eth1]
#   HTTPS_PORT    transparent listener for upstream 443          [8443]
set -euo pipefail
WORKLOAD_IF="${WORKLOAD_IF:-eth1}"
HTTPS_PORT="${HTTPS_PORT:-8443}"
MARK=0x1
TABLE=100

# Packets marked below are delivered locally whatever their destination address.
ip rule show | grep -q "fwmark $MARK lookup $TABLE" || ip rule add fwmark "$MARK" lookup "$TABLE"
ip route replace local 0.0.0.0/0 dev lo table "$TABLE"

iptables -t mangle -N PORTCULLIS_DIVERT 2>/dev/null || iptables -t mangle -F PORTCULLIS_DIVERT
iptables -t mangle -A PORTCULLIS_DIVERT -j MARK --set-mark "$MARK"
iptables -t mangle -A PORTCULLIS_DIVERT -j ACCEPT
# Established connections already owned by a transparent socket: keep them local.
iptables -t mangle -A PREROUTING -i "$WORKLOAD_IF" -p tcp -m socket -j PORTCULLIS_DIVERT
iptables -t mangle -A PREROUTING -i "$WORKLOAD_IF" -p tcp --dport 443 \
    -j TPROXY --tproxy-mark "$MARK/$MARK" --on-port "$HTTPS_PORT"

#!/usr/bin/env bash
# Installs the Debian packages rtbench's reference topologies and tests need: redis-server (Redis
# adapter), haproxy (lb topologies), chromium (the HTML report's browser test), prometheus (the
# remote-write output's test: started on a loopback port by the test itself).
# Idempotent; needs root (or sudo) when something is missing.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup: redis-server, haproxy, chromium and prometheus present"
  exit 0
fi
echo "setup: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# the packages start system services; rtbench starts its own instances on free ports
$SUDO service redis-server stop >/dev/null 2>&1 || true
$SUDO service haproxy stop >/dev/null 2>&1 || true
$SUDO service prometheus stop >/dev/null 2>&1 || true
echo "setup: done"

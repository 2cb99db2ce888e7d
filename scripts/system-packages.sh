#!/usr/bin/env bash
# Installs the Debian packages a step needs when they are missing (fresh machine).
set -euo pipefail

need=()
case "${1:?usage: system-packages.sh python|node|browser|bench}" in
  python)
    python3.11 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv python3-pip)
    # WeasyPrint (PDF exports) loads Pango through its C interface.
    /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
    # Without HarfBuzz-Subset, WeasyPrint warns on import (an error under the test settings).
    /sbin/ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || need+=(libharfbuzz-subset0)
    ;;
  node)
    command -v npm >/dev/null || need+=(nodejs npm)
    ;;
  browser)
    [ -x /usr/bin/chromium ] || need+=(chromium)
    ;;
  bench)
    # The HTTP load generator of bench/throughput.py and bench/load.py.
    command -v wrk >/dev/null || need+=(wrk)
    ;;
esac

[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Paquets système manquants : ${need[*]} (installez-les avec apt-get)." >&2
  exit 1
fi
echo "Installation des paquets système : ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"

#!/usr/bin/env bash
# One-time (and idempotent) set-up on a fresh Debian machine with Node 20: system packages the
# service and its tests use, then the npm dependencies. A second run only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
[ -x /usr/bin/chromium ] || need+=(chromium)
# streams-sim serves RTSP through Debian's GStreamer RTSP server, driven by Debian's own python3.
/usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0")' >/dev/null 2>&1 ||
  need+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-tools)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
# Debian's mosquitto broker: tests/faults/mqtt-restart-qos1.test.ts (an external plant broker)
[ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
# openssl makes the self-signed certificate of tests/security/mqtt-tls.test.ts (MQTT over TLS)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# promtool (Debian ships it in prometheus) lints /metrics in tests/integration/metrics-promtool.test.ts
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# openpyxl reads the exported XLSX back as a third party (tests/integration/certificates-ledger.test.ts)
/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || need+=(python3-openpyxl)
# pdftotext reads the exported annex forms back (tests/integration/report-annex-forms.test.ts); the PDFs
# use the standard Adobe-GB1 font, whose CMaps poppler finds in poppler-data
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -d /usr/share/poppler/cMap ] || need+=(poppler-data)
# The county hub (#24): Debian's nats-server (JetStream) carries the boxes' events; the hub's read
# model is PostgreSQL, whose server the hub's tests start from /usr/lib/postgresql/15/bin
[ -x /usr/sbin/nats-server ] || need+=(nats-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# Chinese labels on evidence snapshots and in browser screenshots.
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# onnxruntime-node's install script would download CUDA files from outside the npm registry; the CPU
# runtime is inside the npm package, so the script is skipped (also denied in package.json allowScripts).
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.jianhu-setup
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

if [ ! -d ../shared/models ]; then
  echo "setup: note: ../shared/models is missing; see README 'Models' for where to get YOLOX-Nano and the re-id models." >&2
fi
echo "setup: ready"

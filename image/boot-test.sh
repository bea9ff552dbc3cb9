#!/usr/bin/env bash
# Boots out/image/appliance-amd64.img in qemu (TCG, OVMF) on a copy, and checks what a first boot must show:
# the setup code on the serial console, the portal's /healthz over HTTPS, the host healthy, and the exposure of
# the appliance's units as the booted systemd scores them (host <= 4.0, isolated plugin <= 2.0). The guest's
# network is qemu's user network with restrict=on (no way out) and the portal forwarded to 127.0.0.1 only.
# The guest gets the credential appliance.boot-report (SMBIOS type 11 and fw_cfg), which starts
# appliance-boot-report.service: it writes "report: ..." lines (exposure, health, the host's warnings) to the console.
#   image/boot-test.sh [IMAGE]     (./build.sh test --image runs it; prints "boot: ..." and "exposure: ..." lines,
#                                   exit 1 on failure)
set -euo pipefail
cd "$(dirname "$0")/.."
IMG=${1:-out/image/appliance-amd64.img}
[[ -f "$IMG" ]] || { echo "boot: no image at $IMG (./build.sh image --arch amd64)" >&2; exit 1; }
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
[[ -f "$OVMF_CODE" ]] || { echo "boot: OVMF is missing (apt-get install ovmf)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "boot: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/appliance-boot-XXXXXX)
QEMU_PID=""
cleanup() { [[ -n "$QEMU_PID" ]] && kill "$QEMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cp --sparse=always "$IMG" "$WORK/disk.img"
cp "$OVMF_VARS" "$WORK/vars.fd"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
START=$SECONDS

nice -n 10 qemu-system-x86_64 -accel tcg -m 1536 -smp 2 -nographic -no-reboot \
  -drive if=pflash,format=raw,readonly=on,file="$OVMF_CODE" -drive if=pflash,format=raw,file="$WORK/vars.fd" \
  -drive if=virtio,format=raw,file="$WORK/disk.img" \
  -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$PORT-:443" -device virtio-net-pci,netdev=n0 \
  -smbios type=11,value=io.systemd.credential:appliance.boot-report=1 \
  -fw_cfg name=opt/io.systemd.credentials/appliance.boot-report,string=1 \
  -serial "file:$WORK/serial.log" -monitor none -display none < /dev/null > "$WORK/qemu.log" 2>&1 &
QEMU_PID=$!

wait_for() { # pattern seconds
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    grep -q -- "$1" "$WORK/serial.log" 2>/dev/null && return 0
    kill -0 "$QEMU_PID" 2>/dev/null || return 1
    sleep 2
  done
  return 1
}
fail() { echo "boot: FAILED: $*" >&2; tail -n 40 "$WORK/serial.log" >&2 || true; exit 1; }

wait_for "Appliance slot A" 120 || fail "GRUB did not show its menu"
echo "boot: GRUB after $((SECONDS - START)) s"
wait_for "Welcome to .*Debian" 300 || fail "the kernel did not start systemd"
echo "boot: systemd after $((SECONDS - START)) s"
wait_for "Appliance setup code:" 600 || fail "no setup code on the console"
echo "boot: setup code on the console after $((SECONDS - START)) s"
healthz() { curl -ksf --max-time 10 "https://127.0.0.1:$PORT/healthz" > "$WORK/health.json"; }
for _ in $(seq 1 60); do
  healthz && break
  sleep 5
done
[[ -s "$WORK/health.json" ]] || fail "the portal did not answer /healthz"
echo "boot: /healthz over HTTPS after $((SECONDS - START)) s: $(head -c 200 "$WORK/health.json")"

# The guest's own report: it waits (up to 300 s) for the host to be healthy before it reports.
wait_for "report: done" 480 || fail "no report from appliance-boot-report.service (credential not seen?)"
tr -d '\r' < "$WORK/serial.log" | grep -a '^report: ' | sed 's/^report: //' > "$WORK/report.txt"
echo "boot: report after $((SECONDS - START)) s"
grep '^exposure: ' "$WORK/report.txt" || true
exposure_over() { # unit limit: prints the score when it is missing or above the limit
  awk -v u="$1" -v l="$2" '$1 == "exposure:" && $2 == u { found = 1; if ($3 !~ /^[0-9.]+$/ || $3 + 0 > l + 0) print $3 }
    END { if (!found) print "missing" }' "$WORK/report.txt"
}
failed=()
for check in "appliance.service 4.0" "appliance-plugin@appliance.media.service 2.0"; do
  read -r unit limit <<<"$check"
  over=$(exposure_over "$unit" "$limit")
  [[ -z "$over" ]] || failed+=("exposure of $unit is $over (limit $limit)")
done

healthz || true
echo "boot: health after $((SECONDS - START)) s: $(head -c 200 "$WORK/health.json")"
if ! grep -q '"status":"healthy"' "$WORK/health.json"; then
  sed -n 's/^warning: /boot: host warning: /p' "$WORK/report.txt" | tail -n 20
  failed+=("the host is not healthy ($(head -c 100 "$WORK/health.json"); its warnings above say which check)")
fi
sed -n 's/^log: /boot: host log: /p' "$WORK/report.txt"
((${#failed[@]} == 0)) || fail "$(IFS=';'; echo "${failed[*]}")"
echo "boot: passed after $((SECONDS - START)) s"

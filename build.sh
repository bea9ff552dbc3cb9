#!/usr/bin/env bash
# The appliance's one entry point for developers and CI.
#   ./build.sh run    install what is missing, build, start the appliance (dev config, portal on https://127.0.0.1:8443)
#   ./build.sh test   install what is missing, build, run every test; ends with "tests: N passed, N failed, N skipped"
#                     (--image: also boot out/image/appliance-amd64.img in qemu, image/boot-test.sh)
#   ./build.sh bench  build in Release and run every benchmark (*.Bench projects): one "bench:" line per figure
#                     (value, ratio to its reference, target, met|NOT met); exits 1 when a target is NOT met
#   ./build.sh build  install what is missing and build only
#   ./build.sh image [--arch amd64|arm64] [--keyring PEM] [--version X.Y.Z]
#                     the appliance disk image in out/image/ (Debian 12 by debootstrap, the published host and plugins;
#                     arm64: a root file system tarball for Jetson; needs root; see image/README.md)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

# Debian packages the build, the dev run and the tests need (real peers for tests: brokers, RTSP servers, browsers...).
APT_PACKAGES=(
  ca-certificates openssl curl procps iproute2 iputils-ping python3 python3-gi python3-gst-1.0 python3-zeroconf
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x gir1.2-gst-rtsp-server-1.0 ffmpeg
  chromium fonts-dejavu-core
  nftables nmap socat
  mosquitto mosquitto-clients coturn chrony tinyproxy stun-client dnsmasq-base
  nats-server
  avahi-daemon avahi-utils
  zip unzip nodejs npm
  slapd ldap-utils
  python3-aiortc
  libavcodec-dev libavutil-dev libswscale-dev gcc pkg-config libc6-dev
  python3-aiosmtpd
  rauc squashfs-tools e2fsprogs
  dbus python3-dbusmock
  openssh-server openssh-client
  systemd
)

# What ./build.sh image needs besides the above (only installed for that command), per architecture: amd64 makes
# the disk (file systems, GPT, GRUB) and builds gpio-sim.ko (make, gcc, xz-utils, kmod; image/gpio-sim/build-module.sh
# installs the image kernel's headers and source itself, pinned to its version); arm64 runs the Debian arm64 root file system's programs through qemu-user-static
# (binfmt_misc) and packs it as a zstd tarball.
IMAGE_PACKAGES_amd64=(debootstrap dosfstools mtools fdisk grub-efi-amd64-bin grub-common e2fsprogs make gcc xz-utils kmod)
IMAGE_PACKAGES_arm64=(debootstrap qemu-user-static binfmt-support zstd)

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

ensure_deps() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node and npm may come from elsewhere than Debian on a developer machine: accept what is on PATH.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    local filtered=()
    for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
    missing=("${filtered[@]+"${filtered[@]}"}")
  fi
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "dotnet SDK 10 is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2; exit 1; }
  # npm peers used by tests (pinned by their package-lock.json).
  while IFS= read -r lock; do
    local dir; dir=$(dirname "$lock")
    if [[ ! -d "$dir/node_modules" || "$lock" -nt "$dir/node_modules" ]]; then
      log "npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done < <(find plugins tests tools -name package-lock.json -not -path '*/node_modules/*' 2>/dev/null | sort)
}

ensure_image_deps() {
  local arch=${1:-amd64} missing=()
  local -n packages="IMAGE_PACKAGES_$arch"
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages for the image: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The plugins in Release, staged as the image ships them, then image/build-image.sh (rootfs, publish, disk).
build_image() {
  [[ $(id -u) -eq 0 ]] || { echo "./build.sh image needs root (debootstrap)" >&2; exit 1; }
  local arch=amd64 args=("$@")
  while (($#)); do [[ "$1" == --arch ]] && arch=${2:-}; shift; done
  [[ "$arch" == amd64 || "$arch" == arm64 ]] || { echo "./build.sh image: --arch amd64 or arm64" >&2; exit 2; }
  ensure_image_deps "$arch"
  command -v dotnet >/dev/null || { echo "dotnet SDK 10 is required" >&2; exit 1; }
  log "building the plugins (Release)"
  for proj in plugins/*/src/*.Plugin/*.csproj; do
    dotnet build "$proj" -c Release -nologo -v quiet -clp:ErrorsOnly
  done
  stage_plugins Release
  image/build-image.sh "${args[@]}"
  if [[ "$arch" == arm64 ]]; then
    # The tarball's own checks (arm64 executables, layout, no secrets, packages, the host under qemu-aarch64):
    # ./build.sh test leaves them out (nothing is built there); here they run on what was just built.
    log "checking the built arm64 root file system (tests/Appliance.Image.Tests, category BuiltArm64Rootfs)"
    dotnet build tests/Appliance.Image.Tests -nologo -v quiet -clp:ErrorsOnly
    dotnet test tests/Appliance.Image.Tests --no-build -nologo -v quiet --filter "Category=BuiltArm64Rootfs" --logger "console;verbosity=normal"
  fi
}

build() {
  log "building Appliance.sln ($1)"
  dotnet build Appliance.sln -c "$1" -nologo -v quiet -clp:ErrorsOnly
  stage_plugins "$1"
}

# Every plugin's build output, as the host installs it: out/plugins/<id>/ (plugin.json + assemblies).
stage_plugins() {
  local config=$1
  rm -rf out/plugins && mkdir -p out/plugins
  for proj in plugins/*/src/*.Plugin/*.csproj; do
    [[ -f "$proj" ]] || continue
    local dir; dir=$(dirname "$proj")
    local bin="$dir/bin/$config/net10.0"
    local id; id=$(sed -n 's/.*"id"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$dir/plugin.json" | head -n1)
    [[ -n "$id" && -d "$bin" ]] || { echo "cannot stage $proj" >&2; exit 1; }
    mkdir -p "out/plugins/$id" && cp -r "$bin/." "out/plugins/$id/"
  done
}

run_tests() {
  local results="$ROOT/out/test-results"
  rm -rf "$results" && mkdir -p "$results"
  run_format_checks "$results"
  local projects
  mapfile -t projects < <(find tests plugins -type f \( -name '*.Tests.csproj' -o -name '*.Tests.fsproj' \) -not -path '*/bin/*' -not -path '*/obj/*' | sort)
  local crashed=0
  for proj in "${projects[@]}"; do
    local name; name=$(basename "${proj%.*}")
    log "test $name"
    local start=$SECONDS
    if ! dotnet test "$proj" --no-build -c Debug -nologo -v quiet --filter "Category!=BuiltArm64Rootfs" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" \
        > "$results/$name.log" 2>&1; then
      grep -E '^\s+(Failed|Error Message)|^\s+(Assert|Expected|Actual)|error' "$results/$name.log" | head -n 40 || true
    fi
    if [[ ! -f "$results/$name.trx" ]]; then
      echo "  $name produced no results (crashed?): see out/test-results/$name.log" >&2
      tail -n 30 "$results/$name.log" >&2 || true
      crashed=$((crashed + 1))
    fi
    grep -hE '^\s*(undeclared open ports|ratio|figure):' "$results/$name.log" 2>/dev/null || true
    grep -ohE 'exposure: [^<&]*' "$results/$name.trx" 2>/dev/null | sort -u | sed 's/^/  /' || true
    echo "  $name: $((SECONDS - start)) s"
  done
  run_bench_smoke "$results"
  ((RUN_IMAGE_TEST)) && run_image_boot_test "$results"
  python3 - "$results" "$crashed" "$SMOKE_PASSED" "$SMOKE_FAILED" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
results, crashed = sys.argv[1], int(sys.argv[2])
passed, failed, skipped = int(sys.argv[3]), int(sys.argv[4]), 0
for path in glob.glob(f"{results}/*.trx"):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        failed += 1
        continue
    a = {k: int(v) for k, v in counters.attrib.items() if v.isdigit()}
    passed += a.get("passed", 0)
    failed += a.get("failed", 0) + a.get("error", 0) + a.get("timeout", 0) + a.get("aborted", 0)
    skipped += a.get("notExecuted", 0)
failed += crashed
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
}

# Every benchmark once in --smoke mode (seconds, every path, no targets): a broken benchmark fails the test run.
# Each smoke run counts as one test in the closing line.
SMOKE_PASSED=0
SMOKE_FAILED=0

# House style, checked before the tests (each check counts as one test): C# whitespace by the .editorconfig
# (dotnet format, folder mode: no build needed), F# by Fantomas (pinned in dotnet-tools.json). Fix with
# `dotnet format whitespace --folder .` and `dotnet fantomas $(git ls-files '*.fs' '*.fsi')`.
run_format_checks() {
  local results=$1
  mkdir -p "$results"
  log "format: C# whitespace (.editorconfig)"
  if dotnet format whitespace --folder --verify-no-changes -v q . > "$results/format-csharp.log" 2>&1; then
    SMOKE_PASSED=$((SMOKE_PASSED + 1))
  else
    SMOKE_FAILED=$((SMOKE_FAILED + 1))
    echo "  C# formatting differs from .editorconfig (run: dotnet format whitespace --folder .):" >&2
    head -n 20 "$results/format-csharp.log" >&2
  fi
  log "format: F# (Fantomas)"
  dotnet tool restore > /dev/null
  local fsharp; mapfile -t fsharp < <(git ls-files '*.fs' '*.fsi' 2>/dev/null || find host tests tools plugins -name '*.fs' -o -name '*.fsi')
  if dotnet fantomas --check "${fsharp[@]}" > "$results/format-fsharp.log" 2>&1; then
    SMOKE_PASSED=$((SMOKE_PASSED + 1))
  else
    SMOKE_FAILED=$((SMOKE_FAILED + 1))
    echo "  F# formatting differs from Fantomas (run: dotnet fantomas \$(git ls-files '*.fs' '*.fsi')):" >&2
    head -n 20 "$results/format-fsharp.log" >&2
  fi
}

run_bench_smoke() {
  local results=$1 proj projects
  mapfile -t projects < <(bench_projects)
  for proj in "${projects[@]}"; do
    local name; name=$(basename "${proj%.*}")
    local dll; dll="$(dirname "$proj")/bin/Debug/net10.0/$name.dll"
    log "bench smoke $name"
    local start=$SECONDS
    # stdin from /dev/null: a benchmark must never read (and so swallow) what the caller feeds its loop.
    if timeout 600 dotnet "$dll" --smoke < /dev/null > "$results/$name.smoke.log" 2>&1; then
      SMOKE_PASSED=$((SMOKE_PASSED + 1))
    else
      SMOKE_FAILED=$((SMOKE_FAILED + 1))
      echo "  $name --smoke failed: see out/test-results/$name.smoke.log" >&2
      tail -n 20 "$results/$name.smoke.log" >&2 || true
    fi
    echo "  $name smoke: $((SECONDS - start)) s"
  done
}

# ./build.sh test --image: boots out/image/appliance-amd64.img in qemu (image/boot-test.sh), counted as one test.
RUN_IMAGE_TEST=0
run_image_boot_test() {
  local results=$1
  log "image boot test (qemu, TCG)"
  # jq reads the API's answers; debugfs (e2fsprogs), openssl, rauc and squashfs-tools make the A/B test's bundles.
  IMAGE_PACKAGES=(qemu-system-x86 ovmf curl nmap iproute2 jq e2fsprogs openssl rauc squashfs-tools)
  ensure_image_deps
  # Four boots under TCG (first boot, the update, the bad update's try, the rollback): about an hour here.
  if timeout 5400 image/boot-test.sh 2>&1 | tee "$results/image-boot.log"; (( PIPESTATUS[0] == 0 )); then
    SMOKE_PASSED=$((SMOKE_PASSED + 1))
  else
    SMOKE_FAILED=$((SMOKE_FAILED + 1))
    echo "  image boot test failed: see out/test-results/image-boot.log" >&2
  fi
}

bench_projects() {
  find tools plugins tests -type f -name '*.Bench.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort
}

# Every benchmark prints "bench: <name> <value> <unit> ratio <r> target <t> met|NOT met" per figure and exits 1
# when a target is missed; this runs them all, then repeats the bench lines and fails if any target was missed.
run_benchmarks() {
  local projects failed=() log="$ROOT/out/bench.log"
  mapfile -t projects < <(bench_projects)
  mkdir -p out && : > "$log"
  for proj in "${projects[@]}"; do
    local name; name=$(basename "${proj%.*}")
    log "bench $name"
    dotnet run -c Release --no-build --project "$proj" -- "$@" 2>&1 | tee -a "$log" || failed+=("$name")
  done
  echo
  grep -E '^bench: ' "$log" || true
  if ((${#failed[@]})); then
    echo "benchmarks with a target NOT met (or that failed): ${failed[*]}"
    return 1
  fi
}

run_dev() {
  local config="$ROOT/dev/appliance.dev.json"
  mkdir -p dev/state
  log "starting the demo test-pattern camera on rtsp://127.0.0.1:8554/demo"
  /usr/bin/python3 dev/demo-camera.py --port 8554 --path /demo > dev/state/demo-camera.log 2>&1 &
  DEV_PEERS="$!"
  log "starting the dev rig (DNS, NTP, STUN on loopback) for appliancectl netcheck"
  DEV_PEERS="$DEV_PEERS $(dev/rig.sh "$ROOT/dev/state/rig" | tr '\n' ' ')"
  # Globals, not locals: the trap runs after this function has returned.
  trap 'kill $DEV_PEERS 2>/dev/null || true' EXIT INT TERM
  log "portal: https://127.0.0.1:8443 (self-signed certificate; create the admin account on first visit)"
  dotnet host/Appliance.Host/bin/Debug/net10.0/Appliance.Host.dll --config "$config"
}

case "${1:-}" in
  run)   ensure_deps; build Debug; run_dev ;;
  test)  [[ "${2:-}" == --image ]] && RUN_IMAGE_TEST=1; ensure_deps; build Debug; run_tests ;;
  bench) shift; ensure_deps; build Release; run_benchmarks "$@" ;;
  build) ensure_deps; build "${2:-Debug}" ;;
  image) shift; build_image "$@" ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac

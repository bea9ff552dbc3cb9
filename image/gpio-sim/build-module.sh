#!/usr/bin/env bash
# gpio-sim.ko for a Debian kernel that ships without it (bookworm's 6.1 amd64: "# CONFIG_GPIO_SIM is not set"),
# built out of tree on the build machine (no compiler goes into the image). See image/gpio-sim/README.md.
#   image/gpio-sim/build-module.sh KVER SOURCE_VERSION OUT_KO
# KVER: the kernel's release (6.1.0-50-amd64); SOURCE_VERSION: the Debian version of its linux-image package
# (6.1.176-1), the linux-source-6.1 the module's C files are taken from; OUT_KO: where the module is written.
# Installs linux-headers-KVER and linux-source-6.1=SOURCE_VERSION (apt) when missing; needs root for that.
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: build-module.sh KVER SOURCE_VERSION OUT_KO" >&2; exit 2; }
KVER=$1 SOURCE_VERSION=$2 OUT_KO=$3
series=${KVER%%-*}                     # 6.1.0
series=${series%.*}                    # 6.1
HEADERS=/usr/src/linux-headers-$KVER
TARBALL=/usr/src/linux-source-$series.tar.xz

installed() { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null; }
need=()
[[ $(installed "linux-headers-$KVER") == "install ok installed"* ]] || need+=("linux-headers-$KVER")
[[ $(installed "linux-source-$series") == "install ok installed $SOURCE_VERSION" ]] || need+=("linux-source-$series=$SOURCE_VERSION")
if ((${#need[@]})); then
  echo "   gpio-sim: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --allow-downgrades "${need[@]}" >/dev/null
fi
[[ -d "$HEADERS" && -f "$TARBALL" ]] || { echo "gpio-sim: $HEADERS or $TARBALL missing" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only the driver, the gpiolib header it includes and the interrupt simulator it calls: the kernel is built without
# CONFIG_IRQ_SIM too (nothing else selects it), so irq_sim.c is linked into the same module.
tar -xJf "$TARBALL" -C "$work" --strip-components=1 \
  "linux-source-$series/drivers/gpio/gpio-sim.c" "linux-source-$series/drivers/gpio/gpiolib.h" \
  "linux-source-$series/kernel/irq/irq_sim.c"
src=$work/module
mkdir -p "$src"
cp "$work/drivers/gpio/gpio-sim.c" "$src/gpio-sim-main.c"
cp "$work/drivers/gpio/gpiolib.h" "$src/"
# irq_sim.c calls irq_to_desc(), which the kernel does not export to modules: generic_handle_irq() (exported) runs the
# same handler (handle_simple_irq, set by the simulator's domain) on the same descriptor.
sed 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$work/kernel/irq/irq_sim.c" > "$src/irq_sim.c"
grep -q 'generic_handle_irq(irqnum);' "$src/irq_sim.c" && ! grep -q irq_to_desc "$src/irq_sim.c" ||
  { echo "gpio-sim: irq_sim.c of linux-source-$series $SOURCE_VERSION is not the one this script knows" >&2; exit 1; }
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$src/Kbuild"
make -s -C "$HEADERS" M="$src" modules >&2
vermagic=$(modinfo -F vermagic "$src/gpio-sim.ko")
[[ "$vermagic" == "$KVER "* ]] || { echo "gpio-sim: vermagic '$vermagic' is not for $KVER" >&2; exit 1; }
install -D -m 0644 "$src/gpio-sim.ko" "$OUT_KO"
echo "   gpio-sim: built $OUT_KO (vermagic $vermagic, from linux-source-$series $SOURCE_VERSION)" >&2

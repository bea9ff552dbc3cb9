#!/usr/bin/env bash
# The appliance image (called by ./build.sh image, which has already built and staged the plugins in out/plugins).
#   image/build-image.sh --arch amd64 [--keyring PEM] [--version X.Y.Z]
# amd64: out/image/appliance-amd64.img, a GPT disk image for EFI machines:
#   1 esp        64 MiB  vfat  GRUB (EFI/BOOT/BOOTX64.EFI, grub.cfg built in) and its environment block (EFI/BOOT/grubenv)
#   2 rootfs-a   ext4    slot A: the Debian 12 root file system (host, plugins, units)
#   3 rootfs-b   ext4    slot B: empty until the first RAUC update
#   4 data       ext4    /data (1 GiB): /var/lib/appliance and /etc/appliance (bind mounts), kept across updates
# plus appliance-amd64.img.sha256 (appliance-flash checks it) and rootfs-amd64.ext4 (the slot image a RAUC bundle carries).
# arm64: out/image/appliance-rootfs-arm64.tar.zst (+ .sha256), the root file system for a Jetson (no kernel, bootloader
#   or disk: those come from NVIDIA's L4T; image/arm64/README.md), debootstrapped through qemu-user-static.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARCH=amd64 KEYRING="" VERSION=""
while (($#)); do
  case "$1" in
    --arch) ARCH=$2; shift 2 ;;
    --keyring) KEYRING=$2; shift 2 ;;
    --version) VERSION=$2; shift 2 ;;
    *) echo "build-image: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$ARCH" == amd64 || "$ARCH" == arm64 ]] || { echo "build-image: --arch amd64 or arm64" >&2; exit 2; }
declare -A DOTNET_RID=([amd64]=linux-x64 [arm64]=linux-arm64)
[[ $(id -u) -eq 0 ]] || { echo "build-image: needs root (debootstrap, file ownership in the file systems)" >&2; exit 1; }

OUT=$ROOT/out/image
WORK=$OUT/work-$ARCH
R=$WORK/rootfs
MIRROR=${APPLIANCE_MIRROR:-http://deb.debian.org/debian}
START=$SECONDS
step() { printf '\033[1m== image [%3d s] %s\033[0m\n' "$((SECONDS - START))" "$*" >&2; }
mkdir -p "$OUT"

# --- 1. The root file system: debootstrap minbase + packages.list, cached as a tarball per package list.
packages=$(image/packages.sh "$ARCH" | paste -sd,)
# APPLIANCE_IMAGE_CACHE: where the tarball is kept (default out/image/cache; a folder outside the checkout survives
# a clean clone and is shared between worktrees).
CACHE_DIR=${APPLIANCE_IMAGE_CACHE:-$OUT/cache}
cache=$CACHE_DIR/debootstrap-$ARCH-$(printf '%s' "$packages" | sha256sum | cut -c1-12).tar
rm -rf "$WORK" && mkdir -p "$R" "$CACHE_DIR"
if [[ -f "$cache" ]]; then
  step "root file system from the debootstrap cache $(basename "$cache")"
  tar -C "$R" -xpf "$cache"
else
  step "debootstrap bookworm $ARCH (minbase + $(tr ',' '\n' <<<"$packages" | wc -l) packages) from $MIRROR"
  log=$OUT/debootstrap-$ARCH.log
  : > "$log"
  # Runs a debootstrap stage in the background and prints its latest step every 15 s.
  logged() {
    "$@" >> "$log" 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      sleep 15
      printf '   [%3d s] %s\n' "$((SECONDS - START))" "$(grep '^I: ' "$log" | tail -n1)" >&2
    done
    wait "$pid" || { echo "build-image: debootstrap failed (log: $log)" >&2; tail -n 30 "$log" >&2; exit 1; }
  }
  if [[ "$ARCH" == amd64 ]]; then
    logged debootstrap --arch="$ARCH" --variant=minbase --include="$packages" bookworm "$R" "$MIRROR"
  else
    # A foreign architecture: the first stage unpacks, the second configures the packages inside the root file
    # system, whose arm64 programs the kernel hands to qemu-aarch64-static (binfmt_misc, registered with the F flag,
    # so the interpreter need not be copied into the chroot).
    image/arm64/binfmt.sh
    logged debootstrap --arch="$ARCH" --foreign --variant=minbase --include="$packages" bookworm "$R" "$MIRROR"
    step "debootstrap second stage (arm64 programs through qemu-aarch64-static)"
    logged chroot "$R" /debootstrap/debootstrap --second-stage
  fi
  tar -C "$R" -cpf "$cache.part" . && mv "$cache.part" "$cache"
fi

# --- 2. Only allowed packages: every installed package must match packages.allow and no line of packages.deny.
step "checking installed packages against image/packages.allow and packages.deny"
rules() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$1" | awk NF; }
mapfile -t allow < <(rules image/packages.allow)
mapfile -t deny < <(rules image/packages.deny)
bad=()
while read -r pkg; do
  ok=0
  for p in "${allow[@]}"; do [[ "$pkg" == $p ]] && ok=1 && break; done
  for p in "${deny[@]}"; do [[ "$pkg" == $p ]] && ok=0 && break; done
  ((ok)) || bad+=("$pkg")
done < <(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Package}\n')
if ((${#bad[@]})); then
  echo "build-image: packages not allowed in the image: ${bad[*]}" >&2
  exit 1
fi
echo "   $(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Package}\n' | wc -l) packages, all allowed" >&2

# --- 3. The appliance: published host (self-contained, ReadyToRun), plugins, units, configuration.
RID=${DOTNET_RID[$ARCH]}
step "publishing the host and the plugin host ($RID, self-contained, ReadyToRun)"
PUB=$WORK/publish
for proj in host/Appliance.Host/Appliance.Host.csproj host/Appliance.PluginHost/Appliance.PluginHost.csproj; do
  dotnet publish "$proj" -c Release -r "$RID" --self-contained -p:PublishReadyToRun=true -nologo -v quiet \
    -clp:ErrorsOnly -o "$PUB" >&2
done
step "installing the host, $(find out/plugins -mindepth 1 -maxdepth 1 -type d | wc -l) plugins, units and configuration"
install -d "$R/usr/lib/appliance/host" "$R/usr/lib/appliance/plugins"
cp -a "$PUB/." "$R/usr/lib/appliance/host/"
cp -a out/plugins/. "$R/usr/lib/appliance/plugins/"
# The assemblies of plugins that run in their own process ReadyToRun too (crossgen2 of the publish above, against
# the published runtime and host): Appliance.PluginHost loads them from their path, so the plugin starts without
# JIT-compiling everything, which on a slow CPU or in an emulator takes tens of seconds. Which plugins: the manifest
# says "isolation": "process", or is of kind "media" (the manifest's default, host/Appliance.Core/Manifest/Isolation.fs).
# In-process plugins are loaded into memory in collectible contexts, where the runtime ignores R2R code: left as IL.
# An assembly crossgen2 refuses (reference-only, native) stays as it is.
crossgen=$(ls -d "$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')"/microsoft.netcore.app.crossgen2.linux-x64/*/tools/crossgen2 2>/dev/null | sort -V | tail -n1)
own_process=()
for manifest in "$R"/usr/lib/appliance/plugins/*/plugin.json; do
  grep -qE '"isolation"[[:space:]]*:[[:space:]]*"process"|"kind"[[:space:]]*:[[:space:]]*"media"' "$manifest" &&
    ! grep -qE '"isolation"[[:space:]]*:[[:space:]]*"in-process"' "$manifest" && own_process+=("$(dirname "$manifest")")
done
if [[ -x "$crossgen" && ${#own_process[@]} -gt 0 ]]; then
  r2r=0 il=0
  while read -r dll; do
    dir=$(dirname "$dll")
    if "$crossgen" "$dll" -o "$dll.r2r" --targetos:linux --targetarch:x64 -O -r "$dir/*.dll" -r "$PUB/*.dll" >/dev/null 2>&1; then
      mv "$dll.r2r" "$dll" && r2r=$((r2r + 1))
    else
      rm -f "$dll.r2r" && il=$((il + 1))
    fi
  done < <(find "${own_process[@]}" -name '*.dll' -type f)
  echo "   plugins in their own process ($(printf '%s ' "${own_process[@]##*/}")): $r2r assemblies compiled ReadyToRun, $il kept as they were" >&2
else
  echo "   plugins: no crossgen2 in the NuGet cache or no plugin in its own process: all IL (JIT at start)" >&2
fi
cp -a image/rootfs/. "$R/"
install -D -m 0644 "image/$ARCH/system.conf" "$R/etc/rauc/system.conf"
if [[ -z "$KEYRING" ]]; then
  KEYRING=$OUT/update-ca/ca.cert.pem
  if [[ ! -f "$KEYRING" ]]; then
    echo "   no --keyring: a development update CA in out/image/update-ca (its keys stay there, only the certificate goes in)" >&2
    mkdir -p "$OUT/update-ca" && tools/update-bundle/appliance-bundle ca "$OUT/update-ca" >/dev/null
  fi
fi
install -m 0644 "$KEYRING" "$R/etc/rauc/keyring.pem"
VERSION=${VERSION:-$(date -u +%Y.%-m.%-d)}
echo "$VERSION" > "$R/usr/lib/appliance/image-version"
echo appliance > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tappliance\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
# amd64: the EFI partition (GRUB and its environment block, which RAUC's grub backend writes); arm64: L4T's
# bootloader keeps its own (nvbootctrl), nothing of it is mounted. Both: the data partition.
if [[ "$ARCH" == amd64 ]]; then
  printf '# The EFI partition (GRUB and its environment block) and the data partition.\n%s\n' \
    'PARTLABEL=esp   /boot/efi  vfat  umask=0077,noatime  0 2' > "$R/etc/fstab"
  install -d "$R/boot/efi"
else
  printf '# The data partition (a partition named "data" in the board'"'"'s flash layout, image/arm64/README.md).\n' > "$R/etc/fstab"
fi
cat >> "$R/etc/fstab" <<'EOF'
PARTLABEL=data  /data      ext4  noatime             0 2
/data/appliance/state   /var/lib/appliance  none  bind,x-systemd.requires-mounts-for=/data  0 0
/data/appliance/config  /etc/appliance      none  bind,x-systemd.requires-mounts-for=/data  0 0
EOF
install -d "$R/data"
systemd-sysusers --root="$R" >/dev/null
app_uid=$(awk -F: '$1 == "appliance" { print $3 }' "$R/etc/passwd")
app_gid=$(awk -F: '$1 == "appliance" { print $3 }' "$R/etc/group")
install -d -m 0750 -o "$app_uid" -g "$app_gid" "$R/var/lib/appliance"
install -d -m 0755 -o "$app_uid" -g "$app_gid" "$R/etc/systemd/timesyncd.conf.d"
# networkd's /etc folder is the host's, on the data partition (the image's defaults are in /usr/lib/systemd/network).
rm -rf "$R/etc/systemd/network" && ln -s /etc/appliance/network "$R/etc/systemd/network"
systemctl --root="$R" enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
  appliance.service appliance-firstboot.service appliance-nft.socket appliance-setup-code.path \
  appliance-boot-report.service >/dev/null 2>&1
# SSH is off until systemServices.ssh is enabled: Debian's package enables it, the host starts it over D-Bus when asked.
systemctl --root="$R" disable ssh.service ssh.socket >/dev/null 2>&1
# Boot does not wait for a network: the appliance must come up (and show its setup code) without one.
systemctl --root="$R" mask systemd-networkd-wait-online.service >/dev/null 2>&1
# GRUB loads /vmlinuz and /initrd.img of the slot (Debian's symlinks to the installed kernel). arm64: L4T's
# apply_binaries.sh installs the kernel when the board is flashed.
if [[ "$ARCH" == amd64 ]]; then
  [[ -e "$R/vmlinuz" ]] || ln -sf "$(cd "$R" && ls boot/vmlinuz-* | sort -V | tail -n1)" "$R/vmlinuz"
  [[ -e "$R/initrd.img" ]] || ln -sf "$(cd "$R" && ls boot/initrd.img-* | sort -V | tail -n1)" "$R/initrd.img"
  [[ -e "$R/vmlinuz" && -e "$R/initrd.img" ]] || { echo "build-image: no kernel or initramfs in the root file system" >&2; exit 1; }
fi
ln -sf /run/systemd/resolve/stub-resolv.conf "$R/etc/resolv.conf"
# No root password and no console login shell for root: the appliance is administered through its portal.
chroot "$R" passwd -l root >/dev/null

# --- 3b. gpio-sim (amd64): simulated GPIO chips on real kernel lines for the boot test's GPIO bench
# (appliance-gpio-sim.service, which runs only with the credential appliance.gpio-sim). Debian's kernel lacks the
# driver, so it is built out of tree here (image/gpio-sim/build-module.sh, cached per kernel and source version) and
# installed under updates/. It is not signed: it loads because the appliance boots without Secure Boot (tainted).
if [[ "$ARCH" == amd64 ]]; then
  kver=$(cd "$R/boot" && ls vmlinuz-* | sort -V | tail -n1) && kver=${kver#vmlinuz-}
  if ! grep -qE '^CONFIG_GPIO_SIM=[ym]' "$R/boot/config-$kver"; then
    kernel_version=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Version}' "linux-image-$kver")
    gpio_sim_ko=$CACHE_DIR/gpio-sim-$kver-$kernel_version.ko
    if [[ ! -f "$gpio_sim_ko" ]]; then
      step "building gpio-sim.ko for $kver (linux-source $kernel_version)"
      image/gpio-sim/build-module.sh "$kver" "$kernel_version" "$gpio_sim_ko"
    fi
    install -D -m 0644 "$gpio_sim_ko" "$R/usr/lib/modules/$kver/updates/gpio-sim.ko"
    depmod -b "$R" "$kver"
  fi
  systemctl --root="$R" enable appliance-gpio-sim.service >/dev/null 2>&1
fi

# --- 4. Nothing device-specific or secret in the image; no package caches or documentation.
step "removing what is made per device (machine id, keys) and caches"
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id" "$R/var/lib/systemd/random-seed" "$R"/etc/ssh/ssh_host_*
rm -rf "$R"/var/cache/apt/* "$R"/var/lib/apt/lists/* "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/locale/* \
  "$R"/var/log/*.log "$R"/tmp/*
find "$R/var/lib/appliance" -mindepth 1 -delete
found=$(grep -rlE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----' "$R/etc" "$R/usr/lib/appliance" "$R/var/lib" 2>/dev/null || true)
[[ -z "$found" ]] || { echo "build-image: private keys in the image: $found" >&2; exit 1; }

# --- 5. The partitions and the disk.
step "file systems"
DATA=$WORK/data
install -d -m 0755 "$DATA/appliance"
install -d -m 0750 -o "$app_uid" -g "$app_gid" "$DATA/appliance/state"
cp -a "$R/etc/appliance" "$DATA/appliance/config"
chown -R "$app_uid:$app_gid" "$DATA/appliance/config"
# arm64: the root file system as a tarball and the data partition as an ext4 image for L4T's flash tools.
if [[ "$ARCH" == arm64 ]]; then
  image/arm64/pack-rootfs.sh "$R" "$DATA" "$OUT" "$VERSION" "$((SECONDS - START))"
  exit 0
fi
# GRUB 2.06 cannot read ext4 with orphan_file or metadata_csum_seed (e2fsprogs 1.47 may enable them).
EXT4=(-q -F -t ext4 -O ^orphan_file,^metadata_csum_seed -E root_owner=0:0)
used_mib=$(du -sm --apparent-size "$R" | cut -f1)
slot_mib=$(( (used_mib * 13 / 10 + 256 + 63) / 64 * 64 ))
mkfs.ext4 "${EXT4[@]}" -L rootfs -d "$R" "$WORK/rootfs.ext4" "${slot_mib}M"
mkfs.ext4 "${EXT4[@]}" -L rootfs-b "$WORK/rootfs-b.ext4" "${slot_mib}M"
mkfs.ext4 "${EXT4[@]}" -L data -d "$DATA" "$WORK/data.ext4" 1024M
cp "$WORK/rootfs.ext4" "$OUT/rootfs-$ARCH.ext4"

step "GRUB (EFI) and its environment block"
ESP=$WORK/esp.vfat
rm -f "$ESP" && mkfs.vfat -C -n ESP "$ESP" $((64 * 1024)) >/dev/null
grub-mkstandalone -O x86_64-efi -o "$WORK/BOOTX64.EFI" \
  --modules="part_gpt ext2 fat normal linux loadenv test echo configfile all_video" \
  --locales="" --themes="" --fonts="" "boot/grub/grub.cfg=image/amd64/grub.cfg"
grub-editenv "$WORK/grubenv" create
grub-editenv "$WORK/grubenv" set ORDER="A B" A_OK=1 A_TRY=0 B_OK=0 B_TRY=0
mmd -i "$ESP" ::/EFI ::/EFI/BOOT
mcopy -i "$ESP" "$WORK/BOOTX64.EFI" "$WORK/grubenv" ::/EFI/BOOT/

step "GPT disk image"
IMG=$OUT/appliance-$ARCH.img
MIB=$((1024 * 1024))
esp_start=1 esp_size=64
a_start=$((esp_start + esp_size)) b_start=$((esp_start + esp_size + slot_mib))
d_start=$((b_start + slot_mib)) d_size=1024
total=$((d_start + d_size + 1))
rm -f "$IMG" && truncate -s "$((total * MIB))" "$IMG"
sfdisk -q "$IMG" <<EOF
label: gpt
start=$((esp_start * 2048)), size=$((esp_size * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="esp"
start=$((a_start * 2048)), size=$((slot_mib * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="rootfs-a"
start=$((b_start * 2048)), size=$((slot_mib * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, name="rootfs-b"
start=$((d_start * 2048)), size=$((d_size * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="data"
EOF
dd if="$ESP" of="$IMG" bs=1M seek=$esp_start conv=notrunc,sparse status=none
dd if="$WORK/rootfs.ext4" of="$IMG" bs=1M seek=$a_start conv=notrunc,sparse status=none
dd if="$WORK/rootfs-b.ext4" of="$IMG" bs=1M seek=$b_start conv=notrunc,sparse status=none
dd if="$WORK/data.ext4" of="$IMG" bs=1M seek=$d_start conv=notrunc,sparse status=none
(cd "$OUT" && sha256sum "$(basename "$IMG")" > "$(basename "$IMG").sha256")
rm -rf "$WORK/publish"

printf '\nimage: %s\n  size %s (%s allocated), slots %d MiB each, root file system %d MiB, version %s\n  built in %d s\n' \
  "$IMG" "$(du -h --apparent-size "$IMG" | cut -f1)" "$(du -h "$IMG" | cut -f1)" "$slot_mib" "$used_mib" "$VERSION" "$((SECONDS - START))"

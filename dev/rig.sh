#!/usr/bin/env bash
# The dev rig for ./build.sh run: real network peers on loopback only, so `appliancectl netcheck` has
# something to find (the ports are the ones in dev/appliance.dev.json):
#   dnsmasq  DNS  127.0.0.1:5300  (answers *.appliance.test with 127.0.0.1; forwards nothing)
#   chronyd  NTP  127.0.0.1:12300 (serves time, never touches the clock)
#   coturn   STUN 127.0.0.1 and 127.0.0.2, ports 3478/3479 (RFC 5780 needs two addresses)
# Prints the pids it started, one per line; the caller stops them.
set -euo pipefail
dir=${1:?usage: dev/rig.sh STATE_DIR}
mkdir -p "$dir"
cat > "$dir/chrony.conf" <<CONF
port 12300
bindaddress 127.0.0.1
allow 127.0.0.1
local stratum 8
cmdport 0
pidfile $dir/chronyd.pid
driftfile $dir/chrony.drift
CONF
chronyd -d -x -f "$dir/chrony.conf" > "$dir/chronyd.log" 2>&1 & echo $!
turnserver -n -S --no-cli --no-tls --no-dtls --log-file=stdout --simple-log \
  --listening-ip=127.0.0.1 --listening-ip=127.0.0.2 --listening-port=3478 --alt-listening-port=3479 \
  --pidfile="$dir/turnserver.pid" --userdb="$dir/turndb" > "$dir/turnserver.log" 2>&1 & echo $!
dnsmasq --keep-in-foreground --no-daemon --no-resolv --no-hosts --no-poll --conf-file=/dev/null \
  --listen-address=127.0.0.1 --bind-interfaces --port=5300 --user=root --pid-file="$dir/dnsmasq.pid" \
  --address=/appliance.test/127.0.0.1 --local=/appliance.test/ > "$dir/dnsmasq.log" 2>&1 & echo $!

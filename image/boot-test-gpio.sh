#!/usr/bin/env bash
# The boot test's GPIO part (image/boot-test.sh calls it once the portal answers): the media plugin on real kernel
# GPIO lines through libgpiod. The guest was given the credential appliance.gpio-sim, so appliance-gpio-sim.service
# made a gpio-sim chip before the host started and runs its bench (image/rootfs/usr/lib/appliance/gpio-sim-bench):
# it flips an input line's pull on a schedule and prints each change of an output line, as "gpio: ..." lines on the
# serial console. From outside, through the host's HTTPS API only:
#   1. the media plugin's gpio section is set to the libgpiod driver on that chip (door: the bench's input line,
#      siren: its output line), which restarts the plugin;
#   2. GET /plugins/appliance.media/gpio follows the input: "door" is seen true and false, each time as the bench
#      last set it on the console;
#   3. POST /plugins/appliance.media/gpio/outputs/siren {"active": true|false} shows on the console as
#      "gpio: output line L = 1|0" (the kernel line's value as the simulator reads it).
# Environment: NS (network namespace of the guest's link), GUEST (its IPv4), TOKEN (an administrator's API token),
# SERIAL (the serial console log being written), PASSWORD (optional: sent as X-Reauth-Password).
# Prints "gpio: ..." lines; exit 1 on failure.
set -euo pipefail
: "${NS:?}" "${GUEST:?}" "${TOKEN:?}" "${SERIAL:?}"
PLUGIN=appliance.media
WAIT_PLUGIN=${GPIO_WAIT_PLUGIN:-420}
WAIT_INPUT=${GPIO_WAIT_INPUT:-240}
WAIT_OUTPUT=${GPIO_WAIT_OUTPUT:-120}

fail() { echo "gpio: FAILED: $*"; exit 1; }
api() { # METHOD PATH [BODY]: the answer's body on stdout; fails on an HTTP error
  local headers=(-H "Authorization: Bearer $TOKEN")
  [[ -n "${PASSWORD:-}" ]] && headers+=(-H "X-Reauth-Password: $PASSWORD")
  if (($# > 2)); then headers+=(-H "Content-Type: application/json" --data "$3"); fi
  ip netns exec "$NS" curl -ksS --fail-with-body --max-time 30 -X "$1" "${headers[@]}" "https://$GUEST$2"
}
console() { tr -d '\r' < "$SERIAL" | grep -aoE 'gpio: .*' || true; }
# A boolean of the GET gpio answer ({"door":true,"siren":false}); empty when the name is not there.
state_of() { sed -n "s/.*\"$1\":\\(true\\|false\\).*/\\1/p" <<<"$2"; }

# --- The chip the guest made (before the host started).
bench=""
for _ in $(seq 1 60); do
  bench=$(console | grep -m1 -E '^gpio: chip gpiochip[0-9]+ lines [0-9]+ input [0-9]+ output [0-9]+' || true)
  [[ -n "$bench" ]] && break
  console | grep -q '^gpio: error' && break
  sleep 2
done
[[ -n "$bench" ]] || fail "no gpio-sim chip on the console ($(console | grep -m1 '^gpio: error' || echo 'appliance-gpio-sim.service did not report; credential appliance.gpio-sim not given?'))"
read -r chip lines input output <<<"$(sed -E 's/^gpio: chip gpiochip([0-9]+) lines ([0-9]+) input ([0-9]+) output ([0-9]+).*/\1 \2 \3 \4/' <<<"$bench")"
echo "gpio: guest chip gpiochip$chip ($lines lines): bench input line $input, output line $output"

# --- The media plugin on that chip (one setting: the whole gpio section; the plugin restarts with it).
config=$(printf '{"value":{"driver":"libgpiod","chip":%d,"device":"bench","inputs":[{"name":"door","line":%d,"debounceMs":0}],"outputs":[{"name":"siren","line":%d}]}}' \
  "$chip" "$input" "$output")
answer=$(api PUT "/api/v1/plugins/$PLUGIN/config/gpio" "$config") || fail "setting the media plugin's gpio section: $answer"
echo "gpio: media plugin configured: libgpiod on gpiochip$chip"
start=$SECONDS
states=""
while ((SECONDS - start < WAIT_PLUGIN)); do
  states=$(api GET "/plugins/$PLUGIN/gpio" 2>/dev/null || true)
  [[ -n "$(state_of door "$states")" && -n "$(state_of siren "$states")" ]] && break
  sleep 3
done
[[ -n "$(state_of door "$states")" ]] || fail "GET /plugins/$PLUGIN/gpio has no door and siren after $WAIT_PLUGIN s: ${states:-no answer} (plugin: $(api GET "/api/v1/plugins/$PLUGIN" 2>&1 | head -c 600))"
echo "gpio: media plugin reads its lines after $((SECONDS - start)) s: $states"

# --- The input follows the line: each value seen through the API while the console says the bench set it.
seen_true=0 seen_false=0 samples=0
start=$SECONDS
while ((SECONDS - start < WAIT_INPUT)) && ((seen_true == 0 || seen_false == 0)); do
  door=$(state_of door "$(api GET "/plugins/$PLUGIN/gpio" 2>/dev/null || true)")
  line=$(console | grep -E "^gpio: input line $input = [01]" | tail -n1 | sed -E 's/^gpio: input line [0-9]+ = ([01]).*/\1/')
  samples=$((samples + 1))
  if [[ "$door" == true && "$line" == 1 ]]; then seen_true=$((seen_true + 1)); fi
  if [[ "$door" == false && "$line" == 0 ]]; then seen_false=$((seen_false + 1)); fi
  sleep 2
done
echo "gpio: input line $input through libgpiod and the API: $samples samples, agreeing with the bench: $seen_true high, $seen_false low ($((SECONDS - start)) s)"
((seen_true > 0 && seen_false > 0)) || fail "the media plugin's input did not follow line $input both ways within $WAIT_INPUT s"

# --- The output drives the line: the bench prints the kernel line's value as it changes.
drive() { # active(true|false) value(1|0)
  local before; before=$(console | grep -cE "^gpio: output line $output = $2\$" || true)
  local answer; answer=$(api POST "/plugins/$PLUGIN/gpio/outputs/siren" "{\"active\":$1}") || fail "POST gpio/outputs/siren active=$1: $answer"
  local t=$SECONDS
  while ((SECONDS - t < WAIT_OUTPUT)); do
    (($(console | grep -cE "^gpio: output line $output = $2\$" || true) > before)) && {
      echo "gpio: output siren active=$1 -> console \"gpio: output line $output = $2\" after $((SECONDS - t)) s"
      return 0
    }
    sleep 1
  done
  fail "POST gpio/outputs/siren active=$1 answered $answer, but the console did not show line $output = $2 within $WAIT_OUTPUT s"
}
drive true 1
states=$(api GET "/plugins/$PLUGIN/gpio")
[[ "$(state_of siren "$states")" == true ]] || fail "siren driven active but GET gpio says $states"
drive false 0
echo "gpio: passed"

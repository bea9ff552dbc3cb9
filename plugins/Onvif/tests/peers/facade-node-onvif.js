// Second independent ONVIF client against the appliance's ONVIF device facade: the npm "node-onvif" package (pinned).
// Prints one JSON line on stdout; exit code 0 on success.
// Usage:
//   node facade-node-onvif.js discover <user> <password>        WS-Discovery probe, then init the first device found
//   node facade-node-onvif.js connect <xaddr> <user> <password>
'use strict';
const onvif = require('node-onvif');

const [mode, ...args] = process.argv.slice(2);
const timer = setTimeout(() => { console.error('timeout'); process.exit(3); }, 90000);

function fail(step, err) {
  console.error(JSON.stringify({ step, error: String(err && err.message || err) }));
  process.exit(2);
}

function init(xaddr, user, pass, extra) {
  const device = new onvif.OnvifDevice({ xaddr, user, pass });
  device.init().then(info => {
    clearTimeout(timer);
    console.log(JSON.stringify(Object.assign({
      manufacturer: info.Manufacturer, model: info.Model,
      profiles: device.getProfileList().map(p => ({ token: p.token, name: p.name, rtsp: p.stream.rtsp, udp: p.stream.udp, encoding: p.video.encoder && p.video.encoder.encoding })),
    }, extra)));
    process.exit(0);
  }).catch(err => fail('init', err));
}

if (mode === 'discover') {
  const [user, pass] = args;
  onvif.startProbe().then(list => {
    if (list.length === 0) return fail('probe', 'no device answered');
    // The discovery result first, on its own line: init may then fail (see the test's note on PasswordDigest).
    console.log(JSON.stringify({ discovered: list.map(d => ({ urn: d.urn, name: d.name, hardware: d.hardware, xaddrs: d.xaddrs })) }));
    init(list[0].xaddrs[0], user, pass, {});
  }).catch(err => fail('probe', err));
} else if (mode === 'connect') {
  const [xaddr, user, pass] = args;
  init(xaddr, user, pass, {});
} else {
  fail('usage', 'mode must be discover or connect');
}

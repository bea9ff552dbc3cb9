// Independent ONVIF client peer: the npm "onvif" package (pinned in package.json / package-lock.json) connects to a camera,
// then asks for device information, profiles and the stream URI. Prints one JSON line; exit code 0 on success.
// Usage: node onvif-client.js <host> <port> <username> <password>
'use strict';
const { Cam } = require('onvif');

const [host, port, username, password] = process.argv.slice(2);
const timer = setTimeout(() => { console.error('timeout'); process.exit(3); }, 30000);

function fail(step, err) {
  console.error(JSON.stringify({ step, error: String(err && err.message || err) }));
  process.exit(2);
}

new Cam({ hostname: host, port: Number(port), username, password, timeout: 10000, preserveAddress: true, autoconnect: false }, function () {})
  .connect(function (err) {
    if (err) return fail('connect', err);
    const cam = this;
    cam.getDeviceInformation(function (err, info) {
      if (err) return fail('getDeviceInformation', err);
      cam.getProfiles(function (err, profiles) {
        if (err) return fail('getProfiles', err);
        cam.getStreamUri({ protocol: 'RTSP', profileToken: profiles[0].$.token }, function (err, stream) {
          if (err) return fail('getStreamUri', err);
          clearTimeout(timer);
          console.log(JSON.stringify({
            manufacturer: info.manufacturer, model: info.model,
            profiles: profiles.map(p => p.$.token), media2: !!cam.media2Support, streamUri: stream.uri,
          }));
          process.exit(0);
        });
      });
    });
  });

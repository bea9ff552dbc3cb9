// Independent ONVIF client against the appliance's ONVIF device facade: the npm "onvif" package (pinned).
// Prints JSON lines on stdout; exit code 0 on success.
// Usage:
//   node facade-onvif.js discover <user> <password>          WS-Discovery probe, then connect to the first match
//   node facade-onvif.js connect <host> <port> <user> <password>
//   node facade-onvif.js events <host> <port> <user> <password> <topic>   prints {"subscribed":true}, then the first matching notification
'use strict';
const { Cam, Discovery } = require('onvif');

const [mode, ...args] = process.argv.slice(2);
const timer = setTimeout(() => { console.error('timeout'); process.exit(3); }, 90000);

function fail(step, err) {
  console.error(JSON.stringify({ step, error: String(err && err.message || err) }));
  process.exit(2);
}

function connect(host, port, username, password, done) {
  new Cam({ hostname: host, port: Number(port), username, password, timeout: 15000, preserveAddress: true, autoconnect: false }, function () {})
    .connect(function (err) {
      if (err) return fail('connect', err);
      done(this);
    });
}

function describe(cam, extra) {
  cam.getDeviceInformation(function (err, info) {
    if (err) return fail('getDeviceInformation', err);
    cam.getProfiles(function (err, profiles) {
      if (err) return fail('getProfiles', err);
      const uris = {};
      let i = 0;
      const next = () => {
        if (i === profiles.length) {
          clearTimeout(timer);
          console.log(JSON.stringify(Object.assign({
            manufacturer: info.manufacturer, model: info.model,
            profiles: profiles.map(p => p.$.token), media2: !!cam.media2Support, streamUris: uris,
          }, extra)));
          process.exit(0);
        }
        const token = profiles[i++].$.token;
        cam.getStreamUri({ protocol: 'RTSP', profileToken: token }, function (err, stream) {
          if (err) return fail('getStreamUri ' + token, err);
          uris[token] = stream.uri;
          next();
        });
      };
      next();
    });
  });
}

if (mode === 'discover') {
  const [username, password] = args;
  Discovery.on('error', () => {});
  Discovery.probe({ timeout: 5000, resolve: false }, function (err, matches) {
    if (err) return fail('probe', err);
    const devices = (matches || []).map(m => {
      const match = m.probeMatches.probeMatch;
      return { urn: match.endpointReference.address, xaddrs: String(match.XAddrs).split(' '), scopes: String(match.scopes && match.scopes._ || match.scopes).split(' ') };
    });
    if (devices.length === 0) return fail('probe', 'no device answered');
    const url = new URL(devices[0].xaddrs[0]);
    connect(url.hostname, url.port, username, password, cam => describe(cam, { discovered: devices }));
  });
} else if (mode === 'connect') {
  const [host, port, username, password] = args;
  connect(host, port, username, password, cam => describe(cam, {}));
} else if (mode === 'events') {
  const [host, port, username, password, topic] = args;
  connect(host, port, username, password, cam => {
    cam.createPullPointSubscription(function (err) {
      if (err) return fail('createPullPointSubscription', err);
      console.log(JSON.stringify({ subscribed: true }));
      const pull = () => cam.pullMessages({ messageLimit: 10 }, function (err, data) {
        if (err) return fail('pullMessages', err);
        const messages = [].concat((data && data.notificationMessage) || []);
        const found = messages.find(m => String(m.topic._ || m.topic).indexOf(topic) >= 0);
        if (!found) return pull();
        clearTimeout(timer);
        const message = found.message.message;
        const items = x => [].concat((x && x.simpleItem) || []).map(s => s.$);
        console.log(JSON.stringify({ topic: String(found.topic._ || found.topic), source: items(message.source), data: items(message.data) }));
        process.exit(0);
      });
      pull();
    });
  });
} else {
  fail('usage', 'mode must be discover, connect or events');
}

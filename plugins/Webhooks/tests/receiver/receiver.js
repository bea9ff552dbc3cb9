// Test peer: an HTTPS webhook receiver that verifies every request with the Standard Webhooks reference library
// (npm "standardwebhooks"). Usage: node receiver.js <port> <whsec_secret> <cert.pem> <key.pem> <mode>
// mode "verify": 204 for a valid signature (printing one JSON line {"verified":true,...}), 401 otherwise.
// mode "fail": 500 for every request (printing {"failed":true,...}).
// Prints "listening <port>" once ready. Binds 127.0.0.1 only.
const https = require("https");
const fs = require("fs");
const { Webhook } = require("standardwebhooks");

const [port, secret, certPath, keyPath, mode] = process.argv.slice(2);
const wh = new Webhook(secret.replace(/^whsec_/, ""));

const server = https.createServer({ cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) }, (req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = {
      "webhook-id": req.headers["webhook-id"],
      "webhook-timestamp": req.headers["webhook-timestamp"],
      "webhook-signature": req.headers["webhook-signature"],
    };
    if (mode === "fail") {
      console.log(JSON.stringify({ failed: true, id: headers["webhook-id"] }));
      res.writeHead(500);
      res.end("always failing");
      return;
    }
    try {
      const payload = wh.verify(body, headers);
      console.log(JSON.stringify({ verified: true, id: headers["webhook-id"], contentType: req.headers["content-type"], payload }));
      res.writeHead(204);
      res.end();
    } catch (e) {
      console.log(JSON.stringify({ verified: false, id: headers["webhook-id"], error: String(e.message || e) }));
      res.writeHead(401);
      res.end("bad signature");
    }
  });
});
server.listen(Number(port), "127.0.0.1", () => console.log("listening " + server.address().port));

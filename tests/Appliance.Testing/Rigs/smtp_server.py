# Test peer: Debian's aiosmtpd on 127.0.0.1. Usage:
#   /usr/bin/python3 smtp_server.py <port> <plain|starttls|tls> <outdir> <cert.pem> <key.pem> <auth-required: 0|1>
# Each accepted message is written to <outdir>/<n>.eml (as received) and <n>.json (envelope, authenticated user).
# Accepts the login user/secret only. Prints "listening" once ready; stops on SIGTERM.
import json, os, signal, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, mode, outdir, cert, key, auth_required = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] == "1"

class Handler:
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(outdir) if f.endswith(".eml")])
        with open(os.path.join(outdir, "%04d.json" % n), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "user": (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None), "tls": server.transport.get_extra_info("ssl_object") is not None}, f)
        with open(os.path.join(outdir, "%04d.eml" % n), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        return "250 Message accepted"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"user" and auth_data.password == b"secret"
    return AuthResult(success=ok, handled=False, auth_data=auth_data)

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
common = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_required=auth_required, auth_require_tls=False)
if mode == "plain":
    controller = Controller(Handler(), **common)
elif mode == "starttls":
    controller = Controller(Handler(), tls_context=context, require_starttls=True, **common)
else:
    controller = Controller(Handler(), ssl_context=context, **common)
controller.start()
print("listening", flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
controller.stop()

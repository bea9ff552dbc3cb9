"""Test listener for the firewall tests.

Arguments: tcp:PORT or udp:PORT (PORT 0 = the kernel picks one), optionally tcp:PORT@ADDRESS.
TCP: accepts and closes. UDP: answers every datagram with a short reply, so a scanner sees "open"
only when the datagram got through the firewall (no reply = "open|filtered" = not open).
Prints "ready tcp:N udp:M ..." with the bound ports once every socket is listening, then serves until killed.
"""
import selectors
import socket
import sys

sel = selectors.DefaultSelector()
bound = []
for spec in sys.argv[1:]:
    proto, _, rest = spec.partition(":")
    port, _, address = rest.partition("@")
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    if address and ":" not in address:
        s = socket.socket(socket.AF_INET, kind)
    else:
        s = socket.socket(socket.AF_INET6, kind)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address or "::", int(port)))
    if proto == "tcp":
        s.listen(64)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, proto)
    bound.append(f"{proto}:{s.getsockname()[1]}")
print("ready " + " ".join(bound), flush=True)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        try:
            if key.data == "tcp":
                conn, _ = s.accept()
                conn.close()
            else:
                _, peer = s.recvfrom(2048)
                s.sendto(b"appliance-firewall-test\n", peer)
        except OSError:
            pass

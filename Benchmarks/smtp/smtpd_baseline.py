"""CPython 3.11's smtpd as the benchmark baseline: a server that accepts
and drops every message (the same work as `smtp-server --discard`).
Prints "listening on HOST:PORT" first, like smtp-server.

    python3.11 smtpd_baseline.py PORT
"""
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402
import smtpd  # noqa: E402


class DiscardServer(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        return None


server = DiscardServer(("127.0.0.1", int(sys.argv[1])), None)
# smtpd listens with a backlog of 5: 20 simultaneous connects overflow it and
# a dropped handshake leaves a client waiting for ever. Same backlog as
# smtp-server (SOMAXCONN); it changes nothing else.
server.socket.listen(4096)
print("listening on 127.0.0.1:%d" % server.socket.getsockname()[1], flush=True)
try:
    asyncore.loop(timeout=1)
except KeyboardInterrupt:
    pass

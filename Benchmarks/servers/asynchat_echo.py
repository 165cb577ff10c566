"""A line-echo server on CPython 3.11's asynchat, as a benchmark baseline.

    python3.11 asynchat_echo.py [--host HOST] [--port PORT]     (port 0: any free port)

Each line (terminator b"\\n") is pushed back with its terminator. The
listener is the asyncore documentation's, with the same changes as
asyncore_echo.py: no line printed per connection, the system's maximum
backlog, loop(use_poll=True), the open-file limit raised. Prints
"listening on HOST:PORT" first.
"""
import argparse
import resource
import signal
import socket
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asynchat  # noqa: E402  (deprecated modules: import after silencing their warnings)
import asyncore  # noqa: E402


class LineEchoHandler(asynchat.async_chat):
    def __init__(self, sock):
        asynchat.async_chat.__init__(self, sock)
        self.set_terminator(b"\n")
        self.line = []

    def collect_incoming_data(self, data):
        self.line.append(data)

    def found_terminator(self):
        self.push(b"".join(self.line) + b"\n")
        self.line = []


class LineEchoServer(asyncore.dispatcher):
    def __init__(self, host, port):
        asyncore.dispatcher.__init__(self)
        self.create_socket()
        self.set_reuse_addr()
        self.bind((host, port))
        self.listen(socket.SOMAXCONN)

    def handle_accepted(self, sock, addr):
        LineEchoHandler(sock)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7010)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = LineEchoServer(args.host, args.port)
    host, port = server.socket.getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
    try:
        asyncore.loop(use_poll=True)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

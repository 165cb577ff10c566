"""The asyncore documentation's echo server (CPython 3.11), as a benchmark baseline.

    python3.11 asyncore_echo.py [--host HOST] [--port PORT]     (port 0: any free port)

Changes from the documentation, each needed to run the benchmark at all:
no line printed per connection (10,000 of them would time the terminal),
listen() with the system's maximum backlog instead of 5, loop(use_poll=True)
because select() cannot watch more than 1024 descriptors, and the open-file
limit raised to the hard limit. Prints "listening on HOST:PORT" first.
"""
import argparse
import resource
import signal
import socket
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import asyncore  # noqa: E402  (deprecated module: import after silencing its warning)


class EchoHandler(asyncore.dispatcher_with_send):
    def handle_read(self):
        data = self.recv(8192)
        if data:
            self.send(data)


class EchoServer(asyncore.dispatcher):
    def __init__(self, host, port):
        asyncore.dispatcher.__init__(self)
        self.create_socket()
        self.set_reuse_addr()
        self.bind((host, port))
        self.listen(socket.SOMAXCONN)

    def handle_accepted(self, sock, addr):
        EchoHandler(sock)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7009)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = EchoServer(args.host, args.port)
    host, port = server.socket.getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
    try:
        asyncore.loop(use_poll=True)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

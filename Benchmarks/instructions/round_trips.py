"""Sends ROUNDS bursts of DEPTH 64-byte lines to an echo server, reading each
burst's echo before the next, and checks every byte that comes back."""
import argparse
import socket

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--rounds", type=int, required=True)
parser.add_argument("--depth", type=int, default=1)
args = parser.parse_args()

line = b"x" * 63 + b"\n"
burst = line * args.depth
with socket.create_connection(("127.0.0.1", args.port)) as connection:
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(args.rounds):
        connection.sendall(burst)
        received = b""
        while len(received) < len(burst):
            chunk = connection.recv(65536)
            if not chunk:
                raise SystemExit("the server closed the connection")
            received += chunk
        if received != burst:
            raise SystemExit("wrong echo")

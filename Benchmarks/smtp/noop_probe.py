"""NOOP latency of one SMTP session while other sessions load the server:
sends NOOP, waits for its reply, COUNT times, and prints the median, the
99th percentile and the maximum in milliseconds.

    python3 noop_probe.py PORT COUNT
"""
import socket
import sys
import time

port, count = int(sys.argv[1]), int(sys.argv[2])
connection = socket.create_connection(("127.0.0.1", port))
connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
reader = connection.makefile("rb")
reader.readline()
connection.sendall(b"HELO probe\r\n")
reader.readline()
samples = []
for _ in range(count):
    start = time.perf_counter()
    connection.sendall(b"NOOP\r\n")
    if not reader.readline().startswith(b"250"):
        sys.exit("unexpected reply")
    samples.append((time.perf_counter() - start) * 1000)
    time.sleep(0.002)
connection.sendall(b"QUIT\r\n")
samples.sort()
print("p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d NOOPs" % (
    samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1], samples[-1], len(samples)))

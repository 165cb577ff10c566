"""Soak client: many concurrent SMTP sessions deliver messages for a while;
some vanish abruptly at random points. Every message attempted gets one line
in the outcome log:

    ID OUTCOME

OUTCOME is one of
    250                  the client read 250 after the final dot: must be stored once
    rejected:CODE        the server answered CODE after the dot: must not be stored
    aborted-command      the client reset the connection in the middle of MAIL
    aborted-data         the client vanished in the middle of DATA (reset or FIN)
    vanished-after-dot   the client sent the final dot and reset before reading
                         the reply: the server may have stored it (ambiguous)
    lost-before-dot      the server ended the connection before the dot
    lost-after-dot       the server ended the connection after the dot, before
                         a reply (ambiguous; a healthy run has none)

Each message carries its Message-ID and an X-Soak-Digest header: the SHA-256
of its body as the Maildir stores it (LF line ends, dot-stuffing undone).

    python3 soak_client.py HOST PORT --sessions 500 --seconds 180 --log outcomes.log
"""
import argparse
import asyncio
import hashlib
import random
import socket
import struct
import sys
import time

LINGER_RESET = struct.pack("ii", 1, 0)


class Lost(Exception):
    """The server closed or reset the connection."""


class Session:
    def __init__(self, loop, host, port):
        self.loop, self.host, self.port = loop, host, port
        self.sock = None
        self.buffer = b""

    async def connect(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await self.loop.sock_connect(self.sock, (self.host, self.port))
        self.buffer = b""

    async def send(self, data):
        try:
            await self.loop.sock_sendall(self.sock, data)
        except OSError as error:
            raise Lost(str(error))

    async def reply(self, limit=120):
        """The code of the next complete reply."""
        deadline = time.monotonic() + limit
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                if len(line) >= 4 and line[3:4] == b" ":
                    return int(line[:3])
            left = deadline - time.monotonic()
            if left <= 0:
                raise Lost("no reply within %d s" % limit)
            try:
                chunk = await asyncio.wait_for(self.loop.sock_recv(self.sock, 65536), left)
            except (OSError, asyncio.TimeoutError) as error:
                raise Lost(str(error))
            if not chunk:
                raise Lost("end of input")
            self.buffer += chunk

    async def command(self, line):
        await self.send(line + b"\r\n")
        return await self.reply()

    def reset(self):
        """Vanishes: SO_LINGER 0, so the close sends RST, not FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
        self.close()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


# Text that message lines are cut from: generating every character with the
# random module made the client, not the server, the bottleneck.
TEXT = "".join(random.Random(0).choice("abcdefghijklmnopqrstuvwxyz .,") for _ in range(1 << 16))


def make_message(message_id, rng):
    """The wire bytes of a message (dot-stuffed, CRLF, ending in the final
    dot line) and its digest."""
    if rng.random() < 0.02:
        size = rng.randint(64 << 10, 256 << 10)
    else:
        size = rng.randint(200, 8 << 10)
    lines, length = [], 0
    while length < size:
        width = rng.randint(0, 120)
        start = rng.randrange(0, len(TEXT) - width)
        line = TEXT[start:start + width]
        if rng.random() < 0.05:
            line = "." + line          # needs dot-stuffing on the wire
        lines.append(line)
        length += width + 2
    body = "\n".join(lines) + "\n"
    digest = hashlib.sha256(body.encode()).hexdigest()
    headers = [
        "Message-ID: <%s>" % message_id,
        "From: <soak@client.test>",
        "To: <sink@soak.test>",
        "Subject: soak %s" % message_id,
        "X-Soak-Digest: %s" % digest,
        "",
    ]
    wire = "".join(h + "\r\n" for h in headers)
    wire += "".join(("." + l if l.startswith(".") else l) + "\r\n" for l in lines)
    return wire.encode() + b".\r\n"


class Stats:
    def __init__(self):
        self.outcomes = {}
        self.connections = 0
        self.connect_failures = 0

    def count(self, outcome):
        key = outcome.split(":")[0] if outcome.startswith("rejected") else outcome
        self.outcomes[key] = self.outcomes.get(key, 0) + 1


async def worker(number, args, end, log, stats, rng):
    loop = asyncio.get_running_loop()
    sequence = 0
    while time.monotonic() < end:
        session = Session(loop, args.host, args.port)
        try:
            await session.connect()
            stats.connections += 1
            if await session.reply() != 220 or await session.command(b"EHLO soak-%d.client.test" % number) != 250:
                raise Lost("bad greeting")
        except (Lost, OSError):
            stats.connect_failures += 1
            session.close()
            await asyncio.sleep(0.05)
            continue
        alive = True
        for _ in range(rng.randint(1, 10)):
            if time.monotonic() >= end:
                break
            sequence += 1
            message_id = "%s.%d.%d@soak.test" % (args.run, number, sequence)
            fate = rng.random()
            abort = None
            if fate < args.abort_rate / 3:
                abort = "command"
            elif fate < 2 * args.abort_rate / 3:
                abort = "data"
            elif fate < args.abort_rate:
                abort = "after-dot"
            outcome = await deliver(session, message_id, abort, rng)
            log.write("%s %s\n" % (message_id, outcome))
            stats.count(outcome)
            if outcome != "250" and not outcome.startswith("rejected"):
                alive = False
                break
        if alive:
            try:
                if rng.random() < 0.5:
                    await session.command(b"QUIT")
            except Lost:
                pass
        session.close()


async def deliver(session, message_id, abort, rng):
    wire = make_message(message_id, random.Random(message_id))
    try:
        if abort == "command":
            await session.send(b"MAIL FROM:<soak@cli")
            session.reset()
            return "aborted-command"
        for line in (b"MAIL FROM:<soak@client.test>", b"RCPT TO:<sink@soak.test>"):
            code = await session.command(line)
            if code != 250:
                return "rejected:%d" % code
        code = await session.command(b"DATA")
        if code != 354:
            return "rejected:%d" % code
    except Lost:
        return "lost-before-dot"
    if abort == "data":
        # Anywhere before the last byte of the final dot line.
        cut = rng.randrange(0, len(wire) - 1)
        try:
            await session.send(wire[:cut])
        except Lost:
            pass
        if rng.random() < 0.5:
            session.reset()
        else:
            session.close()
        return "aborted-data"
    try:
        await session.send(wire)
    except Lost:
        return "lost-before-dot"
    if abort == "after-dot":
        session.reset()
        return "vanished-after-dot"
    try:
        code = await session.reply()
    except Lost:
        return "lost-after-dot"
    return "250" if code == 250 else "rejected:%d" % code


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--abort-rate", type=float, default=0.06)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", default="r%d" % int(time.time()))
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    stats = Stats()
    started = time.monotonic()
    end = started + args.seconds
    with open(args.log, "w") as log:
        await asyncio.gather(*(
            worker(number, args, end, log, stats, random.Random(args.seed * 100003 + number))
            for number in range(args.sessions)))
    elapsed = time.monotonic() - started
    delivered = stats.outcomes.get("250", 0)
    print("client: %.1f s (%.1f s of CPU), %d connections (%d failed), %d messages answered 250 (%.1f/s); outcomes %s" % (
        elapsed, time.process_time(), stats.connections, stats.connect_failures, delivered, delivered / elapsed,
        " ".join("%s=%d" % item for item in sorted(stats.outcomes.items()))))


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

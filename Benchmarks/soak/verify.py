"""Checks a soak run: every message the client saw answered 250 is in the
Maildir exactly once with its content intact; no message that was not
answered 250 is there, except those whose client vanished after the final
dot (the server may have stored them and answered into a closed socket):
they are counted apart. Exits 1 on any violation.

    python3 verify.py MAILDIR outcomes.log
"""
import collections
import hashlib
import os
import sys


def stored_messages(maildir):
    """Message-ID -> list of (file name, digest ok)."""
    found = collections.defaultdict(list)
    for name in os.listdir(os.path.join(maildir, "new")):
        with open(os.path.join(maildir, "new", name), "rb") as handle:
            content = handle.read()
        head, _, body = content.partition(b"\n\n")
        headers = {}
        for line in head.split(b"\n"):
            key, _, value = line.partition(b":")
            headers[key.strip().lower()] = value.strip()
        message_id = headers.get(b"message-id", b"").strip(b"<>").decode()
        digest_ok = hashlib.sha256(body).hexdigest().encode() == headers.get(b"x-soak-digest")
        found[message_id].append((name, digest_ok))
    return found


def main(maildir, log_path):
    outcomes = {}
    with open(log_path) as log:
        for line in log:
            message_id, outcome = line.split()
            outcomes[message_id] = outcome
    stored = stored_messages(maildir)
    stray_temporary = len(os.listdir(os.path.join(maildir, "tmp")))
    problems = []
    ambiguous = collections.Counter()
    by_outcome = collections.Counter()
    for message_id, outcome in outcomes.items():
        kind = outcome.split(":")[0]
        by_outcome[kind] += 1
        copies = stored.get(message_id, [])
        if any(not ok for _, ok in copies):
            problems.append("%s: stored content differs from what was sent" % message_id)
        if outcome == "250":
            if len(copies) != 1:
                problems.append("%s: answered 250 but stored %d times" % (message_id, len(copies)))
        elif kind in ("vanished-after-dot", "lost-after-dot"):
            if len(copies) > 1:
                problems.append("%s: %s and stored %d times" % (message_id, outcome, len(copies)))
            ambiguous[(kind, "stored" if copies else "not stored")] += 1
        elif copies:
            problems.append("%s: %s but stored %d times" % (message_id, outcome, len(copies)))
    unknown = [message_id for message_id in stored if message_id not in outcomes]
    for message_id in unknown:
        problems.append("%s: stored but never attempted by the client" % message_id)
    files = sum(len(copies) for copies in stored.values())
    print("verify: %d messages attempted; outcomes %s" % (
        len(outcomes), " ".join("%s=%d" % item for item in sorted(by_outcome.items()))))
    print("verify: %d files in new/, %d in tmp/; answered 250 and stored exactly once: %d of %d" % (
        files, stray_temporary, sum(1 for i, o in outcomes.items() if o == "250" and len(stored.get(i, [])) == 1),
        by_outcome["250"]))
    for (kind, state), count in sorted(ambiguous.items()):
        print("verify: ambiguous %s: %d %s" % (kind, count, state))
    for problem in problems[:50]:
        print("verify: PROBLEM " + problem)
    print("verify: %s (%d problems)" % ("LOST NOTHING" if not problems else "FAILED", len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

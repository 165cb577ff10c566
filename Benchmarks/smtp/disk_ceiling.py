"""The disk's ceiling for scenario (c): the Maildir handler's file work alone
(write 1 MiB to tmp/, fsync, rename into new/, fsync new/), no SMTP.
Prints files per second.

    python3 disk_ceiling.py DIR COUNT SIZE
"""
import os
import sys
import time

directory, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for folder in ("tmp", "new"):
    os.makedirs(os.path.join(directory, folder), exist_ok=True)
content = b"a" * 76 + b"\n"
content = content * (size // len(content))
new = os.open(os.path.join(directory, "new"), os.O_RDONLY | os.O_DIRECTORY)
start = time.monotonic()
for index in range(count):
    name = "%d.%d_%d.ceiling" % (time.time(), os.getpid(), index)
    temporary = os.path.join(directory, "tmp", name)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, content)
    os.fsync(fd)
    os.close(fd)
    os.rename(temporary, os.path.join(directory, "new", name))
    os.fsync(new)
print("%.1f" % (count / (time.monotonic() - start)))

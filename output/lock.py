"""One run at a time: an exclusive flock(2) on <data dir>/.lock, so `flock data/.lock ...` in a shell sees the
same lock. The kernel drops the lock when its holder dies, so a lock left by a dead process never blocks."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path


class Locked(Exception):
    """Another run holds the lock."""


class RunLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / ".lock"
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            try:
                info = json.loads(holder)
                raise Locked(f"another run holds {self.path}: pid {info['pid']}, started {info['started_at']}") from None
            except (ValueError, KeyError):
                raise Locked(f"another process holds {self.path}") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(),
                                 "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

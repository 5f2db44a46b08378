"""A second (and third) process of the concurrency tests: opens the database, waits for the start
signal, then saves answers of one form response as fast as it can.

    python save_worker.py DATABASE RESPONSE_ID PREFIX COUNT GO_FILE

Prints "ready" once connected; then each save writes the key `PREFIX.N` (a new key per save).
Prints, as JSON on stdout, the keys whose save returned (acknowledged) and the messages of the
saves that failed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(target: str, response_id: str, prefix: str, count: int, go_file: str) -> None:
    from desktop_app.services.app_services import Services

    services = Services.open(target)
    services.forms.get(response_id)  # connected and warmed up before the start
    print("ready", flush=True)
    go = Path(go_file)
    deadline = time.monotonic() + 30
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    acknowledged, failed = [], []
    for n in range(count):
        key = f"{prefix}.{n}"
        try:
            services.forms.set_answer(response_id, key, f"{prefix}-{n}")
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            failed.append(f"{type(exc).__name__}: {exc}"[:200])
        else:
            acknowledged.append(key)
    services.close()
    print(json.dumps({"acknowledged": acknowledged, "failed": failed}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])

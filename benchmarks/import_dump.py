"""What an import writes, as text to compare between two versions of the code.

Imports the benchmark's territory bundles (`benchmarks/.data/bundles`, made by `run.py`) into
fresh databases in four scenarios — every file; every file twice (the second time: nothing
new); three files and the first again in one import (a record brought twice); two imports that
overlap — and writes, per scenario, every table's rows (rowid order where there is one) and
the attachment files (path, mode, SHA-256). Values an import makes up (the history's ids and
times, the times versions were seen, keys added, peers met) are replaced by their rank, and the
new database's device id and label by a mark, so two runs of the same code give the same text.

    PYTHONPATH=<checkout> python benchmarks/import_dump.py OUT_FOLDER

then `diff -r` the folders of two checkouts (used for issue 20: the import's speed-ups write
exactly what the code before them wrote).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VOLATILE = {
    ("sync_history", "id"), ("sync_history", "at"), ("sync_known_versions", "seen_at"), ("kit_snapshots", "stored_at"),
    ("sync_peers", "first_seen_at"), ("sync_peers", "last_received_at"), ("sync_trusted_keys", "added_at"),
    ("sync_trusted_keys", "last_seen_at"), ("sync_conflicts", "id"), ("sync_conflicts", "detected_at"),
}


def dump(db: Path, attachments: Path) -> str:
    con = sqlite3.connect(str(db))
    out = []
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        columns = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        rowid = "WITHOUT ROWID" not in sql.upper()
        rows = con.execute(f'SELECT {"rowid, " if rowid else ""}* FROM "{name}"' + (" ORDER BY rowid" if rowid else "")).fetchall()
        head = (["rowid"] if rowid else []) + columns
        ranks = {}
        for i, column in enumerate(head):
            if (name, column) in VOLATILE:
                values = [r[i] for r in rows if r[i] is not None]
                order = list(dict.fromkeys(values)) if column == "id" else sorted(set(values))
                ranks[i] = {v: f"<{column}#{k}>" for k, v in enumerate(order)}
        rows = [tuple(ranks[i].get(v, v) if i in ranks else v for i, v in enumerate(r)) for r in rows]
        if not rowid:
            rows.sort(key=repr)
        out.append(f"## {name} {head} {len(rows)}")
        out += map(repr, rows)
    con.close()
    out.append("## files")
    for p in sorted(attachments.rglob("*")):
        mode = oct(stat.S_IMODE(p.stat().st_mode))
        out.append(f"{p.relative_to(attachments)} {mode} {hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else 'dir'}")
    return "\n".join(out)


def main(out: Path) -> None:
    from desktop_app.services.app_services import Services

    paths = sorted((HERE / ".data" / "bundles").glob("*.evalkit"))
    if len(paths) < 5:
        sys.exit("Lancez d'abord benchmarks/run.py --only bundles (les paquets des territoires manquent).")
    scenarios = {"all": [paths], "twice": [paths, paths], "again": [paths[:3] + paths[:1]], "overlap": [paths[:2], paths[1:5] + paths[2:3]]}
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, imports in scenarios.items():
            db, attachments = Path(tmp) / f"{name}.db", Path(tmp) / f"{name}-pieces"
            services = Services.open(db, attachments_dir=attachments)
            try:
                results = [services.sync.import_bundles(p) for p in imports]
                device = services.sync.device_id
            finally:
                services.close()
            text = dump(db, attachments) + "\n## results\n" + json.dumps(results, sort_keys=True, default=str)
            con = sqlite3.connect(str(db))
            label = con.execute("SELECT value FROM meta WHERE key = 'device_label'").fetchone()[0]
            con.close()
            text = text.replace(device, "<this device>").replace(repr(label), "'<its label>'")
            (out / f"{name}.txt").write_text(text, "utf-8")
            shutil.rmtree(attachments, ignore_errors=True)
            print(name, hashlib.sha256(text.encode()).hexdigest()[:16])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))

"""Merge the figures of every scale and the PDF run into ``benchmarks/results/latest.json``
(with the largest/smallest scale ratios) and print the table.

    python -m benchmarks.report --out benchmarks/results/latest.json var/bench/*.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from benchmarks import stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("parts", nargs="+", type=Path)
    args = parser.parse_args()

    figures, scales = [], []
    for part in args.parts:
        if not part.exists():
            print(f"(missing: {part})")
            continue
        data = json.loads(part.read_text())
        figures += data["figures"]
        if data.get("run"):
            scales.append(data["run"])
    run = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}",
        "load_average": os.getloadavg(),
        "command": os.environ.get("BENCH_COMMAND", "make bench"),
        "scales": scales,
    }
    document = stats.results_document(figures, run=run)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")

    for scale in scales:
        print(f"scale {scale['scale']}: {scale['volume']}")
    print(stats.table(document["figures"]))
    notes = [f for f in document["figures"] if f.get("note")]
    if notes:
        print("\nNotes:")
        for item in notes:
            print(f"  {item['name']} ({item['scale']}): {item['note']}")
    print(f"\nWritten: {args.out}")


if __name__ == "__main__":
    main()

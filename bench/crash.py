"""The crash suite with more kills than the test suite's forty: a worker moving claims through
the workflow is SIGKILLed at random moments; after each kill SQLite's integrity check must say
ok and every claim's status must agree with its last history row.

    .venv/bin/python bench/crash.py [--kills 500] [--seed 1]
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_crash import kill_repeatedly, small_newsroom_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, url = small_newsroom_file(Path(folder) / "crash.db")
        started = time.perf_counter()
        rows = kill_repeatedly(app, url, args.kills, random.Random(args.seed))  # raises on the first unsound state
        elapsed = time.perf_counter() - started
    print(f"{args.kills} SIGKILLs in {elapsed:.0f} s: integrity_check ok and statuses matching history after every one;"
          f" {rows:,} history rows written")


if __name__ == "__main__":
    main()

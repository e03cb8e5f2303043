"""Run in a fresh process: RSS before and after loading N distinct verified models.

Reads ``[[artifact_path, sha256], ...]`` as JSON on stdin. The first model is loaded before
the "before" reading so that imports (scikit-learn, numpy) are not counted as model memory.
"""

from __future__ import annotations

import gc
import json
import os
import sys


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    from bench import env

    models = json.loads(sys.stdin.read())
    os.environ["ML_MODEL_LRU_SIZE"] = str(len(models) + 10)
    env.configure_environment()
    import django

    django.setup()
    from ml_coach.storage import load_cached

    first, *rest = models
    load_cached(*first)
    gc.collect()
    before = rss_bytes()
    kept = [load_cached(path, sha) for path, sha in rest]
    gc.collect()
    after = rss_bytes()
    print(json.dumps({"n": len(kept), "rss_before": before, "rss_after": after}))


if __name__ == "__main__":
    main()

"""Run in a fresh process: RSS before and after loading N distinct verified models.

Reads ``{"models": [[artifact_path, sha256], ...], "population": ref}`` as JSON on stdin
(or ``{"prior": true}``: RSS before and after loading the shipped prior only).
The first model is loaded before the "before" reading so that imports (scikit-learn, numpy)
are not counted as model memory; the population model is loaded last, and its RSS is
reported separately.
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

    payload = json.loads(sys.stdin.read())
    if payload.get("prior"):
        prior_only()
        return
    models = payload["models"]
    os.environ["ML_MODEL_LRU_SIZE"] = str(len(models) + 10)
    env.configure_environment()
    import django

    django.setup()
    from ml_coach.artifact_store import load_cached
    from ml_coach.prediction_service import load_population

    first, *rest = models
    load_cached(*first)
    gc.collect()
    before = rss_bytes()
    kept = [load_cached(path, sha) for path, sha in rest]
    gc.collect()
    after = rss_bytes()
    kept.append(load_population(payload["population"]))
    gc.collect()
    population = rss_bytes()
    print(
        json.dumps(
            {
                "n": len(rest),
                "rss_before": before,
                "rss_after": after,
                "rss_population": population,
            }
        )
    )


def prior_only() -> None:
    """RSS before and after loading the shipped prior (its code imported before)."""
    from bench import env

    env.configure_environment()
    import django

    django.setup()
    from ml_coach import prior

    gc.collect()
    before = rss_bytes()
    model = prior.load_prior()
    gc.collect()
    after = rss_bytes()
    print(json.dumps({"loaded": model is not None, "rss_before": before, "rss_after": after}))


if __name__ == "__main__":
    main()

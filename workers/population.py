"""The population model's parallel run: which pieces a run has, and who assembles it.

``ml_coach.ml_trainer`` does the work (rows once, one fit per piece, one assembly); this is
the countdown latch between them, in Redis: every finished piece adds its name to the run's
set in one MULTI/EXEC with the count, so exactly one piece sees the set complete and queues
the assembly. A redelivered piece (its worker died after counting) sees the set complete as
well and queues it again; the assembly lock (holder = task id) lets only one assembly run.
No chord: the tasks keep ``ignore_result`` and the result backend stays out of the way.
"""

from __future__ import annotations

import json
import time

from django.conf import settings

from workers.training import _key, _redis

RUN_TTL = 24 * 3600


def _state_key(run_id: str) -> str:
    return _key("population-run", run_id)


def _done_key(run_id: str) -> str:
    return _key("population-run", run_id, "done")


def open_run(run_id: str, pieces: list[str], then: dict | None) -> None:
    """Record a run's pieces, its start and what to queue once it is assembled."""
    client = _redis()
    client.delete(_done_key(run_id))
    client.hset(
        _state_key(run_id),
        mapping={
            "pieces": json.dumps(pieces),
            "started": repr(time.time()),
            "then": json.dumps(then),
        },
    )
    client.expire(_state_key(run_id), RUN_TTL)


def piece_done(run_id: str, piece: str) -> bool:
    """Count ``piece`` as finished (fitted or failed); True when every piece is finished."""
    client = _redis()
    with client.pipeline(transaction=True) as pipe:
        pipe.sadd(_done_key(run_id), piece)
        pipe.expire(_done_key(run_id), RUN_TTL)
        pipe.scard(_done_key(run_id))
        pipe.hget(_state_key(run_id), "pieces")
        _, _, n_done, pieces = pipe.execute()
    if pieces is None:  # run already closed (assembled) or expired
        return False
    return n_done >= len(json.loads(pieces))


def run_state(run_id: str) -> dict | None:
    """``{"pieces", "started", "then"}`` of an open run, None once it is closed."""
    raw = _redis().hgetall(_state_key(run_id))
    if not raw:
        return None
    state = {k.decode(): v.decode() for k, v in raw.items()}
    return {
        "pieces": json.loads(state["pieces"]),
        "started": float(state["started"]),
        "then": json.loads(state["then"]),
    }


def claim_assembly(run_id: str, owner: str) -> bool:
    """Only one assembly per run; the same message redelivered takes its claim over."""
    key = _key("population-run", run_id, "assembling")
    client = _redis()
    if client.set(key, owner, nx=True, ex=settings.ML_TRAINING_STALE_SECONDS):
        return True
    holder = client.get(key)
    return holder is not None and holder.decode() == owner


def close_run(run_id: str) -> None:
    _redis().delete(_state_key(run_id), _done_key(run_id))

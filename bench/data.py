"""The bench's data: built from the real shared logs, scaled by replaying lifters.

A bench user is a real lifter's log (or a part of it) imported under a new name through the
product's own importer. A user whose ``last_name`` carries the fingerprint of what was
imported is reused on the next run; anything else is deleted and imported again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cache
from pathlib import Path

from bench.env import REPO_ROOT

MIN_WORKING_SETS = 10


class SharedDataMissing(SystemExit):
    """The real logs are not there: the bench has nothing honest to measure."""


def shared_dir() -> Path:
    path = Path(os.environ.get("BENCH_SHARED_DIR", REPO_ROOT.parent / "shared" / "data"))
    workouts = path / "workouts"
    if not workouts.is_dir() or not any(workouts.glob("p*.csv")):
        raise SharedDataMissing(
            f"bench: the real logs are missing: expected {workouts}/p*.csv "
            "(the shared data folder ../shared/data next to the repository; "
            "set BENCH_SHARED_DIR to its location)"
        )
    return workouts


@cache
def log_files() -> dict[str, Path]:
    """Shared log files by name (p01, p03, ...), largest first."""
    files = sorted(shared_dir().glob("p*.csv"), key=lambda p: (-p.stat().st_size, p.name))
    return {p.stem: p for p in files}


@cache
def parsed(name: str):
    from core.importers import parse_log

    return parse_log(log_files()[name])


def largest_log() -> str:
    return next(iter(log_files()))


@dataclass(frozen=True)
class Lifter:
    name: str
    exercises: tuple[str, ...]  # by number of loaded working sets, most first
    counts: tuple[int, ...]


@cache
def lifter(name: str) -> Lifter:
    counts: dict[str, int] = {}
    for s in parsed(name).sets:
        if s.set_type != "warmup" and s.weight_kg:
            counts[s.exercise] = counts.get(s.exercise, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Lifter(name, tuple(k for k, _ in ranked), tuple(v for _, v in ranked))


def lifters_with(n_exercises: int) -> list[Lifter]:
    """Lifters with at least ``n_exercises`` exercises of ``MIN_WORKING_SETS`` loaded sets."""
    out = []
    for name in log_files():
        lf = lifter(name)
        if sum(c >= MIN_WORKING_SETS for c in lf.counts) >= n_exercises:
            out.append(lf)
    return out


def _fingerprint(source: str, exercises: tuple[str, ...] | None, shift_days: int, n: int) -> str:
    text = f"{source}|{'|'.join(exercises or ('*',))}|{shift_days}|{n}"
    return "bench:" + hashlib.sha256(text.encode()).hexdigest()[:24]


def replay(
    username: str,
    source: str,
    exercises: tuple[str, ...] | None = None,
    shift_days: int = 0,
):
    """The user ``username`` holding ``source``'s log (only ``exercises`` if given),
    imported through ``core.importers.writer.import_log``."""

    log = parsed(source)
    sets = [s for s in log.sets if exercises is None or s.exercise in exercises]
    if shift_days:
        delta = timedelta(days=shift_days)
        sets = [replace(s, started_at=s.started_at + delta) for s in sets]
    return import_sets(username, sets, _fingerprint(source, exercises, shift_days, len(sets)))


def import_sets(username: str, sets: list, fingerprint: str):
    """Import parsed sets for a fresh user; reuse the user when the fingerprint matches."""
    from django.contrib.auth import get_user_model

    from core.importers.records import ParsedLog
    from core.importers.writer import import_log

    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None and user.last_name == fingerprint:
        return user
    if user is not None:
        user.delete()
    user = user_model.objects.create_user(username=username, password=None)
    import_log(user, ParsedLog(format="normalized", sets=sets))
    user.last_name = fingerprint
    user.save(update_fields=["last_name"])
    return user


def analyze() -> None:
    """Refresh the planner's statistics after bulk imports, as autovacuum would in a
    running instance (without it PostgreSQL plans for empty tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def uebung_ids(user, names: tuple[str, ...] | None = None) -> dict[str, int]:
    """The user's exercise ids by name, in the order of ``names`` (names as in the log: the
    importer maps them to catalogue exercises through ``core.aliases.resolve``, so
    "Bench Press (Barbell)" is found as "Bankdrücken (Langhantel)")."""

    from core.aliases import resolve
    from core.models import Uebung

    qs = Uebung.objects.visible_to(user).filter(saetze__einheit__user=user)
    found = dict(qs.distinct().values_list("name", "pk"))
    if names is None:
        return found
    held = set(found.values())
    resolved = {n: m.uebung_id for n, m in resolve(user, names).items()}
    out: dict[str, int] = {}
    for n in names:
        pk = resolved.get(n)
        if pk in held and pk not in out.values():
            out[n] = pk
    return out


def chained_history(n_sets: int, name: str = "Bench Press (Barbell) [bench chain]") -> list:
    """Exactly ``n_sets`` parsed sets of one exercise: real (lifter, exercise) histories,
    longest first, replayed one after the other (each shifted to start 3 days after the
    previous one ends) until there are enough."""
    histories: list[list] = []
    for file_name in log_files():
        by_exercise: dict[str, list] = {}
        for s in parsed(file_name).sets:
            by_exercise.setdefault(s.exercise, []).append(s)
        histories.extend(h for h in by_exercise.values() if len(h) >= 50)
    histories.sort(key=len, reverse=True)
    out: list = []
    end = None
    for history in histories:
        first = min(s.started_at for s in history)
        shift = (end + timedelta(days=3) - first) if end is not None else timedelta(0)
        for s in history:
            out.append(replace(s, exercise=name, started_at=s.started_at + shift))
        end = max(s.started_at for s in out)
        if len(out) >= n_sets:
            break
    if len(out) < n_sets:
        raise RuntimeError(f"the shared logs hold fewer than {n_sets} sets")
    return out[:n_sets]

"""A seeded lifter simulator: months of plausible training history for the demo user.

The lifter follows double progression (add weight once every work set reaches the top of
the rep range), stalls when strength gains flatten, deloads by 10 % after three sessions
below the range, misses single sessions and whole weeks (losing a little strength), warms
up on barbell lifts, logs RPE and now and then finishes with a dropset. Squats come twice a
rotation: heavy on "Ganzkörper A", light (80 %, no progression) on "Ganzkörper B", the
heavy/light pattern many real programs use. Output are the same
``ParsedSet`` records a real import produces, so the demo goes through the real writer.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.importers.records import ParsedLog, ParsedSet
from core.plates import round_to_step


@dataclass(frozen=True)
class ExercisePlan:
    name: str
    start_e1rm_kg: float  # for bodyweight exercises: the max reps when fresh
    increment_kg: float
    rep_range: tuple[int, int]
    work_sets: int
    warmup_sets: int = 0
    bodyweight: bool = False
    dropset_chance: float = 0.0
    monthly_gain: float = 0.04  # relative strength gain per month while far from the ceiling


DEFAULT_PLAN = (
    ExercisePlan("Kniebeuge (Langhantel)", 100, 2.5, (5, 8), 3, warmup_sets=2),
    ExercisePlan("Bankdrücken (Langhantel)", 75, 2.5, (6, 10), 3, warmup_sets=1),
    ExercisePlan("Kreuzheben (Langhantel)", 120, 2.5, (4, 6), 3, warmup_sets=2),
    ExercisePlan("Schulterdrücken (Kurzhantel)", 30, 2.0, (8, 12), 3, dropset_chance=0.1),
    ExercisePlan("Rudern (Kabel)", 70, 1.25, (10, 15), 3, dropset_chance=0.15),
    ExercisePlan("Klimmzüge", 8, 0, (5, 12), 3, bodyweight=True, monthly_gain=0.06),
    ExercisePlan("Bizepscurls (Kurzhantel)", 20, 2.0, (10, 15), 3, dropset_chance=0.2),
)
# Alternating workouts: names of the plan's exercises.
DEFAULT_TEMPLATES = (
    (
        "Ganzkörper A",
        (
            "Kniebeuge (Langhantel)",
            "Bankdrücken (Langhantel)",
            "Rudern (Kabel)",
            "Bizepscurls (Kurzhantel)",
        ),
    ),
    (
        "Ganzkörper B",
        (
            "Kniebeuge (Langhantel)",
            "Kreuzheben (Langhantel)",
            "Schulterdrücken (Kurzhantel)",
            "Klimmzüge",
            "Rudern (Kabel)",
        ),
    ),
)
# Exercises a workout trains light: LIGHT_SHARE of the working weight, no progression.
DEFAULT_LIGHT = {"Ganzkörper B": frozenset({"Kniebeuge (Langhantel)"})}
LIGHT_SHARE = 0.8
CEILING = 0.45  # strength stops growing ~45 % above the start: gains flatten, stalls follow
MISSED_WEEK_CHANCE = 0.07
MISSED_SESSION_CHANCE = 0.07
EXTRA_SESSION_CHANCE = 0.4
FAILURES_BEFORE_DELOAD = 3
DELOAD = 0.9
FATIGUE_REPS_PER_SET = 0.8


@dataclass
class _Progress:
    plan: ExercisePlan
    strength: float  # e1RM in kg, or max reps for bodyweight
    weight: float = 0.0
    failures: int = 0
    sessions: int = 0

    def reps_possible(self, weight: float, set_index: int, form: float) -> float:
        if self.plan.bodyweight:
            return self.strength * form - set_index * FATIGUE_REPS_PER_SET * 1.5
        return 30 * (self.strength * form / weight - 1) - set_index * FATIGUE_REPS_PER_SET


def simulate(
    months: int = 6,
    seed: int = 42,
    end: date | None = None,
    plan: tuple[ExercisePlan, ...] = DEFAULT_PLAN,
    templates=DEFAULT_TEMPLATES,
    light: dict[str, frozenset[str]] = DEFAULT_LIGHT,
) -> ParsedLog:
    """History ending at ``end`` (default today); the same seed and end give the same log."""
    rng = random.Random(seed)
    end = end or date.today()
    start = end - timedelta(days=round(months * 30.44))
    progress = {p.name: _start(p) for p in plan}
    log = ParsedLog(format="simulated")
    monday = start - timedelta(days=start.weekday())
    workout_count = 0
    while monday <= end:
        if rng.random() < MISSED_WEEK_CHANCE:
            for state in progress.values():
                state.strength *= 0.98  # a week off costs a little
            monday += timedelta(weeks=1)
            continue
        days = [0, 2, 4] + ([5] if rng.random() < EXTRA_SESSION_CHANCE else [])
        for offset in days:
            day = monday + timedelta(days=offset)
            if not start <= day <= end or rng.random() < MISSED_SESSION_CHANCE:
                continue
            name, exercises = templates[workout_count % len(templates)]
            workout_count += 1
            states = [progress[e] for e in exercises]
            _workout(log, rng, _start_time(rng, day), name, states, light.get(name, frozenset()))
        monday += timedelta(weeks=1)
    return log


def _start(plan: ExercisePlan) -> _Progress:
    state = _Progress(plan=plan, strength=plan.start_e1rm_kg)
    if not plan.bodyweight:
        low = plan.rep_range[0]
        state.weight = round_to_step(plan.start_e1rm_kg / (1 + (low + 1) / 30), plan.increment_kg)
    return state


def _start_time(rng: random.Random, day: date) -> datetime:
    base = time(10, 0) if day.weekday() >= 5 else time(18, 0)
    return datetime.combine(day, base) + timedelta(minutes=rng.randint(-60, 90))


def _workout(log, rng, started_at, name, states, light=frozenset()) -> None:
    rows: list[dict] = []
    for state in states:
        rows += _exercise_session(rng, state, state.plan.name in light)
    duration = timedelta(minutes=3 * len(rows) + rng.randint(0, 15))
    for row in rows:
        log.sets.append(
            ParsedSet(
                line=len(log.sets) + 1,
                started_at=started_at,
                workout_name=name,
                workout_duration=duration,
                **row,
            )
        )


def _exercise_session(rng: random.Random, state: _Progress, light: bool = False) -> list[dict]:
    plan = state.plan
    low, high = plan.rep_range
    form = rng.gauss(1.0, 0.03)
    work = round_to_step(state.weight * LIGHT_SHARE, plan.increment_kg) if light else state.weight
    rows = []
    for i in range(plan.warmup_sets):
        share = (0.5, 0.7, 0.85)[i] if plan.warmup_sets > 1 else 0.6
        weight = round_to_step(work * share, plan.increment_kg)
        rows.append(_row(plan, len(rows) + 1, weight, (8, 4, 2)[i], None, "warmup"))
    reps_done = []
    for k in range(plan.work_sets):
        possible = state.reps_possible(work, k, form)
        reps = max(1, min(high, math.floor(possible)))
        rpe = max(6.0, min(10.0, round((10 - (possible - reps)) * 2) / 2))
        kind = "failure" if reps < low and rpe >= 10 else "normal"
        rows.append(_row(plan, len(rows) + 1, work, reps, rpe, kind))
        reps_done.append(reps)
    if light:  # a light day neither progresses nor counts as a failure
        return rows
    if not plan.bodyweight and rng.random() < plan.dropset_chance:
        weight = round_to_step(state.weight * 0.75, plan.increment_kg)
        reps = max(1, math.floor(state.reps_possible(weight, plan.work_sets, form)))
        rows.append(_row(plan, len(rows) + 1, weight, min(reps, 25), 10.0, "dropset"))
    _progress(rng, state, reps_done)
    return rows


def _row(plan, order, weight, reps, rpe, kind) -> dict:
    return {
        "exercise": plan.name,
        "set_order": order,
        "weight_kg": None if plan.bodyweight else weight,
        "reps": reps,
        "rpe": rpe,
        "set_type": kind,
    }


def _progress(rng: random.Random, state: _Progress, reps_done: list[int]) -> None:
    """Double progression with deloads; strength grows with diminishing returns."""
    plan = state.plan
    low, high = plan.rep_range
    if not plan.bodyweight:
        if all(r >= high for r in reps_done):
            state.weight += plan.increment_kg
            state.failures = 0
        elif min(reps_done) < low:
            state.failures += 1
            if state.failures >= FAILURES_BEFORE_DELOAD:
                state.weight = round_to_step(state.weight * DELOAD, plan.increment_kg)
                state.failures = 0
    headroom = max(0.0, 1 - (state.strength / plan.start_e1rm_kg - 1) / CEILING)
    per_session = plan.monthly_gain / 6  # about six sessions of an exercise per month
    state.strength *= 1 + per_session * headroom * max(0.0, rng.gauss(1.0, 0.6))
    state.sessions += 1

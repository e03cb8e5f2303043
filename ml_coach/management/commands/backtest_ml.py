"""``manage.py backtest_ml FILE``: walk-forward backtest of the coach on one log file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml_coach.backtest import (
    METHODS,
    load_log,
    population_files,
    population_from_files,
    run_backtest,
)
from ml_coach.coach_model import ALGORITHMS, algorithm_name
from ml_coach.prior import load_prior

LABELS = {"coach": "Coach", "repeat_last": "Letztes Mal", "double_progression": "Doppelprogr."}


def _fmt(value, pattern="{:.2f}") -> str:
    return "–" if value is None else pattern.format(value)


class Command(BaseCommand):
    help = "Walk-forward-Backtest des Coaches auf einer Log-Datei (ohne Datenbank)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Strong-, Hevy- oder normalisierte CSV-Datei")
        parser.add_argument(
            "--format", default="auto", choices=["auto", "strong", "hevy", "normalized"]
        )
        parser.add_argument(
            "--unit",
            choices=["kg", "lb"],
            default=None,
            help="Gewichtseinheit einer Strong-Datei ohne Einheitenangabe",
        )
        parser.add_argument(
            "--population", metavar="DIR", help="Ordner mit normalisierten Logs anderer Lifter"
        )
        parser.add_argument("--json", metavar="OUT", help="Ergebnis als JSON schreiben")
        parser.add_argument(
            "--algorithm", choices=ALGORITHMS, default=None, help="Standard: settings.ML_ALGORITHM"
        )
        parser.add_argument(
            "--retrain-every",
            type=int,
            default=None,
            help="Neu trainieren alle N Sessions (Standard: coach 1, guide_rf 5)",
        )
        parser.add_argument("--min-samples", type=int, default=10)

    def handle(self, *args, **opts):
        from core.importers import ImportFormatError

        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"Datei nicht gefunden: {path}")
        algorithm = opts["algorithm"] or algorithm_name()
        retrain_every = opts["retrain_every"] or (1 if algorithm == "coach" else 5)
        try:
            exercises = load_log(path, opts["format"], opts["unit"])
        except ImportFormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        population = None
        if opts["population"]:
            directory = Path(opts["population"])
            if not directory.is_dir():
                raise CommandError(f"Populationsordner nicht gefunden: {directory}")
            files = population_files(directory, path)
            try:
                population = population_from_files(files)
            except ImportFormatError as exc:
                raise CommandError(f"Population: {exc}") from exc
            self.stdout.write(f"Population: {len(files)} Dateien (ohne {path.name})")
        elif algorithm == "coach":
            population = load_prior()
            if population is None:
                raise CommandError("mitgeliefertes Prior-Modell fehlt oder ist verändert")
            self.stdout.write(
                f"Population: mitgeliefertes Prior ({population.n_lifters} Lifter:innen; "
                "war die Datei darunter, ist das Ergebnis geschönt – dann --population DIR)"
            )
        result = run_backtest(exercises, population, algorithm, retrain_every, opts["min_samples"])
        summary = result.summary()
        self._print(summary)
        self._print_sets(summary["next_set"], summary["pooled"]["reps"])
        if opts["json"]:
            Path(opts["json"]).write_text(
                json.dumps(result.to_json(), indent=1, ensure_ascii=False)
            )
            self.stdout.write(f"JSON geschrieben: {opts['json']}")

    def _print_sets(self, sets: dict, top_reps: dict) -> None:
        if top_reps["n"]:
            self.stdout.write(
                f"Wdh des Top-Satzes: Coach-MAE {_fmt(top_reps['coach_mae'])}, "
                f"wie letztes Mal {_fmt(top_reps['baseline_mae'])}"
            )
        for part, label in (("first", "Satz 1"), ("later", "Satz 2+")):
            s = sets[part]
            if not s["n"]:
                continue
            self.stdout.write(
                f"{label}: n={s['n']}, Coach-MAE {_fmt(s['coach']['mae'])}, "
                f"Strong „vorher“ {_fmt(s['strong_previous']['mae'])}, Regel "
                f"{_fmt(s['rule']['mae'])}, Wdh Coach {_fmt(s['reps']['coach_mae'])} / Regel "
                f"{_fmt(s['reps']['baseline_mae'])}, Quellen {s['sources']}"
            )

    def _print(self, summary: dict) -> None:
        head = f"{'Übung':40s} {'n':>5s}"
        for m in METHODS:
            head += f" | {LABELS[m] + ' MAE':>17s} {'≤2,5':>6s} {'R²':>6s}"
        self.stdout.write(head)
        rows = [*summary["per_exercise"].items(), ("GESAMT (gepoolt)", summary["pooled"])]
        for name, s in rows:
            line = f"{name[:40]:40s} {s['n']:5d}"
            for m in METHODS:
                line += (
                    f" | {_fmt(s[m]['mae']):>17s} {_fmt(s[m]['within_2_5'], '{:.1%}'):>6s}"
                    f" {_fmt(s[m]['r2']):>6s}"
                )
            self.stdout.write(line)
        pooled = summary["pooled"]
        ratio = None
        if pooled["n"] and pooled["repeat_last"]["mae"]:
            ratio = pooled["coach"]["mae"] / pooled["repeat_last"]["mae"]
        self.stdout.write(
            f"Algorithmus {summary['algorithm']}, {summary['n_exercises']} Übungen, "
            f"{pooled['n']} Vorhersagen, Quellen {pooled.get('sources', {})}, "
            f"Coach/Letztes-Mal-MAE {_fmt(ratio, '{:.3f}')}, {summary['seconds']:.1f} s"
        )

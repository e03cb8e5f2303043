"""``manage.py build_prior --from DIR``: learn the shipped prior from real lifters' logs."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml_coach.backtest import histories_from_files
from ml_coach.population_model import fit_population
from ml_coach.prior import PRIOR_PATH, committed_sha256, prior_bytes, write_prior


class Command(BaseCommand):
    help = "Train the prior population model from a folder of normalized logs (*.csv)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path)
        parser.add_argument("--out", type=Path, default=PRIOR_PATH)
        parser.add_argument(
            "--check",
            action="store_true",
            help="build in memory and compare with the committed sha256; write nothing",
        )

    def handle(self, *args, source: Path, out: Path, check: bool, **options) -> None:
        import hashlib

        files = sorted(source.glob("*.csv"))
        if not files:
            raise CommandError(f"keine Logs (*.csv) in {source}")
        t0 = time.perf_counter()
        self.stdout.write(f"Lese {len(files)} Logs …")
        lifters = histories_from_files(files)
        self.stdout.write(f"Trainiere auf {len(lifters)} Lifter:innen …")
        model = fit_population(lifters, n_folds=0)
        if check:
            sha = hashlib.sha256(prior_bytes(model)).hexdigest()
            if sha != committed_sha256():
                raise CommandError(f"sha256 {sha} ≠ committed {committed_sha256()}")
            self.stdout.write(self.style.SUCCESS(f"prior reproduced: {sha}"))
            return
        sha = write_prior(model, out)
        size = out.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"{out}: {size / 1024:.1f} KB, sha256 {sha}, {model.n_lifters} lifters, "
                f"{model.n_rows} session rows, {time.perf_counter() - t0:.1f} s"
            )
        )

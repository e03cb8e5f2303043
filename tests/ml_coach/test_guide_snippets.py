"""The deployment guide's ``manage.py shell`` snippets, run exactly as the guide prints them.

The code blocks are read from docs/deployment.md ("Installation prüfen") and run statement by
statement the way the interactive shell runs them: names persist from one block to the next,
and the value of every bare expression is what the shell would echo. The assertions check
what the snippets did (rows, numbers, the plate grid), not just that nothing raised.
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit, Uebung
from ml_coach.recommendation import Recommendation

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
SECTION = "## Installation prüfen (`manage.py shell`)"

pytestmark = pytest.mark.django_db


def guide_snippets() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run_in_shell(source: str, namespace: dict) -> list[object]:
    """Run ``source`` as ``manage.py shell`` would; return the values it echoes."""
    echoed = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr):
            code = compile(ast.Expression(node.value), "<shell>", "eval")
            echoed.append(eval(code, namespace))
        else:
            exec(compile(ast.Module([node], []), "<shell>", "exec"), namespace)
    return echoed


def test_the_guide_has_the_six_snippets():
    snippets = guide_snippets()
    assert len(snippets) == 6
    assert "MLTrainer.train_all_user_models(user=user, min_samples=10)" in snippets[2]
    assert "Satz.objects.create(" in snippets[1] and "rpe=7 + random.random() * 2" in snippets[1]
    assert "satz_nr" not in snippets[1]
    assert "predict_next_weight(uebung_id=uebung.id, last_weight=100" in snippets[3]


def test_the_guide_snippets_run_verbatim_in_the_shell(model_root):
    check, test_data, training, prediction, cleanup, remove_user = guide_snippets()
    shell: dict = {}

    # Model check: the table answers, empty on a fresh installation.
    models, n_active = run_in_shell(check, shell)
    assert list(models) == [] and n_active == 0

    # Test data: ten workouts of three sets each, none given a set number.
    (n_sets,) = run_in_shell(test_data, shell)
    user, uebung = shell["user"], shell["uebung"]
    assert n_sets == 30 and Trainingseinheit.objects.filter(user=user).count() == 10
    for einheit in Trainingseinheit.objects.filter(user=user):
        numbers = list(einheit.saetze.order_by("satz_nr").values_list("satz_nr", flat=True))
        assert numbers == [1, 2, 3]  # numbered as they were logged
    rpes = Satz.objects.filter(einheit__user=user).values_list("rpe", flat=True)
    assert all(Decimal(7) <= rpe <= Decimal(9) for rpe in rpes)

    # Training, called on the class as the guide does.
    (results,) = run_in_shell(training, shell)
    assert [(u.pk, metrics["status"]) for u, metrics in results] == [
        (uebung.pk, ModelStatus.ACTIVE)
    ]
    row = MLPredictionModel.objects.get(user=user, uebung=uebung, status=ModelStatus.ACTIVE)
    assert results[0][1]["model_id"] == row.pk
    assert row.samples_at_training == 30 and (model_root / row.artifact_path).is_file()
    assert not row.uses_model  # no population model yet: the coach keeps the baseline

    # Prediction: the baseline repeats the given last weight, on the 2.5 kg grid.
    weight, recommendation = run_in_shell(prediction, shell)
    assert weight == 100.0 and weight % float(uebung.increment_kg) == 0
    assert isinstance(recommendation, Recommendation)
    assert recommendation.source == "baseline" and recommendation.n_sets == 30
    assert recommendation.weight_kg == 87.5  # the last workout's top set (80 + 2.5 × 3)
    assert recommendation.reps == 8

    # Cleanup: only OUTDATED rows older than 30 days go.
    run_in_shell(training, shell)  # a retrain: the first row becomes OUTDATED
    row.refresh_from_db()
    assert row.status == ModelStatus.OUTDATED
    young = MLPredictionModel.objects.get(user=user, status=ModelStatus.ACTIVE)
    young_outdated = MLPredictionModel.objects.create(
        user=user, uebung=uebung, status=ModelStatus.OUTDATED
    )
    MLPredictionModel.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - timedelta(days=31)
    )
    ((n_deleted, per_model),) = run_in_shell(cleanup, shell)
    assert n_deleted == 1 and per_model == {"core.MLPredictionModel": 1}
    remaining = set(MLPredictionModel.objects.filter(user=user).values_list("pk", flat=True))
    assert remaining == {young.pk, young_outdated.pk}

    # The test user goes with everything that belongs to them, then the test exercise.
    user_id = user.pk
    run_in_shell(remove_user, shell)
    assert not Trainingseinheit.objects.filter(user_id=user_id).exists()
    assert not Uebung.objects.filter(pk=uebung.pk).exists()
    assert not MLPredictionModel.objects.filter(pk__in=remaining).exists()

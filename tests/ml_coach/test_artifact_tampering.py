"""A tampered or truncated artifact on disk is refused by the hash check and never unpickled.

Proof with a real payload: the replacement file is a pickle whose loading would create a marker
file (``os.system``-style gadget). The recommendation still answers (baseline), the refusal is
logged, and the marker never appears: on the page path, the API path and the loader itself.
"""

from __future__ import annotations

import logging
import pickle
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core.models import MLPredictionModel, ModelStatus, Satz, Trainingseinheit, Uebung
from ml_coach import artifact_store
from ml_coach.prediction_service import MLPredictor

pytestmark = pytest.mark.django_db


class Gadget:
    """Unpickling this calls ``Path.touch(marker)``: the side effect proves a load happened."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.fixture
def trained(user_a, settings, tmp_path):
    """A real coach model, trained and ACTIVE, with its artifact under a private root."""
    from ml_coach.ml_trainer import train_and_store

    settings.ML_MODEL_ROOT = tmp_path / "models"
    artifact_store.model_cache.clear()
    cache.clear()
    uebung = Uebung.objects.create(name="Kniebeuge")
    start = timezone.now() - timedelta(days=40)
    for i in range(6):
        einheit = Trainingseinheit.objects.create(user=user_a, datum=start + timedelta(days=3 * i))
        Satz.objects.bulk_create(
            Satz(einheit=einheit, uebung=uebung, satz_nr=n + 1,
                 gewicht=Decimal(80 + 2.5 * i), wiederholungen=5, rpe=Decimal(8))
            for n in range(3)
        )  # fmt: skip
    model = train_and_store(user_a.pk, uebung.pk)
    assert model.status == ModelStatus.ACTIVE
    # In use, so the predictor really tries to load the file (not only the baseline path).
    MLPredictionModel.objects.filter(pk=model.pk).update(uses_model=True)
    model.refresh_from_db()
    assert artifact_store.load_artifact(model.artifact_path, model.artifact_sha256) is not None
    artifact_store.model_cache.clear()
    yield model
    artifact_store.model_cache.clear()
    cache.clear()


def _damage(path: Path, how: str, marker: Path) -> None:
    data = path.read_bytes()
    if how == "gadget":
        path.write_bytes(pickle.dumps(Gadget(marker)))
    elif how == "gadget-same-length":
        payload = pickle.dumps(Gadget(marker))
        path.write_bytes(payload + b"." * max(0, len(data) - len(payload)))
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))


def test_the_gadget_really_fires_when_unpickled(tmp_path):
    """The proof below only means something if loading the payload would leave the marker."""
    marker = tmp_path / "pwned"
    pickle.loads(pickle.dumps(Gadget(marker)))
    assert marker.exists()


@pytest.mark.parametrize("how", ["gadget", "gadget-same-length", "truncated", "flipped"])
def test_tampered_artifact_is_refused_and_never_unpickled(trained, user_a, tmp_path, caplog, how):
    marker = tmp_path / "pwned"
    path = artifact_store.model_root() / trained.artifact_path
    _damage(path, how, marker)

    with pytest.raises(artifact_store.ArtifactError):
        artifact_store.load_artifact(trained.artifact_path, trained.artifact_sha256)
    with caplog.at_level(logging.WARNING, logger="ml_coach.prediction_service"):
        rec = MLPredictor(user_id=user_a.pk).recommend(trained.uebung_id)
    assert rec.weight_kg is not None  # the lifter still gets a recommendation
    assert rec.source == "baseline"
    assert "refusing artifact" in caplog.text

    client = Client()
    client.force_login(user_a)
    response = client.get(f"/api/ml/predict/{trained.uebung_id}/")
    assert response.status_code == 200
    assert response.json()["source"] != "model"
    assert client.get(f"/uebungen/{trained.uebung_id}/").status_code == 200
    assert not marker.exists()


def test_swapped_artifact_path_outside_the_root_is_refused(trained, user_a, tmp_path):
    """A row pointing elsewhere (e.g. edited in the admin) cannot make the app load a file."""
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(pickle.dumps(Gadget(marker)))
    sha = artifact_store.sha256_bytes(evil.read_bytes())
    MLPredictionModel.objects.filter(pk=trained.pk).update(
        artifact_path="../evil.pkl", artifact_sha256=sha
    )
    with pytest.raises(artifact_store.ArtifactError):
        artifact_store.load_artifact("../evil.pkl", sha)
    rec = MLPredictor(user_id=user_a.pk).recommend(trained.uebung_id)
    assert rec.source != "model"
    assert not marker.exists()

"""The shipped prior: small, plain arrays, verified before use, rebuilt byte for byte."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from django.core.management import call_command

from ml_coach import prior
from ml_coach.features import FEATURE_VERSION, N_FEATURES
from ml_coach.set_features import N_SET_FEATURES


@pytest.fixture
def fresh_prior_cache():
    prior._load.cache_clear()
    prior.committed_sha256.cache_clear()
    yield
    prior._load.cache_clear()
    prior.committed_sha256.cache_clear()


def test_the_committed_prior_is_small_verified_and_serves(fresh_prior_cache):
    data = prior.PRIOR_PATH.read_bytes()
    assert len(data) <= 200 * 1024
    assert hashlib.sha256(data).hexdigest() == prior.committed_sha256()
    model = prior.load_prior()
    assert model is not None and model.feature_version == FEATURE_VERSION
    assert model.n_lifters >= 40 and model.has_set_heads()
    rows = np.zeros((3, N_FEATURES))
    assert np.all(np.abs(model.predict_change(rows)) < 0.5)
    assert model.predict_set("set_weight", np.zeros((2, N_SET_FEATURES))).shape == (2,)


def test_the_npz_holds_no_pickle():
    with np.load(prior.PRIOR_PATH, allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)


def test_an_altered_prior_is_refused(tmp_path, monkeypatch, fresh_prior_cache):
    altered = tmp_path / "prior.npz"
    data = bytearray(prior.PRIOR_PATH.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered.write_bytes(bytes(data))
    monkeypatch.setattr(prior, "PRIOR_PATH", altered)
    assert prior.load_prior() is None


def test_a_prior_built_for_other_features_is_refused(monkeypatch, fresh_prior_cache):
    monkeypatch.setattr(prior, "FEATURE_VERSION", prior.FEATURE_VERSION + 1)
    assert prior.load_prior() is None


def test_the_same_model_gives_the_same_bytes(fresh_prior_cache):
    model = prior.load_prior()
    assert prior.prior_bytes(model) == prior.prior_bytes(
        prior.model_from_bytes(prior.prior_bytes(model))
    )


@pytest.mark.shared_data
@pytest.mark.slow
def test_rebuilding_the_prior_from_the_shared_logs_gives_the_committed_sha256(
    shared_data, tmp_path, capsys
):
    out = tmp_path / "prior.npz"
    call_command("build_prior", source=shared_data / "workouts", out=out)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == prior.committed_sha256()
    assert prior.committed_sha256() in capsys.readouterr().out

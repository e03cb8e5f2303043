"""The prior: a population model learned from real lifters' logs, shipped with the code.

A fresh instance has one or two lifters, too few to learn how weights move; the prior lets
the coach serve from the first training on. Its lifters are not the instance's lifters, so
judging it on an instance lifter's own past is honest. Stored without pickle: the flat trees
as plain arrays in an ``.npz`` whose sha256 is committed next to it and checked before every
load. ``manage.py build_prior --from DIR`` rebuilds it, byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import zipfile
from pathlib import Path

import numpy as np

from ml_coach.features import FEATURE_VERSION
from ml_coach.population_model import PopulationModel
from ml_coach.set_features import SET_FEATURE_VERSION
from ml_coach.trees import CompactTrees

logger = logging.getLogger(__name__)

PRIOR_DIR = Path(__file__).resolve().parent / "prior"
PRIOR_PATH = PRIOR_DIR / "prior.npz"
SHA_PATH = PRIOR_DIR / "prior.sha256"
PRIOR_ID = "prior"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so the same model gives the same bytes


class PriorError(ValueError):
    """The shipped prior is missing or does not match its committed sha256."""


def _heads(model: PopulationModel) -> dict[str, CompactTrees]:
    return {"session": model.estimator, **model.set_heads}


def prior_bytes(model: PopulationModel) -> bytes:
    """The model as a deterministic ``.npz`` (stored entries with a fixed date, deflated)."""
    meta = {
        "feature_version": model.feature_version,
        "set_version": model.set_version,
        "n_rows": model.n_rows,
        "n_lifters": model.n_lifters,
        "params": {k: v for k, v in model.params.items() if k != "fit_seconds"},
        "heads": sorted(_heads(model)),
    }
    arrays = {"meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)}
    for head, trees in sorted(_heads(model).items()):
        for name, array in trees.to_arrays().items():
            arrays[f"{head}.{name}"] = array
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, array in sorted(arrays.items()):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)
    return out.getvalue()


def model_from_bytes(data: bytes) -> PopulationModel:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    meta = json.loads(arrays.pop("meta").tobytes())
    heads = {}
    for head in meta["heads"]:
        prefix = f"{head}."
        heads[head] = CompactTrees.from_arrays(
            {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
        )
    session = heads.pop("session")
    return PopulationModel(
        estimator=session,
        n_folds=0,
        feature_version=meta["feature_version"],
        set_version=meta["set_version"],
        n_rows=meta["n_rows"],
        n_lifters=meta["n_lifters"],
        params=meta["params"],
        set_heads=heads,
    )


@functools.cache
def committed_sha256() -> str:
    """The sha256 committed next to the prior (read once per process)."""
    return SHA_PATH.read_text().split()[0] if SHA_PATH.exists() else ""


def write_prior(model: PopulationModel, path: Path = PRIOR_PATH) -> str:
    """Write the prior and its sha256 file next to it; returns the sha256."""
    data = prior_bytes(model)
    sha = hashlib.sha256(data).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.with_suffix(".sha256").write_text(f"{sha}  {path.name}\n")
    return sha


@functools.cache
def _load(sha: str) -> PopulationModel | None:
    """The verified prior, or None; cached either way, so an unusable prior is read, hashed
    and warned about once per process, not on every request."""
    try:
        data = PRIOR_PATH.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise PriorError("the shipped prior does not match its committed sha256")
        model = model_from_bytes(data)
        if model.feature_version != FEATURE_VERSION or model.set_version != SET_FEATURE_VERSION:
            raise PriorError("the shipped prior was built for other features: build_prior")
        return model
    except (OSError, PriorError, ValueError, KeyError):
        logger.warning("shipped prior unusable; the coach serves the baseline", exc_info=True)
        return None


def load_prior() -> PopulationModel | None:
    """The shipped prior, verified against the committed sha256 and the code's feature
    versions; None when it is missing, altered or stale: the coach then serves the baseline."""
    return _load(committed_sha256())


def prior_ref() -> dict:
    """How a per-(user, exercise) model names the prior it was judged with."""
    return {"id": PRIOR_ID, "path": PRIOR_ID, "sha256": committed_sha256()}

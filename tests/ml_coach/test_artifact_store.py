import pickle

import pytest

from ml_coach import artifact_store
from ml_coach.artifact_store import ArtifactError, load_artifact, load_cached, save_artifact
from ml_coach.coach_model import CoachModel
from ml_coach.population_model import PopulationModel


def test_roundtrip_writes_atomically_and_records_the_hash(model_root):
    path, sha = save_artifact({"w": [1, 2, 3]}, "user_1/uebung_2")
    full = model_root / path
    assert full.is_file() and path.startswith("user_1/uebung_2/")
    assert artifact_store.sha256_bytes(full.read_bytes()) == sha
    assert not [p for p in full.parent.iterdir() if p.name.startswith(".tmp-")]
    assert load_artifact(path, sha) == {"w": [1, 2, 3]}


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "delete"])
def test_tampered_or_truncated_artifact_is_refused_before_unpickling(
    model_root, monkeypatch, damage
):
    path, sha = save_artifact({"secret": "model"}, "u")
    full = model_root / path
    data = full.read_bytes()
    if damage == "flip":
        full.write_bytes(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    elif damage == "truncate":
        full.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        full.write_bytes(b"")
    else:
        full.unlink()
    unpickled = []
    monkeypatch.setattr(artifact_store, "unpickle", lambda b: unpickled.append(b))
    with pytest.raises(ArtifactError):
        load_artifact(path, sha)
    with pytest.raises(ArtifactError):
        load_cached(path, sha)
    assert unpickled == []


def test_a_swapped_file_with_valid_pickle_is_refused(model_root):
    path, sha = save_artifact([1], "u")
    (model_root / path).write_bytes(pickle.dumps([2]))
    with pytest.raises(ArtifactError, match="hash mismatch"):
        load_artifact(path, sha)


@pytest.mark.parametrize("bad", ["../escape.pkl", "/etc/passwd"])
def test_paths_outside_the_model_root_are_refused(model_root, bad):
    with pytest.raises(ArtifactError, match="outside"):
        load_artifact(bad, "0" * 64)


def test_missing_hash_is_refused(model_root):
    path, _ = save_artifact([1], "u")
    with pytest.raises(ArtifactError):
        load_artifact(path, "")


def test_lru_is_keyed_by_path_and_hash_and_bounded(model_root, settings):
    settings.ML_MODEL_LRU_SIZE = 2
    saved = [save_artifact([i], "u") for i in range(3)]
    first = load_cached(*saved[0])
    assert load_cached(*saved[0]) is first  # second read served from memory
    for p, s in saved[1:]:
        load_cached(p, s)
    assert len(artifact_store.model_cache) == 2
    assert load_cached(*saved[0]) is not first  # evicted, reloaded (and re-verified)


def _write_verified(model_root, data: bytes) -> tuple[str, str]:
    (model_root / "old").mkdir(parents=True, exist_ok=True)
    (model_root / "old" / "a.pkl").write_bytes(data)
    return "old/a.pkl", artifact_store.sha256_bytes(data)


@pytest.mark.parametrize(
    ("obj", "module", "old_module"),
    [
        (CoachModel("coach", "baseline", False), "ml_coach.coach_model", "ml_coach.model"),
        (
            PopulationModel(estimator=None, n_rows=7),
            "ml_coach.population_model",
            "ml_coach.population",
        ),
    ],
)
def test_artifacts_written_under_the_old_module_names_still_load(
    model_root, obj, module, old_module
):
    # Protocol 2 names classes as "module\nname\n" text: written as a deployment wrote them.
    data = pickle.dumps(obj, protocol=2)
    assert f"c{module}\n".encode() in data
    old = data.replace(f"c{module}\n".encode(), f"c{old_module}\n".encode())
    assert load_artifact(*_write_verified(model_root, old)) == obj

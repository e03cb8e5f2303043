"""Model artifacts on disk: where they live, written atomically, loaded only after their hash
is verified, and removed.

Pickle executes code while loading, so an artifact is unpickled only when the exact bytes read
match the sha256 recorded in the database at training time. A tampered, truncated or swapped
file raises ``ArtifactError`` before any unpickling; callers fall back to the baseline.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
import threading
import uuid
from collections import OrderedDict
from pathlib import Path

from django.conf import settings

# Artifacts written before these modules got their present names name their classes by the
# old module path; pickle looks classes up by that path, so it is translated while loading.
RENAMED_MODULES = {
    "ml_coach.model": "ml_coach.coach_model",
    "ml_coach.population": "ml_coach.population_model",
}


class ArtifactError(Exception):
    """The artifact is missing, outside the model root, or does not match its hash."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        return super().find_class(RENAMED_MODULES.get(module, module), name)


def unpickle(data: bytes) -> object:
    """``pickle.loads`` that also reads artifacts written under the old module names."""
    return _Unpickler(io.BytesIO(data)).load()


def model_root() -> Path:
    return Path(settings.ML_MODEL_ROOT)


def _resolve(relative_path: str) -> Path:
    root = model_root().resolve()
    path = (root / relative_path).resolve()
    if root not in path.parents:
        raise ArtifactError(f"artifact path outside ML_MODEL_ROOT: {relative_path!r}")
    return path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save_artifact(obj: object, subdir: str) -> tuple[str, str]:
    """Pickle ``obj`` under ``ML_MODEL_ROOT/subdir``; return (relative path, sha256).

    Temp file in the same directory, fsync, ``os.replace``, fsync of the directory: a crash
    leaves either no file or a complete one, never a half-written artifact under its name.
    """
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    digest = sha256_bytes(data)
    directory = _resolve(subdir) if subdir else model_root().resolve()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{digest[:16]}-{uuid.uuid4().hex[:8]}.pkl"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pkl")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    rel = (directory / name).relative_to(model_root().resolve())
    return rel.as_posix(), digest


def read_verified(relative_path: str, expected_sha256: str) -> bytes:
    """The artifact's bytes, only if they hash to ``expected_sha256``."""
    if not expected_sha256 or len(expected_sha256) != 64:
        raise ArtifactError("no recorded sha256: refusing to load")
    path = _resolve(relative_path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"artifact unreadable: {relative_path}: {exc}") from exc
    if sha256_bytes(data) != expected_sha256.lower():
        raise ArtifactError(f"artifact hash mismatch: {relative_path}")
    return data


def load_artifact(relative_path: str, expected_sha256: str) -> object:
    """Verify, then unpickle (the bytes hashed are the bytes unpickled: no check-then-swap)."""
    data = read_verified(relative_path, expected_sha256)
    return unpickle(data)


def artifact_file(relative_path: str) -> Path | None:
    """The artifact's absolute path, or None when the path is empty or leaves ML_MODEL_ROOT."""
    if not relative_path:
        return None
    try:
        return _resolve(relative_path)
    except ArtifactError:
        return None


def delete_artifact(relative_path: str) -> bool:
    """Remove the artifact's file; True when there was one. Nothing outside the root is touched."""
    path = artifact_file(relative_path)
    if path is None or not path.is_file():
        return False
    path.unlink(missing_ok=True)
    return True


class _LRU:
    """Loaded models keyed by (path, sha256): a retrained model has a new key, so no
    invalidation is needed; a file whose hash no longer matches is never served from here
    because the key includes the sha recorded in the database."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, relative_path: str, sha256: str) -> object:
        key = (relative_path, sha256)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        obj = load_artifact(relative_path, sha256)
        with self._lock:
            self._items[key] = obj
            self._items.move_to_end(key)
            size = max(1, settings.ML_MODEL_LRU_SIZE)
            while len(self._items) > size:
                self._items.popitem(last=False)
        return obj

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


model_cache = _LRU()


def load_cached(relative_path: str, sha256: str) -> object:
    """Verified load through the process-local LRU."""
    return model_cache.get(relative_path, sha256)

"""A fitted HistGradientBoostingRegressor as plain arrays, for serving.

scikit-learn's predictor runs through OpenMP: on a busy 2-core machine a one-row prediction
took 284 ms with the default threads and still 6 ms with one. The coach only needs the sum
of a few hundred small trees over one row, so the fitted trees are copied into flat arrays
(all trees side by side) and evaluated with numpy: the same numbers, no thread pool, a
smaller artifact, and no scikit-learn object to unpickle at serving time.
"""

from __future__ import annotations

import numpy as np


class CompactTrees:
    """Additive regression trees: ``baseline + sum(tree(x))``; tests check it equals the
    estimator it was made from."""

    def __init__(self, estimator=None) -> None:
        if estimator is None:  # filled by ``from_arrays``
            return
        trees = [per_iter[0].nodes for per_iter in estimator._predictors]
        if any(t["is_categorical"].any() for t in trees):
            raise ValueError("categorical splits are not supported")
        sizes = [len(t) for t in trees]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int32)
        nodes = np.concatenate(trees)
        base = np.repeat(offsets, sizes)
        self.baseline = float(np.ravel(estimator._baseline_prediction)[0])
        self.roots = offsets
        self.feature = nodes["feature_idx"].astype(np.int16)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.is_leaf = nodes["is_leaf"].astype(bool)
        self.left = (nodes["left"] + base).astype(np.int32)
        self.right = (nodes["right"] + base).astype(np.int32)
        self.value = np.where(self.is_leaf, nodes["value"], 0.0)
        self.depth = int(nodes["depth"].max()) if len(nodes) else 0
        self.n_features = int(estimator.n_features_in_)

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64).reshape(-1, self.n_features)
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            leaf = self.is_leaf[node]
            if leaf.all():
                break
            values = x[rows, self.feature[node]]
            go_left = np.where(
                np.isnan(values), self.missing_left[node], values <= self.threshold[node]
            )
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        return self.baseline + self.value[node].sum(axis=1)

    @property
    def n_trees(self) -> int:
        return len(self.roots)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Compact plain arrays (per-tree node indices, small integer types): what the shipped
        prior stores, about 13 bytes per node instead of 40; thresholds stay float64 (float32
        moved features that sit on a threshold to the other branch)."""
        sizes = np.diff(np.append(self.roots, len(self.feature))).astype(np.uint16)
        local = np.repeat(self.roots, sizes)
        return {
            "sizes": sizes,
            "feature": self.feature.astype(np.int8),
            "number": np.where(self.is_leaf, self.value, self.threshold).astype(np.float64),
            "flags": (self.is_leaf * 1 + self.missing_left * 2).astype(np.uint8),
            "left": np.where(self.is_leaf, 0, self.left - local).astype(np.uint8),
            "right": np.where(self.is_leaf, 0, self.right - local).astype(np.uint8),
            "scalars": np.array([self.baseline, self.depth, self.n_features], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray]) -> CompactTrees:
        trees = cls()
        sizes = a["sizes"].astype(np.int64)
        trees.roots = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int32)
        local = np.repeat(trees.roots, sizes)
        flags = a["flags"]
        number = a["number"].astype(np.float64)
        trees.is_leaf = (flags & 1).astype(bool)
        trees.missing_left = (flags & 2).astype(bool)
        trees.feature = a["feature"].astype(np.int16)
        trees.threshold = np.where(trees.is_leaf, 0.0, number)
        trees.value = np.where(trees.is_leaf, number, 0.0)
        trees.left = (a["left"].astype(np.int32) + local).astype(np.int32)
        trees.right = (a["right"].astype(np.int32) + local).astype(np.int32)
        baseline, depth, n_features = a["scalars"]
        trees.baseline, trees.depth, trees.n_features = float(baseline), int(depth), int(n_features)
        return trees

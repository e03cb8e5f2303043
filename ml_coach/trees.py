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

    def __init__(self, estimator) -> None:
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

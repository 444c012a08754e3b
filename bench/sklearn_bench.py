"""Times scikit-learn's NMF on one problem written by bench/run.ts.

Usage: python3 bench/sklearn_bench.py DIRECTORY

DIRECTORY holds manifest.json and the raw little-endian arrays it names:
X.bin (float64, row-major) for a dense X, or indptr.bin and indices.bin
(int32) and data.bin (float64) for a CSR X; W.bin and H.bin (float64,
row-major) are the initial factors. For every solver in the manifest the fit
NMF(init='custom', max_iter=iterations, tol=0) runs once untimed (warm-up)
and then `repetitions` times, each from copies of the same W and H. One JSON
object per line goes to stdout: first the versions, then one per solver with
the median, fastest and slowest milliseconds per iteration, the iteration
count and the final reconstruction error.
"""

import json
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning


def read(directory, name, dtype, shape=None):
    values = np.fromfile(os.path.join(directory, name), dtype=dtype)
    return values if shape is None else values.reshape(shape)


def load(directory, manifest):
    rows, cols, k = manifest["rows"], manifest["cols"], manifest["components"]
    if manifest["format"] == "csr":
        X = sp.csr_matrix(
            (
                read(directory, "data.bin", "<f8"),
                read(directory, "indices.bin", "<i4"),
                read(directory, "indptr.bin", "<i4"),
            ),
            shape=(rows, cols),
        )
    else:
        X = read(directory, "X.bin", "<f8", (rows, cols))
    W = read(directory, "W.bin", "<f8", (rows, k))
    H = read(directory, "H.bin", "<f8", (k, cols))
    return X, W, H


def fit(X, W, H, manifest, solver):
    model = NMF(
        n_components=manifest["components"],
        init="custom",
        solver=solver["solver"],
        beta_loss=solver["betaLoss"],
        max_iter=manifest["iterations"],
        tol=0,
    )
    W_copy, H_copy = W.copy(), H.copy()
    started = time.perf_counter()
    model.fit_transform(X, W=W_copy, H=H_copy)
    elapsed = time.perf_counter() - started
    return elapsed * 1000, model


def main():
    if len(sys.argv) != 2:
        print("usage: sklearn_bench.py DIRECTORY", file=sys.stderr)
        return 2
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    X, W, H = load(directory, manifest)
    iterations = manifest["iterations"]
    print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__}), flush=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    for solver in manifest["solvers"]:
        fit(X, W, H, manifest, solver)  # warm-up
        per_iteration = []
        model = None
        for _ in range(manifest["repetitions"]):
            elapsed, model = fit(X, W, H, manifest, solver)
            per_iteration.append(elapsed / iterations)
        print(
            json.dumps(
                {
                    "label": solver["label"],
                    "msPerIter": float(np.median(per_iteration)),
                    "min": min(per_iteration),
                    "max": max(per_iteration),
                    "samples": per_iteration,
                    "nIter": int(model.n_iter_),
                    "reconstructionError": float(model.reconstruction_err_),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Times scikit-learn's NMF on one problem written by bench/run.ts, fit by fit as asked.

Usage: python3 bench/sklearn_bench.py DIRECTORY

DIRECTORY holds manifest.json and the raw little-endian arrays it names:
X.bin (float64, row-major) for a dense X, or indptr.bin and indices.bin
(int32) and data.bin (float64) for a CSR X; W.bin and H.bin (float64,
row-major) are the initial factors. The script loads them, prints one JSON
line with the versions, and then reads commands from stdin, one per line,
answering each with one JSON line on stdout:

- `warm-up LABEL`: one untimed fit of the manifest's solver LABEL;
- `fit LABEL N`: one untimed fit, then N timed fits, each
  NMF(init='custom', max_iter=iterations, tol=0) from copies of the same W and
  H; the answer has the milliseconds per iteration of each timed fit
  (`samples`), the iteration count and the final reconstruction error.

It ends at the end of stdin. bench/run.ts keeps it running for a whole row and
alternates its fits with nmfkit's, so that both sides meet the same state of
a shared machine.
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


def timed_fits(X, W, H, manifest, solver, count):
    """One untimed fit of `solver`, then `count` timed ones: the answer to one `fit` command.

    The untimed fit runs after nmfkit's fits have had the machine, as nmfkit's side makes
    one after scikit-learn's: each side's timed fits run warm.
    """
    iterations = manifest["iterations"]
    per_iteration = []
    fit(X, W, H, manifest, solver)
    model = None
    for _ in range(count):
        elapsed, model = fit(X, W, H, manifest, solver)
        per_iteration.append(elapsed / iterations)
    return {
        "label": solver["label"],
        "samples": per_iteration,
        "nIter": int(model.n_iter_),
        "reconstructionError": float(model.reconstruction_err_),
    }


def answer(line, X, W, H, manifest, solvers):
    """The JSON answer to one command line, or None for a line that is not a command."""
    words = line.split()
    if len(words) == 2 and words[0] == "warm-up" and words[1] in solvers:
        fit(X, W, H, manifest, solvers[words[1]])
        return {"label": words[1], "warmedUp": True}
    if len(words) == 3 and words[0] == "fit" and words[1] in solvers and words[2].isdigit():
        count = int(words[2])
        if count > 0:
            return timed_fits(X, W, H, manifest, solvers[words[1]], count)
    return None


def main():
    if len(sys.argv) != 2:
        print("usage: sklearn_bench.py DIRECTORY", file=sys.stderr)
        return 2
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    X, W, H = load(directory, manifest)
    solvers = {solver["label"]: solver for solver in manifest["solvers"]}
    print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__}), flush=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    while True:
        line = sys.stdin.readline()
        if line == "":
            return 0
        if line.strip() == "":
            continue
        reply = answer(line, X, W, H, manifest, solvers)
        if reply is None:
            print(
                f"sklearn_bench.py: expected 'warm-up LABEL' or 'fit LABEL N' with LABEL "
                f"among {', '.join(solvers)} and N ≥ 1, found {line.strip()!r}",
                file=sys.stderr,
            )
            return 2
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    sys.exit(main())

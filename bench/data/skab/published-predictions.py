"""
Optional check of Warden's SKAB scorer (packages/analyzer/bench/nab-score.ts) against SKAB's own:
converts the predictions SKAB publishes for its leaderboard methods (results/results-*.pkl, one
pandas Series of predicted outliers per test set) into JSON that `npm run bench -- skab` rescores.

Needs pandas (Debian: apt-get install python3-pandas). Run from the repository root:
    python3 bench/data/skab/published-predictions.py [SKAB_DIR]
Writes bench/data/skab/.cache/published/<method>.json (ignored by git; derived from GPL-3.0 data).

The predicted changepoints are made as SKAB's notebooks make them: |diff| of the outlier series,
its first value kept (notebooks/t2_SKAB.ipynb). Each series is matched to its file by its index.
"""
import json
import os
import pickle
import sys

import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
skab = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SKAB_DIR", os.path.join(here, "SKAB"))
out_dir = os.path.join(here, ".cache", "published")
os.makedirs(out_dir, exist_ok=True)

data = os.path.join(skab, "data")
tests = {}
for folder in ("valve1", "valve2", "other"):
    for name in os.listdir(os.path.join(data, folder)):
        if name.endswith(".csv"):
            df = pd.read_csv(os.path.join(data, folder, name), sep=";", index_col="datetime", parse_dates=True)
            tests[f"{folder}/{name}"] = df.index[400:]

for pkl in sorted(os.listdir(os.path.join(skab, "results"))):
    method = pkl[len("results-") : -len(".pkl")]
    with open(os.path.join(skab, "results", pkl), "rb") as f:
        series = pickle.load(f)
    out, unmatched = [], 0
    for s in series:
        match = [n for n, idx in tests.items() if len(idx) == len(s) and (idx == s.index).all()]
        if len(match) != 1:
            unmatched += 1
            continue
        cp = abs(s.diff())
        cp.iloc[0] = s.iloc[0]
        out.append({"file": match[0], "predictions": [t.strftime("%Y-%m-%d %H:%M:%S") for t in cp[cp == 1].index]})
    if unmatched:
        print(f"{method}: {unmatched} of {len(series)} series match no test set; skipped")
        continue
    with open(os.path.join(out_dir, f"{method}.json"), "w") as f:
        json.dump(out, f)
    print(f"{method}: {len(out)} files")

"""Segmentation benchmark: a generated audience of 1,000,000 respondents x 30 psychographic items,
end to end (load, validate, choose k with its four criteria and the response-style check, fit,
structure, stability, profile, charts).

"validate" is the notebook's own check of the parameters against the file
(``segments.plan_features``); the Audience contract check (``io.validate``), which the notebook does
not run, is timed separately for information. Reports wall time per step, the peak memory of the process that ran the pipeline, and the total
time as a ratio to one scikit-learn ``KMeans(n_clusters=6, n_init=1)`` fit on the same encoded
matrix, measured in the same run. Targets: peak memory under 3 GB, ratio at most 40.
Results go to bench/results/segments.json.

    python bench/bench_segments.py                 # the full benchmark (a few minutes)
    python bench/bench_segments.py --rows 20000    # a quick smoke run
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
PLANTED_K = 6
MEMORY_LIMIT_MB = 3 * 1024
RATIO_LIMIT = 40.0
HABITS = ["habit_posts_per_week", "habit_reviews_per_month", "habit_saves_per_week",
          "habit_social_visits_per_week", "habit_hours_online_per_day"]


def make_audience(rows: int, items: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A survey of ``rows`` respondents: ``items`` Likert items (1-5, 1% blank) from PLANTED_K
    personas, five habit columns and demographics; returns the table and the planted persona."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, PLANTED_K, rows)
    means = np.full((PLANTED_K, items), 3.0)
    for s in range(PLANTED_K):
        high = [(3 * s + j) % items for j in range(3)]
        low = [(3 * s + 3 + j) % items for j in range(2)]
        means[s, high] += 1.6
        means[s, low] -= 1.6
    answers = np.empty((rows, items), dtype=np.float32)
    for start in range(0, rows, 200_000):  # in chunks, to keep generation light
        t = truth[start:start + 200_000]
        block = np.clip(np.rint(means[t] + rng.normal(0, 0.75, (len(t), items))), 1, 5).astype(np.float32)
        block[rng.random(block.shape) < 0.01] = np.nan
        answers[start:start + 200_000] = block
    df = pd.DataFrame(answers, columns=[f"psy_item_{i + 1:02d}" for i in range(items)])
    df.insert(0, "respondent_id", pd.Series(np.arange(1, rows + 1)).map("R{:07d}".format))
    rates = np.array([4, 2, 5, 8, 3], dtype=float)
    for j, col in enumerate(HABITS):
        df[col] = np.round(rng.gamma(1.5, rates[j] * (truth % 3 + 0.2) / 3, rows), 1)
    df["age"] = rng.integers(18, 80, rows).astype(float)
    df["gender"] = rng.choice(["female", "male", "non-binary"], rows, p=[0.5, 0.47, 0.03])
    df["region"] = rng.choice(["north", "south", "east", "west"], rows)
    return df, truth


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def pipeline(path: str, truth_path: str, queue) -> None:
    """Run in a fresh process: the end-to-end segmentation, then the KMeans reference."""
    import altair as alt
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    from socialkit import io
    from socialkit import segments as sg
    from socialkit.charts import THEME, to_svg
    from socialkit.charts import segments as charts

    alt.theme.enable(THEME)
    steps: dict[str, float] = {}
    start = t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        steps[name] = round(now - t, 2)
        t = now

    df = io.read_table(path)
    lap("load")
    # the notebook's validation: every parameter and column checked against the file
    plan = sg.plan_features(df, features="^psy_", id_column="respondent_id", profile_columns=["age", "gender", "region"])
    lap("validate")
    model = sg.Segmenter(features=plan.features, id_column=plan.id_column, k="auto", k_range=[2, 8],
                         random_state=0).fit(df)
    lap("choose_k_and_fit")
    stable = sg.stability(model, df, resamples=10, rows=5_000, random_state=0)
    lap("stability")
    prof = sg.profile(model, df, profile_columns=plan.profile_columns)
    lap("profile")
    made = [charts.k_selection_chart(model.k_scores_, chosen=model.k_), charts.sizes_chart(prof.sizes),
            charts.index_heatmap(prof.index), charts.projection_chart(sg.projection(model, df)),
            charts.stability_chart(stable), charts.composition_chart(prof.composition),
            charts.participation_chart(prof.participation)]
    chart_rows = [sum(len(v) for v in c.to_dict().get("datasets", {}).values()) for c in made]
    svg_bytes = sum(len(to_svg(c)) for c in made)
    lap("charts")
    total = time.perf_counter() - start
    peak = _peak_mb()

    # not part of the notebook's path (it validates against the parameters, not the Audience
    # contract); measured for information
    t0 = time.perf_counter()
    io.validate(df, "audience", source=path)
    contract = time.perf_counter() - t0

    truth = np.load(truth_path)
    ari = float(adjusted_rand_score(truth, model.labels_))
    Z = model.transform(df).to_numpy(dtype=np.float32)
    del df
    t0 = time.perf_counter()
    KMeans(n_clusters=6, n_init=1, random_state=0).fit(Z)
    reference = time.perf_counter() - t0
    queue.put(dict(steps=steps, total_seconds=round(total, 2), peak_memory_mb=round(peak, 1),
                   kmeans_reference_seconds=round(reference, 3), ratio=round(total / reference, 2),
                   k_chosen=model.k_, ari_vs_planted=round(ari, 4), stability_mean_ari=round(stable.mean_ari, 4),
                   structure_verdict=model.structure_.verdict, silhouette=model.structure_.silhouette,
                   response_style=model.response_style_.applied,
                   stability_verdict=stable.verdict, max_chart_rows=max(chart_rows), svg_bytes=svg_bytes,
                   matrix_shape=list(Z.shape), audience_contract_validation_seconds=round(contract, 2)))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="respondents (default 1,000,000)")
    ap.add_argument("--items", type=int, default=30, help="psychographic items (default 30)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "segments.json", help="results file (JSON)")
    args = ap.parse_args(argv)

    from socialkit import io

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        df, truth = make_audience(args.rows, args.items)
        path, truth_path = Path(tmp) / "audience.csv", Path(tmp) / "truth.npy"
        df.to_csv(path, index=False, float_format="%g")
        np.save(truth_path, truth)
        size_mb = path.stat().st_size / 2**20
        del df
        generate_s = time.perf_counter() - t0
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=pipeline, args=(str(path), str(truth_path), queue))
        proc.start()
        result = queue.get()
        proc.join()
    result = dict(
        benchmark="segments", rows=args.rows, items=args.items, planted_k=PLANTED_K, csv_mb=round(size_mb, 1),
        generate_seconds=round(generate_s, 1), **result,
        limits=dict(peak_memory_mb=MEMORY_LIMIT_MB, ratio=RATIO_LIMIT),
        machine=dict(cpus=os.cpu_count(), python=platform.python_version(), platform=platform.platform()),
    )
    result["within_limits"] = bool(result["peak_memory_mb"] < MEMORY_LIMIT_MB and result["ratio"] <= RATIO_LIMIT)
    io.write_text(args.out, json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

"""Write the two survey files the segmentation notebook is tested on (seeded: identical bytes on
every run). They imitate real exports that do not follow the kit's audience contract.

* ``likert_battery.csv``: a public-domain-style personality battery (IPIP-like item codes EXT1 ...
  OPN4, 1-5 agreement, some items reverse-keyed), blanks and "NA" for skipped answers, coded
  demographics; respondents come from three latent profiles.
* ``customers_export.csv``: a CRM export with CRLF line endings, headers with spaces and units,
  thousands separators, a constant "Currency" column, a free-text "Gender" column ("F", "female",
  "Woman ", "n/a" ...), outliers and a few blanks; customers come from three behaviour groups.

Run: python tests/data/surveys/make_surveys.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TRAITS = {"EXT": "extraversion", "AGR": "agreeableness", "CSN": "conscientiousness", "OPN": "openness"}
REVERSED = ["EXT2", "EXT4", "AGR1", "CSN2", "OPN3"]


def likert_battery(rng: np.random.Generator, n: int = 600) -> list[list[str]]:
    profiles = np.array([[1.2, 0.3, -0.2, 1.0], [-1.0, 0.8, 1.0, -0.6], [0.0, -1.0, -0.8, 0.4]])
    group = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
    header = ["case_id"] + [f"{t}{i}" for t in TRAITS for i in range(1, 5)] + ["age", "gender", "country", "source"]
    rows = [header]
    for r in range(n):
        cells = [str(100000 + 7 * r)]
        for j, t in enumerate(TRAITS):
            for i in range(1, 5):
                latent = profiles[group[r], j] * (-1 if f"{t}{i}" in REVERSED else 1)
                v = int(np.clip(np.rint(3 + 1.1 * latent + rng.normal(0, 0.8)), 1, 5))
                u = rng.random()
                cells.append("" if u < 0.02 else "NA" if u < 0.03 else str(v))
        cells.append(str(int(np.clip(rng.normal(35, 12), 16, 85))) if rng.random() > 0.03 else "")
        cells.append(str(rng.choice([1, 2, 3], p=[0.48, 0.48, 0.04])) if rng.random() > 0.02 else "0")
        cells.append(str(rng.choice(["US", "GB", "CA", "AU", "IN", "DE", "PH"], p=[0.4, 0.2, 0.1, 0.1, 0.1, 0.05, 0.05])))
        cells.append("web")
        rows.append(cells)
    return rows


GENDER_VARIANTS = {
    "f": ["F", "female", "Female", "FEMALE", "Woman ", " f"],
    "m": ["M", "male", "Male", "man", "MALE"],
    "x": ["non-binary", "Non-binary", "Prefer not to say", "n/a", ""],
}


def customers_export(rng: np.random.Generator, n: int = 400) -> list[list[str]]:
    header = ["Customer ID", "Annual spend (EUR)", "Orders / year", "Avg basket (EUR)", "Days since last order",
              "Newsletter opens (%)", "Preferred channel", "Plan", "Currency", "Social posts per week",
              "Gender", "Age (years)", "Region", "Signup date"]
    groups = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    rows = [header]
    for r in range(n):
        g = groups[r]
        orders = max(1, int(rng.poisson([3, 14, 6][g])))
        basket = float(rng.lognormal(np.log([35, 48, 160][g]), 0.3))
        spend = orders * basket
        if rng.random() < 0.01:
            spend *= 40  # a wholesale buyer: an outlier
        days = int(rng.gamma(2, [120, 12, 45][g]))
        opens = float(np.clip(rng.normal([8, 45, 25][g], 8), 0, 100))
        channel = rng.choice([["Store", "in-store", "Online"], ["Online", "online ", "App"], ["Store", "App", "Online"]][g],
                             p=[[0.6, 0.2, 0.2], [0.5, 0.1, 0.4], [0.5, 0.2, 0.3]][g])
        plan = rng.choice(["Basic", "Plus", "Premium"], p=[[0.8, 0.15, 0.05], [0.3, 0.5, 0.2], [0.1, 0.3, 0.6]][g])
        sex = rng.choice(["f", "m", "x"], p=[0.5, 0.45, 0.05])
        gender = rng.choice(GENDER_VARIANTS[sex])
        age = "" if rng.random() < 0.03 else str(int(np.clip(rng.normal([52, 31, 44][g], 10), 18, 90)))
        posts = f"{rng.gamma(1.2, [0.2, 2.0, 0.8][g]):.1f}"
        day = np.datetime64("2023-01-01") + int(rng.integers(0, 900))
        rows.append([f"C-{10000 + r}", f"{spend:,.2f}", str(orders), f"{basket:.2f}",
                     "" if rng.random() < 0.02 else str(days), f"{opens:.0f}%", channel, plan, "EUR", posts,
                     gender, age, rng.choice(["North", "South", "East", "West"]), str(day)])
    return rows


def write(path: Path, rows: list[list[str]], line_end: str = "\n") -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator=line_end).writerows(rows)


if __name__ == "__main__":
    write(HERE / "likert_battery.csv", likert_battery(np.random.default_rng(2026)))
    write(HERE / "customers_export.csv", customers_export(np.random.default_rng(7)), line_end="\r\n")

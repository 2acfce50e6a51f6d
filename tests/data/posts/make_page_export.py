"""Make page_export.csv: a file shaped like a page-insights export (seeded, byte-identical reruns).

Shape: semicolon delimiter, long column names ("Lifetime Post Total Reach"), a quoted message
column that contains semicolons, no date column (only "Posted Month" as a month name without a
year, "Posted Weekday" and "Posted Hour"), no channel column, no business outcomes, a few blank
link-click cells and some posts with zero reach. Also writes page_objectives.csv, whose targets
include metrics the export does not have.

Run: python tests/data/posts/make_page_export.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from socialkit.io import write_text

HERE = Path(__file__).resolve().parent
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TYPES = ["Photo", "Video", "Link", "Status"]


def make(seed: int = 20260401, n: int = 160) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        kind = TYPES[int(rng.integers(len(TYPES)))]
        reach = int(round(rng.lognormal(np.log(1800), 0.7)))
        if rng.random() < 0.05:
            reach = 0
        impressions = int(round(reach * rng.uniform(1.1, 1.7)))
        reactions = int(rng.poisson(reach * 0.04))
        comments = int(rng.poisson(reach * 0.004))
        shares = int(rng.poisson(reach * 0.003))
        clicks = int(rng.poisson(reach * 0.01)) if kind == "Link" or rng.random() < 0.5 else 0
        rows.append({
            "Post ID": f"1029384756_{100000 + i}",
            "Permalink": f"https://example.org/posts/{100000 + i}",
            "Post Message": f"Spring update; part {i % 7 + 1}" if i % 5 == 0 else f"Post number {i + 1}",
            "Type": kind,
            "Posted Month": MONTHS[i * 12 // n],
            "Posted Weekday": WEEKDAYS[int(rng.integers(7))],
            "Posted Hour": int(rng.integers(7, 23)),
            "Lifetime Post Total Reach": reach,
            "Lifetime Post Total Impressions": impressions,
            "Lifetime Post Paid Reach": 0,
            "Lifetime Post Reactions": reactions if reach else 0,
            "Lifetime Post Comments": comments if reach else 0,
            "Lifetime Post Shares": shares if reach else 0,
            "Lifetime Post Link Clicks": (clicks if reach else 0) if rng.random() > 0.06 else None,
            "Lifetime Engaged Users": reactions + comments + shares + clicks if reach else 0,
            "Page Fans": 5200 + 9 * i,
        })
    df = pd.DataFrame(rows)
    df["Lifetime Post Link Clicks"] = df["Lifetime Post Link Clicks"].astype("Int64")
    return df


#: How the export's columns map onto the posts contract (the notebook's column_map).
COLUMN_MAP = {
    "Post ID": "post_id",
    "Type": "post_type",
    "Posted Month": "month",
    "Posted Weekday": "weekday",
    "Posted Hour": "hour",
    "Lifetime Post Total Reach": "reach",
    "Lifetime Post Total Impressions": "impressions",
    "Lifetime Post Reactions": "likes",
    "Lifetime Post Comments": "comments",
    "Lifetime Post Shares": "shares",
    "Lifetime Post Link Clicks": "clicks",
}

OBJECTIVES = pd.DataFrame([
    ("Keep people engaged", "engagement_rate_reach", 4.0, None),
    ("Enquiries from the page", "leads", 20, None),
    ("Traffic to the site", "click_through_rate", 0.5, None),
], columns=["objective", "metric", "target", "channel"])


if __name__ == "__main__":
    text = make().to_csv(sep=";", index=False, lineterminator="\n")
    print(write_text(HERE / "page_export.csv", text))
    print(write_text(HERE / "page_objectives.csv", OBJECTIVES.to_csv(index=False, lineterminator="\n")))

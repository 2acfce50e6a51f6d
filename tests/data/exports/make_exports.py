"""Make platform exports as analysts download them (seeded, byte-identical reruns).

``x_2021/``: monthly X (Twitter) analytics per-tweet exports of one account for 2021, named as the
platform names them (``tweet_activity_metrics_<account>_<from>_<to>_en.csv``), with every column of
the real export in its order: times like ``2021-11-30 16:00 +0000``; tweet text quoted, sometimes over
several lines, with emoji and commas; ``-`` in the ``promoted ...`` columns of organic tweets and
numbers for promoted ones. May was never downloaded (no file). Each file also holds the last two days
of the month before (downloads overlap), so those tweets appear in two files. One tweet is posted at
2021-03-31 23:30 +0000: in Europe/Berlin (UTC+2 from 28 March) it is 1 April.

``facebook_metrics.csv``: a page export shaped like the public UCI "Facebook metrics" data set:
semicolon separated, 19 columns, no post id, no date and no year.

Run: python tests/data/exports/make_exports.py
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ACCOUNT = "greenleafco"
MEASURES = ["impressions", "engagements", "engagement rate", "retweets", "replies", "likes", "user profile clicks",
            "url clicks", "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs",
            "follows", "email tweet", "dial phone", "media views", "media engagements"]
X_COLUMNS = ["Tweet id", "Tweet permalink", "Tweet text", "time", *MEASURES, *[f"promoted {m}" for m in MEASURES]]
MISSING_MONTH = 5
TEXTS = ["New season, new trails \U0001F332 Read the guide: https://example.org/guide",
         "Thank you for 10k followers!\nWe read every reply \U0001F64F",
         "Q: what's your favourite trail snack? A, B or C?",
         "Our team at the spring fair, booth 12 \U0001F44B",
         "Recycled jackets are back in stock, sizes XS-XXL"]
FB_COLUMNS = ["Page total likes", "Type", "Category", "Post Month", "Post Weekday", "Post Hour", "Paid",
              "Lifetime Post Total Reach", "Lifetime Post Total Impressions", "Lifetime Engaged Users",
              "Lifetime Post Consumers", "Lifetime Post Consumptions",
              "Lifetime Post Impressions by people who have liked your Page",
              "Lifetime Post reach by people who like your Page", "Lifetime People who have liked your Page and engaged with your post",
              "comment", "like", "share", "Total Interactions"]


def tweets(seed: int = 2021) -> list[dict]:
    """Every tweet of the year (one list; files are cut from it by month)."""
    rng = np.random.default_rng(seed)
    start = datetime(2021, 1, 1, tzinfo=timezone.utc)
    out, tid = [], 1_340_000_000_000_000_000
    t = start
    while t.year == 2021:
        t += timedelta(hours=float(rng.uniform(20, 60)))
        if t.year != 2021:
            break
        out.append(_tweet(rng, tid, t))
        tid += int(rng.integers(10**12, 10**13))
    out.append(_tweet(rng, tid, datetime(2021, 3, 31, 23, 30, tzinfo=timezone.utc)))  # April in Berlin
    return sorted(out, key=lambda r: r["_time"])


def _tweet(rng, tid: int, t: datetime) -> dict:
    imp = int(rng.lognormal(np.log(2500), 0.6))
    likes, rts, replies = int(rng.poisson(imp * 0.012)), int(rng.poisson(imp * 0.003)), int(rng.poisson(imp * 0.002))
    clicks = int(rng.poisson(imp * 0.004))
    eng = likes + rts + replies + clicks + int(rng.poisson(imp * 0.003))
    row = {"Tweet id": str(tid), "Tweet permalink": f"https://twitter.com/{ACCOUNT}/status/{tid}",
           "Tweet text": TEXTS[int(rng.integers(len(TEXTS)))], "time": t.strftime("%Y-%m-%d %H:%M +0000"),
           "impressions": imp, "engagements": eng, "engagement rate": round(eng / imp, 6) if imp else 0,
           "retweets": rts, "replies": replies, "likes": likes, "user profile clicks": int(rng.poisson(imp * 0.002)),
           "url clicks": clicks, "hashtag clicks": int(rng.poisson(2)), "detail expands": int(rng.poisson(imp * 0.01)),
           "permalink clicks": 0, "app opens": 0, "app installs": 0, "follows": int(rng.poisson(1.2)),
           "email tweet": 0, "dial phone": 0, "media views": int(rng.poisson(imp * 0.05)),
           "media engagements": int(rng.poisson(imp * 0.004)), "_time": t}
    promoted = rng.random() < 0.12
    for m in MEASURES:
        if not promoted:
            row[f"promoted {m}"] = "-"
        elif m == "engagement rate":
            row[f"promoted {m}"] = 0.004
        else:
            base = row[m] if isinstance(row[m], int) else 0
            row[f"promoted {m}"] = int(base * rng.uniform(1.5, 4.0))
    return row


def x_files(out_dir: Path, rows: list[dict]) -> list[Path]:
    written = []
    for month in range(1, 13):
        if month == MISSING_MONTH:
            continue
        first = datetime(2021, month, 1, tzinfo=timezone.utc)
        last = datetime(2021 + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
        window = [r for r in rows if first - timedelta(days=2) <= r["_time"] < last]  # downloads overlap
        name = f"tweet_activity_metrics_{ACCOUNT}_{first:%Y%m%d}_{last:%Y%m%d}_en.csv"
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=X_COLUMNS, extrasaction="ignore", lineterminator="\n",
                                quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(window)
        (out_dir / name).write_text(buf.getvalue(), encoding="utf-8")
        written.append(out_dir / name)
    return written


def facebook(path: Path, seed: int = 500, n: int = 120) -> Path:
    rng = np.random.default_rng(seed)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(FB_COLUMNS)
    likes_total = 120_000
    for _ in range(n):
        likes_total += int(rng.integers(0, 200))
        kind = ["Photo", "Status", "Link", "Video"][int(rng.choice(4, p=[0.7, 0.15, 0.1, 0.05]))]
        reach = int(rng.lognormal(np.log(9000), 0.8))
        impressions = int(reach * rng.uniform(1.3, 2.2))
        engaged = int(reach * rng.uniform(0.02, 0.12))
        consumers = int(engaged * rng.uniform(0.6, 0.95))
        consumptions = int(consumers * rng.uniform(1.0, 1.8))
        comment, like, share = int(rng.poisson(engaged * 0.02)), int(rng.poisson(engaged * 0.3)), int(rng.poisson(engaged * 0.05))
        writer.writerow([likes_total, kind, int(rng.integers(1, 4)), int(rng.integers(1, 13)), int(rng.integers(1, 8)),
                         int(rng.integers(1, 24)), int(rng.random() < 0.25), reach, impressions, engaged, consumers,
                         consumptions, int(impressions * 0.6), int(reach * 0.55), int(engaged * 0.7),
                         comment, like, share, comment + like + share])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def main() -> list[Path]:
    xdir = HERE / "x_2021"
    xdir.mkdir(exist_ok=True)
    return x_files(xdir, tweets()) + [facebook(HERE / "facebook_metrics.csv")]


if __name__ == "__main__":
    for p in main():
        print(p)

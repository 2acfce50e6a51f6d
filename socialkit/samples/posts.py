"""Sample post-level metrics (``posts.csv``), measurement objectives (``objectives.csv``) and the
organisation's trust measures (``trust.csv``, for two of the three brands).

Each brand posts on four or five channels for fifteen months (January 2025 to March 2026). Every
post carries vanity metrics (reach, impressions, likes, comments, shares, saves, clicks, followers,
sentiment) and the business outcomes the organisation records (opt-ins, leads, orders, revenue).

Two independent traits drive each post: *appeal* (how much people enjoy it: likes and shares)
and *intent* (how much it moves people to act: saves, clicks and, on some channels, comments).
Outcomes follow intent, so some vanity metrics predict value and some do not; see :data:`NOTES`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Brand

START, END = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-03-31")

COLUMNS: dict[str, dict[str, str]] = {
    "posts.csv": {
        "post_id": "unique post identifier",
        "date": "publication date and hour (YYYY-MM-DD HH:MM)",
        "channel": "network the post was published on",
        "post_type": "format: image, video, carousel, reel, story, text, link, pin",
        "paid": "true when the post was boosted with paid media",
        "reach": "unique accounts that saw the post",
        "impressions": "times the post was shown (>= reach)",
        "likes": "likes / reactions",
        "comments": "comments (conversations)",
        "shares": "shares / re-shares / reposts",
        "saves": "saves / bookmarks",
        "clicks": "link clicks; blank where tracking was not set up",
        "followers": "followers of the channel on the day of the post",
        "sentiment": "mean tone of the comments, -1 (negative) to 1 (positive); blank when no comments",
        "opt_ins": "newsletter or community sign-ups attributed to the post; blank when not recorded",
        "leads": "leads / enquiries attributed to the post",
        "orders": "orders attributed to the post",
        "revenue": "revenue of those orders; blank when not recorded",
    },
    "objectives.csv": {
        "objective": "name of the objective",
        "metric": "metric or rate it is measured by (see docs/metrics.md)",
        "target": "target value (rates in percent or per 1,000 reach; counts per month)",
        "channel": "channel the target applies to; blank means all channels",
        "initiative": "the initiative(s) of initiatives.csv that deploy it, separated by '; '; blank when none is named",
    },
    "trust.csv": {
        "period": "quarter the measure was taken (YYYY-Qn)",
        "measure": "what was measured: NPS (net promoter score, -100 to 100) or a client trust survey score (0-10)",
        "value": "the organisation's score that quarter",
    },
}

NOTES = """\
**Posts** (`posts.csv`): one row per post, January 2025 to March 2026, on four or five channels
per brand. Reach is drawn around a share of the channel's followers (which grow month by month);
paid posts get about three times the reach. Each post has two hidden traits: *appeal* drives likes
and shares, *intent* drives saves and clicks (and comments on LinkedIn); opt-ins, leads and orders
follow clicks (and comments), so they follow intent. What was planted:

- Summit Outfitters (retail): saves and clicks predict orders and revenue on Instagram, Facebook,
  Pinterest and YouTube; on TikTok clicks, and so leads and orders, do not follow reach or likes at
  all (viral views, no link to click).
  Pinterest clicks were not tracked before April 2025 (blank cells).
- Northbridge Advisory (B2B): on LinkedIn, comments predict leads and likes barely do; orders are
  rare and revenue per order is large.
- Evergreen Memorials: outcomes are sparse (a lead now and then, a handful of orders), revenue is
  blank except when an order was taken, opt-ins are never recorded (the column is empty), and
  Pinterest and YouTube have posts with zero reach.

**Objectives** (`objectives.csv`): four to six targets per brand; some are met, some are behind,
and Evergreen Memorials has one on a metric it does not record (opt-ins). Each objective names the
initiative(s) that deploy it (column `initiative`), except one per brand left unlinked on purpose
(the loop asks to link it). Summit Outfitters also has a trust objective (NPS), measured from its
trust file.

**Trust** (`trust.csv`): Summit Outfitters records a quarterly NPS, Northbridge Advisory an NPS and a
client trust survey score; Evergreen Memorials measures no trust (the notebooks say so in a note).
The values are hand-written, not drawn.
"""

# channel: (share of posts, base followers, monthly growth, reach share of followers, post types,
#           share paid, hour mean)
_CHANNELS = {
    "b2c_retail": {
        "instagram": (0.30, 48000, 0.020, 0.22, ["image", "carousel", "reel", "story"], 0.15, 18),
        "facebook": (0.22, 65000, 0.004, 0.10, ["image", "video", "link"], 0.25, 12),
        "tiktok": (0.20, 21000, 0.050, 0.60, ["video"], 0.05, 20),
        "youtube": (0.08, 15000, 0.015, 0.35, ["video"], 0.10, 17),
        "pinterest": (0.20, 9000, 0.012, 0.45, ["pin"], 0.05, 21),
    },
    "b2b_services": {
        "linkedin": (0.45, 12000, 0.015, 0.25, ["text", "image", "link", "video"], 0.20, 9),
        "x": (0.25, 8000, 0.003, 0.12, ["text", "link"], 0.05, 10),
        "youtube": (0.10, 2500, 0.010, 0.40, ["video"], 0.10, 14),
        "facebook": (0.20, 3000, 0.002, 0.08, ["image", "link"], 0.10, 13),
    },
    "memorials": {
        "facebook": (0.45, 2400, 0.006, 0.20, ["image", "text", "video"], 0.15, 11),
        "instagram": (0.25, 900, 0.012, 0.25, ["image", "carousel"], 0.05, 19),
        "pinterest": (0.15, 300, 0.008, 0.40, ["pin"], 0.0, 20),
        "youtube": (0.15, 150, 0.010, 0.60, ["video"], 0.0, 15),
    },
}
_POSTS_PER_MONTH = {"b2c_retail": 70, "b2b_services": 40, "memorials": 20}

# per-reach rates of the vanity actions: like, comment, share, save, click
_ACTION_RATES = {
    "b2c_retail": (0.045, 0.004, 0.004, 0.006, 0.010),
    "b2b_services": (0.020, 0.003, 0.002, 0.001, 0.012),
    "memorials": (0.030, 0.006, 0.003, 0.002, 0.006),
}

#: objective, metric, target, channel, initiatives that deploy it (core initiatives of initiatives.py)
_OBJECTIVES = {
    "b2c_retail": [
        ("Lift Instagram engagement", "engagement_rate_reach", 6.0, "instagram", "Weekly photo contest"),
        ("Make Facebook traffic pay", "click_through_rate", 0.8, "facebook", "Local store pages"),
        ("Grow the outdoor community", "opt_ins", 500, None, "Trail community forum"),
        ("Sell from social", "revenue_per_1000_reach", 40, None,
         "Store events live on Instagram; Partner brand co-marketing"),
        ("Orders from Pinterest", "orders", 60, "pinterest", None),
        ("Customers recommend us", "NPS", 50, None, "Review response programme; 1:1 social customer care"),
    ],
    "b2b_services": [
        ("Conversations on LinkedIn", "conversation_rate", 25, "linkedin", "Partner LinkedIn conversations"),
        ("Qualified leads from social", "leads", 40, None, "Social selling programme; Partner insight series"),
        ("Turn leads into clients", "lead_to_order", 8, None, "Social selling programme"),
        ("Grow the LinkedIn audience", "followers", 16000, "linkedin", None),
    ],
    "memorials": [
        ("Be findable on Facebook", "reach", 9000, "facebook", "Facebook page posts"),
        ("Enquiries from social", "leads", 6, None, "Replies to Google reviews"),
        ("Families joining the remembrance group", "opt_ins", 20, None, "Seasonal remembrance posts"),
        ("Kind words", "sentiment", 0.6, "facebook", None),
    ],
}
#: Trust measures per quarter (hand-written): measure -> values for 2025-Q1 ... 2026-Q1.
_TRUST = {
    "b2c_retail": {"NPS": [38, 41, 44, 43, 47]},
    "b2b_services": {"NPS": [31, 29, 33, 35, 34], "client trust score": [7.4, 7.5, 7.3, 7.7, 7.8]},
    "memorials": {},
}
_QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]


def generate(brand: Brand, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Posts, objectives and (when the brand measures trust) trust of one brand (deterministic given ``rng``)."""
    model = brand.business_model
    posts = _posts(model, rng)
    objectives = pd.DataFrame(_OBJECTIVES[model], columns=list(COLUMNS["objectives.csv"]))
    out = {"posts.csv": posts, "objectives.csv": objectives}
    if _TRUST[model]:
        out["trust.csv"] = pd.DataFrame([{"period": q, "measure": m, "value": v} for m, values in _TRUST[model].items()
                                         for q, v in zip(_QUARTERS, values)], columns=list(COLUMNS["trust.csv"]))
    return out


def _posts(model: str, rng: np.random.Generator) -> pd.DataFrame:
    channels = _CHANNELS[model]
    names = list(channels)
    months = pd.period_range(START, END, freq="M")
    rows = []
    for m_index, month in enumerate(months):
        n = int(rng.poisson(_POSTS_PER_MONTH[model]))
        shares = np.array([channels[c][0] for c in names])
        picks = rng.choice(len(names), size=n, p=shares / shares.sum())
        days = rng.integers(1, month.days_in_month + 1, size=n)
        for ch_i, day in zip(picks, days):
            rows.append(_post(model, names[ch_i], month, int(day), m_index, rng))
    df = pd.DataFrame(rows).sort_values(["date", "channel"], kind="stable").reset_index(drop=True)
    df.insert(0, "post_id", [f"P{i + 1:05d}" for i in range(len(df))])
    return df


def _post(model: str, channel: str, month: pd.Period, day: int, m_index: int, rng: np.random.Generator) -> dict:
    _, base, growth, reach_share, types, p_paid, hour_mean = _CHANNELS[model][channel]
    hour = int(np.clip(round(rng.normal(hour_mean, 2.5)), 0, 23))
    date = pd.Timestamp(year=month.year, month=month.month, day=day, hour=hour)
    post_type = types[int(rng.integers(len(types)))]
    paid = bool(rng.random() < p_paid)
    followers = round(base * (1 + growth) ** m_index * rng.normal(1, 0.003))
    appeal, intent = rng.normal(size=2)
    sigma = 0.35 if channel in ("instagram", "linkedin") else 0.6
    type_boost = {"reel": 1.6, "video": 1.3, "story": 0.6, "text": 0.8}.get(post_type, 1.0)
    reach = followers * reach_share * type_boost * (3.0 if paid else 1.0) * rng.lognormal(0, sigma)
    if model == "memorials" and channel in ("pinterest", "youtube") and rng.random() < 0.3:
        reach = 0.0  # the post was published but nobody saw it (zero reach days)
    reach = int(round(reach))
    impressions = int(round(reach * rng.uniform(1.05, 1.6)))
    like_r, comment_r, share_r, save_r, click_r = _ACTION_RATES[model]
    comment_intent = 0.9 if channel == "linkedin" else 0.1
    likes = rng.poisson(reach * like_r * np.exp(0.8 * appeal))
    comments = rng.poisson(reach * comment_r * np.exp(0.4 * appeal + comment_intent * intent))
    shares = rng.poisson(reach * share_r * np.exp(0.8 * appeal))
    saves = rng.poisson(reach * save_r * np.exp(0.9 * intent))
    if channel == "tiktok":  # views without a clickable link: clicks do not follow reach
        clicks = rng.poisson(25 * np.exp(0.9 * intent))
    else:
        clicks = rng.poisson(reach * click_r * np.exp(0.9 * intent))
    sentiment = float(np.clip(rng.normal(0.35 + 0.15 * intent, 0.2), -1, 1)) if comments else np.nan
    opt_ins, leads, orders, revenue = _outcomes(model, channel, clicks, comments, rng)
    clicks_value = np.nan if (channel == "pinterest" and date < pd.Timestamp("2025-04-01")) else clicks
    return {
        "date": date.strftime("%Y-%m-%d %H:%M"), "channel": channel, "post_type": post_type,
        "paid": paid, "reach": reach, "impressions": impressions, "likes": likes, "comments": comments,
        "shares": shares, "saves": saves, "clicks": clicks_value, "followers": followers,
        "sentiment": round(sentiment, 2) if not np.isnan(sentiment) else np.nan,
        "opt_ins": opt_ins, "leads": leads, "orders": orders, "revenue": revenue,
    }


def _outcomes(model: str, channel: str, clicks: int, comments: int, rng: np.random.Generator):
    if model == "b2c_retail":
        opt_ins = rng.poisson(clicks * 0.05)
        leads = rng.poisson(clicks * 0.06)  # sign-ups for a fitting, a catalogue or a back-in-stock alert
        orders = int(rng.binomial(leads, 0.4))
        revenue = round(float(rng.lognormal(np.log(85), 0.4, size=orders).sum()), 2)
        return opt_ins, leads, orders, revenue
    if model == "b2b_services":
        rate = 0.12 if channel == "linkedin" else 0.02
        leads = rng.poisson(comments * rate + clicks * 0.004)
        orders = int(rng.binomial(leads, 0.08))
        revenue = round(float(rng.lognormal(np.log(18000), 0.5, size=orders).sum()), 2)
        return rng.poisson(clicks * 0.01), leads, orders, revenue
    leads = rng.poisson(clicks * 0.01 + comments * 0.01)
    orders = int(rng.binomial(leads, 0.3))
    revenue = round(float(rng.lognormal(np.log(2800), 0.3, size=orders).sum()), 2) if orders else np.nan
    return np.nan, leads, orders, revenue

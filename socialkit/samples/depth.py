"""Sample relationship-depth inputs: the depth questionnaire per function (assessment.csv), the
readiness questionnaire (readiness.csv), the social programmes (programmes.csv) and the presence /
platform / purpose questionnaire (practices.csv) of each brand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import tables
from ..depth import assess
from . import Brand

COLUMNS = {
    "assessment.csv": {
        "function": "business function id (socialkit/data/functions.csv)",
        "question": "depth question id (socialkit/data/depth_questions.csv)",
        "answer": "0/1 for yes/no questions, 1-5 for ratings",
    },
    "readiness.csv": {
        "question": "readiness question id (socialkit/data/readiness_questions.csv)",
        "answer": "0/1 for yes/no questions, 1-5 for ratings",
    },
    "programmes.csv": {
        "programme": "name of the social programme",
        "description": "what the programme is",
        "public_network": "runs on public social networks",
        "private_community": "has a private, profile-based community",
        "opt_in": "people opt in (sign up, subscribe, register, buy)",
        "psychographic_insight": "collects and uses preferences, tastes, values or digital habits",
        "personalised": "the experience is personalised for each person, online or offline",
    },
    "practices.csv": {
        "question": "presence / platform / purpose question id (socialkit/data/practice_questions.csv)",
        "answer": "0/1 for yes/no questions, 1-5 for ratings, network names separated by '; ' for list questions",
    },
}

NOTES = """\
**Relationship depth** (`assessment.csv`, `readiness.csv`, `programmes.csv`). Each brand has a
planted depth level per business function; answers to the questions of levels up to that level are
high (yes, or 4-5), the next level gets partial evidence (2-3, mostly no) that stays below the pass
score, deeper levels get little (1-2, no). Readiness answers are drawn until each factor's score
falls in a planted band of `readiness_caps.csv`, and the generator checks the scored result:

* *summit_outfitters* (B2C retail) is the deepest: social business overall, every readiness factor
  allows collaborative, so nothing caps it.
* *northbridge_advisory* (B2B services) is limited by **leadership engagement**, which caps every
  function at recommendable; its marketing is already transparent, beyond what leadership supports.
* *evergreen_memorials* is capped by its **business model** at transparent in every customer-facing
  function (the tombstone maker of the seed); HR and internal communication are not capped by it.

Programmes are fixed per brand and cover ocean to bowl for the retailer; the other brands each have a
programme that personalises without psychographic insight (it stays a fish store).

**Presence, platform, purpose** (`practices.csv`): hand-written answers for the organisation as a
whole. Summit Outfitters practises all three; Northbridge Advisory has a professional presence where
its clients are (LinkedIn, X) and a platform, but no written purpose; Evergreen Memorials is present
on most of its families' networks with improvised profiles, and has neither platform nor purpose.
"""

#: Planted current level (0-4) per function.
_LEVELS = {
    "b2c_retail": dict(marketing=4, sales=3, pr=3, customer_service=4, hr=3, leadership=3, internal_comms=3,
                       competitive_intel=2, events=4, product=4),
    "b2b_services": dict(marketing=3, sales=2, pr=2, customer_service=1, hr=2, leadership=1, internal_comms=1,
                         competitive_intel=2, events=2, product=1),
    "memorials": dict(marketing=2, sales=1, pr=1, customer_service=3, hr=1, leadership=1, internal_comms=2,
                      competitive_intel=0, events=1, product=2),
}
#: Planted readiness score band per factor (inside one band of readiness_caps.csv).
_READINESS = {
    "b2c_retail": dict(business_model=(0.78, 1.0), workforce=(0.75, 1.0), leadership=(0.8, 1.0), advocacy=(0.65, 0.9)),
    "b2b_services": dict(business_model=(0.72, 0.92), workforce=(0.55, 0.68), leadership=(0.33, 0.5), advocacy=(0.4, 0.58)),
    "memorials": dict(business_model=(0.35, 0.6), workforce=(0.72, 0.92), leadership=(0.78, 0.95), advocacy=(0.62, 0.85)),
}
#: Expected limiting factor of the customer-facing functions ("" = nothing caps them).
EXPECTED_LIMIT = {"b2c_retail": "", "b2b_services": "leadership", "memorials": "business_model"}

_F = ("public_network", "private_community", "opt_in", "psychographic_insight", "personalised")
_PROGRAMMES = {
    "b2c_retail": [
        ("Trail stories on Instagram", "Customers' and staff's trail photos, reposted daily", (1, 0, 0, 0, 0)),
        ("YouTube gear reviews", "Staff review and repair videos", (1, 0, 0, 0, 0)),
        ("Summit Trail Club", "Members' forum with profiles, trip reports and meet-ups", (0, 1, 1, 0, 0)),
        ("Early-access gear drops", "Members get new gear first, by opt-in email", (0, 1, 1, 0, 0)),
        ("Adventure profile quiz", "Members describe their trips, tastes and values", (0, 1, 1, 1, 0)),
        ("Personal trip planner", "Plans, kit lists and in-store fittings built from the member's profile", (0, 1, 1, 1, 1)),
    ],
    "b2b_services": [
        ("Partner articles on LinkedIn", "Partners publish their point of view", (1, 0, 0, 0, 0)),
        ("CFO roundtable", "Invite-only online group of client CFOs", (0, 1, 0, 0, 0)),
        ("Webinar series", "Public webinars with registration", (1, 0, 1, 0, 0)),
        ("Quarterly insight letter", "Opt-in newsletter addressed by name and sector", (0, 0, 1, 0, 1)),
    ],
    "memorials": [
        ("Facebook page", "Workshop photos and opening hours", (1, 0, 0, 0, 0)),
        ("Replies to Google reviews", "The owner answers every review", (1, 0, 0, 0, 0)),
        ("Remembrance newsletter", "Opt-in yearly letter on anniversaries and care of memorials", (0, 0, 1, 0, 0)),
        ("Online design consultation", "A designer drafts a memorial with the family", (0, 0, 1, 0, 1)),
    ],
}


#: Answers to the presence / platform / purpose questionnaire (PR1 ... PU4), per business model.
_PRACTICES = {
    "b2c_retail": ["Instagram; Facebook; TikTok; YouTube; Pinterest; Strava",
                   "Instagram; Facebook; TikTok; YouTube; Pinterest", 5, 5, 4, 1, 4, 1, 5, 1, 1, 5, 4, 4],
    "b2b_services": ["LinkedIn; X; YouTube", "LinkedIn; X; YouTube; Facebook", 4, 5, 3, 1, 3, 1, 3, 1, 0, 2, 3, 2],
    "memorials": ["Facebook; Instagram; Pinterest; YouTube; Nextdoor", "Facebook; Instagram; Pinterest; YouTube",
                  3, 2, 3, 0, 2, 1, 2, 0, 0, 2, 2, 1],
}


def _function_answers(target: int, questions: pd.DataFrame, orders: dict[str, int],
                      pass_scores: dict[str, float], rng: np.random.Generator) -> list[int]:
    """Answers for one function with current level ``target``; the next level stays below its pass score."""
    while True:
        answers = []
        for q in questions.itertuples(index=False):
            k = orders[q.level]
            yes_no = q.scale == "yes_no"
            if k <= target:
                a = 1 if yes_no else int(rng.choice([4, 5]))
            elif k == target + 1:
                a = int(rng.random() < 0.3) if yes_no else int(rng.choice([2, 3]))
            else:
                a = 0 if yes_no else int(rng.choice([1, 2]))
            answers.append(a)
        nxt = [lv for lv, k in orders.items() if k == target + 1]
        if not nxt:
            return answers
        mask = (questions["level"] == nxt[0]).to_numpy()
        norm = np.where(questions["scale"] == "yes_no", answers, (np.array(answers) - 1) / 4.0)
        w = questions["weight"].to_numpy()
        if (norm[mask] * w[mask]).sum() / w[mask].sum() < pass_scores[nxt[0]]:
            return answers


def _readiness_answers(bands: dict[str, tuple[float, float]], questions: pd.DataFrame,
                       rng: np.random.Generator) -> list[int]:
    answers: list[int] = []
    for factor, (lo, hi) in bands.items():
        qs = questions[questions["factor"] == factor]
        w = qs["weight"].to_numpy()
        target = (lo + hi) / 2
        while True:
            vals = [int(rng.random() < target) if s == "yes_no" else
                    int(np.clip(np.rint(1 + 4 * target + rng.normal(0, 0.6)), 1, 5)) for s in qs["scale"]]
            norm = np.where(qs["scale"] == "yes_no", vals, (np.array(vals) - 1) / 4.0)
            score = (norm * w).sum() / w.sum()
            if lo <= score < hi:
                break
        answers += vals
    by_question = dict(zip([q for f in bands for q in questions.loc[questions["factor"] == f, "question"]], answers))
    return [by_question[q] for q in questions["question"]]


def generate(brand: Brand, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """assessment.csv, readiness.csv and programmes.csv for one brand (see NOTES)."""
    model = brand.business_model
    questions = tables.load("depth_questions")
    levels = tables.load("depth_levels")
    orders = dict(zip(levels["level"], levels["order"]))
    pass_scores = dict(zip(levels["level"], levels["pass_score"]))
    rows = []
    for function, target in _LEVELS[model].items():
        for q, a in zip(questions["question"], _function_answers(target, questions, orders, pass_scores, rng)):
            rows.append({"function": function, "question": q, "answer": a})
    assessment = pd.DataFrame(rows)

    rq = tables.load("readiness_questions")
    readiness = pd.DataFrame({"question": rq["question"], "answer": _readiness_answers(_READINESS[model], rq, rng)})

    programmes = pd.DataFrame([{"programme": name, "description": text, **{f: bool(v) for f, v in zip(_F, facts)}}
                               for name, text, facts in _PROGRAMMES[model]])

    pq = tables.load("practice_questions")
    practices = pd.DataFrame({"question": pq["question"], "answer": [str(a) for a in _PRACTICES[model]]})

    result = assess(assessment, readiness)
    got = dict(zip(result.functions["function"], result.functions["current_order"]))
    if got != _LEVELS[model]:
        raise AssertionError(f"{brand.name}: planted levels {_LEVELS[model]} scored as {got}")
    limits = set(result.functions.loc[result.functions["function"] == "marketing", "limiting_factor"])
    if limits != {EXPECTED_LIMIT[model]}:
        raise AssertionError(f"{brand.name}: marketing limited by {limits}, expected {EXPECTED_LIMIT[model]!r}")
    return {"assessment.csv": assessment, "readiness.csv": readiness, "programmes.csv": programmes,
            "practices.csv": practices}

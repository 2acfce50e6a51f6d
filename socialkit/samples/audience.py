"""Sample audience surveys with planted psychographic segments (contract: ``schemas.Audience``).

Each brand gets ``audience.csv`` (one row per respondent: Likert items ``psy_*``, digital habits
``habit_*`` and demographics) and ``audience_truth.csv`` (the segment each respondent was drawn
from), so that segmentation can be checked against a known answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Brand

#: Per brand: respondents, Likert items, and the planted segments. Each segment is a persona with
#: a share of the audience, the items it answers high (+) or low (-) on, its digital habits
#: (weekly/monthly rates) and a demographic tilt.
_DESIGN: dict[str, dict] = {
    "b2c_retail": {
        "n": 2400,
        "items": ["adventure", "eco_conscious", "price_sensitive", "brand_loyal", "tech_enthusiast",
                  "social_sharing", "quality_first", "community_minded", "plans_ahead", "trend_follower",
                  "local_first", "health_focus", "impulse_buyer", "expert_advice"],
        "regions": ["north", "south", "east", "west", "city"],
        "segments": {
            "trail_devotees": dict(share=0.24, rel=(0.8, 0.7, 0.75, 0.6, 0.3), high=["adventure", "health_focus", "expert_advice"],
                                   low=["price_sensitive", "trend_follower"], habits="critics", age=38),
            "eco_locals": dict(share=0.22, rel=(0.6, 0.65, 0.4, 0.2, 0.1), high=["eco_conscious", "local_first", "community_minded"],
                               low=["impulse_buyer", "tech_enthusiast"], habits="joiners", age=45),
            "bargain_hunters": dict(share=0.20, rel=(0.7, 0.2, 0.7, 0.3, 0.1), high=["price_sensitive", "impulse_buyer", "plans_ahead"],
                                    low=["brand_loyal", "quality_first"], habits="spectators", age=33),
            "gear_sharers": dict(share=0.18, rel=(0.9, 0.8, 0.8, 0.7, 0.6), high=["tech_enthusiast", "social_sharing", "trend_follower"],
                                 low=["plans_ahead", "local_first"], habits="creators", age=27),
            "loyal_classics": dict(share=0.16, rel=(0.3, 0.1, 0.3, 0.1, 0.05), high=["brand_loyal", "quality_first"],
                                   low=["social_sharing", "adventure", "eco_conscious"], habits="inactives", age=58),
        },
    },
    "b2b_services": {
        "n": 2000,
        "items": ["thought_leadership", "peer_validation", "risk_averse", "data_driven", "relationship_first",
                  "cost_focus", "innovation_seeker", "formal_process", "self_education", "vendor_loyal",
                  "speed_over_detail", "network_builder"],
        "regions": ["london", "midlands", "north", "scotland", "europe"],
        "segments": {
            "pragmatic_controllers": dict(share=0.30, rel=(0.5, 0.2, 0.6, 0.2, 0.1), high=["cost_focus", "formal_process", "risk_averse"],
                                          low=["innovation_seeker", "speed_over_detail"], habits="spectators", age=49),
            "network_advisers": dict(share=0.27, rel=(0.7, 0.7, 0.4, 0.2, 0.1), high=["relationship_first", "network_builder", "peer_validation"],
                                     low=["self_education", "data_driven"], habits="joiners", age=44),
            "insight_seekers": dict(share=0.23, rel=(0.6, 0.3, 0.8, 0.65, 0.3), high=["data_driven", "self_education", "thought_leadership"],
                                    low=["vendor_loyal", "relationship_first"], habits="collectors", age=38),
            "change_champions": dict(share=0.20, rel=(0.8, 0.6, 0.7, 0.4, 0.2), high=["innovation_seeker", "speed_over_detail", "thought_leadership"],
                                     low=["risk_averse", "formal_process", "cost_focus"], habits="creators", age=35),
        },
    },
    "memorials": {
        "n": 2000,
        "items": ["tradition", "craftsmanship", "personalisation", "price_conscious", "faith_important",
                  "family_decides", "online_research", "eco_burial", "local_maker", "memory_sharing",
                  "plans_ahead", "visual_design", "word_of_mouth"],
        "regions": ["town", "village", "county", "coast"],
        "segments": {
            "heritage_keepers": dict(share=0.42, rel=(0.2, 0.05, 0.2, 0.1, 0.05), high=["tradition", "craftsmanship", "local_maker", "faith_important"],
                                     low=["online_research", "eco_burial"], habits="inactives", age=66),
            "personal_tributes": dict(share=0.33, rel=(0.6, 0.55, 0.6, 0.3, 0.2), high=["personalisation", "visual_design", "memory_sharing"],
                                      low=["tradition", "price_conscious"], habits="critics", age=47),
            "practical_planners": dict(share=0.25, rel=(0.4, 0.1, 0.65, 0.6, 0.3), high=["price_conscious", "plans_ahead", "online_research", "eco_burial"],
                                       low=["craftsmanship", "faith_important"], habits="spectators", age=55),
        },
    },
}

#: Mean weekly/monthly habit rates of each participation profile: posts/week, reviews/month,
#: saves and shares/week, social-network visits/week, hours online/day.
_HABITS = {
    "creators": (4.0, 2.0, 6.0, 12.0, 4.5),
    "critics": (0.3, 3.0, 2.0, 8.0, 3.0),
    "collectors": (0.2, 0.3, 5.0, 7.0, 3.0),
    "joiners": (0.2, 0.2, 0.4, 9.0, 2.5),
    "spectators": (0.05, 0.1, 0.2, 0.5, 2.0),
    "inactives": (0.0, 0.0, 0.0, 0.1, 0.3),
}
_HABIT_COLUMNS = ["habit_posts_per_week", "habit_reviews_per_month", "habit_saves_per_week",
                  "habit_social_visits_per_week", "habit_hours_online_per_day"]
GENDERS = ["female", "male", "non-binary", "prefer not to say"]
INCOME_BANDS = ["under 25k", "25k-50k", "50k-100k", "100k+"]
SHIFT = 1.7  # Likert points a persona moves above (high) or below (low) the brand's baseline
NOISE = 0.45  # standard deviation of an individual's answer around the persona's mean
#: Yes/no columns recording each respondent's relationship with the brand (the facts that place a
#: segment on the ocean-to-fish-bowl ladder), in the order of each persona's ``rel`` probabilities.
RELATIONSHIP_COLUMNS = ["follows_brand", "brand_community_member", "newsletter_opt_in", "preferences_on_file",
                        "personalised_offers"]
MISSING_RATE = 0.015  # share of Likert answers left blank

COLUMNS = {
    "audience.csv": {
        "respondent_id": "Anonymous respondent code (R00001 ...), unique",
        "psy_*": "Psychographic statements answered on a 1-5 agreement scale (1 = strongly disagree); blanks are skipped answers",
        "habit_posts_per_week": "Own posts, photos or videos published per week",
        "habit_reviews_per_month": "Ratings, reviews or comments written per month",
        "habit_saves_per_week": "Posts saved, shared or subscribed to per week",
        "habit_social_visits_per_week": "Visits to social-network profiles or groups per week",
        "habit_hours_online_per_day": "Hours online per day (any device)",
        "age": "Age in years (blank = not given)",
        "gender": "female, male, non-binary, prefer not to say (blank = not given)",
        "region": "Region of residence",
        "income_band": "Household income band",
        "follows_brand": "yes / no: follows the brand on a public social network",
        "brand_community_member": "yes / no: member of the brand's own online community",
        "newsletter_opt_in": "yes / no: opted in to the brand's newsletter or messages",
        "preferences_on_file": "yes / no: has shared preferences the brand keeps on file (a preference profile)",
        "personalised_offers": "yes / no: receives offers or content the brand personalises for them",
    },
    "audience_truth.csv": {
        "respondent_id": "Respondent code, as in audience.csv",
        "segment": "The planted persona the respondent was drawn from (for checking recovery only)",
    },
}

NOTES = """\
**Audience survey (planted segments).** Each brand's respondents are drawn from a few personas:
Summit Outfitters 5, Northbridge Advisory 4, Evergreen Memorials 3 (`audience_truth.csv` names
each respondent's persona). A persona answers 1.7 scale points above the brand's baseline on the
items it is high on and 1.7 below on the items it is low on; individual answers add normal noise
(sd 0.45), are rounded and clipped to 1-5, and 1.5% are left blank. Digital habits follow a
participation profile per persona (creators, critics, collectors, joiners, spectators, inactives)
with gamma-distributed rates and a handful of extreme heavy users (outliers). Demographics tilt by
persona (age) and are otherwise random; about 3% of gender and 2% of age answers are blank. The
relationship with the brand (follows it, member of its community, opted in, preferences on file,
personalised offers) is drawn per respondent with a probability set per persona, so that the
personas sit on different stages of the ocean-to-fish-bowl ladder (about 1% of these answers are blank).
"""


NOTES += "\n**Items and planted personas per business model** (`psy_<item>` columns; high / low items):\n\n" + "\n".join(
    f"- {model}: " + ", ".join(f"`psy_{item}`" for item in design["items"]) + ". Personas: " + "; ".join(
        f"{name} ({spec['share']:.0%}, high {', '.join(spec['high'])}; low {', '.join(spec['low'])}; {spec['habits']}; "
        f"relationship {'/'.join(f'{p:.0%}' for p in spec['rel'])})"
        for name, spec in design["segments"].items())
    for model, design in _DESIGN.items()) + (
    "\nRelationship probabilities are given in the order " + ", ".join(f"`{c}`" for c in RELATIONSHIP_COLUMNS) + ".\n")


def generate(brand: Brand, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The audience survey and its planted truth for one brand."""
    design = _DESIGN[brand.business_model]
    n, items, segments = design["n"], design["items"], design["segments"]
    names = list(segments)
    shares = np.array([segments[s]["share"] for s in names])
    counts = np.floor(shares / shares.sum() * n).astype(int)
    counts[0] += n - counts.sum()
    truth = np.repeat(np.arange(len(names)), counts)
    rng.shuffle(truth)

    baseline = rng.uniform(2.6, 3.4, len(items))
    means = np.tile(baseline, (len(names), 1))
    for s, name in enumerate(names):
        for item in segments[name]["high"]:
            means[s, items.index(item)] = baseline[items.index(item)] + SHIFT
        for item in segments[name]["low"]:
            means[s, items.index(item)] = baseline[items.index(item)] - SHIFT
    answers = np.clip(np.rint(means[truth] + rng.normal(0, NOISE, (n, len(items)))), 1, 5)
    answers[rng.random(answers.shape) < MISSING_RATE] = np.nan

    df = pd.DataFrame({"respondent_id": [f"R{i + 1:05d}" for i in range(n)]})
    for j, item in enumerate(items):
        df[f"psy_{item}"] = answers[:, j]

    rates = np.array([_HABITS[segments[name]["habits"]] for name in names])[truth]
    habits = rng.gamma(shape=1.5, scale=rates / 1.5)
    heavy = rng.random(n) < 0.004  # a few extreme heavy users
    habits[heavy] *= rng.uniform(8, 20, (int(heavy.sum()), 1))
    habits[:, -1] = np.minimum(habits[:, -1], 18)
    for j, col in enumerate(_HABIT_COLUMNS):
        df[col] = np.round(habits[:, j], 1)

    ages = np.array([segments[name]["age"] for name in names])[truth] + rng.normal(0, 9, n)
    age = np.clip(np.rint(ages), 18, 90).astype(float)
    age[rng.random(n) < 0.02] = np.nan
    df["age"] = age
    gender = rng.choice(GENDERS, size=n, p=[0.49, 0.46, 0.03, 0.02]).astype(object)
    gender[rng.random(n) < 0.03] = None
    df["gender"] = gender
    df["region"] = rng.choice(design["regions"], size=n)
    tilt = np.clip((ages - 20) / 50, 0, 1)
    band = np.clip(np.rint(tilt * 2 + rng.normal(0.5, 0.9, n)), 0, 3).astype(int)
    df["income_band"] = np.array(INCOME_BANDS)[band]

    rel = np.array([segments[name]["rel"] for name in names])[truth]
    said = rng.random(rel.shape) < rel
    blank = rng.random(rel.shape) < 0.01
    for j, col in enumerate(RELATIONSHIP_COLUMNS):
        df[col] = np.where(blank[:, j], None, np.where(said[:, j], "yes", "no"))

    truth_df = pd.DataFrame({"respondent_id": df["respondent_id"], "segment": np.array(names)[truth]})
    return {"audience.csv": df, "audience_truth.csv": truth_df}

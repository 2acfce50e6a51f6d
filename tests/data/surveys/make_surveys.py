"""Write the two survey files the segmentation notebook is tested on (seeded: identical bytes on
every run). They imitate real exports that do not follow the kit's audience contract.

* ``likert_battery.csv``: a public-domain-style personality battery (IPIP-like item codes EXT1 ...
  OPN4, 1-5 agreement, some items reverse-keyed), blanks and "NA" for skipped answers, coded
  demographics; respondents come from three latent profiles.
* ``customers_export.csv``: a CRM export with CRLF line endings, headers with spaces and units,
  thousands separators, a constant "Currency" column, a free-text "Gender" column ("F", "female",
  "Woman ", "n/a" ...), outliers and a few blanks; customers come from three behaviour groups.

Three more imitate public survey files a new user would try (generated, not copied):

* ``big_five_battery.csv``: a tab-separated personality battery like the IPIP Big Five export
  (E1..O5 on 1-5, some items reverse-keyed, coded demographics race / age / engnat / gender / hand /
  country). Respondents differ **mainly in their general level** (how much they agree with
  everything); beneath it, three profiles differ in which traits they lean to.
* ``social_media_questionnaire.csv``: 481 answers to a questionnaire whose headers are full,
  numbered questions; a timestamp, demographics asked as questions, a multi-select platforms
  column ("Facebook, Instagram, YouTube"), time bands ("Less than an Hour" ... "More than 5
  hours"), frequency words (Never ... Always) and 1-5 ratings driven by one general level.
* ``customer_personality.csv``: a tab-separated customer export with ``Year_Birth``, ``Income``,
  ``Kidhome`` / ``Teenhome``, ``Dt_Customer`` (dd-mm-yyyy), spend per product, purchases per
  channel, campaign responses and two constant columns; spend follows income (a general level).
* ``categorical_survey.csv``: 900 answers to 10 categorical questions from three planted latent
  classes (``true_class`` holds each respondent's class, for checking recovery only).

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


BIG_FIVE = "ENACO"
BIG_FIVE_REVERSED = ["E2", "E4", "N2", "N4", "A1", "A3", "C2", "C4", "O2", "O4"]


def big_five_battery(rng: np.random.Generator, n: int = 1500) -> list[list[str]]:
    """Raw answer = 3 + general level (same sign on every item, keyed or not) + trait lean (sign
    flipped on reverse-keyed items) + noise, rounded and clipped to 1-5; 0 = skipped."""
    items = [f"{t}{i}" for t in BIG_FIVE for i in range(1, 6)]
    profiles = np.array([[0.9, -0.6, 0.0, 0.0, 0.7], [-0.8, 0.0, 0.8, 0.6, -0.4], [0.0, 0.7, -0.7, -0.6, 0.0]])
    group = rng.choice(3, size=n, p=[0.4, 0.35, 0.25])
    level = rng.normal(0, 0.95, n)
    header = ["race", "age", "engnat", "gender", "hand", "source", "country"] + items
    rows = [header]
    for r in range(n):
        cells = [str(rng.choice([1, 3, 8, 9, 10, 12, 13], p=[0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.5])),
                 str(int(np.clip(rng.gamma(4, 7) + 13, 13, 80))), str(rng.choice([1, 2], p=[0.7, 0.3])),
                 str(rng.choice([1, 2, 3], p=[0.4, 0.58, 0.02])), str(rng.choice([1, 2, 3], p=[0.85, 0.1, 0.05])),
                 str(rng.choice([1, 2, 3, 4, 5], p=[0.5, 0.1, 0.2, 0.1, 0.1])),
                 str(rng.choice(["US", "GB", "IN", "AU", "CA", "PH", "(nu"], p=[0.5, 0.12, 0.1, 0.08, 0.1, 0.05, 0.05]))]
        for j, t in enumerate(BIG_FIVE):
            for i in range(1, 6):
                sign = -1 if f"{t}{i}" in BIG_FIVE_REVERSED else 1
                v = 3 + level[r] + sign * profiles[group[r], j] + rng.normal(0, 0.55)
                cells.append("0" if rng.random() < 0.01 else str(int(np.clip(np.rint(v), 1, 5))))
        rows.append(cells)
    return rows


PLATFORMS = ["Facebook", "Instagram", "YouTube", "Discord", "Reddit", "Pinterest", "TikTok", "Snapchat", "Twitter"]
TIME_BANDS = ["Less than an Hour", "Between 1 and 2 hours", "Between 2 and 3 hours", "Between 3 and 4 hours",
              "Between 4 and 5 hours", "More than 5 hours"]
QUESTIONS = [
    "9. How often do you find yourself using Social media without a specific purpose?",
    "10. How often do you get distracted by Social media when you are busy doing something?",
    "11. Do you feel restless if you haven't used Social media in a while?",
    "12. On a scale of 1 to 5, how easily distracted are you?",
    "13. On a scale of 1 to 5, how much are you bothered by worries?",
    "14. Do you find it difficult to concentrate on things?",
    "15. On a scale of 1-5, how often do you compare yourself to other successful people through the use of social media?",
    "16. Following the previous question, how do you feel about these comparisons, generally speaking?",
    "17. How often do you look to seek validation from features of social media?",
    "18. How often do you feel depressed or down?",
    "19. On a scale of 1 to 5, how frequently does your interest in daily activities fluctuate?",
    "20. On a scale of 1 to 5, how often do you face issues regarding sleep?",
]


def social_media_questionnaire(rng: np.random.Generator, n: int = 481) -> list[list[str]]:
    header = ["Timestamp", "1. What is your age?", "2. Gender", "3. Relationship Status", "4. Occupation Status",
              "5. What type of organizations are you affiliated with?", "6. Do you use social media?",
              "7. What social media platforms do you commonly use?",
              "8. What is the average time you spend on social media every day?", *QUESTIONS,
              "21. How often do you post your own photos or videos?"]
    rows = [header]
    start = np.datetime64("2022-04-18T09:00:00")
    for r in range(n):
        level = rng.normal(0, 1)  # one general level drives time, ratings and posting alike
        when = start + np.timedelta64(int(rng.integers(0, 14 * 24 * 3600)), "s")
        stamp = pd_like_timestamp(str(when))
        age = float(np.clip(np.rint(rng.gamma(6, 4) + 8), 13, 91))
        gender = rng.choice(["Male", "Female", "Female ", "Nonbinary ", "NB", "unsure ", "There are others???"],
                            p=[0.45, 0.45, 0.03, 0.03, 0.02, 0.01, 0.01])
        status = rng.choice(["Single", "In a relationship", "Married", "Divorced"], p=[0.55, 0.3, 0.13, 0.02])
        job = rng.choice(["University Student", "School Student", "Salaried Worker", "Retired"],
                         p=[0.6, 0.1, 0.27, 0.03])
        orgs = [o for o, p in (("University", 0.6), ("Private", 0.3), ("School", 0.1), ("Company", 0.1),
                               ("Goverment", 0.05)) if rng.random() < p] or ["N/A"]
        chosen = [p for p, base in zip(PLATFORMS, [0.8, 0.8, 0.85, 0.3, 0.25, 0.2, 0.2, 0.3, 0.25])
                  if rng.random() < np.clip(base + 0.08 * level, 0.02, 0.98)]
        band = int(np.clip(np.rint(2.6 + 1.1 * level + rng.normal(0, 0.7)), 0, 5))
        ratings = [str(int(np.clip(np.rint(3 + 1.0 * level + rng.normal(0, 0.8)), 1, 5))) for _ in QUESTIONS]
        posts = ["Never", "Rarely", "Sometimes", "Often", "Always"][int(np.clip(np.rint(2 + 0.8 * level + rng.normal(0, 0.8)), 0, 4))]
        uses = "Yes" if rng.random() < 0.97 else "No"
        rows.append([stamp, f"{age:.1f}", gender, status, job, ", ".join(orgs), uses, ", ".join(chosen) or "None",
                     TIME_BANDS[band], *ratings, posts])
    return rows


def pd_like_timestamp(iso: str) -> str:
    """'2022-04-18T19:18:47' -> '4/18/2022 19:18:47' (month first, as the survey tool exports it)."""
    day, time = iso.split("T")
    y, m, d = day.split("-")
    return f"{int(m)}/{int(d)}/{y} {time}"


def customer_personality(rng: np.random.Generator, n: int = 2240) -> list[list[str]]:
    header = ["ID", "Year_Birth", "Education", "Marital_Status", "Income", "Kidhome", "Teenhome", "Dt_Customer",
              "Recency", "MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts",
              "MntGoldProds", "NumDealsPurchases", "NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases",
              "NumWebVisitsMonth", "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5", "AcceptedCmp1", "AcceptedCmp2",
              "Complain", "Z_CostContact", "Z_Revenue", "Response"]
    rows = [header]
    ids = rng.choice(np.arange(0, 11200), size=n, replace=False)
    for r in range(n):
        income = float(np.clip(rng.lognormal(np.log(50000), 0.45), 1730, 170000))
        wealth = (np.log(income) - np.log(50000)) / 0.45  # one general level: spend follows income
        kids = int(rng.choice([0, 1, 2], p=[0.58, 0.4, 0.02]) if wealth < 0.5 else rng.choice([0, 1], p=[0.85, 0.15]))
        teens = int(rng.choice([0, 1, 2], p=[0.52, 0.46, 0.02]))
        spend = np.exp(4.4 + 0.9 * wealth - 0.4 * kids + rng.normal(0, 0.6, 6)) * np.array([3.0, 0.25, 1.6, 0.35, 0.25, 0.45])
        spend = np.clip(np.rint(spend), 0, 2000).astype(int)
        web = int(np.clip(rng.poisson(np.exp(1.3 + 0.4 * wealth)), 0, 27))
        deals = int(np.clip(rng.poisson(np.exp(0.8 + 0.4 * kids - 0.2 * wealth)), 0, 15))
        catalog = int(np.clip(rng.poisson(np.exp(0.6 + 0.8 * wealth)), 0, 28))
        store = int(np.clip(rng.poisson(np.exp(1.6 + 0.35 * wealth)), 0, 13))
        visits = int(np.clip(rng.poisson(np.exp(1.7 - 0.35 * wealth + 0.2 * kids)), 0, 20))
        accepted = [int(rng.random() < float(np.clip(p + 0.06 * wealth, 0.005, 0.6))) for p in (0.07, 0.07, 0.07, 0.06, 0.01)]
        joined = np.datetime64("2012-07-30") + int(rng.integers(0, 700))
        y, m, d = str(joined).split("-")
        rows.append([str(ids[r]), str(int(np.clip(rng.normal(1969, 12), 1940, 1996))),
                     str(rng.choice(["Graduation", "PhD", "Master", "2n Cycle", "Basic"], p=[0.5, 0.22, 0.16, 0.09, 0.03])),
                     str(rng.choice(["Married", "Together", "Single", "Divorced", "Widow", "Alone", "YOLO"],
                                    p=[0.386, 0.259, 0.214, 0.104, 0.034, 0.002, 0.001])),
                     "" if rng.random() < 0.011 else str(int(income)), str(kids), str(teens), f"{d}-{m}-{y}",
                     str(int(rng.integers(0, 100))), *map(str, spend), str(deals), str(web), str(catalog), str(store),
                     str(visits), *map(str, accepted[2:] + accepted[:2]), str(int(rng.random() < 0.01)), "3", "11",
                     str(int(rng.random() < float(np.clip(0.15 + 0.05 * wealth, 0.02, 0.5))))])
    return rows


def categorical_survey(rng: np.random.Generator, n: int = 900) -> list[list[str]]:
    """Three latent classes, each answering 10 categorical questions with its own most likely answer."""
    questions = {
        "Preferred store": ["High street", "Online", "Market", "Department store"],
        "Pays with": ["Cash", "Card", "Phone"],
        "Shops": ["Weekends", "Weekdays", "Evenings"],
        "Brand choice": ["Always the same", "Whatever is on offer", "Tries new ones"],
        "Hears about products from": ["Friends", "Adverts", "Reviews", "Shop staff"],
        "Holiday": ["Beach", "City", "Mountains"],
        "Reads": ["Newspaper", "Blogs", "Magazines", "Nothing"],
        "Gift style": ["Practical", "Experience", "Luxury"],
        "Commute": ["Car", "Bike", "Public transport"],
        "Cooks": ["Every day", "Weekends only", "Rarely"],
    }
    classes = rng.choice(3, size=n, p=[0.45, 0.33, 0.22])
    favourite = {q: rng.permutation(len(opts))[:3] for q, opts in questions.items()}
    rows = [["respondent", *questions, "true_class"]]
    for r in range(n):
        c = classes[r]
        cells = [f"S{r + 1:04d}"]
        for q, opts in questions.items():
            p = np.full(len(opts), 0.2 / (len(opts) - 1))
            p[favourite[q][c]] = 0.8
            cells.append("" if rng.random() < 0.02 else str(rng.choice(opts, p=p)))
        rows.append([*cells, str(c + 1)])
    return rows


def write(path: Path, rows: list[list[str]], line_end: str = "\n", delimiter: str = ",") -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator=line_end, delimiter=delimiter).writerows(rows)


if __name__ == "__main__":
    write(HERE / "likert_battery.csv", likert_battery(np.random.default_rng(2026)))
    write(HERE / "customers_export.csv", customers_export(np.random.default_rng(7)), line_end="\r\n")
    write(HERE / "big_five_battery.csv", big_five_battery(np.random.default_rng(2800)), delimiter="\t")
    write(HERE / "social_media_questionnaire.csv", social_media_questionnaire(np.random.default_rng(481)))
    write(HERE / "customer_personality.csv", customer_personality(np.random.default_rng(2240)), delimiter="\t")
    write(HERE / "categorical_survey.csv", categorical_survey(np.random.default_rng(900)))

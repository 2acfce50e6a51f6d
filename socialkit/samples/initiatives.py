"""Sample social-initiative inventories for the Venn model (contract: ``schemas.Initiatives``).

Each brand gets ``initiatives.csv``: one row per social initiative with the business functions it
touches (``"marketing; sales"``), its goal, owner, KPI, audience, the norm it reaches and its status.
The inventories are written so that the three brands land in the three classes of the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import Brand

COLUMNS = {
    "initiatives.csv": {
        "initiative": "name of the social initiative (unique)",
        "functions": "business functions it touches, ids of socialkit/data/functions.csv separated by '; '",
        "goal": "the business goal it serves (playbook goal text or free text; blank when none was set)",
        "owner": "who runs it",
        "kpi": "the KPI it is judged on (blank when none); vanity and unclassified KPIs are planted",
        "audience": "customers, partners and/or employees, separated by '; '",
        "norm": "norms of social technology it uses, separated by '; ': content (user-generated content), "
                "collaboration, community, collective_intelligence",
        "status": "idea, planned, active, paused or retired",
    }
}

NOTES = """\
**initiatives.csv** lists each brand's social initiatives, hand-written per business model; the
seeded generator only picks a few optional rows, owners and statuses and shuffles the order.

* *Summit Outfitters* (B2C retail) reaches all ten functions, most initiatives join two or more
  functions, KPIs are mostly business metrics and norms reach community and collective
  intelligence: it is planted as a **social business**.
* *Northbridge Advisory* (B2B services) reaches seven functions; about two in five of its initiatives
  join functions, HR and competitive intelligence work alone (silos), customer service, internal
  communication and product are unreached, and no initiative goes beyond collaboration: planted
  as **coordinated**.
* *Evergreen Memorials* puts almost everything through marketing posts judged on likes and
  followers: planted as a **social media desk**.

Planted on purpose: vanity KPIs (followers, likes, views, retweets, "engagement rate", "CTR",
"YouTube channel subscribers"), a KPI the vocabulary does not know ("brand love", "pricing decisions
informed", "ideas shipped to stores": unclassified, asked about), an opted-in business KPI that
names subscribers ("newsletter subscribers"), initiatives with no KPI or no goal, initiatives with
several norms and several audiences (the norm x audience grid), an initiative with no functions (an
idea that states a goal but reaches no function, so its goal has no tactic yet), a free-text goal
the playbook does not know, and a retired initiative (left out of the scores by default). Objectives
in `objectives.csv` name the initiatives that deploy them (see the posts notes).
"""

# name, functions, goal, kpi, audience, norm, status, core (always included)
_ROWS: dict[str, list[tuple]] = {
    "b2c_retail": [
        ("Trail community forum", "marketing; product; customer_service; sales; internal_comms", "market a new product or initiative",
         "active community members", "customers", "community; content", "active", True),
        ("Gear co-design panel", "product; marketing; sales; customer_service", "market a new product or initiative",
         "pre-orders of co-designed gear", "customers", "collaboration; collective_intelligence", "active", True),
        ("1:1 social customer care", "customer_service; sales", "more referral and word-of-mouth traffic",
         "referral orders", "customers", "collaboration", "active", True),
        ("Store events live on Instagram", "events; marketing; sales", "buzz around an event; engage and track attendees",
         "event sign-ups", "customers", "content", "active", True),
        ("Staff ambassador programme", "hr; marketing; internal_comms", "find candidates, plan succession",
         "applications from staff referrals", "employees; customers", "community; content", "active", True),
        ("Recruiting on LinkedIn", "hr; leadership", "find candidates, plan succession",
         "hires", "employees", "content", "active", True),
        ("CEO trail journal", "leadership; pr; marketing", "prove thought leadership",
         "followers", "customers; partners", "content", "active", True),
        ("Weekly photo contest", "marketing", "", "likes", "customers", "content", "active", True),
        ("Competitor watch channel", "competitive_intel; product; marketing", "track competitors and industry benchmarks",
         "pricing decisions informed", "employees", "collaboration", "active", True),
        ("Supplier sustainability space", "product; pr", "", "", "partners", "collaboration", "active", True),
        ("Internal ideas hub", "internal_comms; product; customer_service", "fast internal communication where ideas grow",
         "ideas shipped to stores", "employees", "collective_intelligence", "active", True),
        ("Recall response on social", "pr; customer_service", "use real-time events that matter to the audience",
         "sentiment", "customers", "content", "active", True),
        ("Trail tips short videos", "marketing", "", "YouTube channel subscribers", "customers", "content", "active", True),
        ("Local store pages", "marketing; sales", "more referral and word-of-mouth traffic",
         "in-store bookings", "customers", "content", "active", True),
        ("Partner brand co-marketing", "marketing; sales; events", "market a new product or initiative",
         "co-marketing revenue", "partners", "collaboration", "active", True),
        ("Employee advocacy kit", "internal_comms; marketing; hr", "fast internal communication where ideas grow",
         "shares", "employees", "content", "active", False),
        ("Review response programme", "customer_service; product", "more referral and word-of-mouth traffic",
         "repeat purchases", "customers", "collaboration", "active", True),
        ("Outdoor festival presence", "events; pr; marketing", "buzz around an event; engage and track attendees",
         "registrations", "customers; partners", "community", "planned", False),
        ("Gear rental club", "", "launch a gear rental club", "", "customers", "", "idea", True),
        ("Old brand blog", "marketing", "", "page likes", "customers", "content", "retired", True),
    ],
    "b2b_services": [
        ("Partner insight series", "leadership; pr; marketing", "prove thought leadership",
         "enquiries", "customers; partners", "content", "active", True),
        ("Partner LinkedIn conversations", "leadership; sales", "grow a professional network as CEO / entrepreneur",
         "connections", "partners; customers", "collaboration", "active", True),
        ("Client webinars", "events; marketing; sales", "buzz around an event; engage and track attendees",
         "registrations", "customers", "content", "active", True),
        ("Graduate recruiting on LinkedIn", "hr", "find candidates, plan succession",
         "hires", "employees", "content", "active", True),
        ("Employer brand page", "hr", "", "followers", "employees", "content", "active", True),
        ("Company page updates", "marketing", "", "engagement rate", "customers", "content", "active", True),
        ("Industry benchmark tracker", "competitive_intel", "track competitors and industry benchmarks",
         "", "employees", "content", "active", True),
        ("Social selling programme", "sales", "grow a professional network as CEO / entrepreneur",
         "pipeline", "customers", "collaboration", "active", True),
        ("Market commentary for press", "pr", "use real-time events that matter to the audience",
         "mentions", "customers", "content", "active", True),
        ("Client newsletter on LinkedIn", "marketing; sales", "prove thought leadership",
         "newsletter subscribers", "customers", "content", "active", True),
        ("Conference speaking", "events; leadership", "prove thought leadership",
         "meeting bookings", "customers; partners", "content", "active", True),
        ("Co-authored reports with partners", "marketing; pr", "prove thought leadership",
         "leads", "partners", "collaboration; content", "active", False),
        ("Alumni group", "hr", "", "referrals", "employees; partners", "collaboration", "active", False),
        ("Managing partner on X", "leadership", "", "retweets", "customers", "content", "active", True),
        ("Case study videos", "marketing", "market a new product or initiative", "views", "customers",
         "content", "paused", False),
        ("Public-sector bid support", "", "win public-sector clients", "", "customers", "", "idea", True),
    ],
    "memorials": [
        ("Facebook page posts", "marketing", "", "likes", "customers", "content", "active", True),
        ("Headstone gallery on Instagram", "marketing", "", "followers", "customers", "content", "active", True),
        ("Replies to Google reviews", "customer_service", "more referral and word-of-mouth traffic",
         "enquiries", "customers", "content", "active", True),
        ("Seasonal remembrance posts", "marketing", "", "brand love", "customers", "content", "active", True),
        ("Pinterest design boards", "marketing", "", "saves", "customers", "content", "active", False),
        ("Local Facebook ads", "marketing; sales", "market a new product or initiative",
         "CTR", "customers", "content", "active", True),
        ("Open-day announcement", "events; marketing", "buzz around an event; engage and track attendees",
         "", "customers", "content", "active", True),
        ("Carving videos", "marketing", "", "views", "customers", "content", "active", True),
        ("Family photo memorial wall", "marketing", "", "comments", "customers", "community", "paused", False),
        ("Funeral director updates", "sales", "", "", "partners", "content", "active", True),
        ("Next master carver search", "", "find candidates, plan succession", "", "employees", "", "idea", True),
        ("Price list posts", "marketing", "", "", "customers", "content", "retired", True),
        ("Memorial care tips", "marketing", "", "shares", "customers", "content", "active", True),
    ],
}

#: Who may own an initiative, by the first function it touches ("" for initiatives with none).
_OWNERS: dict[str, dict[str, list[str]]] = {
    "b2c_retail": {
        "marketing": ["Digital marketing lead", "Brand manager"], "sales": ["Store operations"],
        "pr": ["Communications lead"], "customer_service": ["Customer care manager"], "hr": ["People team"],
        "leadership": ["CEO office"], "internal_comms": ["People team", "Communications lead"],
        "competitive_intel": ["Merchandising analyst"], "events": ["Events manager"],
        "product": ["Product manager", "Head of community"], "": ["Head of community"],
    },
    "b2b_services": {
        "marketing": ["Marketing manager"], "sales": ["Business development"], "pr": ["Communications lead"],
        "hr": ["Talent team"], "leadership": ["Managing partner"], "competitive_intel": ["Research desk"],
        "events": ["Marketing manager", "Events coordinator"], "": ["Business development"],
    },
    "memorials": {
        "marketing": ["Owner", "Owner's daughter"], "sales": ["Owner"], "customer_service": ["Office manager"],
        "events": ["Owner's daughter"], "": ["Owner"],
    },
}


def generate(brand: Brand, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """The brand's ``initiatives.csv``: every core row, each optional row with probability 0.8,
    an owner drawn among those of the row's first function, in a shuffled order."""
    rows = _ROWS[brand.business_model]
    owners = _OWNERS[brand.business_model]
    keep = [r for r in rows if r[7] or rng.random() < 0.8]
    order = rng.permutation(len(keep))
    out = []
    for i in order:
        name, functions, goal, kpi, audience, norm, status, _ = keep[i]
        candidates = owners.get(functions.split(";")[0].strip(), owners[""])
        owner = candidates[int(rng.integers(len(candidates)))]
        out.append({"initiative": name, "functions": functions, "goal": goal, "owner": owner, "kpi": kpi,
                    "audience": audience, "norm": norm, "status": status})
    return {"initiatives.csv": pd.DataFrame(out, columns=list(COLUMNS["initiatives.csv"]))}

"""The 2020 IBN member survey (data/reference/survey_instrument_2020.md) as the default
questionnaire: its question names, the 11 effects in their three groups, and the profile
variables. The shipped XLSForm (surveys/data/ibn_survey_2020.xlsx) uses these names; the
analysis reads them from here.

Names:
- ``q1`` activity (select_one ja/nee: ``yes``/``no``)
- ``q2`` relevance (select_one 1–4)
- ``q3_e{n}`` wish for effect n (select_one 0/1/2), n in EFFECTS
- ``q5_e{n}`` realisation of effect n (select_one 0/1/2), relevant only when q3_e{n} > 0
- ``q6_e{n}`` contribution of the network to effect n (select_one 0/25/50/75/100),
  relevant only when q3_e{n} > 0
- ``q7_s{k}`` collaborative strength statements (select_one 1–4), k = 1..5
- ``q8_b{k}`` benefits (select_one 1–4), k = 1..6
- ``q9`` competitiveness (select_one: ``realised``, ``very_short``, ``within_3y``,
  ``longer``, ``no``, ``dont_know``)
- ``q10_p{k}`` future priorities (select_one 1–4), k = 1..9
- ``employees`` self-reported headcount (integer, optional: the registry's comes first)
"""

EFFECT_GROUPS = {
    "collaboration": (
        "innovatiegerichte en operationele samenwerking",
        "innovation-oriented and operational collaboration",
    ),
    "networking": ("informeren en netwerking", "information and networking"),
    "leverage": ("leverage", "leverage"),
}

#: effect number → group (the survey's own numbering)
EFFECTS = {
    1: "collaboration",
    2: "collaboration",
    3: "collaboration",
    4: "collaboration",
    5: "collaboration",
    9: "collaboration",
    6: "networking",
    7: "networking",
    8: "networking",
    10: "leverage",
    11: "leverage",
}

#: Q9 answers that expect a gain within three years (the report's "> 60 %").
Q9_WITHIN_3Y = ("realised", "very_short", "within_3y")

#: The four profile variables every result is crossed with, and their values.
PROFILES = {
    "call": ("1", "2"),
    "size": ("small", "medium_large"),  # < 50 employees vs ≥ 50
    "embedding": ("zelfstandig", "gevestigd"),
    "activity": ("active", "non_active"),  # from q1
}

#: Below this many respondents a cell is suppressed outside the evaluator's view.
MIN_CELL = 5


def wish(n: int) -> str:
    return f"q3_e{n}"


def realisation(n: int) -> str:
    return f"q5_e{n}"


def contribution(n: int) -> str:
    return f"q6_e{n}"

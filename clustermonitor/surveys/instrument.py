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

# The 2020 instrument's effects, their groups, the Q9 answers within three years, the
# profile variables and the smallest cell shown are defined once, in the analysis package
# (which imports nothing outside itself): analysis/survey.py.
from clustermonitor.analysis import survey as _analysis

EFFECT_GROUPS = _analysis.EFFECT_GROUPS
EFFECTS = _analysis.EFFECTS
Q9_WITHIN_3Y = _analysis.Q9_WITHIN_3Y
PROFILES = _analysis.PROFILES
MIN_CELL = _analysis.MIN_CELL


def wish(n: int) -> str:
    return f"q3_e{n}"


def realisation(n: int) -> str:
    return f"q5_e{n}"


def contribution(n: int) -> str:
    return f"q6_e{n}"

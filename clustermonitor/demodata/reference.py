"""Load the real 2020 portfolio (data/reference/): the programme's set-up
(clustermonitor.programmes.reference) and what the other apps keep of it, in one
transaction. See programmes/reference.py for the reading and checking of the files."""

from pathlib import Path

from django.db import transaction

from clustermonitor.collaborations.reference import load_intercluster
from clustermonitor.maturity.criteria_reference import load_criteria_sets
from clustermonitor.programmes.reference import (
    ACTOR,
    REFERENCE_DIR,
    LoadSummary,
    load_programme_reference,
)
from clustermonitor.programmes.table5_reference import load_table5
from clustermonitor.surveys.reference import load_questionnaire


@transaction.atomic
def load_reference(directory: Path = REFERENCE_DIR) -> LoadSummary:
    summary, data, programme = load_programme_reference(directory)
    load_intercluster(summary, data, programme)
    for label, written in (
        ("published figure", load_table5(programme, ACTOR, directory)),
        ("criteria set", load_criteria_sets(programme, ACTOR)),
        ("questionnaire", int(load_questionnaire(programme))),
    ):
        if written:
            summary.changed[label] = summary.changed.get(label, 0) + written
    return summary

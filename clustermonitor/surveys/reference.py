"""Reference data 2020 of the surveys: the 2020 member survey as the default
questionnaire."""

from clustermonitor.programmes.reference import ACTOR


def load_questionnaire(programme) -> bool:
    """The 2020 member survey as the default questionnaire; True when it was written."""
    from clustermonitor.surveys.models import Questionnaire
    from clustermonitor.surveys.services_forms import load_default_questionnaire

    before = Questionnaire.objects.filter(programme=programme).count()
    load_default_questionnaire(programme, ACTOR)
    return Questionnaire.objects.filter(programme=programme).count() > before

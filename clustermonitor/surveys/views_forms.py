"""Questionnaires (the evaluator's and the programme manager's): the list, uploading an
XLSForm, a questionnaire's page with its questions in Dutch and English, and the
stored XLSForm itself. Programme readers who may not manage surveys get 403,
everyone else 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clustermonitor.accounts import access
from clustermonitor.core import editing
from clustermonitor.programmes.models import Programme
from clustermonitor.surveys import services_forms, xlsform
from clustermonitor.surveys.forms_respond import text
from clustermonitor.surveys.models import Questionnaire

MANAGE = "surveys.manage_surveys"
VISIBLE = "surveys.view_results"


class UploadForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.all(), empty_label=None
    )
    xlsform = forms.FileField(
        label=gettext_lazy("XLSForm (.xlsx)"),
        help_text=gettext_lazy(
            "Title and version come from the settings sheet; labels in label::nl and label::en."
        ),
    )

    MAX_BYTES = 5 * 1024 * 1024  # docs/survey.md

    def clean_xlsform(self):
        upload = self.cleaned_data["xlsform"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": self.MAX_BYTES // 2**20}
            )
        return upload


@login_required
def questionnaire_list(request):
    access.check_surveys(request.user)
    questionnaires = Questionnaire.objects.select_related("programme", "created_by").order_by(
        "programme", "-created_at", "title"
    )
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "rows": [
                {
                    "questionnaire": q,
                    "questions": sum(1 for x in q.questions if x["type"] != "note"),
                    "pages": len(q.definition.get("groups", [])),
                }
                for q in questionnaires
            ]
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_upload(request):
    access.check_surveys(request.user)
    problems: list[str] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["xlsform"]
            try:
                questionnaire = services_forms.create_questionnaire(
                    editing.actor(request),
                    form.cleaned_data["programme"],
                    upload.read(),
                    upload.name,
                )
            except xlsform.XLSFormError as error:
                problems = error.messages
                intro = {
                    "pyxform": _("pyxform refused the form:"),
                    "subset": _("The form uses what the web questionnaire does not support:"),
                }.get(error.source, _("The file was refused:"))
                form.add_error("xlsform", intro)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("xlsform", message)
            else:
                messages.success(request, _("Saved: %(object)s") % {"object": questionnaire})
                for warning in questionnaire.definition.get("warnings", []):
                    messages.warning(request, warning)
                return redirect("surveys:questionnaire-detail", questionnaire.pk)
    else:
        form = UploadForm(initial={"programme": Programme.objects.order_by("pk").first()})
    return render(
        request,
        "surveys/questionnaire_upload.html",
        {"form": form, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
def questionnaire_detail(request, pk):
    questionnaire = access.questionnaire_for(request.user, Questionnaire.objects, pk)
    definition = questionnaire.definition
    by_name = {q["name"]: q for q in questionnaire.questions}
    pages = [
        {
            "group": group,
            "label": {lang: text(group.get("label"), lang) for lang in ("nl", "en")},
            "questions": [
                {
                    "q": by_name[name],
                    "nl": text(by_name[name].get("label"), "nl"),
                    "en": text(by_name[name].get("label"), "en"),
                    "choices": [
                        (c["name"], text(c.get("label"), "nl"), text(c.get("label"), "en"))
                        for c in by_name[name].get("choices", [])
                    ],
                }
                for name in group["questions"]
            ],
        }
        for group in definition.get("groups", [])
    ]
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "definition": definition,
            "pages": pages,
            "waves": questionnaire.waves.order_by("-opens_on"),
        },
    )


@login_required
def questionnaire_xlsform(request, pk):
    questionnaire = access.questionnaire_for(request.user, Questionnaire.objects, pk)
    if not questionnaire.xlsform:
        raise Http404
    try:
        handle = questionnaire.xlsform.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = questionnaire.xlsform.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)

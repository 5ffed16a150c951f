"""The one way a page edits a record: show the form; on a valid POST save it through
the audited service and go on."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clustermonitor.core import audit


def actor(request) -> audit.Actor:
    return audit.Actor(request.user, "web")


@transaction.atomic
def save_form(actor: audit.Actor, form):
    """Save a validated ModelForm's instance (and its many-to-many fields), audited."""
    instance = form.save(commit=False)
    m2m = {
        f.name: list(form.cleaned_data[f.name])
        for f in instance._meta.many_to_many
        if f.name in form.cleaned_data
    }
    audit.save(actor, instance, m2m=m2m, validate=False)
    return instance


def edit(
    request,
    form_class,
    *,
    instance=None,
    template="programmes/form.html",
    success_url,
    title,
    form_kwargs=None,
    context=None,
    save=None,
    cancel_url=None,
    initial=None,
):
    """`save(actor, form)` defaults to :func:`save_form` (audited)."""
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            saved = (save or save_form)(actor(request), form)
            messages.success(request, _("Saved: %(object)s") % {"object": saved})
            return redirect(success_url(saved) if callable(success_url) else success_url)
    else:
        form = form_class(instance=instance, initial=initial, **form_kwargs)
    if cancel_url is None:
        if callable(success_url):
            cancel_url = success_url(instance) if instance else reverse("programmes:portfolio")
        else:
            cancel_url = success_url
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "object": instance,
            "cancel_url": cancel_url,
            **(context or {}),
        },
    )

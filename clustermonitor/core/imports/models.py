"""The kept uploads of every import wizard (core.imports): a file on its way through
preview, mapping, dry run and commit, and the column mapping a cluster used last time.

Both models lived in `members` first; their tables keep the names they had there."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMapping(models.Model):
    """The column mapping a cluster used last time for a kind of import, to offer again."""

    cluster = models.ForeignKey("programmes.Cluster", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "members_importmapping"  # where it lived first; the table stays
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind"], name="unique_import_mapping")
        ]

    def __str__(self):
        return f"{self.kind} mapping of {self.cluster_id}"


class ImportBatch(models.Model):
    """An uploaded file on its way through preview, mapping, dry run and commit."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKED = "checked", _("checked (dry run)")
        COMMITTED = "committed", _("imported")
        CANCELLED = "cancelled", _("cancelled")

    cluster = models.ForeignKey("programmes.Cluster", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, default="members")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    full_list = models.BooleanField(
        _("this is the full member list"),
        default=False,
        help_text=_("Members missing from a full list are proposed for an end date."),
    )
    reference_date = models.DateField(_("member from (when the file gives no date)"))
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    report = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "members_importbatch"  # where it lived first; the table stays
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def _parsed_name(self) -> str:
        return f"{self.file.name}.table.json.gz"

    def keep_table(self, table) -> None:
        """Keep the table parsed at upload next to the file, so that preview, mapping,
        dry run and commit never parse the file again (core.tabular.dump_parsed)."""
        from django.core.files.base import ContentFile

        from clustermonitor.core import tabular

        storage = self.file.storage
        if storage.exists(self._parsed_name):
            storage.delete(self._parsed_name)
        storage.save(self._parsed_name, ContentFile(tabular.dump_parsed(table)))

    def table(self):
        """The parsed table; a batch from before the table was kept is parsed once now."""
        from clustermonitor.core import tabular

        storage = self.file.storage
        if storage.exists(self._parsed_name):
            with storage.open(self._parsed_name, "rb") as handle:
                return tabular.load_parsed(handle.read())
        with self.file.open("rb") as handle:
            table = tabular.read_table(handle.read(), self.original_name)
        self.keep_table(table)
        return table

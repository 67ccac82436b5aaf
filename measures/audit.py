"""An import is one recorded batch: who imported which file (name and SHA-256), and the counts.

Every historical row the import writes points at its batch (`history_batch`), and so does
every status update it adds (`import_batch`), authored by the importing user.
"""

import hashlib

from django.db import transaction

from ilo_tracker.audit import Source, recorded

from .importing import import_plan
from .models import ImportBatch


def import_recorded(parsed, content, *, user=None, **options):
    """`import_plan(parsed, **options)` as one batch, in the same transaction as the import.

    `content` is the workbook's bytes, as read: its checksum identifies the file.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            user=user, filename=parsed.filename, sha256=hashlib.sha256(content).hexdigest()
        )
        with recorded(Source.IMPORT, user=user, batch=batch):
            changes = import_plan(parsed, batch=batch, **options)
        batch.plan = changes.plan
        batch.counts = {kind: vars(count) for kind, count in changes.counts.items()}
        batch.save(update_fields=["plan", "counts"])
    return changes

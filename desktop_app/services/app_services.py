"""The services of one open database, built together (the Qt-free part of the composition root).

The core services are built at once; each feature area's service is a typed property built on
first use (its module imported then, so opening the GUI stays quick), each class taking this
`Services` object so it can reach the others.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app import paths
from desktop_app.services.attachments import AttachmentService
from desktop_app.services.evaluations import EvaluationService
from desktop_app.services.forms import FormService
from desktop_app.services.kits import KitService
from desktop_app.store.db import Store, open_store

if TYPE_CHECKING:
    from desktop_app.services.actions import ActionService
    from desktop_app.services.exports import ExportService
    from desktop_app.services.fieldwork_commitments import CommitmentService
    from desktop_app.services.fieldwork_terrain import TerrainService
    from desktop_app.services.fieldwork_workshops import WorkshopService
    from desktop_app.services.letters import LetterService
    from desktop_app.services.questionnaires import QuestionnaireService
    from desktop_app.services.sync import SyncService
    from desktop_app.services.synthesis_councils import CouncilService
    from desktop_app.services.synthesis_maturity import MaturityService
    from desktop_app.services.synthesis_referentiel import ReferentielService
    from desktop_app.services.trash import TrashService


class Services:
    def __init__(self, store: Store, forms_dir: Path | None = None, attachments_dir: Path | None = None):
        self.store = store
        self.kits = KitService(store, forms_dir)
        self.evaluations = EvaluationService(store, self.kits)
        self.forms = FormService(store, self.kits)
        self.attachments = AttachmentService(store, attachments_dir)

    @classmethod
    def open(cls, target: str | Path | None = None, forms_dir: Path | None = None, attachments_dir: Path | None = None) -> Services:
        store = open_store(target or paths.default_db_path(), backup_dir=paths.backup_dir())
        services = cls(store, forms_dir, attachments_dir)
        services.kits.upgrade_legacy()  # evaluations of a kit from before tool roles (as migrations do for tables)
        return services

    # -- the feature areas, built on first use --------------------------------------------------
    @cached_property
    def actions(self) -> ActionService:
        from desktop_app.services.actions import ActionService

        return ActionService(self)

    @cached_property
    def workshops(self) -> WorkshopService:
        from desktop_app.services.fieldwork_workshops import WorkshopService

        return WorkshopService(self)

    @cached_property
    def terrain(self) -> TerrainService:
        from desktop_app.services.fieldwork_terrain import TerrainService

        return TerrainService(self)

    @cached_property
    def commitments(self) -> CommitmentService:
        from desktop_app.services.fieldwork_commitments import CommitmentService

        return CommitmentService(self)

    @cached_property
    def questionnaires(self) -> QuestionnaireService:
        from desktop_app.services.questionnaires import QuestionnaireService

        return QuestionnaireService(self)

    @cached_property
    def referentiel(self) -> ReferentielService:
        from desktop_app.services.synthesis_referentiel import ReferentielService

        return ReferentielService(self)

    @cached_property
    def councils(self) -> CouncilService:
        from desktop_app.services.synthesis_councils import CouncilService

        return CouncilService(self)

    @cached_property
    def maturity(self) -> MaturityService:
        from desktop_app.services.synthesis_maturity import MaturityService

        return MaturityService(self)

    @cached_property
    def letters(self) -> LetterService:
        from desktop_app.services.letters import LetterService

        return LetterService(self)

    @cached_property
    def exports(self) -> ExportService:
        from desktop_app.services.exports import ExportService

        return ExportService(self)

    @cached_property
    def sync(self) -> SyncService:
        from desktop_app.services.sync import SyncService

        return SyncService(self)

    @cached_property
    def trash(self) -> TrashService:
        from desktop_app.services.trash import TrashService

        return TrashService(self)

    @cached_property
    def device_id(self) -> str:
        return self.evaluations.device_id

    def close(self) -> None:
        self.store.dispose()

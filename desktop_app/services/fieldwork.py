"""The participatory fieldwork (`services.fieldwork`): workshops and working groups, immersions,
testimonies and free contributions, the commitments tracker and the synthesis.

Built from three parts kept in their own modules (workshops, terrain, commitments); the GUI, the
CLI, the demo and the Excel export use this one class.
"""

from __future__ import annotations

from desktop_app.services.fieldwork_commitments import CommitmentData, CommitmentsMixin, ImportReport
from desktop_app.services.fieldwork_terrain import ImmersionData, TerrainMixin, TestimonyData
from desktop_app.services.fieldwork_workshops import WorkingGroupData, WorkshopData, WorkshopsMixin

__all__ = [
    "FieldworkService",
    "WorkshopData",
    "WorkingGroupData",
    "ImmersionData",
    "TestimonyData",
    "CommitmentData",
    "ImportReport",
]


class FieldworkService(WorkshopsMixin, TerrainMixin, CommitmentsMixin):
    """Use cases of the Ateliers and Terrain steps; takes the `Services` of the open database."""

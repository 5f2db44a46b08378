"""Sync words the screens show, light enough for the window's first phase (no store, no
SQLAlchemy): the privacy levels of a bundle and the file-name form of a title. Re-exported from
the sync engine so that the UI reaches sync only through the services."""

from __future__ import annotations

from desktop_app.sync.privacy import COMPLETE, PSEUDONYMISED, describe

__all__ = ["COMPLETE", "PSEUDONYMISED", "describe", "slug"]


def slug(text: str) -> str:
    """A title as it may stand in a file name (`sync.folder.slug`, imported on first use)."""
    from desktop_app.sync.folder import slug as folder_slug

    return folder_slug(text)

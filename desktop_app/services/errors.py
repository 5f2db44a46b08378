"""The services' error and change values, defined one layer down in `desktop_app.core.errors`
(exporters and the sync engine raise them too) and re-exported here for the services' callers."""

from desktop_app.core.errors import Change, NotFound, ServiceError, is_user_facing

__all__ = ["Change", "NotFound", "ServiceError", "is_user_facing"]

"""Domain errors: services raise these; the UI shows their message, the API maps them to codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation. `code` is stable; `message` is for people."""

    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(
        self, message: object | None = None, *, fields: dict[str, list[str]] | None = None
    ):
        self.message = str(message if message is not None else self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class NotPermitted(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this here.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class InvalidInput(DomainError):
    code = "invalid"
    status = 400
    default_message = _("Some fields are not valid.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("The object changed in the meantime; reload and try again.")

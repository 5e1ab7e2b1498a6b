from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gongzhi.accounts.models import User
from gongzhi.core.validators import MAINLAND_MOBILE


class UsernameOrPhoneBackend(ModelBackend):
    """Log in with a username or a mainland mobile number, and a password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        login = username.strip()
        field = "phone" if MAINLAND_MOBILE.match(login) else "username"
        try:
            user = User.objects.get(**{field: login})
        except User.DoesNotExist:
            # Spend the hashing time anyway so the response time does not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

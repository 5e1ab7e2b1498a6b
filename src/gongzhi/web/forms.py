from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import NotificationChannel


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class NotificationPreferencesForm(forms.Form):
    """One checkbox per kind of notification and outbound channel ("<channel>:<kind>")."""

    def __init__(self, *args: Any, kinds: dict[str, Any], wanted: dict[str, set[str]], **kw: Any):
        super().__init__(*args, **kw)
        self.kinds = kinds
        self.channels = list(NotificationChannel.choices)
        for channel, channel_label in self.channels:
            for kind, kind_label in kinds.items():
                self.fields[f"{channel}:{kind}"] = forms.BooleanField(
                    label=_("%(kind)s by %(channel)s")
                    % {"kind": kind_label, "channel": channel_label},
                    required=False,
                    initial=kind in wanted.get(channel, set()),
                )

    def rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """For the table: each kind with its channels' checkboxes, in the columns' order."""
        return [
            (label, [self[f"{channel}:{kind}"] for channel, _l in self.channels])
            for kind, label in self.kinds.items()
        ]

    def wanted(self) -> dict[str, set[str]]:
        return {
            channel: {kind for kind in self.kinds if self.cleaned_data.get(f"{channel}:{kind}")}
            for channel, _l in self.channels
        }

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.accounts.selectors import person_contact
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Ids are 64-bit; a larger number is refused here rather than overflowing in the database.
MAX_ID = 2**63 - 1


def place_id_field(help_text: StrOrPromise) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


class PlaceFilterSerializer(serializers.Serializer):
    """Query parameters of the place list."""

    # A field named "parent" on purpose (the parameter's name); DRF pops declared fields off
    # the class, so it does not shadow Field.parent.
    parent = place_id_field(_("Only the children of this place (its id)."))  # type: ignore[assignment]
    under = place_id_field(_("Only this place and everything under it (its id)."))
    level = serializers.ChoiceField(
        choices=PlaceLevel.choices, required=False, help_text=_("Only places of this level.")
    )
    code = serializers.CharField(
        required=False, max_length=20, help_text=_("Only the place with this official code.")
    )


class UnderFilterSerializer(serializers.Serializer):
    under = place_id_field(_("Only those at this place or under it (its id)."))


class PlaceSerializer(serializers.ModelSerializer[Place]):
    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "official_name",
            "level",
            "code",
            "code_system",
            "code_year",
            "parent",
            "depth",
            "latitude",
            "longitude",
            "address",
        ]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    place_name = serializers.CharField(source="place.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "place", "place_name", "phone"]


class GrantSerializer(serializers.ModelSerializer[RoleGrant]):
    place_name = serializers.CharField(source="place.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "role", "place", "place_name", "verified"]


class MeSerializer(serializers.ModelSerializer[User]):
    grants = GrantSerializer(many=True, read_only=True)
    units = UnitSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone", "email", "grants", "units"]


class PersonSerializer(serializers.ModelSerializer[User]):
    """A person as a staff member sees them: name and phone masked unless they may call them.

    Needs the request in its context (the viewer). `grants` are those the viewer may see
    (person_list prefetches only those).
    """

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone", "grants"]

    def _contact(self, obj: User) -> dict[str, str]:
        return person_contact(viewer=self.context["request"].user, person=obj)

    @extend_schema_field(str)
    def get_name(self, obj: User) -> str:
        return self._contact(obj)["name"]

    @extend_schema_field(str)
    def get_phone(self, obj: User) -> str:
        return self._contact(obj)["phone"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, help_text=_("Username or mainland mobile number.")
    )
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, write_only=True
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_('Send it in the header "Authorization: Token <token>".')
    )

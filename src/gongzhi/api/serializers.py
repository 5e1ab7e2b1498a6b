from __future__ import annotations

from typing import Any

from rest_framework import serializers

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.places.models import Place


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
    """A person as a staff member sees them: name and phone masked unless they may call them."""

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone", "grants"]

    def _contact(self, obj: User) -> dict[str, str]:
        contacts: dict[int, dict[str, str]] = self.context["contacts"]
        return contacts[obj.pk]

    def get_name(self, obj: User) -> str:
        return self._contact(obj)["name"]

    def get_phone(self, obj: User) -> str:
        return self._contact(obj)["phone"]

    def to_representation(self, instance: User) -> dict[str, Any]:
        return super().to_representation(instance)

"""API shapes of the duty app: input serializers parse, output serializers present."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongzhi.core import permissions
from gongzhi.core.masking import mask_phone
from gongzhi.duty.choices import DutyRole, VolunteerKind
from gongzhi.duty.models import (
    Roster,
    RosterMember,
    ServiceRecord,
    Shift,
    ShiftAssignment,
    SwapRequest,
    Volunteer,
)

# ---------------------------------------------------------------- output


class PersonRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer[RosterMember]):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.get_full_name")

    class Meta:
        model = RosterMember
        fields = ["id", "user", "name", "role", "position", "is_active"]


class RosterSerializer(serializers.ModelSerializer[Roster]):
    place = serializers.IntegerField(source="place_id")
    place_name = serializers.CharField(source="place.name")

    class Meta:
        model = Roster
        fields = ["id", "name", "place", "place_name", "is_active", "created_at"]


class RosterDetailSerializer(RosterSerializer):
    members = serializers.SerializerMethodField()

    class Meta(RosterSerializer.Meta):
        fields = [*RosterSerializer.Meta.fields, "members"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, obj: Roster) -> Any:
        return MemberSerializer(self.context["members"], many=True).data


class AssignmentSerializer(serializers.ModelSerializer[ShiftAssignment]):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.get_full_name")

    class Meta:
        model = ShiftAssignment
        fields = ["user", "name"]


class ShiftSerializer(serializers.ModelSerializer[Shift]):
    roster = serializers.IntegerField(source="roster_id")
    people = AssignmentSerializer(source="assignments", many=True, read_only=True)
    gap = serializers.SerializerMethodField(help_text="Fewer people than the shift needs.")

    class Meta:
        model = Shift
        fields = [
            "id",
            "roster",
            "date",
            "start_time",
            "end_time",
            "starts_at",
            "ends_at",
            "slots",
            "note",
            "people",
            "gap",
        ]

    def get_gap(self, obj: Shift) -> bool:
        filled = getattr(obj, "filled", None)
        return (filled if filled is not None else obj.assignments.count()) < obj.slots


class GapSerializer(serializers.ModelSerializer[Shift]):
    roster = serializers.IntegerField(source="roster_id")
    place_name = serializers.CharField(source="roster.place.name")
    filled = serializers.IntegerField()

    class Meta:
        model = Shift
        fields = ["id", "roster", "place_name", "date", "start_time", "end_time", "slots", "filled"]


class SwapSerializer(serializers.ModelSerializer[SwapRequest]):
    class Meta:
        model = SwapRequest
        fields = [
            "id",
            "shift",
            "requester",
            "counterparty",
            "counter_shift",
            "state",
            "note",
            "created_at",
            "decided_at",
        ]


class OnDutySerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = serializers.IntegerField()
    at = serializers.DateTimeField()
    people = PersonRefSerializer(many=True, help_text="Names masked unless you see the rosters.")


class VolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    """A registry entry as staff see it: the phone masked unless they may call people."""

    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.get_full_name")
    phone = serializers.SerializerMethodField()
    community = serializers.IntegerField(source="community_id")

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "user",
            "name",
            "phone",
            "community",
            "kind",
            "organisation",
            "skills",
            "availability",
            "weekdays",
            "is_active",
            "registered_at",
        ]

    def get_phone(self, obj: Volunteer) -> str:
        viewer = self.context["request"].user
        if permissions.has_perm(viewer, "person.view_contact", obj.community):
            return obj.user.phone or ""
        return mask_phone(obj.user.phone)


class ServiceRecordSerializer(serializers.ModelSerializer[ServiceRecord]):
    name = serializers.CharField(source="volunteer.user.get_full_name")
    community = serializers.IntegerField(source="community_id")

    class Meta:
        model = ServiceRecord
        fields = ["id", "volunteer", "name", "community", "date", "hours", "activity", "state"]


class TotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateField()
    end = serializers.DateField()
    by_community = serializers.ListField(child=serializers.DictField())
    by_person = serializers.ListField(child=serializers.DictField())


# ---------------------------------------------------------------- input


class PlaceParamSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = serializers.IntegerField(help_text="A place id.")


class PeriodParamSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and (end < start or (end - start).days > 366):
            raise serializers.ValidationError({"end": ["Choose a period of at most a year."]})
        return attrs


class TotalsParamSerializer(PeriodParamSerializer):
    community = serializers.IntegerField(required=False)


class RosterCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = serializers.IntegerField()
    name = serializers.CharField(max_length=100)


class MemberAddSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user = serializers.IntegerField()
    role = serializers.ChoiceField(choices=DutyRole.choices)


class TimeRangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.TimeField()
    end = serializers.TimeField(help_text="At or before `start`: the shift runs overnight.")


class GenerateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateField()
    end = serializers.DateField()
    times = TimeRangeSerializer(many=True)
    skip_days_off = serializers.BooleanField(default=True)
    slots = serializers.IntegerField(min_value=1, max_value=20, default=1)


class ShiftCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    slots = serializers.IntegerField(min_value=1, max_value=20, default=1)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ShiftEditSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user = serializers.IntegerField(help_text="The person to assign / unassign / put in.")
    old = serializers.IntegerField(required=False, help_text="Replace: the person taken off.")


class SwapCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    shift = serializers.IntegerField(help_text="Your shift.")
    counterparty = serializers.IntegerField()
    counter_shift = serializers.IntegerField(
        required=False, allow_null=True, help_text="Their shift, for an exchange."
    )
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class VolunteerCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    user = serializers.IntegerField()
    community = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=VolunteerKind.choices)
    organisation = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )
    skills = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    availability = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), required=False, default=list
    )


class ServiceRecordCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    volunteer = serializers.IntegerField()
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    activity = serializers.CharField(max_length=200)

"""The notification centre over the API: the caller's notifications (keyset pages), marking them
read, and which kinds each outbound channel carries. Thin over core.notifications."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from gongzhi.api.schema import Documented, error_response
from gongzhi.api.serializers import MAX_ID
from gongzhi.api.views import query_params
from gongzhi.core import notifications
from gongzhi.core.models import Notification, NotificationChannel


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationFilterSerializer(serializers.Serializer[Any]):
    unread = serializers.BooleanField(required=False, default=False, help_text="Unread only.")
    after = serializers.IntegerField(
        required=False, min_value=1, help_text="The `id` of the last notification seen (keyset)."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=30)


class NotificationPageSerializer(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    unread_count = serializers.IntegerField()
    results = NotificationSerializer(many=True)


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="The notifications to mark read; leave out to mark all of them read.",
    )


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class KindSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    name = serializers.CharField()


class PreferencesSerializer(serializers.Serializer[Any]):
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Outbound channel (`email`, `sms`, `wechat`) → the kinds sent there. In-app "
        "notifications are always kept. A channel left out or empty is switched off.",
    )
    kinds = KindSerializer(many=True, read_only=True)


def _preferences_data(user: Any) -> dict[str, Any]:
    wanted = notifications.notification_preferences(user=user)
    return {
        "channels": {c: sorted(wanted[c]) for c in NotificationChannel.values},
        "kinds": [{"kind": k, "name": str(label)} for k, label in notifications.KINDS.items()],
    }


class NotificationList(Documented, APIView):
    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications",
        description="Newest first (or unread only), with the unread count. Follow `next` for "
        "more: keyset pages, one query each.",
        parameters=[NotificationFilterSerializer],
        responses={
            200: NotificationPageSerializer,
            400: error_response(400),
            401: error_response(401),
        },
    )
    def get(self, request: Request) -> Response:
        params = query_params(NotificationFilterSerializer, request)
        page = notifications.notification_list(
            user=request.user,
            unread_only=params["unread"],
            after=params.get("after"),
            size=params["page_size"],
        )
        next_url = None
        if page.next_after is not None:
            next_url = replace_query_param(request.build_absolute_uri(), "after", page.next_after)
        return Response(
            {
                "next": next_url,
                "unread_count": notifications.unread_count(request.user),
                "results": NotificationSerializer(page.items, many=True).data,
            }
        )


class NotificationsMarkRead(Documented, APIView):
    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark notifications read",
        description="The given ones (others' ids are ignored), or all of yours.",
        request=MarkReadSerializer,
        responses={
            200: MarkedSerializer,
            400: error_response(400),
            401: error_response(401),
            403: error_response(403),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        marked = notifications.notifications_mark_read(user=request.user, ids=ids)
        return Response(
            {"marked": marked, "unread_count": notifications.unread_count(request.user)}
        )


class NotificationPreferences(Documented, APIView):
    @extend_schema(
        operation_id="notification_preferences_get",
        summary="Which kinds of notification each channel carries",
        responses={200: PreferencesSerializer, 401: error_response(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(_preferences_data(request.user))

    @extend_schema(
        operation_id="notification_preferences_set",
        summary="Choose which kinds of notification each channel carries",
        description="Replaces the choice for every outbound channel (audited). Unknown channels "
        "or kinds: 400 with the field at fault.",
        request=PreferencesSerializer,
        responses={
            200: PreferencesSerializer,
            400: error_response(400),
            401: error_response(401),
            403: error_response(403),
        },
    )
    def put(self, request: Request) -> Response:
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channels = serializer.validated_data["channels"]
        notifications.notification_preferences_set(
            actor=request.user, wanted={c: set(kinds) for c, kinds in channels.items()}
        )
        return Response(_preferences_data(request.user))

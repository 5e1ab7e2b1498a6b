from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def floor(request: HttpRequest) -> JsonResponse:
    """The floor: the least a write request can cost here — parse, insert one row, answer."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (body) VALUES (%s)", [request.body.decode()[:200]])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/floor/", floor), path("", include("gongzhi.urls"))]

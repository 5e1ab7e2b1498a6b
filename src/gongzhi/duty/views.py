"""Duty pages: who is on duty, the on-duty inbox, rosters for staff, my shifts and hours."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def my_shifts(request: HttpRequest) -> HttpResponse:
    return render(request, "duty/my_shifts.html", {})

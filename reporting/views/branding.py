"""Settings › Branding: the practice's logo and colours, on every pack's cover and headings."""

import base64

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from atlasos.accounts.decorators import partner_required
from reporting.forms import BrandingForm
from reporting.models import Branding


@partner_required
@require_http_methods(["GET", "POST"])
def branding(request: HttpRequest) -> HttpResponse:
    current = Branding.objects.first() or Branding()
    form = BrandingForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Branding saved: the next packs rendered use it.")
        return redirect("reporting:branding")
    logo = ""
    if current.logo:
        logo = f"data:{current.logo_type};base64,{base64.b64encode(bytes(current.logo)).decode()}"
    return render(
        request,
        "reporting/branding.html",
        {"nav": "settings", "form": form, "branding": current, "logo": logo},
        status=400 if form.errors else 200,
    )

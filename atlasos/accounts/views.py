from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from atlasos import clock
from atlasos.accounts import services
from atlasos.accounts.access import access_invitation, access_member
from atlasos.accounts.decorators import partner_required
from atlasos.accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    PracticeSettingsForm,
    RoleForm,
)
from atlasos.accounts.models import STAFF_ROLE_CHOICES, Invitation, Role
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.routes import public

User = get_user_model()


@partner_required
def team(request: HttpRequest) -> HttpResponse:
    members = User.objects.staff_of(request.user.practice_id).order_by("-is_active", "full_name")
    invitations = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    counts = members.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        partners=Count("pk", filter=Q(is_active=True, role=Role.PARTNER)),
    )
    return render(
        request,
        "accounts/team.html",
        {
            "members": members,
            "invitations": invitations,
            "counts": counts,
            "invite_form": InviteForm(),
            "role_choices": STAFF_ROLE_CHOICES,
            "nav": "settings",
        },
    )


@partner_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_member(
                practice=request.user.practice,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                full_name=form.cleaned_data["full_name"],
            )
        except services.TeamError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("team")
    return render(request, "accounts/team_invite.html", {"form": form, "nav": "settings"})


@partner_required
@reauthentication_required
@require_POST
def team_member_role(request: HttpRequest, code) -> HttpResponse:
    member = access_member(request, code)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["role"][0])
        return redirect("team")
    try:
        services.change_role(member, form.cleaned_data["role"])
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member} is now {member.get_role_display().lower()}.")
    return redirect("team")


@partner_required
@reauthentication_required
@require_POST
def team_member_deactivate(request: HttpRequest, code) -> HttpResponse:
    member = access_member(request, code)
    try:
        services.deactivate_member(member)
    except services.TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member} can no longer sign in. Their history stays.")
    return redirect("team")


@partner_required
@reauthentication_required
@require_POST
def team_member_reactivate(request: HttpRequest, code) -> HttpResponse:
    member = access_member(request, code)
    services.reactivate_member(member)
    messages.success(request, f"{member} can sign in again.")
    return redirect("team")


@partner_required
@require_POST
def team_invitation_revoke(request: HttpRequest, code) -> HttpResponse:
    invitation = access_invitation(request, code)
    if invitation.is_pending:
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=clock.now())
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("team")


@public("an invited person has no account yet; the single-use token in the link is the key")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    problem = None
    if invitation is None:
        problem = "This invitation link is not valid. Check that you copied all of it."
    elif invitation.state != "pending":
        problem = {
            "accepted": "This invitation has already been used. Sign in with your email and "
            "password.",
            "revoked": "This invitation was withdrawn. Ask your practice to invite you again.",
            "expired": "This invitation has expired. Ask your practice to invite you again.",
        }[invitation.state]
    if problem:
        return render(
            request,
            "accounts/invitation_problem.html",
            {"problem": problem},
            status=410 if invitation else 404,
        )
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.TeamError as exc:
            return render(
                request, "accounts/invitation_problem.html", {"problem": exc.message}, status=410
            )
        with practice_context(user.practice_id):
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        messages.success(request, f"Welcome to {invitation.practice.name}.")
        return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@partner_required
@require_http_methods(["GET", "POST"])
def practice_settings(request: HttpRequest) -> HttpResponse:
    practice = request.user.practice
    form = PracticeSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Practice settings saved.")
        return redirect("practice_settings")
    return render(request, "accounts/practice_settings.html", {"form": form, "nav": "settings"})

from django.urls import path

from atlasos.accounts import views

urlpatterns = [
    path("settings/team/", views.team, name="team"),
    path("settings/team/invite/", views.team_invite, name="team_invite"),
    path("settings/team/<member:code>/role/", views.team_member_role, name="team_member_role"),
    path(
        "settings/team/<member:code>/deactivate/",
        views.team_member_deactivate,
        name="team_member_deactivate",
    ),
    path(
        "settings/team/<member:code>/reactivate/",
        views.team_member_reactivate,
        name="team_member_reactivate",
    ),
    path(
        "settings/invitations/<invitation:code>/revoke/",
        views.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
    path("settings/practice/", views.practice_settings, name="practice_settings"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

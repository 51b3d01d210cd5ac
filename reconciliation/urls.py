from django.urls import path

from reconciliation.views import imports, moves, rules, workspace

app_name = "reconciliation"

R = "reconciliations/<reconciliation:code>/"

urlpatterns = [
    path(
        "bank-accounts/<bank_account:code>/reconcile/",
        workspace.open_account,
        name="open",
    ),
    path(R, workspace.workspace, name="workspace"),
    path(R + "upload/", imports.upload, name="upload"),
    path(R + "import/", imports.import_document, name="import"),
    path(R + "match/", moves.run_matcher, name="run_matcher"),
    path(R + "accept-above/", moves.accept_above, name="accept_above"),
    path(R + "match-by-hand/", moves.match_by_hand, name="match_by_hand"),
    path(R + "balances/", moves.balances, name="balances"),
    path("reconciliation-lines/<recon_line:code>/explain/", moves.explain, name="explain"),
    path("reconciliation-lines/<recon_line:code>/ask/", moves.ask, name="ask"),
    path(R + "finish/", moves.finish, name="finish"),
    path(R + "sign-off/", moves.sign_off, name="sign_off"),
    path(R + "reopen/", moves.reopen, name="reopen"),
    path("reconciliation-matches/<recon_match:code>/accept/", moves.accept, name="accept"),
    path("reconciliation-matches/<recon_match:code>/reject/", moves.reject, name="reject"),
    path("reconciliation-matches/<recon_match:code>/unmatch/", moves.unmatch, name="unmatch"),
    path("clients/<client:code>/matching-rules/", rules.matching_rules, name="rules"),
]

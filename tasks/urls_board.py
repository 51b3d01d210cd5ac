from django.urls import path

from tasks import views_board

urlpatterns = [
    path("board/", views_board.board_view, name="board"),
    path("board/kanban/", views_board.kanban_view, name="kanban"),
]

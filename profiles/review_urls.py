from django.urls import path

from profiles.views import editing, review

app_name = "review"

urlpatterns = [
    path("", review.queue, name="queue"),
    path("mine/", review.my_requests, name="mine"),
    path("<int:pk>/", review.detail, name="detail"),
    path("<int:pk>/decide/", review.decide, name="decide"),
    path("<int:pk>/claim/", review.claim, name="claim"),
    path("<int:pk>/release/", review.release, name="release"),
    path("<int:pk>/comment/", review.comment, name="comment"),
    path("<int:pk>/edit/", editing.edit_change_request, name="edit"),
    path("<int:pk>/withdraw/", editing.withdraw, name="withdraw"),
]

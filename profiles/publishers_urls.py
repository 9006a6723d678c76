from django.urls import path

from profiles.views import publishers as views

app_name = "publishers"

urlpatterns = [
    path("", views.publisher_list, name="list"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/decide/", views.decide_grade, name="decide"),
    path("<int:pk>/", views.publisher_detail, name="detail"),
    path("<int:pk>/grade/", views.propose_grade, name="propose"),
]

from django.urls import path

from . import views, views_queues, views_sharing

app_name = "issues"
urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("new/", views.ticket_submit_view, name="create"),
    path("search/enterprises/", views.enterprise_search_view, name="search-enterprises"),
    path("<int:pk>/", views.ticket_detail_view, name="detail"),
    path("<int:pk>/act/", views.ticket_action_view, name="act"),
    path("<int:pk>/slip/", views.ticket_slip_view, name="slip"),
    path("<int:pk>/attach/", views.attachment_upload_view, name="attach"),
    path("files/<int:pk>/", views.attachment_download_view, name="attachment"),
    path("rate/<str:token>/", views.rating_link_view, name="rate-link"),
    path("groups/", views.groups_view, name="groups"),
    path("callbacks/", views.callbacks_view, name="callbacks"),
    path("bulk-assign/", views.bulk_assign_view, name="bulk-assign"),
    path("meetings/<int:pk>/", views.meeting_view, name="meeting"),
    path("groups/<int:pk>/waiting/", views_queues.group_waiting_view, name="group-waiting"),
    path("groups/standing/waiting/", views_queues.standing_waiting_view, name="standing-waiting"),
    path("<int:pk>/share/", views_sharing.ticket_share_view, name="share"),
    path("<int:pk>/revoke-grant/", views_sharing.grant_revoke_view, name="revoke-grant"),
    path("search/grantees/", views_sharing.grantee_search_view, name="search-grantees"),
]

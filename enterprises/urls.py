from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("export.xlsx", views.enterprise_export_view, name="export"),
    path("import/", views.enterprise_import_view, name="import"),
    path("import/template.xlsx", views.enterprise_template_view, name="import-template"),
    path("<int:pk>/", views.enterprise_detail_view, name="detail"),
]

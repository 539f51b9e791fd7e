from django.urls import path

from . import views

app_name = "assignments"
urlpatterns = [
    path("", views.assignment_list_view, name="list"),
    path("new/", views.assignment_create_view, name="create"),
    path("<int:pk>/end/", views.assignment_end_view, name="end"),
    path("export.xlsx", views.assignment_export_view, name="export"),
    path("import/", views.assignment_import_view, name="import"),
    path("import/template.xlsx", views.assignment_template_view, name="import-template"),
    path("search/cadres/", views.cadre_search_view, name="search-cadres"),
    path("search/enterprises/", views.enterprise_search_view, name="search-enterprises"),
    path("search/projects/", views.project_search_view, name="search-projects"),
    path("mine/", views.my_assignments_view, name="mine"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("coverage/uncovered/", views.uncovered_view, name="uncovered"),
]

from django.urls import path

from . import plan_report, views

app_name = "reports"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("mau-mac-dinh.docx", views.default_template_view, name="default_template"),
    path("mau/<str:code>/", views.templates_view, name="templates"),
    path(
        "mau/<str:code>/<int:template_id>/ngung/", views.template_deactivate_view, name="template_deactivate"
    ),
    path("tong-quan/<str:code>/", views.dashboard_view, name="dashboard"),
    path("tong-quan/<str:code>/khung/", views.panel_view, name="panel"),
    path("tong-quan/<str:code>/bieu-do/", views.charts_view, name="dashboard_charts"),
    path("viec/<int:job_id>/", views.job_view, name="job"),
    path("viec/<int:job_id>/tai/", views.job_download_view, name="job_download"),
    path("ke-hoach/<int:plan_id>/", plan_report.plan_report_view, name="plan"),
    path("ke-hoach/<int:plan_id>/tai.<str:fmt>", plan_report.plan_download_view, name="plan_download"),
    path("<str:kind>/<str:code>/", views.detail_view, name="detail"),
    path("<str:kind>/<str:code>/tai.<str:fmt>", views.download_view, name="download"),
]

from django.urls import include, path

from api.v1 import hr

urlpatterns = [
    path("learner/", include("api.v1.learner.urls")),
    path("compliance/", include("api.v1.compliance.urls")),
    path("reminders/", include("api.v1.reminders.urls")),
    path("", include("api.v1.reporting.urls")),
    path("fairness/", include("api.v1.fairness.urls")),
    path("hr/people/", hr.PersonListView.as_view(), name="hr-people"),
    path("hr/people/import/", hr.PeopleImportView.as_view(), name="hr-people-import"),
    path("hr/people/<str:staff_number>/", hr.PersonDetailView.as_view(), name="hr-person"),
    path("hr/units/", hr.UnitListView.as_view(), name="hr-units"),
    path("hr/units/import/", hr.UnitsImportView.as_view(), name="hr-units-import"),
    path("hr/absences/import/", hr.AbsencesImportView.as_view(), name="hr-absences-import"),
    path("imports/<int:pk>/", hr.ImportJobView.as_view(), name="import-job"),
]

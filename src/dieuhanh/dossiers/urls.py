"""One-stop pages. Each part keeps its own routes: the dossier register and actions
(`views`), the import pages (`import_views`) and the statistics pages (`stats_views`)."""

from dieuhanh.dossiers import import_views, stats_views, views

# The fixed pages first, so that a dossier code (any text, slashes included) never shadows them.
urlpatterns = [*import_views.urlpatterns, *stats_views.urlpatterns, *views.urlpatterns]

from clustermonitor.surveys.urls_analysis import urlpatterns as analysis_urls
from clustermonitor.surveys.urls_forms import urlpatterns as forms_urls
from clustermonitor.surveys.urls_waves import urlpatterns as waves_urls

app_name = "surveys"

urlpatterns = [*forms_urls, *waves_urls, *analysis_urls]

from ninja import NinjaAPI

from clustermonitor.activities.api import router as activities_router
from clustermonitor.api.auth import AUTH
from clustermonitor.collaborations.api import router as collaborations_router
from clustermonitor.members.api import router as members_router
from clustermonitor.monitoring.api import router as monitoring_router
from clustermonitor.programmes.api import router as programmes_router

api = NinjaAPI(
    title="clustermonitor API",
    version="1",
    description=(
        "Read access to the cluster programme with the same permissions as the web "
        "interface. Authenticate with `Authorization: Bearer <token>`; create a token on "
        "your profile page or with `clustermonitor createtoken`."
    ),
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("/", programmes_router)
api.add_router("/", members_router)
api.add_router("/", activities_router)
api.add_router("/", collaborations_router)
api.add_router("/", monitoring_router)

"""The /api/ of clustermonitor: one NinjaAPI with every app's router (docs/api.md). It sits
beside urls.py, above the apps, so that no app imports the apps above it to serve them."""

from ninja import NinjaAPI

from clustermonitor.activities.api import router as activities_router
from clustermonitor.api.auth import AUTH
from clustermonitor.collaborations.api import router as collaborations_router
from clustermonitor.impact.api import router as impact_router
from clustermonitor.members.api import router as members_router
from clustermonitor.members.api_public import router as public_router
from clustermonitor.monitoring.api import router as monitoring_router
from clustermonitor.portal.api_public import router as figures_router
from clustermonitor.programmes.api import router as programmes_router

#: The errors every operation can answer with, as ninja writes them: `{"detail": ...}`
#: (a message, or for 422 the list of parameters that failed validation and why).
ERROR_RESPONSES = {
    400: "The request cannot be carried out; `detail` says why.",
    401: "No valid token (or session).",
    403: "The caller may read the object but not do this.",
    404: "No such object, or not one the caller may see.",
    422: "A parameter is missing, of the wrong type or out of range; `detail` lists them.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "array"}]}},
    "required": ["detail"],
}


class ClusterMonitorAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Ninja documents the 200 only; add the error answers so that the schema says
        everything a client can get (and schemathesis checks every status against it)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"]["schemas"]["Error"] = ERROR_SCHEMA
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                public = "public" in operation.get("tags", ())
                for status, description in ERROR_RESPONSES.items():
                    if method == "get" and status in (400, 403):
                        continue  # reads answer 404 for what the caller may not see
                    if public and status != 422:
                        continue  # no authentication, nothing hidden: only bad input
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


api = ClusterMonitorAPI(
    title="clustermonitor API",
    version="1",
    description=(
        "Read access to the cluster programme with the same permissions as the web "
        "interface. Authenticate with `Authorization: Bearer <token>`; create a token on "
        "your profile page or with `clustermonitor createtoken`. The routes under "
        "`/api/public/` need no token."
    ),
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("/", programmes_router)
api.add_router("/", members_router)
api.add_router("/", activities_router)
api.add_router("/", collaborations_router)
api.add_router("/", monitoring_router)
api.add_router("/", public_router)
api.add_router("/", figures_router)
api.add_router("/", impact_router)

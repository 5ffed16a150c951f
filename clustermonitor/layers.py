"""The apps in layers (docs/architecture.md): each app may import the apps below it and
never one above it; tests/test_architecture.py holds the code to this order.

Where a lower app must reach up — the member base showing a figure that needs the
activities, the kind registry of the import wizard, the API's routers — the higher app
registers itself (an import kind in its `AppConfig.ready()`), the composition happens
above all apps (`urls.py`, `urls_api.py`, `context_processors.py` of the project), or the
lower app follows a relation by name (`organisation.memberships`) rather than importing
the model that defines it.
"""

#: From the bottom up. `analysis` is pure (pandas, no Django); `core` the framework every
#: app builds on (audit log, known on D, tabular files, exporters, the import wizard);
#: `accounts` users, roles and the one place of access decisions; `api` the API's
#: authentication and parameters; then the domain, in the order the records depend on one
#: another (`registrations`: an activity's public registration and check-in, writing its
#: participations; mailings sends to the segments the apps below register; monitoring's
#: early warnings read the exit plans of maturity and the attention points of account
#: management); the grant cycle (issue 19) from the call's online applications (`grants`)
#: through screening, the jury and decisions (`review`) to agreements and payments
#: (`agreements`); `impact` the companies' annual accounts and the estimate of
#: membership's effect on their growth (issue 20); `reports` reads them all; `prospects`
#: keeps a cluster's pipeline of companies it recruits (in the monitoring inbox; the
#: portal's join requests land in it); `portal` shows the public face (published cluster
#: profiles, aggregates); `demodata` writes them all.
LAYERS = (
    "analysis",
    "core",
    "accounts",
    "api",
    "registry",
    "programmes",
    "members",
    "billing",
    "banking",
    "activities",
    "registrations",
    "collaborations",
    "mailings",
    "surveys",
    "maturity",
    "accountmanagement",
    "monitoring",
    "selfservice",
    "grants",
    "review",
    "agreements",
    "impact",
    "reports",
    "prospects",
    "portal",
    "demodata",
)

"""The permission matrix's data: every URL and API route, how to build its URL, and the
status each persona gets (tests/test_permission_matrix.py checks it). The routes are kept
by concern: who one is and what anyone may read (`matrix_routes_public`), the agency's
programme (`matrix_routes_programme`), a cluster's network (`matrix_routes_members`), its
mailings (`matrix_routes_mailings`), invoices (`matrix_routes_billing`) and bank statements
(`matrix_routes_banking`), a member's self-service (`matrix_routes_selfservice`), the
grant cycle's online applications (`matrix_routes_grants`), screening and jury
(`matrix_routes_review`), agreements and payments (`matrix_routes_agreements`), the
economic-impact estimate and the annual accounts (`matrix_routes_impact`), the cluster
management team and aftercare (`matrix_routes_staff`), the maturity ladder and labels
(`matrix_routes_ladder`), live benchmarking (`matrix_routes_benchmark`); the status rows
they share are in `matrix_rows`."""

from tests import (
    matrix_routes_agreements,
    matrix_routes_banking,
    matrix_routes_benchmark,
    matrix_routes_billing,
    matrix_routes_grants,
    matrix_routes_impact,
    matrix_routes_ladder,
    matrix_routes_mailings,
    matrix_routes_members,
    matrix_routes_programme,
    matrix_routes_public,
    matrix_routes_review,
    matrix_routes_selfservice,
    matrix_routes_staff,
)
from tests.matrix_rows import LOGIN, PERSONA_ORDER

__all__ = ["LOGIN", "MATRIX", "PERSONA_ORDER"]

MODULES = (
    matrix_routes_public,
    matrix_routes_programme,
    matrix_routes_members,
    matrix_routes_selfservice,
    matrix_routes_mailings,
    matrix_routes_billing,
    matrix_routes_banking,
    matrix_routes_grants,
    matrix_routes_agreements,
    matrix_routes_review,
    matrix_routes_impact,
    matrix_routes_staff,
    matrix_routes_ladder,
    matrix_routes_benchmark,
)
MATRIX = {name: entry for module in MODULES for name, entry in module.ROUTES.items()}
assert len(MATRIX) == sum(len(m.ROUTES) for m in MODULES), "a route is in two modules"

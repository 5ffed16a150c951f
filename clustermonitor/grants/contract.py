"""What a submitted application holds: the one shape every part of the grant cycle reads
(issue 19).

The applicant fills in the call's form (an XLSForm in the survey engine); on submission
the answers are mapped to this shape and frozen in an `ApplicationVersion`. Eligibility
screening, the jury and the agreement read this shape, never the form's own question
names, so the agency may change its questions without breaking them.

Amounts are strings of a decimal number ("125000.00"), dates ISO strings; lists are kept
in the order the applicant gave them. Keys the form does not ask are absent, never
guessed.

    {
      "title": str,
      "applicant": str,                       # the applying organisation's name
      "applicant_enterprise_number": str,     # "0123.456.789"
      "cluster_name": str,
      "domain": str,
      "keywords": [str],
      "cluster_manager": {"name": str, "email": str, "phone": str},
      "steering_group": [
        {"name": str, "enterprise_number": str | None, "kind": "company" | "research" | "other"}
      ],
      "members": [                            # members committed, checked and KBO-enriched
        {"enterprise_number": str, "name": str}
      ],
      "start_date": "YYYY-MM-DD",
      "term_years": int,
      "requested_amount": str,                # the subsidy asked for, all years together
      "cofinancing": [                        # the co-financing plan, one row per year
        {"year": int, "budget": str, "subsidy": str, "member_fees": str, "other": str}
      ],
      "targets": [                            # the roadmap's targets for the three KPIs
        {"kpi": str, "value": str, "due_date": "YYYY-MM-DD"}
      ],
      "roadmap": str,
      "position": str,                        # the position against existing clusters
      "attachments": [                        # the files attached when it was submitted
        {"name": str, "sha256": str, "size": int}
      ],
    }

How the form's questions fill these keys (the question-name convention, the tables read
line by line) is grants/mapping.py's. `members[].name` is the applicant's, or when left
empty the registry's or the KBO lookup's name for the number ("" when neither knows
it). `attachments` is absent when nothing is attached; their hashes also enter
`digest` (below), so the version's hash covers the files' bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical(data: dict[str, Any]) -> bytes:
    """The bytes a version's hash is taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(data: dict[str, Any], attachments: list[str] = ()) -> str:
    """SHA-256 of the canonical answers followed by the attachments' own SHA-256 in their
    order: the hash shown on the acknowledgement."""
    h = hashlib.sha256(canonical(data))
    for attachment in attachments:
        h.update(b"\n" + attachment.encode("ascii"))
    return h.hexdigest()

"""The plan: every demo record as plain Python, before anything is written.

The generators fill a `Plan` from the reference files and a seed; `writer.py` turns it
into rows. Keeping the plan free of the database lets the calibration be checked, and
the same seed give the same plan, without a database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Org:
    key: int
    kind: str  # Organisation.Kind value
    home: str = ""  # (original) cluster whose sector shapes name and activity
    name: str = ""
    enterprise_number: str | None = None
    no_number_reason: str = ""
    country: str = "BE"
    legal_form: str = ""
    start_date: datetime.date | None = None
    status: str = "active"
    nace: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    website: str = ""
    size: str = "unknown"  # micro, small, medium, large, unknown
    non_sme_medium: bool = False
    #: (year, employees, turnover, balance total, value added); None = not known
    figures: list[tuple] = field(default_factory=list)

    @property
    def is_company(self) -> bool:
        return self.kind == "company"


@dataclass
class Contact:
    name: str
    role: str
    email: str
    phone: str


@dataclass
class Membership:
    key: int
    cluster: str
    org: int
    start: datetime.date
    end: datetime.date | None
    #: continuing, leaver, joiner (first paying in the Table 8 year), late (after it),
    #: partner (no company)
    role: str
    new: bool = True
    contacts: list[Contact] = field(default_factory=list)
    fee: int = 0  # the yearly fee (EUR)
    score: float = 0.0  # ranks the fees: larger members pay more

    def active_in(self, year: int) -> bool:
        return self.start.year <= year and (self.end is None or self.end.year >= year)

    def active_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


@dataclass
class Contribution:
    membership: int
    year: int
    amount: int
    status: str
    invoiced_on: datetime.date | None
    paid_on: datetime.date | None


@dataclass
class Activity:
    key: int
    clusters: list[str]
    title: str
    kind: str
    date: datetime.date
    location: str
    end_date: datetime.date | None = None
    description: str = ""


@dataclass
class Participation:
    activity: int
    org: int | None
    membership: int | None  # whose contact took part
    contact: int | None  # index in the membership's contacts
    name: str
    organisation_name: str = ""
    is_guest: bool = False
    needs_review: bool = False


@dataclass
class Step:
    stage: str
    date: datetime.date
    reason: str = ""
    note: str = ""


@dataclass
class Collaboration:
    key: int
    clusters: list[str]
    title: str
    description: str
    nature: str
    value_chain: str
    purpose: str
    instrument: str
    decision: str
    budget: int | None
    grant: int | None
    start: datetime.date | None
    end: datetime.date | None
    steps: list[Step]
    parties: list[tuple[int, str]]  # (org key, Party.Role value)

    @property
    def stage(self) -> str:
        return self.steps[-1].stage

    @property
    def stop_reason(self) -> str:
        return self.steps[-1].reason if self.stage == "stopped" else ""


@dataclass
class Plan:
    seed: int
    copy: int
    specs: list  # calibrate.ClusterSpec
    orgs: list[Org] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    #: (cluster, year) → {size class or "": amount}
    fee_schedules: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)
    collaborations: list[Collaboration] = field(default_factory=list)

    def spec(self, code: str):
        return next(s for s in self.specs if s.code == code)

    def new_org(self, kind: str, home: str = "") -> Org:
        org = Org(key=len(self.orgs), kind=kind, home=home)
        self.orgs.append(org)
        return org

    def counts(self) -> dict[str, int]:
        return {
            "organisations": len(self.orgs),
            "memberships": len(self.memberships),
            "contacts": sum(len(m.contacts) for m in self.memberships),
            "contributions": len(self.contributions),
            "activities": len(self.activities),
            "participations": len(self.participations),
            "collaborations": len(self.collaborations),
        }

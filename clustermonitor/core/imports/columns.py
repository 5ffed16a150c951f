"""The usual names of the columns several kinds of import share (core.imports), normalised
(lowercase ASCII letters and digits): an organisation's enterprise number, its name,
its postcode, an e-mail address. A kind's own synonyms build on these."""

ENTERPRISE_NUMBER = {
    "ondernemingsnummer",
    "ondernemingsnr",
    "kbonummer",
    "kbonr",
    "kbo",
    "btwnummer",
    "btwnr",
    "btw",
    "vat",
    "vatnumber",
    "vatnr",
    "numerodentreprise",
    "numerobce",
    "bce",
    "tva",
    "numerotva",
    "enterprisenumber",
    "companynumber",
    "registrationnumber",
}
ORGANISATION_NAME = {
    "naam",
    "bedrijfsnaam",
    "bedrijf",
    "organisatie",
    "onderneming",
    "firma",
    "name",
    "companyname",
    "company",
    "organisation",
    "organization",
    "nom",
    "raisonsociale",
    "denomination",
    "entreprise",
    "societe",
}
POSTCODE = {"postcode", "postnummer", "zip", "zipcode", "postalcode", "codepostal", "cp"}
EMAIL = {
    "email",
    "emailadres",
    "mail",
    "mailadres",
    "courriel",
    "adressemail",
    "emailaddress",
}

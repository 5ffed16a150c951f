"""What each IBN's members do, for names, NACE codes and titles that fit the cluster.

Invented words only: no real company, institute or project is named. NACE-BEL 2008
codes (5 digits) that are not in the shipped table are skipped when written.
"""

#: code → (NACE-BEL 2008 codes of member companies, words for company names, topics)
SECTORS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "ACB": (
        ("52290", "51210", "49410", "52100", "52241", "62010", "71121"),
        ("Air Cargo", "Logistics", "Freight", "Forwarding", "Handling", "Airfreight"),
        (
            "luchtvrachtafhandeling",
            "digitale vrachtbrieven",
            "koelketen voor farma",
            "slotplanning op de luchthaven",
            "douane en e-commerce",
        ),
    ),
    "P2G": (
        ("35110", "35220", "20110", "71121", "28990", "42220", "72190"),
        ("Hydrogen", "Energy", "Gas Systems", "Power", "Electrolysis", "Clean Fuels"),
        (
            "waterstofproductie",
            "elektrolyse op industriële schaal",
            "waterstof in de haven",
            "energieopslag",
            "tankinfrastructuur",
        ),
    ),
    "BHIVE": (
        ("62010", "62020", "63110", "66199", "58290", "62090", "70220"),
        ("Fintech", "Payments", "Data", "Secure", "Analytics", "Software"),
        ("open banking", "fraudedetectie", "digitale identiteit", "cyberweerbaarheid", "regtech"),
    ),
    "BIM": (
        ("71111", "71121", "41201", "41202", "62010", "43999", "71112"),
        ("Bouw", "Architecten", "Engineering", "BIM Studio", "Construct", "Ontwerp"),
        (
            "BIM-protocollen",
            "productdatabanken",
            "digitale oplevering",
            "clash detection",
            "openBIM-standaarden",
        ),
    ),
    "DIGMAN": (
        ("28990", "33200", "26510", "62010", "25610", "28291", "33120"),
        ("Automation", "Manufacturing", "Robotics", "Machines", "Industrial", "Control"),
        (
            "digitale tweeling",
            "predictief onderhoud",
            "cobots",
            "MES-integratie",
            "kwaliteitscontrole met vision",
        ),
    ),
    "COMP": (
        ("20160", "22290", "29320", "30110", "30200", "71121", "72190"),
        ("Composites", "Polymers", "Materials", "Fibre", "Moulding", "Plastics"),
        (
            "recyclage van composieten",
            "vezelversterkte kunststoffen",
            "lichtgewicht onderdelen",
            "thermoplastische composieten",
            "reparatie van composiet",
        ),
    ),
    "BOUWIND": (
        ("16230", "41201", "41202", "43999", "23310", "71111", "43291"),
        ("Prefab", "Bouw", "Houtbouw", "Modulair", "Construct", "Timmerwerk"),
        (
            "prefab gevelelementen",
            "modulaire woningbouw",
            "houtskeletbouw",
            "werfplanning",
            "circulair bouwen",
        ),
    ),
    "EUKA": (
        ("30300", "71121", "71122", "62010", "26510", "33160", "82990"),
        ("Drones", "Aerial", "UAV", "Survey", "Sky", "Flight"),
        (
            "inspectie met drones",
            "BVLOS-vluchten",
            "luchtruimintegratie",
            "fotogrammetrie",
            "dronelevering",
        ),
    ),
    "COAT": (
        ("20300", "25610", "72190", "22290", "71209", "28990", "20590"),
        ("Coatings", "Surface", "Finishing", "Paints", "Layers", "Protect"),
        (
            "functionele coatings",
            "corrosiebescherming",
            "poedercoating",
            "antimicrobiële oppervlakken",
            "coatingtesten",
        ),
    ),
    "SDF": (
        ("01110", "01500", "46610", "28300", "62010", "72190", "01610"),
        ("Agro", "Farming", "Agritech", "Field", "Crop", "Landbouw"),
        (
            "precisielandbouw",
            "sensoren op het veld",
            "datadeling in de keten",
            "robotisering van de teelt",
            "bodemanalyse",
        ),
    ),
    "OFFSH": (
        ("35110", "42220", "33150", "30110", "71121", "52290", "09100"),
        ("Offshore", "Marine", "Wind", "Ocean", "Subsea", "Blue Energy"),
        (
            "monitoring van windturbines",
            "golfenergie",
            "onderhoud op zee",
            "funderingen op zee",
            "kabelinspectie",
        ),
    ),
    "FBV": (
        ("30920", "47640", "46690", "22190", "62010", "71121", "77210"),
        ("Bike", "Cycling", "Velo", "Wheels", "Ride", "Components"),
        ("e-bikes", "fietsonderdelen", "fietsleasing", "connected bikes", "lichtgewicht frames"),
    ),
    "FLAG": (
        ("30300", "33160", "25620", "26510", "71121", "28990", "62010"),
        ("Aero", "Aerospace", "Avionics", "Precision", "Flight Systems", "Aviation"),
        (
            "additive manufacturing voor luchtvaart",
            "onderhoud van vliegtuigen",
            "certificering van onderdelen",
            "lichtgewicht structuren",
            "avionica",
        ),
    ),
    "GLV": (
        ("27401", "27402", "26110", "43211", "62010", "71121", "46470"),
        ("Lighting", "LED", "Lumen", "Light", "Lamps", "Illumination"),
        (
            "human centric lighting",
            "slimme straatverlichting",
            "led-retrofit",
            "verlichting in de zorg",
            "circulaire armaturen",
        ),
    ),
    "MAAS": (
        ("49390", "52210", "62010", "63110", "77110", "62020", "70220"),
        ("Mobility", "Transit", "Move", "Routes", "Commute", "Shared Mobility"),
        (
            "mobiliteitsbudget",
            "deelmobiliteit",
            "multimodale reisplanner",
            "ticketintegratie",
            "mobiliteitsdata",
        ),
    ),
    "IOT4S": (
        ("26300", "61900", "62010", "63110", "71121", "26510", "62090"),
        ("IoT", "Sensors", "Connect", "Smart City", "Networks", "Urban Data"),
        (
            "slimme parkeerplaatsen",
            "luchtkwaliteitssensoren",
            "stedelijke dataplatforms",
            "LoRa-netwerken",
            "slimme afvalinzameling",
        ),
    ),
    "SPACE": (
        ("30300", "26510", "62010", "26300", "71121", "72190", "51220"),
        ("Space", "Orbit", "Satellite", "Payload", "Astro", "Launch"),
        (
            "satellietdata",
            "kleine satellieten",
            "grondstations",
            "aardobservatie",
            "ruimtewaardige componenten",
        ),
    ),
    "BEACON": (
        ("62010", "62020", "63110", "26300", "61900", "72190", "62090"),
        ("AI", "Data", "Edge", "IoT", "Cloud", "Insights"),
        (
            "edge computing",
            "AI voor de haven",
            "datadeling in de waardeketen",
            "slimme sensoren",
            "computer vision",
        ),
    ),
    "SBIU": (
        ("43211", "43221", "71121", "62010", "81100", "43999", "26510"),
        ("Building", "Facility", "Smart Buildings", "Comfort", "Installaties", "Energy"),
        (
            "gebouwbeheersystemen",
            "predictief onderhoud van installaties",
            "energiemonitoring",
            "comfort en binnenklimaat",
            "digitale gebouwpaspoorten",
        ),
    ),
    "FHEALTH": (
        ("21100", "72110", "32500", "26600", "62010", "86901", "72190"),
        ("Health", "Medical", "Bio", "Care", "Life Sciences", "Diagnostics"),
        (
            "digitale diagnostiek",
            "wearables in de zorg",
            "klinische data",
            "gepersonaliseerde geneeskunde",
            "medische beeldvorming",
        ),
    ),
}

GENERIC_WORDS = (
    "Engineering",
    "Solutions",
    "Technologies",
    "Consult",
    "Systems",
    "Industries",
    "Innovations",
    "Group",
    "Services",
    "Works",
)
GENERIC_NACE = ("62010", "71121", "70220", "28990", "46690", "82990")

#: NACE-BEL 2008 codes of the organisations that are no company.
NACE_BY_KIND = {
    "knowledge": ("72190", "85421", "72110"),
    "federation": ("94110",),
    "government": ("84130",),
    "other": ("94990", "82990"),
}

#: Words for the invented knowledge institutions, federations and other bodies.
KNOWLEDGE_NAMES = (
    "Instituut voor Toegepaste Materialen",
    "Kenniscentrum Digitale Productie",
    "Onderzoekscentrum Duurzame Bouw",
    "Hogeschool voor Technologie Westland",
    "Instituut voor Data en Netwerken",
    "Kenniscentrum Luchtvaarttechniek",
    "Onderzoeksinstituut Energie en Klimaat",
    "Laboratorium voor Oppervlaktetechniek",
    "Kenniscentrum Landbouw en Voeding",
    "Instituut voor Lichttechniek",
    "Onderzoeksgroep Mobiliteit en Logistiek",
    "Kenniscentrum Gezondheidstechnologie",
    "Instituut voor Maritieme Technologie",
    "Hogeschool Zuiderkempen",
    "Onderzoekscentrum Ruimtevaarttechnologie",
    "Kenniscentrum Slimme Gebouwen",
    "Instituut voor Financiële Technologie",
    "Onderzoekscentrum Robotica",
)
FEDERATION_NAMES = (
    "Federatie van Technologiebedrijven Vlaanderen",
    "Beroepsvereniging Bouwprofessionals",
    "Sectorvereniging Luchtvaart en Logistiek",
    "Federatie Energie-installateurs",
    "Vereniging van Landbouwtechniek",
    "Sectorfederatie Kunststoffen",
    "Beroepsvereniging Verlichting",
    "Federatie Fiets en Mobiliteit",
    "Vereniging Digitale Economie",
    "Sectorfederatie Medische Technologie",
)
GOVERNMENT_NAMES = (
    "Stadsontwikkelingsbedrijf Noordrand",
    "Intercommunale Westkust Ontwikkeling",
    "Havenregio Schelde-Oost",
    "Stadslab Kempenland",
    "Regionaal Ontwikkelingsagentschap Dijleland",
    "Gemeentelijk Innovatiebedrijf Leiestreek",
    "Intercommunale Maasland Economie",
    "Provinciaal Innovatiecentrum Zuiderbroek",
)
OTHER_NAMES = (
    "Stichting Innovatie Netwerken",
    "Innovatieplatform Maakindustrie",
    "Coöperatie Slimme Regio",
    "Stichting Open Data Vlaanderen",
    "Platform Duurzame Bedrijventerreinen",
    "Netwerk Jonge Ondernemers Techniek",
)

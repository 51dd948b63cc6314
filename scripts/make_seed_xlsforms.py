# ruff: noqa: E501  (the questionnaire texts are long Danish lines)
"""Writes the bundled XLSForm questionnaires fo2016 and komp2021 (src/samspil/instruments/data/).

The .xlsx files are the source researchers edit; this script records how they were first
written from seeds 002 and 000 and can rewrite them: python scripts/make_seed_xlsforms.py
src/samspil/instruments/data
"""

import sys

from openpyxl import Workbook

OUT = sys.argv[1]


def save(path, survey_cols, survey, choices, settings):
    wb = Workbook()
    s = wb.active
    s.title = "survey"
    s.append(survey_cols)
    for r in survey:
        s.append([r.get(c, "") for c in survey_cols])
    c = wb.create_sheet("choices")
    cc = ["list_name", "name", "label", "special"]
    c.append(cc)
    for r in choices:
        c.append(list(r) + [""] * (4 - len(r)))
    st = wb.create_sheet("settings")
    keys = list(settings)
    st.append(keys)
    st.append([settings[k] for k in keys])
    wb.save(path)


COLS = ["type", "name", "label", "hint", "relevant", "required", "appearance", "samspil", "kilde"]
V = "ordret fra seed 002"
R = "rekonstrueret (seed 002 viser kun resultater)"


def row(type, name="", label="", **kw):
    return {"type": type, "name": name, "label": label, **kw}


# ---------------- fo2016 ----------------
enig = [
    ("enig5", 1, "Meget enig"),
    ("enig5", 2, "Overvejende enig"),
    ("enig5", 3, "Hverken enig eller uenig"),
    ("enig5", 4, "Overvejende uenig"),
    ("enig5", 5, "Meget uenig"),
    ("enig5", 8, "Ved ikke", "dont_know"),
]
survey = [
    row("hidden", "kommune", "Kommune", samspil="text"),
    row(
        "note",
        "velkommen_1",
        "Spørgsmålene handler om foreningens samarbejde med kommunen og kommunale institutioner.",
        kilde=R,
    ),
    row("begin group", "samarbejde", "Samarbejde med kommunen"),
    row(
        "select_one jn",
        "samarbejder",
        "Samarbejder foreningen med kommunen eller kommunale institutioner?",
        required="yes",
        kilde=R,
    ),
    row(
        "select_multiple partner",
        "partner",
        "Hvilke kommunale institutioner samarbejder foreningen med?",
        hint="Sæt gerne flere kryds",
        relevant="${samarbejder} = '1'",
        kilde="svarkategorier ordret fra seed 002, spørgsmål rekonstrueret",
    ),
    row("end group"),
    row("begin group", "formalisering", "Formalisering", relevant="${samarbejder} = '1'"),
    row(
        "note",
        "formalisering_intro",
        "Formalisering: Er der en skriftlighed omkring samarbejdet?",
        kilde=V + " (præsentationsnoter)",
    ),
]
PARTNERS = [
    (1, "boern", "børneinstitution"),
    (2, "skole", "skole"),
    (3, "anden", "anden kommunal institution"),
]
CHART = "spørgsmål og svar ordret fra diagrammet i seed 002; institutionen i parentes tilføjet"


def per_partner(list_name: str, prefix: str, text: str) -> list[dict]:
    """One question per kind of partner the association collaborates with."""
    return [
        row(f"select_one {list_name}", f"{prefix}_{key}", f"{text} ({label})",
            relevant=f"selected(${{partner}}, '{code}')", kilde=CHART)
        for code, key, label in PARTNERS
    ]  # fmt: skip


survey += per_partner(
    "formel", "formel", "Er samarbejdet med den kommunale institution formaliseret?"
)
survey += [
    row("end group"),
    row("begin group", "betaling", "Betaling", relevant="${samarbejder} = '1'"),
    row(
        "note",
        "betaling_intro",
        "Betaling: Er der en betaling knyttet til samarbejdet?",
        kilde=V + " (præsentationsnoter)",
    ),
]
survey += per_partner(
    "betal",
    "betal",
    "Modtager foreningen en betaling for aktiviteter, som foreningen samarbejder med en kommunal institution om?",
)
survey += [
    row("end group"),
    row("begin group", "grunde", "Grunde til at samarbejde", relevant="${samarbejder} = '1'"),
    row(
        "begin group",
        "grund",
        "Ved et samarbejde med kommunen eller kommunale institutioner …",
        hint="Hvor enig er du i følgende?",
        appearance="table-list",
        kilde="indledning ordret fra seed 002; hjælpetekst rekonstrueret",
    ),
]
for key, label in [
    ("lokalsamfund", "… bidrager til at styrke lokalsamfundet"),
    ("faciliteter", "… får foreningen adgang til faciliteter mv."),
    ("fremme", "… bedre mulighed for at fremme sine aktiviteter og værdier"),
    ("betaling", "… modtager betaling for de aktiviteter, som foreningen samarbejder om"),
    ("indflydelse", "… bedre mulighed for at få indflydelse på lokalpolitiske beslutninger"),
    ("forpligtet", "Samarbejder fordi foreningen synes den er forpligtet"),
]:
    survey.append(row("select_one enig5", f"grund_{key}", label, kilde=V))
survey += [
    row("end group"),
    row("end group"),
    row("begin group", "vurdering", "Vurdering af samarbejdet", relevant="${samarbejder} = '1'"),
    row(
        "begin group",
        "vurd",
        "Hvordan vurderer foreningen samarbejdet med kommunale myndigheder og institutioner?",
        hint="Hvor enig er du i følgende?",
        appearance="table-list",
        kilde="rekonstrueret fra diagramtitlen i seed 002",
    ),
]
for key, label in [
    ("problemfrit", "Samarbejdet er problemfrit"),
    ("lydhoer", "Kommunen er lydhør overfor foreningens forventninger og behov"),
    ("tidskraevende", "Samarbejdet er tidskrævende"),
    ("inspirerende", "Samarbejdet er inspirerende"),
    ("loennede", "Samarbejdet forudsætter lønnede medarbejdere"),
    ("vanskeligt", "Det er vanskeligt at indfri kommunens forventninger"),
]:
    survey.append(
        row(
            "select_one enig5",
            f"vurd_{key}",
            label,
            kilde=V
            if key not in ("loennede", "vanskeligt")
            else "nærmeste ordlyd; diagrammet i seed 002 forkorter teksten",
        )
    )
survey += [
    row("end group"),
    row(
        "text",
        "vurd_kommentar",
        "Er der andet, du vil fortælle om foreningens samarbejde med kommunen?",
        appearance="multiline",
        kilde=R,
    ),
    row("end group"),
]
choices = [
    ("jn", 1, "Ja"),
    ("jn", 2, "Nej"),
    ("jn", 8, "Ved ikke", "dont_know"),
    ("partner", 1, "Børneinstitution"),
    ("partner", 2, "Skole"),
    ("partner", 3, "Anden kommunal institution"),
    ("formel", 1, "Ja, aftalen bygger på en aftale, der er beskrevet skriftligt"),
    ("formel", 2, "Nej, aftalen bygger kun på en mundtlig aftale"),
    ("formel", 8, "Ved ikke", "dont_know"),
    ("betal", 1, "Nej"),
    ("betal", 2, "Ja, foreningen får en betaling"),
    ("betal", 3, "Ja, den person som står for aktiviteten, får betaling"),
    ("betal", 8, "Ved ikke", "dont_know"),
    *enig,
]
settings = {
    "form_title": "Foreningernes samarbejde med kommunen (Foreningsundersøgelsen 2016)",
    "form_id": "fo2016",
    "version": "1",
    "language": "da",
    "population": "Foreninger",
    "source": "Seed 002 (oplæg om samspillet mellem foreninger og kommuner, Foreningsundersøgelsen 2016). Seedet viser kun resultater, ikke spørgeskemaet: diagramtitler, svarkategorier og udsagn er gengivet ordret; spørgsmålene om samarbejde og samarbejdspartnere og hjælpeteksterne er nærmeste tro formulering. Kolonnen 'kilde' angiver for hver række, hvad der er ordret og hvad der er rekonstrueret; diagrammernes forskellige prikker (.., ..., ….) er skrevet som …",
    "clean_text_values": "no",
}
save(f"{OUT}/fo2016.xlsx", COLS, survey, choices, settings)

# ---------------- komp2021 ----------------
K = "ordret fra seed 000, Tabel 2"
KR = "rekonstrueret (seed 000 viser kun kompetencelisten, ikke spørgeskemaet)"
grad = [
    ("grad5", 1, "Slet ikke"),
    ("grad5", 2, "I mindre grad"),
    ("grad5", 3, "I nogen grad"),
    ("grad5", 4, "I høj grad"),
    ("grad5", 5, "I meget høj grad"),
    ("grad5", 8, "Ved ikke", "dont_know"),
]
faelles = [
    (
        "innovation",
        "Innovationskompetencer – at kunne igangsætte og idegenerere og arbejde med uforudsigelighed",
    ),
    ("relation", "Relationsarbejde med både borgere og eksterne samarbejdspartnere"),
    ("proces", "Procesfacilitering, koblingskompetence og netværksledelse"),
    (
        "faglighed",
        "Stærk forankring i egen faglighed, tilsidesætte egen faglighed, erkende egen begrænsning og arbejde med perspektivskift",
    ),
    ("viden", "Viden om civilsamfundets værdi og logikker samt om den kommunale virkelighed"),
    (
        "initiere",
        "At initiere et samarbejde, der skaber værdi med plads til forskellige forståelser og perspektiver",
    ),
    ("kommunikation", "Kommunikative og dialogiske færdigheder"),
]
fag = [
    ("helhed", "At kunne koble helhedsorienteret med udgangspunkt i borgeren"),
    ("balancere", "At balancere egen faglighed med andre vidensformer"),
    ("fleksibilitet", "Fleksibilitet i opgaveløsningen"),
    ("rammer", "At skabe rammer for frivillige, sige fra over for frivillige, at lede og guide"),
    ("risiko", "Risikovillighed"),
    ("lede", "At lede opad og indad i den kommunale organisation"),
    ("afgive", "Redskaber til at afgive indflydelse og møde de frivillige ligeværdigt"),
]
friv = [
    ("kontekst", "Viden om kommunens lokale kontekst, og hvordan man finder vej i kommunen"),
    ("interesser", "Kompetence i at varetage borgernes interesser i samarbejdet med kommunerne"),
    ("diplomati", "Diplomatiske kompetencer"),
    ("vaerd", "Selvbevidst om eget værd og grundlag ”uden devaluering”"),
    ("sige_fra", "Kompetence i at sige fra, når kommunerne dominerer uhensigtsmæssigt"),
    ("politisk", "At indgå i politisk spil i en kommunal virkelighed"),
    ("dokumentere", "At dokumentere værdi"),
]
Q = "I hvilken grad har du følgende kompetencer i samarbejdet mellem civilsamfund og kommune?"
survey = (
    [
        row(
            "note",
            "velkommen_1",
            "Spørgeskemaet handler om de kompetencer, samarbejdet mellem civilsamfund og kommuner kræver, og om dit behov for kompetenceudvikling.",
            kilde=KR,
        ),
        row("begin group", "rolle_side", "Din rolle"),
        row(
            "select_one rolle",
            "rolle",
            "Hvor indgår du i samarbejdet mellem civilsamfund og kommune?",
            required="yes",
            kilde="svarkategorier fra kolonneoverskrifterne i seed 000, Tabel 2; spørgsmål rekonstrueret",
        ),
        row("end group"),
        row("begin group", "faelles_side", "Fælles kompetencer"),
        row(
            "begin group",
            "faelles",
            Q,
            appearance="table-list",
            kilde="spørgsmål og skala " + KR + "; udsagn " + K,
        ),
    ]
    + [row("select_one grad5", f"faelles_{k}", t, kilde=K) for k, t in faelles]
    + [
        row("end group"),
        row("end group"),
        row("begin group", "fag_side", "Fagprofessionelle i kommuner", relevant="${rolle} = '1'"),
        row(
            "begin group",
            "fag",
            Q,
            appearance="table-list",
            kilde="spørgsmål og skala " + KR + "; udsagn " + K,
        ),
    ]
    + [row("select_one grad5", f"fag_{k}", t, kilde=K) for k, t in fag]
    + [
        row("end group"),
        row("end group"),
        row(
            "begin group",
            "friv_side",
            "Frivillige organisationer og frivillige",
            relevant="${rolle} = '2'",
        ),
        row(
            "note",
            "friv_def",
            "’Egen faglighed’ hos de frivillige organisationer vedr. ikke traditionel faglighed forstået som viden, forudsætninger og kompetencer, som man besidder inden for et bestemt fag, fagområde, håndværk eller erhverv, men derimod som oftest erfaringsbaseret viden, værdier, aktiviteter og relationer.",
            samspil="definition",
            kilde="ordret fra noten til seed 000, Tabel 2",
        ),
        row(
            "begin group",
            "friv",
            Q,
            appearance="table-list",
            kilde="spørgsmål og skala " + KR + "; udsagn " + K,
        ),
    ]
    + [row("select_one grad5", f"friv_{k}", t, kilde=K) for k, t in friv]
    + [
        row("end group"),
        row("end group"),
        row("begin group", "behov_side", "Behov for kompetenceudvikling"),
        row(
            "select_one jn",
            "behov",
            "Har du behov for kompetenceudvikling i samarbejdet mellem civilsamfund og kommune?",
            kilde=KR,
        ),
        row(
            "text",
            "behov_hvilke",
            "Hvilke kompetencer vil du især gerne udvikle?",
            relevant="${behov} = '1'",
            appearance="multiline",
            kilde=KR,
        ),
        row("end group"),
    ]
)
choices = [
    ("rolle", 1, "Fagprofessionel i en kommune"),
    ("rolle", 2, "Frivillig eller ansat i en frivillig organisation"),
    *grad,
    ("jn", 1, "Ja"),
    ("jn", 2, "Nej"),
    ("jn", 8, "Ved ikke", "dont_know"),
]
settings = {
    "form_title": "Kompetencer i samarbejdet mellem civilsamfund og kommuner (selvvurdering)",
    "form_id": "komp2021",
    "version": "1",
    "language": "da",
    "population": "Fagprofessionelle i kommuner og frivillige",
    "source": "Seed 000 (rapport om kompetencer og kompetenceudvikling i samarbejdet mellem kommuner og civilsamfund), Tabel 2 'Kompetencer i relation til samarbejdet mellem civilsamfund og kommuner'. Seedet giver kompetencelisten, ikke spørgeskemaet (Bilag 1 og 2 mangler): udsagnene er ordrette fra Tabel 2 (stjernen ved 'egen faglighed' er udeladt; tabelnoten er vist som definition); spørgsmål, skala og rollespørgsmålet er nærmeste tro formulering. Kolonnen 'kilde' angiver det for hver række.",
    "clean_text_values": "no",
}
save(f"{OUT}/komp2021.xlsx", COLS, survey, choices, settings)

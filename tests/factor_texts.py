"""Success factors as real home groups write them, for layout tests of the room screen.

Real lists (seed meetings of 2025): about 55 characters on average, the longest up to 140,
and groups differ: some write a word or two per factor, some a full sentence with long Swedish
compounds ("Förskoleklassverksamheten", "kompetensutvecklingsinsatser"). `meeting_factors(seed)`
gives seven groups of five such factors; each seed mixes terse, plain and wordy groups
differently, and the whole meeting always has an average of 50–60 characters and a longest
factor of 125–140.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# What a factor is about: short noun phrases, many of them long compounds.
HEADS = [
    "Tydliga mål",
    "Kollegialt lärande",
    "Förskoleklassverksamheten",
    "Elevhälsoarbetet",
    "Kompetensutvecklingsinsatser",
    "Studiero",
    "Trygghet och studiero",
    "Tidiga insatser",
    "Likvärdig bedömning",
    "Höga förväntningar",
    "Rektors pedagogiska ledarskap",
    "Systematiskt kvalitetsarbete",
    "Språkutvecklande arbetssätt",
    "Specialpedagogiskt stöd",
    "Extra anpassningar",
    "Samverkan med vårdnadshavare",
    "Närvarofrämjande arbete",
    "Fritidshemmets undervisning",
    "Övergångar mellan stadier",
    "Elevernas delaktighet",
    "Kontinuitet i personalgruppen",
    "Resursfördelning efter behov",
    "Mottagandet av nyanlända elever",
    "Modersmålsundervisningen",
    "Förstelärarnas uppdrag",
    "Likabehandlingsarbetet",
    "Undervisningsskicklighet",
    "Lärarnas planeringstid",
    "Digitala lärresurser",
    "Läsförståelseundervisningen",
    "Skolbibliotekets roll",
    "Huvudmannens uppföljning",
    "Behöriga lärare",
    "Formativ bedömning",
    "Studie- och yrkesvägledningen",
    "Matematikundervisningen",
    "Ledarskap i klassrummet",
    "Vårdnadshavarkontakterna",
    "Skolutvecklingsprogrammet",
    "Mentorskap",
    "Arbetsro",
    "Relationer",
]

# How groups go on: clauses that make a factor a sentence.
CLAUSES = [
    "i alla ämnen",
    "varje vecka",
    "som följs upp varje termin",
    "där hela arbetslaget deltar",
    "med fokus på läsförståelse och skrivande",
    "i samverkan med elevhälsan",
    "redan i förskoleklass",
    "så att ingen elev hamnar efter",
    "genom strukturerade lektionsupplägg",
    "och tid för reflektion i arbetslagen",
    "med stöd av förstelärare och specialpedagoger",
    "utifrån forskning och beprövad erfarenhet",
    "för elever i behov av särskilt stöd",
    "med tydlig ansvarsfördelning mellan skolledning och huvudman",
    "i övergången mellan förskoleklass och årskurs 1",
    "kopplat till det systematiska kvalitetsarbetet",
    "genom återkommande kompetensutvecklingsinsatser",
    "där elevhälsoarbetet är förebyggande och hälsofrämjande",
    "med gemensamma rutiner för hela skolan",
    "och en tydlig struktur på varje lektion",
    "även på fritidshemmet",
    "för alla elever oavsett bakgrund",
    "med regelbunden återkoppling till varje elev",
    "där vårdnadshavarkontakterna sker tidigt",
    "i hela kommunen",
    "trots stora elevgrupper",
    "som en självklar del av undervisningen",
    "med tillgång till specialpedagogisk kompetens",
    "och likabehandlingsarbetet förankrat hos alla",
    "genom skolutvecklingsprogrammet",
]

# Characters a group aims for per factor: terse, plain, wordy.
STYLES = {"terse": (8, 30), "plain": (35, 75), "wordy": (80, 140)}
MAX_LENGTH = 140


@dataclass(frozen=True)
class GroupFactors:
    style: str
    texts: list[str]


def _factor(rng: random.Random, low: int, high: int) -> str:
    target = rng.randint(low, high)
    text = rng.choice([head for head in HEADS if len(head) <= target] or HEADS[:1])
    for clause in rng.sample(CLAUSES, len(CLAUSES)):
        if len(text) >= target - 5:
            break
        if len(text) + 1 + len(clause) <= min(high, MAX_LENGTH):
            text = f"{text} {clause}"
    return text


def _group(rng: random.Random, style: str, count: int) -> GroupFactors:
    low, high = STYLES[style]
    texts: list[str] = []
    while len(texts) < count:
        text = _factor(rng, low, high)
        if text not in texts:
            texts.append(text)
    return GroupFactors(style, texts)


def meeting_factors(seed: int, *, groups: int = 7, per_group: int = 5) -> list[GroupFactors]:
    """`groups` lists of `per_group` factors; the same seed gives the same meeting."""
    rng = random.Random(seed)
    while True:
        styles = [rng.choice(["terse", "plain", "plain", "wordy"]) for _ in range(groups)]
        lists = [_group(rng, style, per_group) for style in styles]
        lengths = [len(text) for group in lists for text in group.texts]
        average = sum(lengths) / len(lengths)
        if 50 <= average <= 60 and 125 <= max(lengths) <= MAX_LENGTH:
            return lists

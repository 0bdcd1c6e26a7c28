"""The theme finder on its own: Swedish words to themes, and how well it groups a labelled set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from summary import themes
from summary.themes import Factor, find_themes

from .theme_scoring import DATA, load_labelled, pairwise_scores

# What the finder reaches on the labelled sets (pairwise, see tests/theme_scoring.py); the test
# fails if a change to the lexicon or the algorithm lowers them (raise them when it improves).
# themes_sv.json tuned the first lexicon; themes_heldout_sv.json was written before it;
# heldout2–4 were each written after a lexicon change and measured once before being used to
# extend it. heldout5 and heldout6 were written blind by another helper (who read none of the
# finder's code); measured once on arrival with the concept lexicon of evidence and phrases
# they scored 0.64 / 0.75 and 0.60 / 0.37 (the finder before it: 0.66 / 0.54 and 0.50 / 0.26),
# and were then used to develop it (granularity: Studiero and Elevhälsa as narrower concepts,
# Lek, Rörelse). All of them are seen now: the honest figures come from sets not in tests/data.
FLOORS = {
    "themes_sv.json": (0.94, 0.95),
    "themes_heldout_sv.json": (0.98, 0.98),
    "themes_heldout2_sv.json": (0.98, 0.98),
    "themes_heldout3_sv.json": (0.98, 0.92),
    "themes_heldout4_sv.json": (0.98, 0.94),
    "themes_heldout5_sv.json": (0.98, 0.98),
    "themes_heldout6_sv.json": (0.78, 0.75),
}


def test_the_issues_example_is_one_theme_of_three_groups() -> None:
    factors = [
        Factor("1", "Lärare", 1, "Trygg lärmiljö"),
        Factor("2", "Rektorer", 1, "Skapa trygghet i klassrummet"),
        Factor("3", "Elevhälsa", 1, "Tryggare skolgårdar och raster"),
        Factor("3", "Elevhälsa", 2, "Digitala verktyg"),
    ]
    found = find_themes(factors)
    assert len(found) == 1
    theme = found[0]
    assert theme.groups == ("1", "2", "3")
    assert theme.group_names == ("Lärare", "Rektorer", "Elevhälsa")
    assert [factor.text for factor in theme.factors] == [
        "Trygg lärmiljö",
        "Skapa trygghet i klassrummet",
        "Tryggare skolgårdar och raster",
    ]
    assert theme.label == "Trygghet och studiero"


def test_lemmas_and_synonyms_join_inflected_words() -> None:
    assert themes.text_concepts("Tryggheten") == themes.text_concepts("trygga")
    assert themes.text_concepts("Samarbete med vårdnadshavarna")[0] == "c:Samverkan"
    assert themes.text_concepts("Rektorernas ledarskap") == ("c:Ledarskap",)


def test_stop_words_general_and_domain_are_dropped() -> None:
    # "i", "och", "för" (stopwordsiso) and "skola", "elev" (this domain's list) say nothing.
    assert themes.text_concepts("För eleverna i skolan och") == ()


def test_compounds_split_only_when_the_dictionary_does_not_know_the_word() -> None:
    # "skolgård" is in the dictionary: it stays whole (and is in the lexicon's trygghet).
    assert themes.word_terms("skolgårdar") == ("skolgård",)
    # Not in the dictionary whole: the fewest known parts, each lemmatised.
    assert themes.word_terms("lärandekvalitet") == ("kvalitet",)  # "lärande" is a stop word
    # Two neighbouring parts that together are a lexicon word stay together.
    assert themes.word_terms("elevhälsoresurser") == ("elevhälsa", "resurs")
    assert themes.word_terms("undervisningskvaliteten") == ("undervisningskvalitet",)
    # "arbete" is a stop word of the domain; the parts are lemmatised ("matematiklyftet").
    assert themes.word_terms("trygghetsarbetet") == ("trygghetsarbete",)  # a lexicon word
    assert themes.word_terms("läsförståelsearbete") == ("läsförståelse",)
    assert themes.word_terms("matematiklyftet") == ("matematik", "lyfta")
    assert themes.word_terms("rektorsstödet") == ("rektor", "stöd")


def test_a_word_only_one_group_uses_is_no_theme() -> None:
    factors = [
        Factor("1", "Lärare", 1, "Läsförståelse"),
        Factor("1", "Lärare", 2, "Läsförståelse i matematik"),
        Factor("2", "Rektorer", 1, "Ekonomi i balans"),
    ]
    assert find_themes(factors) == []


def test_plain_words_shared_by_groups_become_themes_named_by_the_word() -> None:
    factors = [
        Factor("1", "Lärare", 1, "Matematiklyftet"),
        Factor("2", "Rektorer", 1, "Mer matematik i förskoleklass"),
        Factor("3", "Politiker", 1, "Matematik för alla"),
    ]
    found = find_themes(factors)
    assert [theme.label for theme in found] == ["Matematik"]
    assert len(found[0].factors) == 3


def test_same_input_same_output() -> None:
    labelled = load_labelled("themes_sv.json")
    assert find_themes(labelled.factors) == find_themes(list(labelled.factors))


@pytest.mark.parametrize("name", FLOORS)
def test_pairwise_precision_and_recall(name: str) -> None:
    labelled = load_labelled(name)
    groups = {factor.group for factor in labelled.factors}
    assert len(labelled.factors) >= (60 if name == "themes_sv.json" else 40)
    assert len(groups) >= 8
    precision, recall = pairwise_scores(labelled, find_themes(labelled.factors))
    print(f"\n{name}: pairwise precision {precision:.3f}, recall {recall:.3f}")
    floor_precision, floor_recall = FLOORS[name]
    assert precision >= floor_precision, f"precision {precision:.3f} < {floor_precision}"
    assert recall >= floor_recall, f"recall {recall:.3f} < {floor_recall}"


def test_the_lexicon_is_data_and_refuses_a_word_in_two_concepts(tmp_path: Path) -> None:
    lexicon = themes.lexicon()
    assert lexicon.concepts["trygghet"] == lexicon.concepts["kränkning"] == "Trygghet och studiero"
    # Calm in lessons is a narrower idea of its own that joins safety when it is small.
    assert lexicon.concepts["studiero"] == lexicon.concepts["arbetsro"] == "Studiero"
    assert lexicon.parents["Studiero"] == "Trygghet och studiero"
    assert lexicon.concepts["samarbete"] == lexicon.concepts["samverkan"]
    assert lexicon.concepts["rektor"] == lexicon.concepts["ledarskap"]
    assert {"skola", "elev", "och", "att"} <= lexicon.stop_words
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[concept]]\nlabel = "A"\nwords = ["ro"]\n[[concept]]\nlabel = "B"\nwords = ["ro"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="'ro' is in both"):
        themes._read_lexicon(broken)


def test_a_label_is_a_word_people_wrote_never_a_compounds_part() -> None:
    # "kedja" is an idea only inside compounds here; the theme is named by the whole word.
    factors = [
        Factor("1", "Lärare", 1, "Hela vårdkedjan runt eleven"),
        Factor("2", "Rektorer", 1, "En obruten vårdkedja"),
    ]
    found = find_themes(factors)
    assert [theme.label for theme in found] == ["Vårdkedja"]


def test_a_bare_verb_is_no_theme() -> None:
    factors = [
        Factor("1", "Lärare", 1, "Barn som vågar säga vad de tycker"),
        Factor("2", "Rektorer", 1, "Elever som tycker det är roligt"),
    ]
    assert [theme.label for theme in find_themes(factors)] == []


def _whole_words(texts: list[str]) -> set[str]:
    """The base forms of the words people wrote, each word whole (never a compound's part)."""
    return {themes.whole_word(word) for text in texts for word in re.findall(r"\w+", text.lower())}


@pytest.mark.parametrize("name", FLOORS)
def test_every_label_is_a_curated_title_or_a_whole_word_people_wrote(name: str) -> None:
    curated = set(themes.lexicon().concepts.values()) | set(themes.lexicon().split_labels.values())
    for theme in find_themes(load_labelled(name).factors):
        if theme.label in curated:
            continue
        written = _whole_words([factor.text for factor in theme.factors])
        assert theme.label.lower() in written, (theme.label, written)


def test_a_label_is_never_a_compounds_tail() -> None:
    # The seed meeting's "Kedja": only a part of "styrkedjan".
    factors = [
        Factor("1", "Skolchefer", 1, "Höga förväntningar i hela styrkedjan"),
        Factor("2", "Politiker", 1, "En styrkedja som håller från nämnd till klassrum"),
        Factor("3", "Rektorer", 1, "Styrkedjan ska vara tydlig"),
    ]
    found = find_themes(factors)
    assert found, "three groups name the chain of governance"
    assert [theme.label for theme in found] == ["Tydlig styrning och mål"]
    assert all(theme.label != "Kedja" for theme in found)
    # The same for a plain word: a theme of "vårdkedjan" is called by the whole word.
    care = [
        Factor("1", "Elevhälsa", 1, "En obruten vårdkedjan runt eleven"),
        Factor("2", "Socialtjänst", 1, "Vårdkedjan"),
    ]
    assert [theme.label for theme in find_themes(care)] == ["Vårdkedja"]


def test_a_shared_verb_makes_no_theme_and_no_label() -> None:
    # The CEO's harder meeting: "Veta" held two factors that only share the verb.
    factors = [
        Factor("1", "Rektorer", 1, "Vi vill veta vad som fungerar och följa upp det"),
        Factor("2", "Förskollärare", 1, "Veta redan i maj vilka barn som behöver extra stöd"),
        Factor("3", "Vårdnadshavare", 1, "Föräldrar som vet vad som händer i skolan"),
    ]
    for theme in find_themes(factors):
        assert theme.label.lower() not in {"veta", "vet"}
        texts = {factor.text for factor in theme.factors}
        assert not {factors[0].text, factors[1].text} <= texts


def test_reading_screening_and_school_buildings_are_not_one_theme() -> None:
    # The CEO's harder meeting: "Resurser" held early reading screening and school buildings.
    # Resources named for an end are about the end ("Resurser till …").
    factors = [
        Factor("1", "Lärare F–3", 1, "Tidig lässcreening i förskoleklass"),
        Factor("2", "Specialpedagoger", 1, "Screening av läsförmågan redan i ettan"),
        Factor("3", "Skolchefer", 1, "Resurser till tidig lässcreening"),
        Factor("4", "Politiker", 1, "Skolans lokaler måste rustas upp"),
        Factor("5", "Rektorer", 1, "Ändamålsenliga lokaler och bättre ventilation"),
        Factor("6", "Fastighet", 1, "Resurser till skolans lokaler"),
    ]
    found = find_themes(factors)
    screening = {factor.text for factor in factors[:3]}
    buildings = {factor.text for factor in factors[3:]}
    grouped = [{factor.text for factor in theme.factors} for theme in found]
    for texts in grouped:
        assert not (texts & screening and texts & buildings), texts
    assert screening in grouped
    assert buildings in grouped
    # Resources on their own are a theme of their own.
    assert themes.factor_concepts("Långsiktiga resurser till skolan")[0] == "c:Resurser"


def test_paraphrases_join_the_idea_they_say() -> None:
    # No factor names its theme; each says it in other words.
    factors = [
        Factor("1", "Lärare", 1, "Eleverna ska vara i skolan och inte hemma"),
        Factor("2", "Elevhälsa", 1, "Kontakt med hemmet när en elev är borta"),
        Factor("3", "Politiker", 1, "Att varje barn går till skolan varje dag"),
        Factor("1", "Lärare", 2, "Lärare som tror på varje elevs förmåga"),
        Factor("4", "Skolchefer", 1, "Alla elever ska nå målen"),
    ]
    by_label = {theme.label: {f.text for f in theme.factors} for theme in find_themes(factors)}
    assert by_label["Närvaro"] == {factors[0].text, factors[1].text, factors[2].text}
    assert by_label["Höga förväntningar"] == {factors[3].text, factors[4].text}


def test_a_phrase_takes_its_words_from_other_ideas() -> None:
    # "ta ansvar" is the pupils' own drive, not the "ansvar" of governance.
    assert themes.factor_concepts("Elever som tar ansvar för sitt eget skolarbete")[0] == (
        "c:Motivation och engagemang"
    )
    assert themes.factor_concepts("Klara besked om vem som ansvarar för vad")[0] == (
        "c:Tydlig styrning och mål"
    )


def test_a_narrower_idea_stands_alone_only_when_it_is_big_enough() -> None:
    calm = [
        Factor("1", "Lärare 4–6", 1, "Arbetsro"),
        Factor("2", "Lärare 7–9", 1, "Mindre stök och spring på lektionerna"),
        Factor("3", "Rektorer", 1, "Färre avbrott under lektionerna"),
    ]
    safe = [
        Factor("4", "Elevhälsa", 1, "Inga kränkningar på toaletterna"),
        Factor("5", "Vårdnadshavare", 1, "Skolor där barnen känner sig säkra hela dagen"),
    ]
    labels = sorted(theme.label for theme in find_themes(calm + safe))
    assert labels == ["Studiero", "Trygghet"]
    # Two factors of calm in lessons are part of one theme of safety and calm.
    found = find_themes(calm[:2] + safe)
    assert [(theme.label, len(theme.factors)) for theme in found] == [("Trygghet och studiero", 4)]


def test_a_factor_naming_no_idea_stays_alone() -> None:
    factors = [
        Factor("1", "Lärare", 1, "Tid!"),
        Factor("2", "Fritids", 1, "Tid att göra klart"),
        Factor("3", "Rektorer", 1, "Fungerande wifi i B-huset"),
        Factor("4", "Politiker", 1, "Ett hus som fungerar"),
    ]
    assert find_themes(factors) == []


def test_the_lexicon_refuses_a_phrase_in_two_concepts_and_an_unknown_parent(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "phrase.toml"
    broken.write_text(
        '[[concept]]\nlabel = "A"\nwords = []\nphrases = ["tro på"]\n'
        '[[concept]]\nlabel = "B"\nwords = []\nphrases = ["tro på"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="'tro på' is in both"):
        themes._read_lexicon(broken)
    orphan = tmp_path / "orphan.toml"
    orphan.write_text(
        '[[concept]]\nlabel = "A"\nparent = "Finns inte"\nwords = ["ro"]\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="no parent"):
        themes._read_lexicon(orphan)


def test_a_factor_is_about_what_it_leads_with_but_not_a_genitive() -> None:
    # Swedish leads with the topic: teachers, not the subject they teach …
    assert themes.factor_concepts("Behöriga lärare i svenska som andraspråk")[0] == (
        "c:Kompetensutveckling och behöriga lärare"
    )
    # … but a genitive is the owner, not the topic: this is follow-up, by the organiser.
    assert themes.factor_concepts("Huvudmannens uppföljning")[0] == (
        "c:Uppföljning och kvalitetsarbete"
    )


def test_invented_paraphrases_land_on_their_concept() -> None:
    data = json.loads((DATA / "themes_paraphrases_sv.json").read_text(encoding="utf-8"))
    labels = set(themes.lexicon().concepts.values())
    missed = []
    for label, text in data["factors"]:
        assert label in labels, label
        named = themes.factor_concepts(text)
        if not named or named[0] != f"c:{label}":
            missed.append((label, text, named[:1]))
    share = 1 - len(missed) / len(data["factors"])
    print(f"\n{share:.0%} of {len(data['factors'])} paraphrases land on their concept")
    assert share >= 0.9, missed

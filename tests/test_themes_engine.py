"""The theme finder on its own: Swedish words to themes, and how well it groups a labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from summary import themes
from summary.themes import Factor, find_themes

from .theme_scoring import load_labelled, pairwise_scores

# What the finder reaches on the labelled sets (pairwise, see tests/theme_scoring.py); the test
# fails if a change to the lexicon or the algorithm lowers them (raise them when it improves).
# themes_sv.json tuned the lexicon; themes_heldout_sv.json was written before the lexicon;
# themes_heldout2_sv.json was written afterwards, deliberately harder (paraphrases), and was
# used to extend the lexicon for #18 (seen now). themes_heldout3_sv.json was written after that
# extension and measured once (0.56 / 0.62) before modifiers left the lexicon;
# themes_heldout4_sv.json was written after the last lexicon change and never tuned on except
# for one general rule (a bare verb is no theme): it shows where the finder is today.
FLOORS = {
    "themes_sv.json": (0.95, 0.96),
    "themes_heldout_sv.json": (1.0, 0.92),
    "themes_heldout2_sv.json": (1.0, 0.71),
    "themes_heldout3_sv.json": (0.93, 0.70),
    "themes_heldout4_sv.json": (0.63, 0.35),
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
    assert themes.word_terms("undervisningskvalitet") == (
        "kvalitet",
    )  # "undervisning" is a stop word
    # "arbete" is a stop word of the domain; the parts are lemmatised ("matematiklyftet").
    assert themes.word_terms("trygghetsarbetet") == ("trygghet",)
    assert themes.word_terms("läsförståelsearbete") == ("läsförståelse",)
    assert themes.word_terms("matematiklyftet") == ("matematik", "lyfta")
    assert themes.word_terms("rektorsledarskap") == ("rektor", "ledarskap")


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
    assert lexicon.concepts["studiero"] == lexicon.concepts["trygghet"] == "Trygghet och studiero"
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
    for concept in set(themes.text_concepts(factors[0].text)) & set(
        themes.text_concepts(factors[1].text)
    ):
        label = themes.theme_label(concept, factors)
        assert label in ("Vårdkedja", "Vårdkedjan", "Elev"), label
    for theme in find_themes(factors):
        assert theme.label != "Kedja"


def test_a_bare_verb_is_no_theme() -> None:
    factors = [
        Factor("1", "Lärare", 1, "Barn som vågar säga vad de tycker"),
        Factor("2", "Rektorer", 1, "Elever som tycker det är roligt"),
    ]
    assert [theme.label for theme in find_themes(factors)] == []

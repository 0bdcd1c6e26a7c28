"""One Swedish text module (swedish/text.py): the reflection's cloud and the themes share it."""

from __future__ import annotations

import ast
from pathlib import Path

from groups import words
from summary import themes
from swedish import text

ROOT = Path(__file__).resolve().parents[1]


def test_folding_lemmas_stop_words_and_compounds() -> None:
    assert text.fold("Tryggheten!") == text.fold("trygghet") == "trygghet"
    assert text.fold("IT") == "it"  # two letters: an abbreviation, kept
    assert text.lemma("raster") == "rast"
    assert {"och", "i", "för"} <= text.stop_words()
    assert text.known_forms("skolgård")  # known whole: never split
    assert text.split_compound("undervisningskvalitet") == ("undervisning", "kvalitet")


def test_the_cloud_and_the_themes_use_the_same_module() -> None:
    assert words.fold("Elevhälsoteamet") == text.fold("Elevhälsoteamet")
    assert themes.lemma("tryggheten") == text.lemma("tryggheten")
    # No second lemmatiser or dictionary loader in the apps.
    for path in [*(ROOT / "groups").rglob("*.py"), *(ROOT / "summary").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & {"simplemma", "stopwordsiso", "spylls"}, path

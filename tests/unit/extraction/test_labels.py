import re

import pytest

from app.extraction.fields.labels import Kind, find_labels
from app.extraction.fields.text import fold, starting_with
from app.extraction.learned.lexicon import _GROUPS, _PATTERN


def labels(text: str) -> list[tuple[Kind, str]]:
    folded = fold(text)
    return [(label.kind, folded[label.start : label.end]) for label in find_labels(folded)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Total TTC : 56,02 €", Kind.TOTAL),
        ("Net à payer 12,00", Kind.TOTAL),
        ("Grand Total Rs 1939", Kind.TOTAL),
        ("Amount due $4.11", Kind.TOTAL),
        ("Gesamtbetrag 119,00 €", Kind.TOTAL),
        ("Te betalen € 20,00", Kind.TOTAL),
        ("Total HT : 46,68 €", Kind.SUBTOTAL),
        ("Sous-total 10,00", Kind.SUBTOTAL),
        ("Zwischensumme 100,00", Kind.SUBTOTAL),
        ("Exclusief BTW € 593,36", Kind.SUBTOTAL),
        ("TVA 20% : 9,34 €", Kind.TAX),
        ("MwSt. 19% 19,00", Kind.TAX),
        ("BTW 21% € 124,61", Kind.TAX),
        ("VAT 2.00", Kind.TAX),
        ("Invoice Date: 20-10-2015", Kind.ISSUE_DATE),
        ("Rechnungsdatum 7. Mai 2014", Kind.ISSUE_DATE),
        ("Due date: 04/04/2023", Kind.DUE_DATE),
        ("Date limite de paiement le 05 Juillet 2015", Kind.DUE_DATE),
        ("Vervaldatum 22-9-2022", Kind.DUE_DATE),
        ("Fällig am 01.02.2024", Kind.DUE_DATE),
        ("Order Date: 15-10-2015", Kind.OTHER_DATE),
        ("Facture n° 2022089083", Kind.NUMBER),
        ("Rechnungsnr. 30064443", Kind.NUMBER),
        ("Factuurnummer: 993548900", Kind.NUMBER),
        ("Sold By : WS Retail Services", Kind.SELLER),
        ("Bill to: Taylor Riddel", Kind.BUYER),
    ],
)
def test_the_first_label_says_what_follows(text: str, kind: Kind) -> None:
    assert labels(text)[0][0] is kind


def test_a_longer_label_wins_over_the_word_inside_it() -> None:
    assert labels("Total HT") == [(Kind.SUBTOTAL, "total ht")]
    assert labels("Montant TVA") == [(Kind.TAX, "montant tva")]


def test_tax_ids_and_price_notes_are_not_tax_labels() -> None:
    for text in (
        "N° de TVA intracommunautaire FR12345",
        "UStId DE 232 446 240",
        "Prijzen zijn inclusief BTW",
        "VAT number GB123",
    ):
        assert Kind.TAX not in {kind for kind, _ in labels(text)}, text


def test_small_words_are_labels_only_where_labels_stand() -> None:
    assert labels("Montant : 12,00") == [(Kind.TOTAL, "montant")]
    assert Kind.TOTAL not in {kind for kind, _ in labels("le montant est dû")}


def test_a_zero_read_for_an_o_does_not_hide_a_label() -> None:
    assert labels("0rder date 11/25/2023")[0][0] is Kind.OTHER_DATE
    assert fold("0rder 0,50 10kg") == "order 0,50 10kg"


def test_a_pattern_is_tried_only_where_its_first_character_stands() -> None:
    assert starting_with(r"total|#|n°") == r"(?=[\#nt])"
    assert starting_with(r"\s*\(|-?\d|[a-c]x") == r"(?=[(\-\d\sa-c])"  # classes, ranges
    assert starting_with(r"(?<![a-z])(?:net|[cis]gst|ttc)\.?") == "(?=[cinst])"
    assert starting_with(r"x?y") == "(?=[xy])"  # an optional first item: the next's too
    assert starting_with(r"[\]^-]") == r"(?=[\-\]\^])"


@pytest.mark.parametrize("pattern", [r"\W+", r"x?", r"(?i:abc)", r"[^a]b", r"(?:x|\S)y", r".b"])
def test_no_lookahead_when_the_first_character_cannot_be_told(pattern: str) -> None:
    assert starting_with(pattern) == ""


def test_every_plain_word_of_the_learned_lexicon_is_still_found() -> None:
    # The lookahead of the lexicon's pattern must let each of its words through.
    for group, words in _GROUPS.items():
        for word in _top_level(words):
            if re.fullmatch(r"[a-z% ]+", word):
                found = _PATTERN.search(f"- {word} 12,50")
                assert found is not None, (group, word)
                assert found.start() == 2, (group, word)


def _top_level(pattern: str) -> list[str]:
    """The alternatives of a pattern outside its brackets."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            found.append(pattern[start:index])
            start = index + 1
    return [*found, pattern[start:]]

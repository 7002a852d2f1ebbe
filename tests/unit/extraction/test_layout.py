from app.extraction.layout import Box, group_lines, page_from_text


def test_boxes_overlapping_vertically_form_one_line_left_to_right() -> None:
    boxes = [
        Box("Total", 10, 100, 60, 120),
        Box("12,00", 300, 104, 350, 124),  # a little lower: a photo's skew
        Box("Date", 10, 40, 50, 60),
        Box("01/02/2024", 300, 38, 400, 58),
    ]
    lines = group_lines(0, boxes)
    assert [line.text for line in lines] == ["Date 01/02/2024", "Total 12,00"]


def test_adjacent_lines_stay_apart() -> None:
    boxes = [Box("one", 0, 0, 30, 10), Box("two", 0, 11, 30, 21), Box("three", 40, 4, 90, 14)]
    # 'three' overlaps 'one' by 6 of 10 units and 'two' by 3: it belongs with 'one'.
    assert [line.text for line in group_lines(0, boxes)] == ["one three", "two"]


def test_positions_inside_a_line_are_interpolated() -> None:
    (line,) = group_lines(0, [Box("abcd", 100, 0, 140, 10), Box("xy", 200, 0, 220, 10)])
    assert line.text == "abcd xy"
    assert line.x_at(2) == 120
    assert line.x_at(5) == 200


def test_phrases_split_at_wide_gaps() -> None:
    (line,) = group_lines(
        0, [Box("Coolblue", 0, 0, 40, 10), Box("B.V.", 45, 0, 60, 10), Box("12", 200, 0, 210, 10)]
    )
    assert [phrase.text for phrase in line.phrases()] == ["Coolblue B.V.", "12"]


def test_plain_text_keeps_its_columns() -> None:
    page = page_from_text("Name      Total\nShop      12.00\n")
    assert [line.text for line in page.lines] == ["Name Total", "Shop 12.00"]
    assert page.lines[1].boxes[1].left == page.lines[0].boxes[1].left


def test_a_text_layer_of_glyph_codes_is_not_readable_text() -> None:
    from app.extraction.pdf import readable_share

    codes = [Box("\ue001\ue002\ue003", 0, 0, 30, 10), Box("\ufffd\ufffd 12", 40, 0, 70, 10)]
    words = [Box("Total", 0, 0, 30, 10), Box("12,00", 40, 0, 70, 10)]
    assert readable_share(codes) < 0.7 <= readable_share(words) == 1.0
    assert readable_share([]) == 0.0


def test_a_lines_phrases_are_found_once_and_kept() -> None:
    (line,) = group_lines(0, [Box("Total", 0, 0, 30, 10), Box("12,00", 200, 0, 230, 10)])
    assert line.phrases() is line.phrases()
    assert [phrase.text for phrase in line.phrases()] == ["Total", "12,00"]


def test_control_characters_count_against_a_readable_text_layer() -> None:
    from app.extraction.pdf import readable_share

    assert readable_share([Box("ab\x01\x02", 0, 0, 30, 10)]) == 0.5

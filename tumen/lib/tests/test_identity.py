from tumen.lib.identity import mod11_2_check, normal_prc_id, prc_id_problem

# The example in GB 11643-1999's own annex.
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_example_carries_its_check_character():
    assert mod11_2_check(STANDARD_EXAMPLE[:17]) == "X"
    assert prc_id_problem(STANDARD_EXAMPLE) is None


def test_a_changed_digit_is_caught_by_the_check_character():
    assert prc_id_problem("11010519491231003X") == "check"


def test_a_number_of_the_wrong_shape_is_refused_as_such():
    assert prc_id_problem("1101051949123100") == "shape"
    assert prc_id_problem("HH-YANJI-63-0101") == "shape"


def test_spaces_and_a_lower_case_x_are_written_as_the_register_does():
    assert normal_prc_id(" 110105 19491231 002x ") == STANDARD_EXAMPLE


def test_a_made_number_is_well_formed_and_carries_the_birth_date():
    import datetime

    from tumen.lib.identity import prc_id

    number = prc_id("222401", datetime.date(1933, 3, 14), 42)
    assert prc_id_problem(number) is None
    assert number[6:14] == "19330314"

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enterprises.validators import credit_code_check_char, validate_credit_code

# Published examples of valid unified social credit codes.
VALID = ["91350100M000100Y43", "91110000600037341L", "911100007109288314"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


def test_lowercase_input_is_accepted_as_the_same_code():
    validate_credit_code("91350100m000100y43")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y433", "18 characters"),
        ("91350100M000100Y44", "check character"),
        ("91350100M0001O0Y43", "cannot contain O"),
        ("", "18 characters"),
    ],
)
def test_invalid_codes_get_a_clear_message(code, fragment):
    with translation.override("en"), pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    with translation.override("en"):
        assert fragment in " ".join(info.value.messages)


def test_the_messages_are_translated_into_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_credit_code("91350100M000100Y44")
    with translation.override("zh-hans"):
        assert "校验码" in " ".join(info.value.messages)


def test_every_single_character_typo_is_caught():
    code = VALID[0]
    from enterprises.validators import ALPHABET

    for position in range(17):
        for ch in ALPHABET:
            if ch == code[position]:
                continue
            typo = code[:position] + ch + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(typo)

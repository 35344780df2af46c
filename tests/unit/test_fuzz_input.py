"""Property-based fuzzing (hypothesis) of what people type: the channel input check, the REST
body parser and the consultation form's validators. Whatever arrives, each returns a clean
value or a refusal, and never raises."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels import inbound
from bot.channels.rest import BadRequest, parse_body
from bot.leads import validation

TODAY = date(2026, 11, 26)
# Text as people (and broken clients) send it: any Unicode, with extra weight on the
# characters and words that have tripped parsers before.
TOKENS = list("0123456789/-., @+aé\n\x00\u202e😀") + ["feb", "31", "dec", "99999", "ext", "+1"]
TEXT = st.text() | st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children,
                                                                      max_size=3),
    max_leaves=10,
)  # fmt: skip


@settings(max_examples=400)
@given(raw=st.one_of(TEXT, ANY_JSON), limit=st.integers(min_value=100, max_value=5000))
def test_inbound_check_gives_text_within_the_limit_or_a_reply_with_911(raw, limit):
    checked = inbound.check(raw, limit)
    if checked.reply is None:
        assert checked.text and len(checked.text) <= limit
        assert checked.text == checked.text.strip()
        assert not any(ch in checked.text for ch in "\x00\x1b\u202e\u200b\ufeff")
        checked.text.encode("utf-8")  # storable and sendable: no lone surrogates
    else:
        assert checked.text == "" and "911" in checked.reply


@settings(max_examples=300)
@given(body=st.binary(max_size=200) | ANY_JSON.map(lambda v: __import__("json").dumps(v).encode()),
       content_type=st.sampled_from(["application/json", "application/json; charset=utf-8",
                                     "text/plain", "", "application/x-www-form-urlencoded"]))  # fmt: skip
def test_the_rest_body_parser_returns_fields_or_a_4xx(body, content_type):
    try:
        sender, _message, metadata = parse_body(content_type, body)
    except BadRequest as bad:
        assert 400 <= bad.status < 500 and bad.reason
        return
    assert isinstance(sender, str) and 1 <= len(sender) <= 128
    assert metadata is None or isinstance(metadata, dict)


@settings(max_examples=500)
@given(text=st.one_of(st.none(), TEXT))
def test_form_validators_never_raise_and_return_clean_values(text):
    name = validation.parse_name(text)
    assert name is None or (0 < len(name) <= validation.MAX_NAME and "\x00" not in name)
    contact = validation.parse_contact(text)
    if contact:
        kind, value = contact
        assert (kind == "phone" and value.startswith("+1") and len(value) == 12) or (
            kind == "email" and "@" in value and " " not in value
        )
    assert validation.parse_yes_no(text) in (True, False, None)
    assert validation.parse_time_window(text) in (None, *validation.TIME_WINDOWS.values())
    assert isinstance(validation.is_skip(text), bool)
    court_date = validation.parse_court_date(text, TODAY)
    if court_date:
        assert TODAY <= date.fromisoformat(court_date) <= date(TODAY.year + 3, 12, 31)
    courthouse = validation.parse_courthouse(text)
    assert courthouse is None or 0 < len(courthouse) <= validation.MAX_COURTHOUSE


def test_an_over_long_message_with_danger_goes_on_to_the_safety_reply():
    long_danger = "I have a question about my bail. " * 100 + "He has a knife and he is outside."
    checked = inbound.check(long_danger, 2000)
    assert checked.reply is None and "knife" in checked.text and len(checked.text) <= 2000
    long_plain = "I have a question about my bail. " * 100
    assert "too long" in inbound.check(long_plain, 2000).reply

"""The fixes to Rasa 3.6 in bot/rasa_server: same answers as Rasa's own code, installed at start."""

import pytest
from rasa.core.actions.action import RemoteAction

from bot.launcher import Stack
from bot.rasa_server import patches

VALID = [
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": "role", "value": "accused"},
                {"event": "followup", "name": "action_listen"}],
     "responses": [{"text": "Call 911.", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "reset_slots"}]},
]  # fmt: skip
INVALID = [
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"name": "role"}]},  # no event type
    {"events": {"event": "slot"}},  # not a list
    {"responses": "Call 911."},  # not a list of objects
    {"responses": [["text"]]},
    {"events": [{"event": "slot", "name": 7, "value": "x"}]},
    [],
]


@pytest.mark.parametrize("result", VALID)
def test_a_valid_action_response_passes_as_it_does_in_rasa(result):
    assert patches.rasa_validate_action_result(RemoteAction, result) is True
    assert patches.validate_action_result(None, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_action_response_fails_with_rasas_own_error(result):
    with pytest.raises(patches.ValidationError) as theirs:
        patches.rasa_validate_action_result(RemoteAction, result)
    with pytest.raises(patches.ValidationError) as ours:
        patches.validate_action_result(None, result)
    assert ours.value.message == theirs.value.message
    assert list(ours.value.path) == list(theirs.value.path)
    assert "Failed to validate Action server response" in ours.value.message


def test_apply_installs_the_fix_and_can_run_twice(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result",
                        patches.rasa_validate_action_result)  # fmt: skip
    patches.apply()
    patches.apply()
    assert RemoteAction._validate_action_result is patches.validate_action_result


def test_every_rasa_server_the_project_starts_has_the_fixes(tmp_path):
    from bot import settings

    command = Stack(settings.load()).commands()["rasa"]
    assert command[1:4] == ["-m", "bot.rasa_server", "run"]

"""Fixes to Rasa Open Source 3.6 that cannot be made through its configuration.

Each one keeps Rasa's behaviour and changes only its cost; ``apply()`` installs them all and is
safe to call twice. tests/unit/test_rasa_patches.py checks that each fix gives Rasa's own answer.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any, Dict, List

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import validator_for
from rasa.core.actions import action as rasa_action
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import BotUttered, Event

from bot.faults import trouble_text

logger = logging.getLogger(__name__)
# Set by apply() from bot/settings.py (NOC_ACTION_TIMEOUT_S, validated there).
_action_timeout_s = 10.0

# Rasa's own methods, kept for the tests that compare and for the safety net to call.
rasa_validate_action_result = rasa_action.RemoteAction._validate_action_result
rasa_remote_action_run = rasa_action.RemoteAction.run

# Rasa's own wording, so a bad action server response reads the same in the logs.
_BAD_RESPONSE_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the "
    f"Action endpoint is valid. For more information about the format visit "
    f"{DOCS_BASE_URL}/custom-actions"
)


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    """One validator for the fixed response schema, built (and the schema checked) once."""
    schema = rasa_action.RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: Any, result: Dict[str, Any]) -> bool:  # noqa: ARG001
    """`RemoteAction._validate_action_result` without re-checking the schema on every call.

    Rasa calls `jsonschema.validate(result, schema)` after every custom action. That first
    checks the *schema* against the JSON Schema meta-schema and builds a new validator, which
    cost 14 ms per call here against 0.6 ms for the validation itself; under load it was 22% of
    the Rasa process's CPU (py-spy, `make profile`). The same check with a cached validator
    raises the same error (jsonschema's best match) with the same message.
    """
    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += _BAD_RESPONSE_HINT
        raise error
    return True


async def run_remote_action_safely(
    self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> List[Event]:
    """`RemoteAction.run` with a time limit, and a safe answer when the action server fails.

    Rasa waits up to 5 minutes for the action server, and when it is down or answers with an
    error, Rasa logs it and the person gets no reply at all. Here the call is limited to
    NOC_ACTION_TIMEOUT_S (10 s by default); on a failure or a timeout the person is told that
    something went wrong, with 911 and how to reach the firm. A form's own rejection of an
    answer (ActionExecutionRejection) is normal dialogue, and passes through as in Rasa.
    """
    try:
        return await asyncio.wait_for(
            rasa_remote_action_run(self, output_channel, nlg, tracker, domain),
            timeout=_action_timeout_s,
        )
    except rasa_action.ActionExecutionRejection:
        raise
    except Exception as error:  # noqa: BLE001 - any failure must still give an answer
        reason = "timed out" if isinstance(error, asyncio.TimeoutError) else type(error).__name__
        logger.error("Custom action %s failed (%s); sent the safe reply instead",
                     self.name(), reason)  # fmt: skip
        message = {"text": trouble_text()}
        await output_channel.send_response(tracker.sender_id, message)
        return [BotUttered(message["text"], metadata={"service_trouble": True})]


def apply(action_timeout_s: float = _action_timeout_s) -> None:
    global _action_timeout_s
    _action_timeout_s = float(action_timeout_s)
    rasa_action.RemoteAction._validate_action_result = validate_action_result
    rasa_action.RemoteAction.run = run_remote_action_safely


__all__ = ["apply", "rasa_validate_action_result", "run_remote_action_safely",
           "validate_action_result", "ValidationError"]  # fmt: skip

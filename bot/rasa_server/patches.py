"""Fixes to Rasa Open Source 3.6 that cannot be made through its configuration.

Each one keeps Rasa's behaviour and changes only its cost; ``apply()`` installs them all and is
safe to call twice. tests/unit/test_rasa_patches.py checks that each fix gives Rasa's own answer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import validator_for
from rasa.core.actions import action as rasa_action
from rasa.shared.constants import DOCS_BASE_URL

# Rasa's own method, kept for the tests that compare the two.
rasa_validate_action_result = rasa_action.RemoteAction._validate_action_result

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


def apply() -> None:
    rasa_action.RemoteAction._validate_action_result = validate_action_result


__all__ = ["apply", "rasa_validate_action_result", "validate_action_result", "ValidationError"]

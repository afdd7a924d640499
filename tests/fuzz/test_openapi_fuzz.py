"""The fuzz level: schemathesis generates requests for every operation of /api/v1/openapi.json
(staff and portal, with valid tokens of a prepared organization), valid and invalid ones, against a
running system; no answer may be a server error, and each must match the spec's schema for its
status. Bounded by FUZZ_EXAMPLES (per operation and mode, 5 by default): a few minutes (README).
"""
import os

import requests
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# signing out would leave the rest of the run without a token
SKIP = {("POST", "/api/v1/logout"), ("POST", "/portal/{portal_name}/api/v1/logout")}


def fuzz(operation, mode, base_url, headers, path_parameters, session, failures):
    @given(operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],  # report the failing request; no time on shrinking
              suppress_health_check=list(HealthCheck))
    def run(case):
        try:
            case.call_and_validate(base_url=base_url, session=session, headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance], timeout=60)
        except Exception as exc:  # noqa: BLE001 - every failure is reported below, with its request
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): "
                            f"{type(exc).__name__}: {str(exc)[:600]}")
            raise
    try:
        run()
    except Exception:  # noqa: BLE001 - already recorded; go on with the next operation
        pass


def test_no_operation_answers_a_server_error_or_off_its_schema(api_schema, fuzz_org, fuzz_stack):
    session, failures, tried = requests.Session(), [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        portal = operation.path.startswith("/portal/")
        token = fuzz_org["portal" if portal else "staff"]
        fixed = {"portal_name": fuzz_org["portal_name"]} if "{portal_name}" in operation.path else {}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, fuzz_stack.url, {"Authorization": f"Bearer {token}"}, fixed, session, failures)
        tried += 1
    assert tried > 100  # the whole spec, staff and portal
    assert failures == [], "\n\n".join(failures)

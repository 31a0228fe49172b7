"""Property test of the whole API against its own OpenAPI document (schemathesis), with a
token of each role: no 500, every answer matches the document, every 4xx is problem+json.

One check is left out: "a request the schema allows is accepted". The schemas cannot say
every rule a service keeps (labels at the ordinal level are numbers, a queue's name is free,
a sentence belongs to the assignment's article), and those refusals are 4xx with a reason.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from annotator.auth import tokens
from tests.factories import make_article, make_assignment, make_queue, make_user

ROLES = ("reviewer", "lead", "admin")


@pytest.fixture
def tokens_by_role(app):
    """A small world (a queue, an article, an assignment) and one token per role."""
    users = {role: make_user(role) for role in ROLES}
    article = make_article(["A sentence.", "Another one."])
    queue = make_queue(articles=[article], reviewers=[users["reviewer"]])
    make_assignment(queue, article, users["reviewer"], labels={0: "fact"})
    return {role: tokens.create_token(user, "schemathesis").secret
            for role, user in users.items()}


@schemathesis.check
def problem_details(ctx, response, case):
    """Every 4xx answer of the API is RFC 9457 problem details with a reason."""
    if 400 <= response.status_code < 500:
        kind = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])
        kind = kind[0] if isinstance(kind, list) else kind
        assert kind.startswith("application/problem+json"), kind
        assert response.json().get("reason"), response.text


@pytest.mark.slow
def test_api_matches_its_spec(app, tokens_by_role):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=3, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],  # a failure is reported, not shrunk
                  suppress_health_check=list(HealthCheck))
        def run(case):
            base = dict(case.headers or {})
            for role in ROLES:  # the same request with each role's token
                case.headers = {**base, "Authorization": f"Bearer {tokens_by_role[role]}"}
                case.call_and_validate(additional_checks=[problem_details],
                                       excluded_checks=[positive_data_acceptance])

        run()

"""The OpenAPI document generates without warnings and validates."""

import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    # given
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yaml"

    # when
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    # then
    assert not GENERATOR_STATS
    assert "/api/v1/participants/{participant_id}/accruals" in target.read_text()

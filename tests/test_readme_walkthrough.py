"""
The README's curl walkthrough, executed against a live test server.

The commands are parsed from README.md itself (the ```sh blocks of the
"Walkthrough with curl" section), so the docs cannot drift from the code.
"""

from __future__ import annotations

import json
import re
import shlex
import urllib.error
import urllib.request
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ledger.models import Asset
from loyalty.models import Program
from participants.models import Participant
from rewards.models import Redemption, Reward

README = Path(__file__).resolve().parent.parent / "README.md"
README_BASE_URL = "http://127.0.0.1:8000"

# One row per curl command of the walkthrough, in order: the status it must
# answer and the variable (if any) the reader takes from the answer's "id".
EXPECTED_STEPS = [
    ("who am I", HTTPStatus.OK, None),
    ("enrol", HTTPStatus.CREATED, "U"),
    ("accrue", HTTPStatus.CREATED, None),
    ("redeem", HTTPStatus.CREATED, "RID"),
    ("retry with the same key", HTTPStatus.OK, None),
    ("reverse one unit", HTTPStatus.CREATED, None),
    ("accrue a pending lot", HTTPStatus.CREATED, "LOT"),
    ("release it", HTTPStatus.OK, None),
    ("claw back part of it", HTTPStatus.CREATED, None),
    ("create a codes reward", HTTPStatus.CREATED, "G"),
    ("upload its codes", HTTPStatus.CREATED, None),
    ("redeem one code", HTTPStatus.CREATED, None),
]


def walkthrough_commands() -> list[str]:
    text = README.read_text()
    section = text.split("## Walkthrough with curl", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        joined = block.replace("\\\n", " ")
        commands += [line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("export")]
    return commands


def substitute(token: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$([A-Z]+)", lambda m: variables[m.group(1)], token)


def run_curl(command: str, variables: dict[str, str], base_url: str) -> tuple[int, dict]:
    tokens = shlex.split(command)
    assert tokens[0] == "curl", command
    method, url, headers, data = "GET", None, {}, None
    i = 1
    while i < len(tokens):
        token = tokens[i]
        if token == "-s":
            i += 1
        elif token == "-X":
            method, i = tokens[i + 1], i + 2
        elif token == "-H":
            name, value = substitute(tokens[i + 1], variables).split(":", 1)
            headers[name.strip()] = value.strip()
            i += 2
        elif token == "-d":
            data, i = substitute(tokens[i + 1], variables).encode(), i + 2
        else:
            url, i = substitute(token, variables).replace(README_BASE_URL, base_url), i + 1
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_the_readme_walkthrough_runs_as_written(live_server):
    # given: make run's seed, and the variables it tells the reader to export
    out = StringIO()
    call_command("seed_demo", "--allow-without-debug", stdout=out)
    program = Program.objects.get(name="Demo Coffee Club")
    variables = {
        "KEY": out.getvalue().strip().splitlines()[-1],
        "P": str(program.id),
        "A": str(Asset.objects.get(program=program, code="POINTS").id),
        "R": str(Reward.objects.get(program=program, name="Free Coffee").id),
    }
    assert f"export KEY={variables['KEY']}" in out.getvalue()
    assert f"P={variables['P']} A={variables['A']} R={variables['R']}" in out.getvalue()
    commands = walkthrough_commands()
    curls = [c for c in commands if c.startswith("curl")]
    assert len(curls) == len(EXPECTED_STEPS), "README walkthrough and this test disagree on the steps"

    # when / then: each command answers as the README says
    answers = []
    for command, (step, status, capture) in zip(curls, EXPECTED_STEPS, strict=True):
        code, body = run_curl(command, variables, live_server.url)
        assert code == status, f"{step}: {code} {body}"
        answers.append(body)
        if capture:
            variables[capture] = body["id"]

    me, redeemed, retried, reversal = answers[0], answers[3], answers[4], answers[5]
    lot, released, clawback = answers[6], answers[7], answers[8]
    assert (lot["status"], released["status"]) == ("PENDING", "AVAILABLE")
    assert (clawback["amount"], clawback["accrual"]["remaining"]) == ("50.00", "150.00")
    gift_card, uploaded, gift = answers[9], answers[10], answers[11]
    assert (gift_card["fulfilment"], gift_card["status"]) == ("CODES", "OUT_OF_STOCK")
    assert uploaded == {"added": 2, "duplicates": ["GIFT-7Q2M-AX91"], "available": 2}
    assert (gift["codes"], gift["voided_codes"], gift["amount"]) == (["GIFT-7Q2M-AX91"], [], "500.00")
    assert me["tenant"]["name"] == "Demo Coffee Co"
    assert me["key"]["program_ids"] == [variables["P"]]
    assert retried == redeemed
    assert (redeemed["amount"], redeemed["quantity"], redeemed["unit_cost"]) == ("300.00", 2, "150.00")
    assert reversal["redemption"]["status"] == "PARTIALLY_REVERSED"
    assert Redemption.objects.filter(participant=Participant.objects.get(external_id="dave@example.com")).count() == 2

    # and the periodic run as of a past moment, then reconcile, which exits 0
    manage_commands = [c for c in commands if "manage.py" in c]
    assert manage_commands == [
        "DEBUG=true .venv/bin/python manage.py process_points --as-of 2026-01-01T00:00:00Z",
        "DEBUG=true .venv/bin/python manage.py reconcile",
    ]
    call_command("process_points", "--as-of", "2026-01-01T00:00:00Z", stdout=StringIO(), stderr=StringIO())
    report = StringIO()
    try:
        call_command("reconcile", stdout=report, stderr=StringIO())
        exit_code = 0
    except SystemExit as exit_info:
        exit_code = exit_info.code or 0
    assert exit_code == 0, report.getvalue()

"""Text and JSON renderings of a reconciliation report and of a trial balance."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial

from ledger.reconciliation.books import BookTotal, TrialBalanceRow, book_totals
from ledger.reconciliation.runner import CheckResult, Report
from loyalty.money import format_amount


def iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """Align ``rows`` under ``headers``; columns in ``right`` are right-aligned (numbers)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        return "  ".join(
            str(cell).rjust(width) if index in right else str(cell).ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), line(["-" * width for width in widths])] + [line(row) for row in rows]



def _discrepancies(count: int) -> str:
    return f"{count} discrepanc" + ("y" if count == 1 else "ies")


def check_line(index: int, total: int, result: CheckResult) -> str:
    status = "OK  " if result.ok else "FAIL"
    return f"[{index}/{total}] {status} {result.name:<22} {_discrepancies(result.discrepancies):<18} {result.seconds:6.2f} s"


def _totals_table(totals: tuple[BookTotal, ...] | list[BookTotal]) -> list[str]:
    rows = []
    for total in totals:
        amount = partial(format_amount, scale=total.scale)
        rows.append(
            [
                total.program_name,
                total.asset_code,
                amount(total.debits),
                amount(total.credits),
                amount(total.issuance),
                amount(total.wallets),
                amount(total.pending),
                amount(total.redemptions),
                amount(total.expired),
                amount(total.wallets_stored),
                "yes" if total.balanced else "NO",
            ]
        )
    headers = [
        "Program", "Asset", "Debits", "Credits", "Issuance", "Wallets", "Pending", "Redemptions", "Expired",
        "Wallets (stored)", "Balanced",
    ]
    return table(headers, rows, right={2, 3, 4, 5, 6, 7, 8, 9})


def report_text(report: Report) -> str:
    scope = f"program {report.program_id}" if report.program_id else "all programs"
    lines = [f"Reconciliation of {scope} (snapshot at {iso_utc(report.generated_at)})", ""]
    for index, result in enumerate(report.checks, start=1):
        lines.append(check_line(index, len(report.checks), result))
        if not result.ok:
            for issue, count in result.by_issue.items():
                lines.append(f"        {issue}: {count}")
            for finding in result.examples:
                lines.append(f"          - {finding.message}")
    lines += ["", "Totals per program and asset (from the journal lines):"]
    lines += ["  " + line for line in _totals_table(report.totals)] if report.totals else ["  (no assets)"]
    failed = [check for check in report.checks if not check.ok]
    lines.append("")
    if failed:
        lines.append(
            f"FAIL: {len(failed)} of {len(report.checks)} checks found {_discrepancies(report.discrepancies)} "
            f"({', '.join(check.name for check in failed)})."
        )
    else:
        lines.append(f"OK: all {len(report.checks)} checks passed; the books and the counters agree.")
    return "\n".join(lines)


def report_json(report: Report) -> str:
    document = {
        "ok": report.ok,
        "program_id": str(report.program_id) if report.program_id else None,
        "generated_at": iso_utc(report.generated_at),
        "checks": [
            {
                "name": check.name,
                "description": check.description,
                "ok": check.ok,
                "discrepancies": check.discrepancies,
                "by_issue": check.by_issue,
                "examples": [finding.as_dict() for finding in check.examples],
                "seconds": round(check.seconds, 3),
            }
            for check in report.checks
        ],
        "totals": [
            {
                "program_id": str(total.program_id),
                "program_name": total.program_name,
                "asset_id": str(total.asset_id),
                "asset_code": total.asset_code,
                "scale": total.scale,
                "debits": format_amount(total.debits, total.scale),
                "credits": format_amount(total.credits, total.scale),
                "issuance": format_amount(total.issuance, total.scale),
                "wallets": format_amount(total.wallets, total.scale),
                "redemptions": format_amount(total.redemptions, total.scale),
                "pending": format_amount(total.pending, total.scale),
                "expired": format_amount(total.expired, total.scale),
                "wallets_stored": format_amount(total.wallets_stored, total.scale),
                "balanced": total.balanced,
            }
            for total in report.totals
        ],
        "summary": {
            "checks": len(report.checks),
            "failed": sum(1 for check in report.checks if not check.ok),
            "discrepancies": report.discrepancies,
        },
    }
    return json.dumps(document, indent=2)


def trial_balance_text(rows: list[TrialBalanceRow], *, as_of: datetime | None, program_id=None) -> str:
    scope = f"program {program_id}" if program_id else "all programs"
    moment = f"as of {iso_utc(as_of)}" if as_of else "now"
    lines = [f"Trial balance of {scope}, {moment} (from the journal lines)", ""]
    if not rows:
        return "\n".join(lines + ["(no accounts)"])
    body = [
        [
            row.program_name,
            row.asset_code,
            row.account_type,
            str(row.accounts),
            format_amount(row.debits, row.scale),
            format_amount(row.credits, row.scale),
            format_amount(row.balance, row.scale),
        ]
        for row in rows
    ]
    lines += table(["Program", "Asset", "Account type", "Accounts", "Debits", "Credits", "Balance"], body, right={3, 4, 5, 6})
    lines += ["", "Per program and asset: issuance = wallets + pending + redemptions + expired, debits = credits"]
    for total in book_totals(rows):
        amount = partial(format_amount, scale=total.scale)
        verdict = "balanced" if total.balanced else "NOT BALANCED"
        lines.append(
            f"  {total.program_name} / {total.asset_code}: issuance {amount(total.issuance)} = wallets "
            f"{amount(total.wallets)} + pending {amount(total.pending)} + redemptions {amount(total.redemptions)} "
            f"+ expired {amount(total.expired)}; debits {amount(total.debits)}, "
            f"credits {amount(total.credits)}: {verdict}"
        )
    return "\n".join(lines)

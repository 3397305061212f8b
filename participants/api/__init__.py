"""The REST API of the participants app: participants, balances, accruals (thin views over its services and selectors)."""

"""The REST API of the ledger app: assets and journal entries (thin views over its services and selectors)."""

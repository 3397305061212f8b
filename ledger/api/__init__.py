"""The REST API of the ledger app: assets and journal entries (thin views over ``ledger.services`` and ``ledger.selectors``)."""

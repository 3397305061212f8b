"""The REST API of the participants app: participants, their balances and accruals (thin views over ``participants.services`` and ``participants.selectors``)."""

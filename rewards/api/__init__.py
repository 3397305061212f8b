"""The REST API of the rewards app: catalog, redemptions and reversals (thin views over ``rewards.services``)."""

"""The audit trail: who changed what, when and why. The bottom of compliance: it imports
nothing of the product, and everything that changes records may write to it."""

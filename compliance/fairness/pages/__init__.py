"""The representation and progression pages (workforce against the community benchmark,
promotion and leadership entry, programme participation) with their CSV exports, and the page
that loads the community benchmark: for the D&I analyst role only, audited like the training
tables. Every figure comes from a weekly release, perturbed and suppressed."""

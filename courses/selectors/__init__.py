"""Reads: what a page shows (`pages`), the learner's own record (`learning`), course rates (`rates`)."""

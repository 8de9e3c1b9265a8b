"""Fairness analytics: equality breakdowns with statistical disclosure control.

`disclosure` is pure Python (counts in, protected tables out); `selectors` reads the database.
Import them directly; this package imports neither, so `disclosure` needs no Django.
"""

"""Managers' observations of changed behaviour after training: on people and courses,
below reminders (which prompt for them) and reporting (which counts them)."""

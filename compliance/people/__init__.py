"""People and the organisation: units, persons, the line tree, ranks and grades, functions,
rank history, absences and sign-in links. It sits on the audit trail and below everything
that asks who someone is."""

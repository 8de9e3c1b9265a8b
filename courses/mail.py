"""What every email the product sends has in common."""

SUBJECT_LIMIT = 200


def subject_line(text: str) -> str:
    """A subject made from people's text (course and requirement names, notes): on one line, with
    every line break and run of white space made one space (Django refuses a header with a line
    break, and the message would be lost), and cut to SUBJECT_LIMIT characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= SUBJECT_LIMIT else line[: SUBJECT_LIMIT - 1].rstrip() + "…"

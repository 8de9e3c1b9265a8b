from html import escape


def p(*paragraphs: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in paragraphs)


def ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def ol(*items: str) -> str:
    return "<ol>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ol>"


def h3(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"


SUPPORT = (
    "callout",
    "support",
    "If this brings something up for you",
    p(
        "Some of this material may connect with your own experience. You can talk in confidence to the "
        "wellbeing team, to occupational health, or to one of the force's staff networks and associations, "
        "such as the Black and Asian Police Association, the Sikh Association, the Association of Muslim "
        "Police, the LGBT+ network, the disability network and the women's network. Your line manager can "
        "also help, and you can report concerns confidentially through Professional Standards.",
    ),
)

"""The demo catalogue's content: programmes, courses and modules written for the force's
inclusion training (Fairness & Belonging paper, paragraphs 37 to 43, 16, 29 and 54)."""

from .history import HISTORY_COURSES, HISTORY_PROGRAMME
from .moral_courage import MORAL_COURAGE_COURSES, MORAL_COURAGE_PROGRAMME
from .others import STANDALONE_COURSES

PROGRAMMES = [(MORAL_COURAGE_PROGRAMME, MORAL_COURAGE_COURSES), (HISTORY_PROGRAMME, HISTORY_COURSES)]

TOPICS = [
    ("Moral courage and leadership", "moral-courage"),
    ("Fairness and belonging", "fairness-and-belonging"),
    ("History and communities", "history-and-communities"),
    ("Integrity and standards", "integrity-and-standards"),
    ("Fair recruitment and promotion", "fair-recruitment-and-promotion"),
]

__all__ = ["PROGRAMMES", "STANDALONE_COURSES", "TOPICS"]

from .completion import Completion, CompletionSource
from .pages import CatalogueIndexPage, CoursePage, DeliveryMode

__all__ = ["CatalogueIndexPage", "Completion", "CompletionSource", "CoursePage", "DeliveryMode"]

from .people import OrgUnitFactory, PersonFactory, UserFactory, make_person, make_unit

__all__ = ["OrgUnitFactory", "PersonFactory", "UserFactory", "make_person", "make_unit"]

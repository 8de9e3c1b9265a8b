"""The people the privacy tests share: whoever answers data protection requests, an
administrator without that right, and a line manager."""

import pytest

from tests.factories import make_person


@pytest.fixture
def dpo():
    return make_person(username="dpo", roles=["Compliance administrator"]).user


@pytest.fixture
def lead():
    """An administrator without the right to answer data protection requests."""
    return make_person(username="ld.lead", roles=["L&D lead"]).user


@pytest.fixture
def manager():
    return make_person(username="sgt.manager", first_name="Morgan", last_name="Sergeant")

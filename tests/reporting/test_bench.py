import io

import pytest

from cms.bench.force import force_shape
from cms.bench.reporting import REQUIREMENTS, reporting_bench
from compliance.models import Assignment
from compliance.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def test_shape_gives_teams_of_about_8_275_and_8300():
    shape = force_shape(50_000)
    below = {}
    for _, manager, _ in shape:
        while manager is not None:
            below[manager] = below.get(manager, 0) + 1
            manager = shape[manager][1]
    sizes = set(below.values())
    assert 8 in sizes and 270 in sizes and 8401 in sizes and below[0] == 49_999


def test_bench_runs_small_and_leaves_the_database_as_it_was(live_site):
    people_before, assignments_before = Person.objects.count(), Assignment.objects.count()
    out = io.StringIO()
    results = reporting_bench(people=400, repeat=1, stdout=out)
    assert f"built a force of 400 people and {400 * REQUIREMENTS:,} assignments" in out.getvalue()
    assert [t["target"] for t in results["teams"]] == [8, 275, 8300]
    assert results["teams"][0]["team"] == 8
    assert results["export"]["rows"] == 399 * REQUIREMENTS
    assert (Person.objects.count(), Assignment.objects.count()) == (people_before, assignments_before)

"""The retention benchmark (`make bench`), small: its reference SQL changes exactly the rows
`retention_apply` changes, table by table (PostgreSQL only: the reference is PostgreSQL's)."""

import io

import pytest

from cms.bench.retention import REFERENCE, retention_bench

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]


def test_the_benchmark_runs_small_and_its_rows_match(on_postgres, live_site):
    out = io.StringIO()
    result = retention_bench(people=800, stdout=out)
    assert result["checks"] and all(result["checks"].values()), out.getvalue()
    # Every table the reference changes has rows to change, so every check means something.
    assert set(result["counts"]) == set(REFERENCE), result["counts"]
    assert result["counts"]["people.Person"] >= 10 and result["built"]["held"] == 10
    assert "retention of " in out.getvalue() and "ratio" in out.getvalue()

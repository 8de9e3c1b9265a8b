"""The import contracts cover the whole of each app: a module added to `courses` is in the
contract that keeps xAPI on top, and every app of the product is in a contract."""

import pkgutil
import tomllib
from pathlib import Path

import courses

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]


def test_every_module_of_courses_is_kept_from_importing_xapi():
    contract = next(c for c in CONTRACTS if c.get("forbidden_modules") == ["courses.xapi"])
    modules = {
        f"courses.{m.name}" for m in pkgutil.iter_modules(courses.__path__) if m.name not in {"xapi", "migrations"}
    }
    assert modules - set(contract["source_modules"]) == set()


def test_every_app_of_compliance_is_a_layer():
    import compliance

    layered = next(c for c in CONTRACTS if c.get("containers") == ["compliance"])
    named = {name.strip() for layer in layered["layers"] for group in layer.split("|") for name in group.split(":")}
    apps = {
        m.name
        for m in pkgutil.iter_modules(compliance.__path__)
        if m.ispkg
        and m.name not in {"migrations", "templates", "static", "management", "selectors", "services", "models"}
    }
    assert apps - named == set()

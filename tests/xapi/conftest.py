from tests.xapi.lrs import lrs  # noqa: F401  (the fixture)

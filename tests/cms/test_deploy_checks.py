"""The deploy check that a site with several web processes shares one cache."""

from django.core.checks import run_checks


def cache_warnings():
    return [m.id for m in run_checks(include_deployment_checks=True) if m.id == "inclusion_lms.W001"]


def test_per_process_memory_as_the_cache_is_named_in_the_deploy_check(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cache_warnings() == ["inclusion_lms.W001"]


def test_a_redis_cache_passes(settings):
    settings.CACHES = {"default": {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}}
    assert cache_warnings() == []


def test_the_check_is_for_deployment_only(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "inclusion_lms.W001" not in [m.id for m in run_checks()]

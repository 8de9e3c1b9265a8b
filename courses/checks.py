"""System checks for deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def shared_cache(app_configs=None, **kwargs):
    """Limits on password-reset emails and the progress of background imports live in the cache:
    in per-process memory, each web process counts and sees only its own."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is held in each process's own memory: "
            "with more than one web process, password-reset limits are counted per process and an "
            "import's progress is seen only by the process that runs it.",
            hint="Point the cache at Redis (CACHE_URL=redis://...). A site served by a single process "
            "may add 'inclusion_lms.W001' to SILENCED_SYSTEM_CHECKS instead.",
            id="inclusion_lms.W001",
        )
    ]

"""A Redis cache that degrades instead of failing: when Redis is down or hung, every call gives
what an empty cache would (after a timeout of under a second) and the page is served anyway.
Nothing the site must remember lives only in the cache (sessions and the sign-in throttle are
in the database), so a cache outage costs speed, never a 500.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
WARN_EVERY = 60  # seconds: one log line a minute while Redis is away, not one per call

# What each call gives while Redis cannot answer: what an empty cache would give.
_FALLBACKS = {
    "get": lambda *a, default=None, **k: default if len(a) < 2 else a[1],
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "add": lambda *a, **k: False,
    "set": lambda *a, **k: None,
    "set_many": lambda *a, **k: list(a[0]) if a else [],
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "delete_many": lambda *a, **k: None,
    "incr": lambda *a, delta=1, **k: a[1] if len(a) > 1 else delta,
    "decr": lambda *a, delta=1, **k: -(a[1] if len(a) > 1 else delta),
    "clear": lambda *a, **k: None,
}


class DegradingRedisCache(RedisCache):
    _last_warning = 0.0

    def _degraded(self, name: str, error: Exception) -> None:
        now = time.monotonic()
        if now - DegradingRedisCache._last_warning > WARN_EVERY:
            DegradingRedisCache._last_warning = now
            logger.warning("The cache's Redis is not answering (%s): serving without the cache: %s", name, error)


def _degrading(name: str):
    method = getattr(RedisCache, name)
    fallback = _FALLBACKS[name]

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            self._degraded(name, error)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


for _name in _FALLBACKS:
    setattr(DegradingRedisCache, _name, _degrading(_name))

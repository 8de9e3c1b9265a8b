"""Cell-key perturbation of the fairness counts, in the style of the ONS method for Census 2021.

Why: exact counts published on demand can be differenced. Two populations that differ by one
person (a requirement and the same requirement "except rank Superintendent"; a table taken
before and after one completion) give that person's characteristic away, however carefully each
table on its own hides its small cells. Each published count therefore carries a little noise
that depends only on the set of people it counts:

* Every person has a **record key**, a number from 0 to 255 derived from their id and a secret
  (a keyed hash: nobody without the secret can compute it, and it never changes).
* A cell's **cell key** is the sum of the record keys of the people in it, modulo 256. The same
  set of people always has the same cell key; a set with one more person has an unrelated one.
* The **perturbation table** (`PTABLE`, published) turns a cell key into the noise added to the
  count: -2, -1, 0, +1 or +2, with probabilities 26, 51, 102, 51 and 26 in 256 (mean 0, variance
  about 1.2). A count of zero stays zero, and no count goes below zero.

So asking again, on another page or through the API, always gives the same figure (nothing to
average away), and two populations that differ by a few people differ in their published
figures by that difference plus noise of the same size. The noise is what stops the last step of
a differencing attack; populations that differ by fewer than the threshold are refused
altogether (`selectors`), and the tables are frozen for a week at a time (`services`), so that one
change on a known day cannot be read from the tables either.

The record key is computed in the database (so no row of a person's characteristics is ever read
into Python): a polynomial of degree 3 in the person's id modulo the prime 2^31 - 1 with secret
coefficients, a 4-wise independent hash family (Carter and Wegman), then modulo 256. The
coefficients come from an HMAC of the site's secret key, so they differ between deployments and
stay out of the code. Every intermediate value stays below 2^62, in range for SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

BASE = 256  # record keys and cell keys are 0..BASE-1
PRIME = 2**31 - 1
# The published perturbation table: (noise, how many of the 256 cell keys give it).
PTABLE: tuple[tuple[int, int], ...] = ((-2, 26), (-1, 51), (0, 102), (1, 51), (2, 26))
MAX_NOISE = max(abs(noise) for noise, _ in PTABLE)
NOISE_VARIANCE = sum(noise * noise * share for noise, share in PTABLE) / BASE
assert sum(share for _, share in PTABLE) == BASE
assert sum(noise * share for noise, share in PTABLE) == 0  # unbiased

_SALT = b"inclusion_lms.fairness.record-key.v1"


def _noise_by_key() -> tuple[int, ...]:
    table: list[int] = []
    for noise, share in PTABLE:
        table.extend([noise] * share)
    return tuple(table)


NOISE_BY_KEY = _noise_by_key()


@dataclass(frozen=True)
class RecordKeyHash:
    """The secret coefficients of the record-key hash (c3 x^3 + c2 x^2 + c1 x + c0 mod PRIME)."""

    coefficients: tuple[int, int, int, int]

    @classmethod
    def from_secret(cls, secret: str | bytes) -> RecordKeyHash:
        if isinstance(secret, str):
            secret = secret.encode()
        digest = hmac.new(secret, _SALT, hashlib.sha256).digest()
        numbers = [int.from_bytes(digest[i : i + 8], "big") % PRIME for i in range(0, 32, 8)]
        numbers[0] = numbers[0] or 1  # degree 3 exactly
        return cls(coefficients=tuple(numbers))

    def record_key(self, person_id: int) -> int:
        """The record key of one person, as the database computes it (for tests and tools)."""
        x = person_id % PRIME
        h = 0
        for c in self.coefficients:
            h = (h * x + c) % PRIME
        return h % BASE

    def sql(self, column: str) -> str:
        """The same record key as a SQL expression over an integer column (Horner's rule), for a
        query run with parameters (so the modulo operator is written %%)."""
        mod = "%%"
        x = f"(CAST({column} AS BIGINT) {mod} {PRIME})"
        c3, c2, c1, c0 = self.coefficients
        h = f"(({c3} * {x} + {c2}) {mod} {PRIME})"
        h = f"(({h} * {x} + {c1}) {mod} {PRIME})"
        h = f"(({h} * {x} + {c0}) {mod} {PRIME})"
        return f"({h} {mod} {BASE})"


def record_key_hash() -> RecordKeyHash:
    """The deployment's record-key hash, from its SECRET_KEY (so keep that key stable: a new one
    redraws every table's noise once, which gives an analyst a second look at every figure)."""
    return RecordKeyHash.from_secret(settings.SECRET_KEY)


def noise(*, count: int, key_sum: int) -> int:
    """The noise for a cell of `count` people whose record keys sum to `key_sum`."""
    if count <= 0:
        return 0
    return max(NOISE_BY_KEY[key_sum % BASE], -count)


def perturb(*, count: int, key_sum: int) -> int:
    """A count as published: never negative, zero stays zero."""
    return count + noise(count=count, key_sum=key_sum)


def perturb_rate_cell(*, count: int, numerator: int, count_key: int, numerator_key: int) -> tuple[int, int]:
    """(people, people counted for the measure), each perturbed by its own cell key. When
    everybody counts, the two are the same set and so get the same noise; otherwise the
    numerator is kept within the count."""
    people = perturb(count=count, key_sum=count_key)
    doers = perturb(count=numerator, key_sum=numerator_key)
    return people, min(doers, people)

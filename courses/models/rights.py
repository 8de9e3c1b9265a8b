"""The product's rights as Django permissions, so a force grants them the way it grants any
other: to groups, in Wagtail's Settings → Groups (where they are listed as "Inclusion
training rights"). The roles' default grants are made by a migration (`courses` 0002).

`Rights` has no table: it only carries the permissions."""

from django.db import models

from courses.access import Right


class Rights(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(right.value, right.label) for right in Right]
        verbose_name = "Inclusion training right"

    def __str__(self) -> str:
        return "Inclusion training rights"

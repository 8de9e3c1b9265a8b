"""Teaching the force's vocabularies new words from an HR file: another name for a rank or
grade, a new rank or grade, a new function. Used by the HR file check in the admin, which
lists every value an import does not know and lets a compliance administrator settle them
all in one step."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from compliance.audit.services import audit_event_record
from compliance.people.models import Function, LeadershipLevel, RankOrGrade
from compliance.people.models.organisation import vocabulary_key

ALIASES_LENGTH = RankOrGrade._meta.get_field("aliases").max_length


def _clean_word(value: str, what: str) -> str:
    value = " ".join(str(value).split())
    if not value or not vocabulary_key(value):
        raise ValidationError(f"The {what} must have letters or digits.")
    if ";" in value:
        raise ValidationError(f"The {what} '{value}' has a semicolon, which separates other names.")
    return value


@transaction.atomic
def vocabulary_learn(
    *,
    rank_aliases: dict[str, RankOrGrade] | None = None,
    new_ranks: list[tuple[str, str, str]] | None = None,
    new_functions: list[str] | None = None,
    actor,
) -> list[str]:
    """Add each alias to its rank or grade, create each (name, kind, leadership level) rank or
    grade and each function, all or nothing; return what was done, a line each. Raises
    ValidationError naming the value for a name already taken or an alias list too long."""
    done = []
    known = {}
    for rank in RankOrGrade.objects.select_for_update():
        for name in [rank.name, *rank.aliases.split(";")]:
            if name.strip():
                known[vocabulary_key(name)] = rank
    for alias, rank in (rank_aliases or {}).items():
        alias = _clean_word(alias, "other name")
        if vocabulary_key(alias) in known:
            raise ValidationError(f"'{alias}' is already a name of {known[vocabulary_key(alias)].name}.")
        rank = RankOrGrade.objects.select_for_update().get(pk=rank.pk)
        aliases = "; ".join(part for part in [*map(str.strip, rank.aliases.split(";")), alias] if part)
        if len(aliases) > ALIASES_LENGTH:
            raise ValidationError(
                f"{rank.name} has too many other names to add '{alias}' ({ALIASES_LENGTH} characters at most): "
                "edit its list under Ranks and grades, or map the value in a mapping file."
            )
        RankOrGrade.objects.filter(pk=rank.pk).update(aliases=aliases)
        known[vocabulary_key(alias)] = rank
        audit_event_record(
            action="rank_alias_added",
            obj=rank,
            summary=f"'{alias}' added as another name for {rank.name}",
            source="admin",
            actor=actor,
            changes={"aliases": [rank.aliases, aliases]},
        )
        done.append(f"'{alias}' is now another name for {rank.name}.")
    for name, kind, level in new_ranks or []:
        name = _clean_word(name, "rank or grade")
        if vocabulary_key(name) in known:
            raise ValidationError(f"'{name}' is already a name of {known[vocabulary_key(name)].name}.")
        if kind not in RankOrGrade.Kind.values or level not in LeadershipLevel.values:
            raise ValidationError(f"Choose whether '{name}' is a rank or a grade, and its leadership level.")
        rank = RankOrGrade.objects.create(name=name[:64], kind=kind, leadership_level=level)
        known[vocabulary_key(name)] = rank
        audit_event_record(
            action="rank_created",
            obj=rank,
            summary=f"{rank.get_kind_display()} '{rank.name}' created ({rank.get_leadership_level_display()})",
            source="admin",
            actor=actor,
            changes={"name": name, "kind": kind, "leadership_level": level},
        )
        done.append(f"{rank.get_kind_display()} '{rank.name}' created.")
    for name in new_functions or []:
        name = _clean_word(name, "function")
        code = slugify(name)[:50] or None
        if code is None or Function.objects.filter(code=code).exists() or Function.objects.filter(name__iexact=name):
            raise ValidationError(f"A function called '{name}' (code '{code}') already exists.")
        function = Function.objects.create(name=name[:100], code=code)
        audit_event_record(
            action="function_created",
            obj=function,
            summary=f"Function '{function.name}' created (code {function.code})",
            source="admin",
            actor=actor,
            changes={"name": function.name, "code": function.code},
        )
        done.append(f"Function '{function.name}' created.")
    return done

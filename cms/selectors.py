"""What the site shows together: the dashboard joining a person's learning and obligations."""

from compliance.models import Person


def dashboard_for(*, user) -> dict:
    if not user.is_authenticated:
        return {}
    person = Person.objects.select_related("unit").filter(user=user).first()
    return {"person": person}

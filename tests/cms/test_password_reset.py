"""Local accounts (administrators, emergency access): a password reset that cannot be abused,
strong passwords, and a notice to the old address when an account's email changes."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RESET = "/admin/password_reset/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_account():
    return UserFactory(username="cat.admin", email="cat.admin@force.example", is_staff=True)


def ask(client, email, ip="10.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def reset_link(message) -> str:
    return re.search(r"http://[^\s]+/admin/password_reset/confirm/[^\s]+/", message.body).group(0)


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client, admin_account, mailoutbox):
    known, unknown = ask(client, "cat.admin@force.example"), ask(client, "nobody@force.example", ip="10.0.0.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/admin/password_reset/done/"
    assert [m.to for m in mailoutbox] == [["cat.admin@force.example"]]


def test_an_account_that_signs_in_through_the_provider_gets_no_reset(client, mailoutbox):
    user = UserFactory(username="S1001", email="amy@force.example")
    user.set_unusable_password()
    user.save()
    assert ask(client, "amy@force.example").status_code == 302
    assert mailoutbox == []


def test_a_link_works_once_and_for_an_hour(client, admin_account, mailoutbox, pinned_clock):
    ask(client, "cat.admin@force.example")
    link = reset_link(mailoutbox[0]).replace("http://127.0.0.1:8000", "").replace("http://testserver", "")
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    new = {"new_password1": "a-long-new-passphrase-2026", "new_password2": "a-long-new-passphrase-2026"}
    done = client.post(form.redirect_chain[-1][0], new)
    assert (done.status_code, done["Location"]) == (302, "/admin/password_reset/complete/")
    again = client.get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()  # used: no longer valid
    # A second link, an hour and a minute later, has expired.
    mailoutbox.clear()
    ask(client, "cat.admin@force.example")
    late_link = reset_link(mailoutbox[0]).replace("http://127.0.0.1:8000", "").replace("http://testserver", "")
    pinned_clock.shift(61 * 60)
    assert 'name="new_password1"' not in client.get(late_link, follow=True).content.decode()


def test_resets_are_throttled_without_changing_the_answer(client, admin_account, mailoutbox):
    answers = [ask(client, "cat.admin@force.example", ip=f"10.0.0.{n}")["Location"] for n in range(6)]
    assert set(answers) == {"/admin/password_reset/done/"}
    assert len(mailoutbox) == 3  # three an hour for one address
    mailoutbox.clear()
    answers = [ask(client, f"someone.{n}@force.example", ip="10.9.9.9")["Location"] for n in range(8)]
    assert set(answers) == {"/admin/password_reset/done/"}


def test_passwords_need_twelve_characters_and_not_a_common_one(admin_account):
    for weak in ["Summer2026", "short-pw", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak, admin_account)
    validate_password("plum-harbour-lantern", admin_account)


def test_the_old_address_is_told_when_an_accounts_email_changes(
    admin_account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_account.email = "someone@outside.example"
        admin_account.save()
    (notice,) = mailoutbox
    assert notice.to == ["cat.admin@force.example"]
    assert "changed from cat.admin@force.example to someone@outside.example" in notice.body


def test_no_notice_for_other_changes_or_accounts_without_a_password(
    admin_account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_account.first_name = "Cat"
        admin_account.save()
        get_user_model().objects.filter(pk=admin_account.pk).first().save(update_fields=["last_login"])
        staff = UserFactory(username="S2002", email="pc@force.example")
        staff.set_unusable_password()
        staff.save()
        staff.email = "pc.new@force.example"
        staff.save()
    assert mailoutbox == []

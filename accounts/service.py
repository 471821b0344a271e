"""Rules about people: accounts, sessions, departments. No request objects here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from accounts.models import ROLES, Department, User
from accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from accounts.signals import member_placed
from extensions import db


class AccountError(ValueError):
    """A rule about accounts was broken; the message is safe to show."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def users_by_email(emails: Iterable[str]) -> dict[str, User]:
    """Existing users by normalised email, in a few queries for a whole roster."""
    wanted = sorted({normalise_email(e) for e in emails})
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 500):  # well inside every driver's parameter limit
        chunk = wanted[start:start + 500]
        found.update((u.email, u) for u in db.session.scalars(
            select(User).where(User.email.in_(chunk))))
    return found


def get_department_by_code(code: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.code == code.strip()))


def add_user(
    email: str,
    name: str,
    *,
    password: str | None = None,
    roles: Iterable[str] = ("learner",),
    department: Department | None = None,
    hire_date: date | None = None,
    locale: str | None = None,
) -> User:
    """Add a user to the session (no commit), enrolling them through their department."""
    role_list = sorted(set(roles))
    unknown = set(role_list) - set(ROLES)
    if unknown:
        raise AccountError(f"unknown role(s): {', '.join(sorted(unknown))}")
    if get_user_by_email(email):
        raise AccountError(f"a user with email {normalise_email(email)} already exists")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        roles=" ".join(role_list),
        department=department,
        hire_date=hire_date,
        locale=locale,
        active=True,
        session_version=1,
        password_hash=checked_password_hash(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    member_placed.send(user, previous_department_id=None)  # "everyone" courses need no dept
    return user


def create_user(email: str, name: str, **fields) -> User:
    user = add_user(email, name, **fields)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for both misses)."""
    user = get_user_by_email(email)
    # verify even without a user: the time taken must not tell whether the email exists
    matches = verify_password(user.password_hash if user else None, password)
    if user is None or not user.active or not matches:
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def load_user(login_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version, so old cookies stop working."""
    user_id, _, version = login_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    # one query for every request: the user, their department (the header and home page
    # name it) and whether they head one (the header's Reports link)
    user = db.session.scalar(select(User).where(User.id == int(user_id)).options(
        joinedload(User.department), undefer(User.heads_a_department)))
    if user is None or user.session_version != int(version):
        return None
    return user


def revoke_sessions(user: User) -> None:
    """End every session and remember-me cookie this user has, on the server."""
    user.session_version += 1
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("current password is wrong")
    set_password(user, new)


def checked_password_hash(password: str) -> str:
    """The one password rule, for every way a password is set (web forms, commands)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return hash_password(password)


def set_password(user: User, new: str) -> None:
    user.password_hash = checked_password_hash(new)
    revoke_sessions(user)


# A set-password link (an invitation, or a reset an admin hands out) works for a week
# and once: it names the session version, which setting the password moves on.
SET_PASSWORD_DAYS = 7


def _password_links() -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    assert secret is not None, "load_settings always sets SECRET_KEY"
    return URLSafeTimedSerializer(secret, salt="relay-set-password")


def users_without_password() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.password_hash.is_(None), User.active.is_(True)).order_by(User.email)))


def set_password_token(user: User) -> str:
    return _password_links().dumps([user.id, user.session_version])


def user_for_set_password_token(token: str) -> User | None:
    """The active user a link is for; None if it is forged, over a week old, or used."""
    try:
        user_id, version = _password_links().loads(token, max_age=SET_PASSWORD_DAYS * 86400)
    except (BadSignature, TypeError, ValueError):  # expired links are bad signatures too
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale
    db.session.commit()


def move_user(user: User, department: Department | None) -> None:
    """Place a user in a department (no commit); their new department's courses follow."""
    previous = user.department_id
    user.department = department
    db.session.flush()
    if department is not None and department.id != previous:
        member_placed.send(user, previous_department_id=previous)


def transfer_user(user: User, department: Department) -> None:
    move_user(user, department)
    db.session.commit()


def create_department(
    code: str, name: str, parent: Department | None = None, head: User | None = None
) -> Department:
    if get_department_by_code(code):
        raise AccountError(f"department code {code} already exists")
    department = Department(code=code.strip(), name=name.strip(), parent=parent, head=head)
    db.session.add(department)
    db.session.commit()
    return department


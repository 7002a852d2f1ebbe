"""Signing in by e-mail: a person gives their address and, if (and only if) it is an
active account's, a single-use, short-lived link goes out through the mail outbox. The
one asking learns nothing either way: the answer does not depend on the address.

Only the hash of a link's secret is kept; using it marks it used in the same statement
that checks it, so it opens one session, once, whichever web process receives it."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from app.domain import text
from app.domain.notices import Letter
from app.persistence.auth import token_hash
from app.persistence.sign_in_links import SignInLink, SignInLinks
from app.persistence.uow import UnitOfWork
from app.services import mail
from app.services.tokens import SignIn

LINK_PREFIX = "sil_"
KIND = "sign_in_link"
# Writes the mail: the link to follow, and when it stops working.
LetterWriter = Callable[[str, datetime], Letter]


def request(
    uow: UnitOfWork, email: str, *, ttl: timedelta, link_url: str, write: LetterWriter
) -> None:
    """Mail a sign-in link to `email` if it is an active user's; otherwise do nothing.
    `link_url` is where the link points; the secret is added as its `token` parameter."""
    try:
        address = text.checked_email(email)
    except text.TextError:
        return
    secret = LINK_PREFIX + secrets.token_urlsafe(32)
    with uow:
        user = uow.users.by_email(address)
        if user is None or user.disabled_at is not None:
            return
        now = uow.clock()
        links = SignInLinks(uow.session)
        links.forget_expired(now)
        link = links.add(
            SignInLink(
                id=uuid.uuid4(),
                user_id=user.id,
                token_hash=token_hash(secret),
                created_at=now,
                expires_at=now + ttl,
            )
        )
        separator = "&" if "?" in link_url else "?"
        mail.queue(
            uow, KIND, user.email, write(f"{link_url}{separator}token={secret}", link.expires_at)
        )
        uow.commit()


def use(uow: UnitOfWork, secret: str) -> SignIn | None:
    """The sign-in a link stands for, once; None when it is unknown, used, expired, or
    its user was disabled since it was sent."""
    if not well_formed(secret):
        return None
    with uow:
        now = uow.clock()
        user_id = SignInLinks(uow.session).use(token_hash(secret), now)
        user = uow.users.get(user_id) if user_id is not None else None
        # Used either way: a link that reached a disabled account is spent too.
        uow.commit()
        if user is None or user.disabled_at is not None:
            return None
        return SignIn(user.id, token_id=None)


def well_formed(secret: str) -> bool:
    return secret.startswith(LINK_PREFIX) and 20 < len(secret) <= 200

"""Use cases of the admin account: register, change password, forgot and reset password."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from social_scale_core.auth.model import Mail, ResetToken, Role, User
from social_scale_core.auth.policy import (
    check_password,
    new_id,
    new_secret,
    normalise_email,
    secret_hash,
)
from social_scale_core.auth.sessions import AuthPorts, count_attempt, login_key, verify_throttled
from social_scale_core.errors import (
    AdminExists,
    InvalidResetToken,
    MailNotSent,
    ValidationFailed,
)


def register(ports: AuthPorts, email: str, password: str, name: str, client_ip: str) -> User:
    """Create the SUPER_ADMIN. Only while none exists: AdminExists otherwise, also for all
    but one of many concurrent calls (the storage's unique constraint decides)."""
    now = ports.clock.now()
    count_attempt(ports, f"register:{client_ip}", ports.policy.register_attempts, now)
    email = normalise_email(email)
    with ports.uow() as uow:
        if uow.users.any_exists():
            raise AdminExists("The administrator account already exists.")
    check_password(password, email, "password")
    user = User(
        id=new_id(), email=email, name=name.strip(), role=Role.SUPER_ADMIN,
        password_hash=ports.hasher.hash(password), created_at=now, password_changed_at=now,
    )
    with ports.uow() as uow:
        uow.users.add(user)
        uow.commit()
    return user


def change_password(
    ports: AuthPorts, user: User, current: str, new: str, client_ip: str
) -> None:
    """Set a new password after checking the current one (failures count towards the login
    throttle). Every refresh token of the user is revoked, this session's too: clients
    log in again once their access token expires."""
    if not verify_throttled(ports, user.email, client_ip, user.password_hash, current):
        raise ValidationFailed.single("currentPassword", "is not correct")
    check_password(new, user.email, "newPassword")
    if new == current:
        raise ValidationFailed.single("newPassword", "must differ from the current password")
    new_hash = ports.hasher.hash(new)
    now = ports.clock.now()
    with ports.uow() as uow:
        uow.rate_limits.clear(login_key(user.email, client_ip))
        uow.users.set_password(user.id, new_hash, now)
        uow.refresh_tokens.revoke_all_for_user(user.id, now)
        uow.reset_tokens.invalidate_all_for_user(user.id, now)
        uow.commit()


def reset_mail(user: User, secret: str, ttl: timedelta) -> Mail:
    minutes = int(ttl.total_seconds() // 60)
    body = (
        f"Hello {user.name},\n\n"
        "Someone (hopefully you) asked to reset the password of your Social Scale account.\n"
        f"Your reset token, valid for {minutes} minutes and usable once:\n\n    {secret}\n\n"
        "Send it with your new password to POST /api/v1/auth/reset-password as\n"
        '{"token": "<the token>", "newPassword": "<your new password>"}.\n\n'
        "If you did not ask for this, ignore this mail: your password stays as it is.\n"
    )
    return Mail(to=user.email, subject="Reset your Social Scale password", body=body)


def forgot_password(ports: AuthPorts, email: str, client_ip: str) -> None:
    """Mail a single-use reset token if the email is the admin's; do nothing otherwise.

    The caller cannot tell the two apart: same return, and the known path only adds one
    insert (the Mailer queues, see the adapter). Mail failures are logged by the Mailer.
    """
    now = ports.clock.now()
    count_attempt(ports, f"forgot:{client_ip}", ports.policy.forgot_attempts, now)
    secret = new_secret()
    with ports.uow() as uow:
        user = uow.users.by_email(normalise_email(email))
        if user is None:
            return
        uow.reset_tokens.add(ResetToken(
            id=new_id(), user_id=user.id, token_hash=secret_hash(secret), created_at=now,
            expires_at=now + ports.policy.reset_ttl,
        ))
        uow.commit()
    # A failure is already logged by the mailer; the answer must not differ.
    with contextlib.suppress(MailNotSent):
        ports.mailer.send(reset_mail(user, secret, ports.policy.reset_ttl))


def reset_password(ports: AuthPorts, token: str, new_password: str) -> None:
    """Set a new password with a live reset token, spending it (exactly once, also under
    concurrency). Revokes all the user's refresh tokens and other reset tokens."""
    now = ports.clock.now()
    with ports.uow() as uow:
        stored = uow.reset_tokens.by_hash(secret_hash(token))
        user = uow.users.get(stored.user_id) if stored is not None else None
    if stored is None or user is None or not stored.is_live(now):
        raise InvalidResetToken()
    check_password(new_password, user.email, "newPassword")
    new_hash = ports.hasher.hash(new_password)
    with ports.uow() as uow:
        if not uow.reset_tokens.consume(stored.id, now):
            raise InvalidResetToken()
        uow.users.set_password(user.id, new_hash, now)
        uow.refresh_tokens.revoke_all_for_user(user.id, now)
        uow.reset_tokens.invalidate_all_for_user(user.id, now)
        uow.commit()

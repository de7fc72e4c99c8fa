"""Use cases of the admin account: create it, change password, forgot and reset password."""

from __future__ import annotations

import contextlib
import hmac
from datetime import timedelta

from social_scale_core.auth.model import Mail, ResetToken, Role, User
from social_scale_core.auth.policy import (
    check_password,
    new_id,
    new_secret,
    normalise_email,
    secret_hash,
)
from social_scale_core.auth.sessions import (
    AuthPorts,
    clear_login_failures,
    count_attempt,
    hashed_key,
    verify_throttled,
)
from social_scale_core.errors import (
    AdminExists,
    BootstrapRequired,
    InvalidResetToken,
    MailNotSent,
    ValidationFailed,
)


def _check_bootstrap(ports: AuthPorts, presented: str | None) -> None:
    expected = ports.policy.bootstrap_token
    if not ports.policy.bootstrap_required:
        return
    if not (expected and presented and hmac.compare_digest(presented.encode(),
                                                           expected.encode())):
        raise BootstrapRequired(
            "Creating the administrator here needs the X-Bootstrap-Token header with the "
            "ADMIN_BOOTSTRAP_TOKEN; or run `social-scale create-admin` on the server.")


def register(ports: AuthPorts, email: str, password: str, name: str, client_ip: str,
             bootstrap_token: str | None = None) -> User:
    """Create the SUPER_ADMIN over the network: throttled per ip, and where the policy says
    so (production, or a server reachable from other hosts) only with the bootstrap token.
    BootstrapRequired without it; otherwise as `create_admin`."""
    count_attempt(ports, f"register:{client_ip}", ports.policy.register_attempts,
                  ports.clock.now())
    _check_bootstrap(ports, bootstrap_token)
    return create_admin(ports, email, password, name)


def create_admin(ports: AuthPorts, email: str, password: str, name: str) -> User:
    """Create the SUPER_ADMIN under the password policy. Only while none exists:
    AdminExists otherwise, also for all but one of many concurrent calls (the storage's
    unique constraint decides). The shell's `create-admin` calls this directly."""
    now = ports.clock.now()
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


def change_password(ports: AuthPorts, user: User, current: str, new: str, client_ip: str,
                    session_id: str | None = None) -> None:
    """Set a new password after checking the current one (failures count towards the login
    throttles). Every other session of the user ends at once (refresh and access tokens);
    the session `session_id` that asked stays. Live reset tokens are spent."""
    if not verify_throttled(ports, user.email, client_ip, user.password_hash, current):
        raise ValidationFailed.single("currentPassword", "is not correct")
    check_password(new, user.email, "newPassword")
    if new == current:
        raise ValidationFailed.single("newPassword", "must differ from the current password")
    new_hash = ports.hasher.hash(new)
    now = ports.clock.now()
    with ports.uow() as uow:
        clear_login_failures(ports, uow, user.email, client_ip)
        uow.users.set_password(user.id, new_hash, now)
        uow.refresh_tokens.revoke_all_for_user(user.id, now, keep_family=session_id)
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
    """Queue a reset mail for `email` if it is the admin's; the caller learns nothing.

    In the request: the per-ip and per-email throttles (counted the same for any email),
    then the rest is handed to `ports.background`. So a known and an unknown email do the
    same work while the caller waits, and answer in the same time.
    """
    now = ports.clock.now()
    email = normalise_email(email)
    count_attempt(ports, f"forgot:{client_ip}", ports.policy.forgot_attempts, now)
    count_attempt(ports, hashed_key("forgot-email", email), ports.policy.forgot_per_email,
                  now)
    ports.background(lambda: send_reset(ports, email))


def send_reset(ports: AuthPorts, email: str) -> None:
    """Mail a fresh single-use reset token to the admin `email` (nothing for others).
    Issuing it spends every earlier reset token of the account.

    Both cases write one transaction (a count of reset requests per email, in the
    rate-limit store), so that even the work left behind (a SQLite write lock, a commit)
    does not tell a later request which email was the admin's."""
    now = ports.clock.now()
    secret = new_secret()
    rule = ports.policy.forgot_per_email
    with ports.uow() as uow:
        uow.rate_limits.hit(hashed_key("reset-requested", email), rule.window_start(now))
        user = uow.users.by_email(email)
        if user is not None:
            uow.reset_tokens.invalidate_all_for_user(user.id, now)
            uow.reset_tokens.add(ResetToken(
                id=new_id(), user_id=user.id, token_hash=secret_hash(secret), created_at=now,
                expires_at=now + ports.policy.reset_ttl,
            ))
        uow.commit()
    if user is None:
        return
    # A failure is already logged by the mailer; nobody is waiting for the answer.
    with contextlib.suppress(MailNotSent):
        ports.mailer.send(reset_mail(user, secret, ports.policy.reset_ttl))


def reset_password(ports: AuthPorts, token: str, new_password: str, client_ip: str) -> None:
    """Set a new password with a live reset token, spending it (exactly once, also under
    concurrency). Throttled per ip and per account. Ends every session of the user, spends
    the other reset tokens and clears the account's login throttle."""
    now = ports.clock.now()
    count_attempt(ports, f"reset:{client_ip}", ports.policy.reset_attempts, now)
    with ports.uow() as uow:
        stored = uow.reset_tokens.by_hash(secret_hash(token))
        user = uow.users.get(stored.user_id) if stored is not None else None
    if stored is None or user is None or not stored.is_live(now):
        raise InvalidResetToken()
    count_attempt(ports, hashed_key("reset-account", user.id), ports.policy.reset_per_account,
                  now)
    check_password(new_password, user.email, "newPassword")
    new_hash = ports.hasher.hash(new_password)
    with ports.uow() as uow:
        if not uow.reset_tokens.consume(stored.id, now):
            raise InvalidResetToken()
        uow.users.set_password(user.id, new_hash, now)
        uow.refresh_tokens.revoke_all_for_user(user.id, now)
        uow.reset_tokens.invalidate_all_for_user(user.id, now)
        clear_login_failures(ports, uow, user.email, None)
        uow.commit()

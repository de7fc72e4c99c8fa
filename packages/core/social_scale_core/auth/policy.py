"""Auth rules without I/O: password strength, email normalisation, opaque token secrets."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from zxcvbn import zxcvbn

from social_scale_core.errors import FieldError, ValidationFailed

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# A local part shorter than this is too common a substring to forbid inside passwords
# ("a@x.io" would ban every password with an "a"); it is still forbidden as the password.
_MIN_LOCAL_PART_FOR_CONTAINS = 3
# zxcvbn's score (0..4): 3 is "safely unguessable: moderate protection from offline attack".
MIN_STRENGTH = 3
# zxcvbn's own bound on the work per check; a longer password is judged by its start.
_STRENGTH_CHARS = 72


def normalise_email(email: str) -> str:
    """The form emails are stored and looked up in."""
    return email.strip().lower()


def password_problems(password: str, email: str) -> list[str]:
    """Why `password` is too weak for the account `email` (empty when it is fine)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"must be at most {MAX_PASSWORD_LENGTH} characters long")
    local = normalise_email(email).partition("@")[0]
    lowered = password.lower()
    if local and (
        lowered == local or (len(local) >= _MIN_LOCAL_PART_FOR_CONTAINS and local in lowered)
    ):
        problems.append("must not contain the email address's name")
    if not problems:
        problems.extend(_guessability(password, email, local))
    return problems


def _guessability(password: str, email: str, local: str) -> list[str]:
    """zxcvbn's verdict, with its own warning and suggestions, when the score is too low."""
    result = zxcvbn(password[:_STRENGTH_CHARS], user_inputs=[email, local, "social scale"])
    if result["score"] >= MIN_STRENGTH:
        return []
    feedback = result["feedback"]
    hints = " ".join(part for part in [feedback["warning"], *feedback["suggestions"]] if part)
    message = (f"is too easy to guess (strength {result['score']} of 4, at least "
               f"{MIN_STRENGTH} needed)")
    return [f"{message}: {hints}" if hints else message]


def check_password(password: str, email: str, field: str = "password") -> None:
    """Raise ValidationFailed naming `field` when the password breaks the policy."""
    problems = password_problems(password, email)
    if problems:
        raise ValidationFailed([FieldError(field, message) for message in problems])


def new_secret() -> str:
    """A fresh opaque token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """What is stored for an opaque token: its SHA-256, hex.

    A plain hash suffices (no salt, no stretching): the secret is 256 random bits.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())

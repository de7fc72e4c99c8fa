"""The agency's logo, checked without reportlab (PIL alone) when the app starts."""

from __future__ import annotations

from pathlib import Path


class LogoNotReadable(RuntimeError):
    """AGENCY_LOGO_PATH does not name a PNG or JPEG image that can be read."""


def check_logo(path: str | None) -> None:
    """LogoNotReadable, naming the path, unless `path` is empty or an image PIL can read."""
    if not path:
        return
    if not Path(path).is_file():
        raise LogoNotReadable(f"AGENCY_LOGO_PATH {path!r} is not a file")
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.verify()
    except Exception as exc:  # PIL raises many kinds for a bad image
        raise LogoNotReadable(f"AGENCY_LOGO_PATH {path!r} is not a readable image") from exc

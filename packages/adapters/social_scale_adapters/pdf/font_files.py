"""Where the invoice font is: found without reportlab, so that the app checks it when it
starts while reportlab itself loads with the first PDF (pdf/deferred.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/DejaVuSans.ttf"),
)


class FontNotFound(RuntimeError):
    """No usable Unicode TrueType font: install the project (fontpkg-noto-sans) or
    Debian's fonts-dejavu-core, or point INVOICE_FONT_PATH at a .ttf file."""


def packaged_fonts() -> list[Path]:
    """Noto Sans from the `fontpkg-noto-sans` dependency, when it is installed."""
    try:
        import fontpkg_noto_sans
    except ImportError:
        return []
    return [Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"]


def find_font(override: str | None = None, candidates: Iterable[Path] | None = None) -> Path:
    """The first font file that exists: the override, the packaged one, then the system's."""
    if override:
        path = Path(override)
        if not path.is_file():
            raise FontNotFound(f"INVOICE_FONT_PATH {override!r} is not a file")
        return path
    for path in candidates if candidates is not None else [*packaged_fonts(), *SYSTEM_FONTS]:
        if path.is_file():
            return path
    raise FontNotFound(FontNotFound.__doc__ or "no font")

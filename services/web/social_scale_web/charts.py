"""Bar charts as SVG, drawn on the server: labelled axes, rupee ticks in Indian grouping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from attrs import frozen
from markupsafe import Markup, escape

from social_scale_web.formatting import money

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 84, 12, 16, 44
TICKS = 4


@frozen
class Series:
    """One coloured measure of the chart; `css` picks its colour in console.css."""

    name: str
    css: str
    values: tuple[Decimal, ...]


def _scale(series: Sequence[Series], count: bool) -> tuple[Decimal, Decimal]:
    values = [v for s in series for v in s.values] or [Decimal(0)]
    low, high = min(min(values), Decimal(0)), max(max(values), Decimal(0))
    if high == low:
        high = low + 1
    if count:  # whole-number ticks
        high = Decimal(-(-int(high) // TICKS) * TICKS)
    return low, high


def _axis(low: Decimal, high: Decimal, fmt: Callable[[Decimal], str]) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(TICKS + 1):
        value = low + (high - low) * i / TICKS
        y = TOP + plot_h - plot_h * i / TICKS
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{escape(fmt(value.quantize(Decimal(1))))}</text>')
    return parts


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series],
              currency: str = "INR", count: bool = False) -> Markup:
    """Grouped bars, one group per label; negative values hang below the zero line."""
    def fmt(v: Decimal) -> str:
        return str(v) if count else money(v, currency).removesuffix(".00")

    low, high = _scale(series, count)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(labels), 1)
    bar = min(group * 0.8 / max(len(series), 1), 40.0)

    def y_of(value: Decimal) -> float:
        return TOP + plot_h - float((value - low) / (high - low)) * plot_h

    parts = _axis(low, high, fmt)
    every = max(1, -(-len(labels) // 8))
    for i, label in enumerate(labels):
        x0 = LEFT + group * i + (group - bar * len(series)) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            top, base = y_of(max(value, Decimal(0))), y_of(min(value, Decimal(0)))
            parts.append(f'<rect class="bar {s.css}" x="{x0 + bar * j:.1f}" y="{top:.1f}" '
                         f'width="{bar * 0.92:.1f}" height="{max(base - top, 0.5):.1f}">'
                         f'<title>{escape(label)}: {escape(s.name)} {escape(fmt(value))}'
                         f'</title></rect>')
        if i % every == 0:
            parts.append(f'<text class="tick" x="{LEFT + group * (i + 0.5):.1f}" '
                         f'y="{HEIGHT - BOTTOM + 16}"'
                         f' text-anchor="middle">{escape(label)}</text>')
    legend = "".join(
        f'<rect class="bar {s.css}" x="{LEFT + 130 * k}" y="{HEIGHT - 16}" width="10" '
        f'height="10"/><text class="tick" x="{LEFT + 130 * k + 14}" y="{HEIGHT - 7}">'
        f'{escape(s.name)}</text>' for k, s in enumerate(series))
    # Every text that is not a number of ours went through escape() above.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}"/>'
        + "".join(parts) + legend + "</svg>"
    )

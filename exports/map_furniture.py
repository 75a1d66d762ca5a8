"""Map furniture for printed maps in a projected metric CRS: extent, scale bar, north arrow.

All functions take an :class:`matplotlib.axes.Axes` whose data units are metres
in EPSG:25832 (UTM grid), where one data unit is one metre on the ground to
within the UTM scale factor (0.9996, i.e. 0.04 %, invisible on a scale bar).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from geo.crs import transformer
from geo.settings import MAP_CRS, WORK_CRS

#: Data-to-print scale denominators are rounded to this step.
_SCALE_STEP = 500


def fit_extent(
    bounds: tuple[float, float, float, float], aspect: float, pad: float = 0.08
) -> tuple[float, float, float, float]:
    """Grow ``bounds`` by ``pad`` and to the width/height ratio ``aspect`` of the axes.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in metres.
    aspect
        Axes width divided by height (both in the same paper unit).
    pad
        Margin as a share of the larger side, so symbols at the edge stay whole.

    Returns
    -------
    tuple
        ``(minx, miny, maxx, maxy)`` with the axes' aspect ratio (equal scale in x and y).
    """
    minx, miny, maxx, maxy = bounds
    # A single point or a degenerate line still needs a readable window.
    width = max(maxx - minx, 500.0)
    height = max(maxy - miny, 500.0)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    margin = pad * max(width, height)
    width, height = width + 2 * margin, height + 2 * margin
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def scale_denominator(ax_width_m: float, paper_width_mm: float) -> int:
    """Return the map scale 1:N for ``ax_width_m`` metres shown on ``paper_width_mm``."""
    raw = ax_width_m / (paper_width_mm / 1000.0)
    return int(max(_SCALE_STEP, round(raw / _SCALE_STEP) * _SCALE_STEP))


def nice_length(target_m: float) -> float:
    """Largest 1-2-5 x 10^k length in metres not above ``target_m``."""
    exponent = math.floor(math.log10(target_m))
    for step in (5, 2, 1):
        length = step * 10**exponent
        if length <= target_m:
            return float(length)
    return float(10**exponent)


def _distance_label(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


def draw_scale_bar(ax: Axes, fontsize: float, *, segments: int = 4) -> None:
    """Draw an alternating black/white scale bar in the lower left of ``ax``.

    The bar spans a 1-2-5 length near a fifth of the map width, labelled in m or km.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    length = nice_length(width / 5)
    seg = length / segments
    left, bottom = x0 + 0.03 * width, y0 + 0.045 * height
    bar_h = 0.012 * height
    ax.add_patch(
        Rectangle(
            (left - 0.012 * width, bottom - 0.025 * height),
            length + 0.035 * width,
            bar_h + 0.065 * height,
            facecolor="white",
            edgecolor="#888888",
            linewidth=0.4,
            alpha=0.85,
            zorder=20,
        )
    )
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (left + i * seg, bottom),
                seg,
                bar_h,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=21,
            )
        )
    for value in (0.0, length / 2, length):
        ax.text(
            left + value,
            bottom + bar_h + 0.008 * height,
            _distance_label(value) if value else "0",
            ha="center",
            va="bottom",
            fontsize=fontsize,
            zorder=22,
        )


def grid_convergence_deg(x: float, y: float) -> float:
    """Angle in degrees from grid north to true north at ``(x, y)`` in EPSG:25832.

    Positive means true north lies clockwise of grid north. East of the zone's
    central meridian (9° E) it is negative: true north leans slightly left.
    """
    to_geo = transformer(WORK_CRS, MAP_CRS)
    to_grid = transformer(MAP_CRS, WORK_CRS)
    lon, lat = to_geo.transform(x, y)
    xn, yn = to_grid.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(xn - x, yn - y))


def draw_north_arrow(ax: Axes, label: str, fontsize: float) -> None:
    """Draw a north arrow in the upper right of ``ax`` pointing to true north."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    angle = math.radians(grid_convergence_deg((x0 + x1) / 2, (y0 + y1) / 2))
    size = 0.07 * height
    cx, cy = x1 - 0.05 * width, y1 - 0.06 * height - size / 2
    direction = np.array([math.sin(angle), math.cos(angle)])
    normal = np.array([direction[1], -direction[0]])
    tip = np.array([cx, cy]) + direction * size / 2
    tail = np.array([cx, cy]) - direction * size / 2
    half = normal * size * 0.22
    # Two half-arrowheads, one filled: the classic compass needle look.
    ax.fill(*np.array([tip, tail + half, tail + direction * size * 0.25]).T, "black", zorder=21)
    ax.fill(
        *np.array([tip, tail - half, tail + direction * size * 0.25]).T,
        facecolor="white",
        edgecolor="black",
        linewidth=0.6,
        zorder=21,
    )
    x, y = tip + direction * size * 0.05
    ax.text(
        x,
        y,
        label,
        ha="center",
        va="bottom",
        fontsize=fontsize,
        fontweight="bold",
        zorder=22,
    )

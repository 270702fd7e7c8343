"""``essbot stats --chart``: the funnel and the profile distributions as one PNG.

Drawn from the suppressed report only: a hidden group (« < 5 ») is left out of the
bars, and named below them, so the picture shows no more than the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.admin.stats import SUPPRESSED

if TYPE_CHECKING:  # matplotlib is optional (the "charts" extra)
    from matplotlib.axes import Axes

INSTALL_HINT = ("--chart needs matplotlib: pip install 'essbot[charts]' "
                "(or: .venv/bin/pip install matplotlib)")


class ChartUnavailable(Exception):
    """matplotlib is not installed."""


def _bars(axis: Axes, title: str, entries: list[tuple[str, int | None]]) -> None:
    visible = [(label, n) for label, n in entries if n is not None]
    hidden = [label for label, n in entries if n is None]
    axis.set_title(title, fontsize=10, loc="left")
    if visible:
        labels, counts = zip(*reversed(visible), strict=True)
        axis.barh(labels, counts, color="#3b7dd8")
        axis.tick_params(labelsize=8)
    else:
        axis.set_yticks([])
        axis.text(0.5, 0.5, "no group of 5 or more", ha="center", va="center",
                  transform=axis.transAxes, fontsize=8)
    if hidden:
        axis.set_xlabel(f"{SUPPRESSED}: " + ", ".join(hidden[:6])
                        + ("…" if len(hidden) > 6 else ""), fontsize=7)


def write_chart(report: dict[str, Any], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display on a server
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ChartUnavailable(INSTALL_HINT) from exc
    panels: list[tuple[str, list[tuple[str, int | None]]]] = [
        (f"Funnel ({report['funnel']['flow']}): conversations reaching each state",
         [(s["state"], s["reached"]) for s in report["funnel"]["steps"]]),
    ]
    for slot, entries in report["profiles"].items():
        panels.append((f"Profiles: {slot}", [(e["label"], e["conversations"]) for e in entries]))
    panels.append(("Most recommended items",
                   [(e["item"], e["conversations"]) for e in report["recommended"]]))
    heights = [max(2.0, 0.28 * len(entries) + 1.0) for _, entries in panels]
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, sum(heights)),
                                gridspec_kw={"height_ratios": heights}, squeeze=False)
    for axis, (title, entries) in zip(axes[:, 0], panels, strict=True):
        _bars(axis, title, entries)
    since = f" since {report['since']}" if report["since"] else ""
    figure.suptitle(f"essbot usage{since} (groups under {report['min_group']} hidden)",
                    fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)

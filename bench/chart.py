"""Bar chart of a bench/run.py result: one panel per scenario, each server's req/s and server
CPU time per request as ratios to Node Express (1.0 = Express, the dashed line). CPU is drawn
as Express's CPU per request divided by the server's, so that for both bars longer is better;
the label gives the server's own µs per request (this machine's).

Usage (run by run.py with the bench venv's Python): python chart.py latest.json latest.png
"""
from __future__ import annotations

import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {
    "floor": "raw floor",
    "fastexpress": "fastexpress",
    "fastexpress-py": "fastexpress (pure Py)",
    "express": "Node Express 5",
    "fastify": "Fastify 5",
    "starlette": "Starlette/uvicorn",
    "sanic": "Sanic",
    "blacksheep": "BlackSheep/uvicorn",
    "granian": "Granian (RSGI)",
}
RPS_COLOR = "#2b6cb0"
CPU_COLOR = "#dd6b20"
HIGHLIGHT = {"fastexpress", "fastexpress-py"}


def _inv(x):
    return 1.0 / x if x else None


def main(src: str, dst: str) -> None:
    res = json.load(open(src))
    cfg, cells, info = res["config"], res["cells"], res["machine"]
    servers = cfg["servers"]
    panels = list(cfg["scenarios"])
    mem = res.get("memory") or {}
    if mem:
        panels.append("__memory__")
    ncols = min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.2 * ncols, 0.42 * len(servers) * nrows + 1.6 * nrows + 1.2),
                             squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax, sc in zip(axes.flat, panels):
        names = list(reversed(servers))
        y = range(len(names))
        if sc == "__memory__":
            vals = [(mem.get(s) or {}).get("kib_per_connection_vs_express") for s in names]
            ax.barh(list(y), [v or 0 for v in vals], color="#718096", height=0.6)
            ax.set_xlabel("KiB per connection ÷ Express's", fontsize=8)
            for i, s in enumerate(names):
                m = mem.get(s) or {}
                v = m.get("kib_per_connection_vs_express")
                txt = "—" if m.get("status") != "ok" else (
                    f"{v:.2f}×  ({m['kib_per_connection']:.1f} KiB)" if v is not None
                    else f"({m['kib_per_connection']:.1f} KiB)")
                ax.text((v or 0) + 0.02, i, txt, va="center", fontsize=8)
            ax.set_title(f"memory per idle keep-alive connection\n(ratio to Express, lower is better)", fontsize=10)
        else:
            rps = [(cells[sc].get(s) or {}).get("rps_vs_express") for s in names]
            cpu = [_inv((cells[sc].get(s) or {}).get("cpu_us_per_req_vs_express")) for s in names]
            # The axis is scaled to the frameworks; the raw floor, far ahead in some scenarios
            # (pipelining), is clipped at the edge and labelled with its value.
            others = [v for s, a, b in zip(names, rps, cpu) if s != "floor" for v in (a, b) if v]
            xmax = max(others + [1.0]) * 1.45
            clip = xmax / 1.3
            h = 0.38
            ax.barh([i + h / 2 for i in y], [min(v or 0, clip) for v in rps], height=h, color=RPS_COLOR,
                    label="req/s ÷ Express (higher is better)")
            ax.barh([i - h / 2 for i in y], [min(v or 0, clip) for v in cpu], height=h, color=CPU_COLOR,
                    label="CPU efficiency: Express's CPU per request ÷ the server's (higher is better)")
            for i, s in enumerate(names):
                c = cells[sc].get(s) or {}
                if c.get("status") != "ok":
                    ax.text(0.03, i, "— (not implemented)" if c.get("status") in ("unsupported", None)
                            else f"— ({c.get('status')})", va="center", fontsize=8, color="#555")
                    continue
                v = c.get("rps_vs_express")
                if v is not None:
                    ax.text(min(v, clip) + xmax * 0.01, i + h / 2, f"{v:.2f}×" + (" ▸" if v > clip else "")
                            + (" †" if c.get("wrk_bound") else "") + (" ‡" if c.get("contended") else ""),
                            va="center", fontsize=7, color=RPS_COLOR)
                eff = _inv(c.get("cpu_us_per_req_vs_express"))
                if eff is not None:
                    ax.text(min(eff, clip) + xmax * 0.01, i - h / 2,
                            f"{eff:.2f}×{' ▸' if eff > clip else ''}  ({c['cpu_us_per_req']:.1f} µs CPU/req)",
                            va="center", fontsize=7, color=CPU_COLOR)
            ax.set_xlim(0, xmax)
            ax.set_title(sc, fontsize=11, fontweight="bold")
        ax.set_yticks(list(y))
        ax.set_yticklabels([LABELS.get(s, s) for s in names], fontsize=9)
        for lbl, s in zip(ax.get_yticklabels(), names):
            if s in HIGHLIGHT:
                lbl.set_fontweight("bold")
        ax.axvline(1.0, color="#333", linestyle="--", linewidth=1)
        if sc == "__memory__":
            ax.set_xlim(0, max([p.get_width() for p in ax.patches] + [1.0]) * 1.45)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=9, bbox_to_anchor=(0.5, 1 - 0.45 / fig.get_figheight()))
    fig.suptitle(f"Ratios to Node Express 5 in the same run (dashed line = 1.0).  "
                 f"This machine: {info['cpu_model']}, {info['cores']} cores, Python {info.get('python')}, "
                 f"Node {info.get('node', 'n/a')}, {info['date']}"
                 + ("  — SMOKE RUN" if cfg.get("smoke") else ""), fontsize=10, y=0.995)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.8 / fig.get_figheight()))
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

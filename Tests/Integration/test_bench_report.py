"""Report rendering of tools/bench-compare, on synthetic numbers (no servers, no load
generators): the parser of the redis-benchmark / apus-benchmark text report, the Markdown
tables (medians, apus/redis and redis2/redis ratios, load generator efficiency, memory) and
the self-contained HTML page whose inline SVG must hold one bar per tool/server/load and one
latency curve per tool/server/load."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "bench-compare"
SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def bc():
    loader = importlib.machinery.SourceFileLoader("bench_compare", str(SCRIPT))
    spec = importlib.util.spec_from_loader("bench_compare", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


# MARK: - Synthetic data

# rps per server for each load; apus is 1.2x redis, redis2 0.9x redis, apus-benchmark 0.97x.
BASE_RPS = {"SET": 50000.0, "GET": 60000.0, "SET P16": 500000.0, "GET P16": 600000.0}
SERVER_FACTOR = {"apus": 1.2, "redis": 1.0, "redis2": 0.9}
TOOL_FACTOR = {"redis-benchmark": 1.0, "apus-benchmark": 0.97}
ROUNDS = 3


def percentiles(scale: float, total: int = 20000) -> list:
    pts = [(0.0, 0.1), (50.0, 0.5), (75.0, 0.7), (87.5, 0.9), (93.75, 1.1), (96.875, 1.3),
           (98.438, 1.8), (99.219, 2.4), (99.609, 3.0), (99.805, 4.0), (99.902, 5.0), (100.0, 6.0)]
    return [[p, round(ms * scale, 3), max(1, int(total * p / 100))] for p, ms in pts]


def synthetic_report(tools=("redis-benchmark", "apus-benchmark")) -> dict:
    loads = list(BASE_RPS)
    servers = ["apus", "redis", "redis2"]
    samples, curves = {}, {}
    for t in tools:
        for s in servers:
            for ld in loads:
                med = BASE_RPS[ld] * SERVER_FACTOR[s] * TOOL_FACTOR[t]
                rows = []
                for rnd, wobble in enumerate((0.98, 1.0, 1.03)):  # median is exactly `med`
                    p99 = 2.0 / SERVER_FACTOR[s]
                    rows.append({"round": rnd, "rps": med * wobble, "avg": 0.5, "min": 0.1, "p50": 0.5,
                                 "p95": 1.0, "p99": p99, "max": 6.0, "requests": 20000, "seconds": 0.4})
                samples.setdefault(t, {}).setdefault(s, {})[ld] = rows
                curves.setdefault(t, {}).setdefault(s, {})[ld] = {
                    "round": 1, "rps": med, "percentiles": percentiles(1 / SERVER_FACTOR[s])}
    return {
        "meta": {"date": "2024-01-01 00:00:00 UTC", "machine": "2 CPUs test", "apus": "/x/apus-server",
                 "apus_commit": "abc123", "redis": "/usr/bin/redis-server", "redis_version": "v=7.0.15",
                 "load_generators": list(tools), "apus_benchmark_note": "no binary at /x/apus-benchmark",
                 "quick": False, "notes": []},
        "throughput": {"rounds": ROUNDS, "clients": 50, "keyspace": 100000,
                       "runs": [{"requests": 50000, "pipeline": 1}, {"requests": 500000, "pipeline": 16}],
                       "servers": servers, "tools": list(tools), "loads": loads,
                       "samples": samples, "curves": curves},
        "rss": {"keys": 1000000, "value_bytes": 16,
                "servers": {"apus": {"empty_kb": 10240, "loaded_kb": 81920},
                            "redis": {"empty_kb": 10240, "loaded_kb": 122880}}},
        "bgsave": {"keys": 2000000, "value_bytes": 100,
                   "servers": {"apus": {"start_kb": 300 * 1024, "peak_kb": 303 * 1024, "save_seconds": 3.5,
                                        "rps_during_save": 170000.0, "bench_rps": 360000.0, "processes": 1,
                                        "notes": []},
                               "redis": {"start_kb": 400 * 1024, "peak_kb": 760 * 1024, "save_seconds": 6.2,
                                         "rps_during_save": 80000.0, "bench_rps": 175000.0, "processes": 2,
                                         "notes": []}}},
    }


def md_rows(md: str, title_part: str) -> dict[str, list[str]]:
    """{first cell: cells} of the Markdown table whose ### heading contains title_part."""
    block = md.split("### ")
    sec = next(b for b in block if b.splitlines()[0].find(title_part) >= 0)
    rows = {}
    for line in sec.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells
    return rows


def parse_html(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE html>")
    return ET.fromstring(text.split("\n", 1)[1])  # the page is well-formed XML after the doctype


# MARK: - Parser

SAMPLE_OUTPUT = (
    "SET: rps=0.0 (overall: 0.0) avg_msec=-nan (overall: -nan)\r                \r"
    "SET: rps=42636.0 (overall: 42466.1) avg_msec=0.761 (overall: 0.761)\r    \r====== SET ======\n"
    "  20000 requests completed in 0.45 seconds\n  50 parallel clients\n  3 bytes payload\n  keep alive: 1\n"
    "  host configuration \"save\": \n  host configuration \"appendonly\": no\n  multi-thread: no\n\n"
    "Latency by percentile distribution:\n"
    "0.000% <= 0.111 milliseconds (cumulative count 1)\n"
    "50.000% <= 0.535 milliseconds (cumulative count 10193)\n"
    "99.902% <= 5.471 milliseconds (cumulative count 19981)\n"
    "100.000% <= 5.759 milliseconds (cumulative count 20000)\n\n"
    "Cumulative distribution of latencies:\n"
    "0.000% <= 0.103 milliseconds (cumulative count 0)\n"
    "100.000% <= 6.103 milliseconds (cumulative count 20000)\n\n"
    "Summary:\n  throughput summary: 44742.73 requests per second\n  latency summary (msec):\n"
    "          avg       min       p50       p95       p99       max\n"
    "        0.726     0.104     0.535     1.391     2.415     5.759\n"
    "GET: rps=11649.4 (overall: 56230.8)\r   \r====== GET ======\n"
    "  20000 requests completed in 0.34 seconds\n\nLatency by percentile distribution:\n"
    "0.000% <= 0.095 milliseconds (cumulative count 1)\n"
    "100.000% <= 1.007 milliseconds (cumulative count 20000)\n\n"
    "Summary:\n  throughput summary: 59171.60 requests per second\n  latency summary (msec):\n"
    "          avg       min       p50       p95       p99       max\n"
    "        0.429     0.088     0.431     0.567     0.623     1.007\n")


def test_parser_reads_summary_and_percentile_distribution(bc):
    res = bc.parse_benchmark_output(SAMPLE_OUTPUT)
    assert set(res) == {"SET", "GET"}
    s = res["SET"]
    assert (s["requests"], s["seconds"], s["rps"]) == (20000, 0.45, 44742.73)
    assert (s["avg"], s["min"], s["p50"], s["p95"], s["p99"], s["max"]) == (0.726, 0.104, 0.535, 1.391, 2.415, 5.759)
    # only the percentile section, not the cumulative distribution that follows it
    assert s["percentiles"] == [[0.0, 0.111, 1], [50.0, 0.535, 10193], [99.902, 5.471, 19981],
                                [100.0, 5.759, 20000]]
    assert res["GET"]["rps"] == 59171.6 and res["GET"]["p99"] == 0.623 and len(res["GET"]["percentiles"]) == 2


def test_check_result_names_what_is_missing(bc):
    res = bc.parse_benchmark_output(SAMPLE_OUTPUT.split("Summary:")[0])
    with pytest.raises(RuntimeError, match="no rps, avg"):
        bc.check_result(res, "SET", "apus-benchmark", "out")
    with pytest.raises(RuntimeError, match="no block for LPUSH"):
        bc.check_result(res, "LPUSH", "apus-benchmark", "out")


# MARK: - Markdown

def test_markdown_has_medians_ratios_and_noise(bc):
    md = bc.render_markdown(synthetic_report())
    rows = md_rows(md, "load generator redis-benchmark")
    assert rows["load"][:6] == ["load", "apus rps", "redis rps", "redis2 rps", "apus/redis", "redis2/redis (noise)"]
    assert rows["SET"][1:6] == ["60,000", "50,000", "45,000", "1.20", "0.90"]
    assert rows["GET P16"][1:6] == ["720,000", "600,000", "540,000", "1.20", "0.90"]
    # p99: apus 2/1.2, redis 2.0 -> ratio 0.83; redis2 2/0.9 -> 1.11
    assert rows["SET"][9:12] == ["2.000", "0.83", "1.11"]
    rows = md_rows(md, "load generator apus-benchmark")
    assert rows["SET P16"][1:3] == ["582,000", "485,000"]


def test_markdown_tool_efficiency_and_memory(bc):
    md = bc.render_markdown(synthetic_report())
    eff = md_rows(md, "Load generator efficiency")
    for ld in ("SET", "GET", "SET P16", "GET P16"):
        assert eff[ld][3] == "0.970" and eff[ld][5] == "6" and eff[ld][7] == "yes", eff[ld]
    mem = md_rows(md, "Memory after 1,000,000")
    assert mem["apus"][1:] == ["10.0", "80.0", "70.0"]
    assert mem["apus/redis"][1:] == ["1.00", "0.67", "0.64"]
    bg = md_rows(md, "BGSAVE under write load")
    assert bg["apus"][3] == "1.01" and bg["redis"][3] == "1.90"
    assert "2,000,000 keys x 100 B, SET load" in md
    # The collections dataset names what was saved and the load that ran.
    rep = synthetic_report()
    rep["bgsave"] = dict(rep["bgsave"], keys=1_000_000, dataset="collections")
    assert "a hash of 1,000,000 fields + collections, HSET load" in bc.render_markdown(rep)


def test_efficiency_below_target_is_flagged(bc):
    rep = synthetic_report()
    for rows in rep["throughput"]["samples"]["apus-benchmark"]["redis"].values():
        for r in rows:
            r["rps"] *= 0.8
    for rows in rep["throughput"]["samples"]["apus-benchmark"]["redis2"].values():
        for r in rows:
            r["rps"] *= 0.8
    eff = md_rows(bc.render_markdown(rep), "Load generator efficiency")
    assert eff["SET"][3] == "0.776" and eff["SET"][7] == "NO"


def test_without_apus_benchmark_efficiency_is_not_measured(bc):
    rep = synthetic_report(tools=("redis-benchmark",))
    md = bc.render_markdown(rep)
    assert "load generator apus-benchmark" not in md
    eff = md_rows(md, "Load generator efficiency")
    assert eff["SET"][1] == "not measured"
    assert "no binary at /x/apus-benchmark" in md
    root = parse_html(bc.render_html(rep))
    assert len([e for e in root.iter(SVG + "rect") if e.get("class") == "bar"]) == 1 * 3 * 4
    assert len([e for e in root.iter(SVG + "polyline") if e.get("class") == "curve"]) == 1 * 3 * 4


# MARK: - HTML / SVG

def test_html_is_self_contained_with_bars_and_curves(bc):
    text = bc.render_html(synthetic_report())
    root = parse_html(text)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "must not fetch anything"
    assert "<script" not in text and "@import" not in text and "url(" not in text
    svgs = list(root.iter(SVG + "svg"))
    assert len(svgs) == 2
    bars = [e for e in root.iter(SVG + "rect") if e.get("class") == "bar"]
    assert len(bars) == 2 * 3 * 4  # tools x servers x loads
    assert {(b.get("data-tool"), b.get("data-server"), b.get("data-load")) for b in bars} == \
        {(t, s, ld) for t in TOOL_FACTOR for s in SERVER_FACTOR for ld in BASE_RPS}
    # within a panel bars share a scale: apus (1.2x) is taller than redis, redis2 (0.9x) shorter
    h = {(b.get("data-tool"), b.get("data-server"), b.get("data-load")): float(b.get("height")) for b in bars}
    assert h[("redis-benchmark", "apus", "SET")] > h[("redis-benchmark", "redis", "SET")] > \
        h[("redis-benchmark", "redis2", "SET")] > 0
    curves = [e for e in root.iter(SVG + "polyline") if e.get("class") == "curve"]
    assert len(curves) == 2 * 3 * 4
    # each curve has one point per percentile line, x increasing (log scale of 1/(1-p))
    for c in curves:
        xs = [float(p.split(",")[0]) for p in c.get("points").split()]
        assert len(xs) == 12 and xs == sorted(xs) and xs[0] < xs[-1]
    # the tables are in the page as well
    cells = [td.text for td in root.iter(XHTML + "td")]
    assert "1.20" in cells and "0.970" in cells


def test_latency_axis_labels_are_percentiles(bc):
    assert [bc.pct_label(d) for d in range(6)] == ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]
    assert bc.percentile_x(0.0, 100, 1.0) == 1.0
    assert bc.percentile_x(99.0, 100, 1.0) == pytest.approx(100.0)
    assert bc.percentile_x(100.0, 20000, 50.0) == 20000.0  # the max sits at 1 - 1/count
    svg = bc.svg_latency(synthetic_report())
    texts = [t.text for t in ET.fromstring(svg).iter(SVG + "text")]
    assert "99.99%" in texts and "90%" in texts


def test_nice_ticks(bc):
    assert bc.nice_ticks(720000) == [0, 200000, 400000, 600000, 800000]
    assert bc.nice_ticks(6.0) == [0, 2, 4, 6]
    assert bc.nice_ticks(0.7) == [0, 0.2, 0.4, 0.6, 0.8]
    assert bc.nice_ticks(0) == [0.0, 1.0]


def test_write_report_writes_three_files(bc, tmp_path):
    md = bc.write_report(synthetic_report(), str(tmp_path))
    assert (tmp_path / "report.md").read_text() == md
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["derived"]["tool_efficiency"]["SET"]["ratio"] == pytest.approx(0.97)
    assert data["derived"]["ratios"]["redis-benchmark"]["SET P16"]["rps_apus_redis"] == pytest.approx(1.2)
    parse_html((tmp_path / "report.html").read_text())
    # report.json renders back to the same Markdown (tools/bench-compare --render)
    assert bc.render_markdown(data) == md

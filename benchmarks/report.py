#!/usr/bin/env python3
"""benchmarks/report.py: turns the raw results of benchmarks/run.sh into the committed ones.

    python3 benchmarks/report.py --raw build/bench/results --out benchmarks/results \
        --readme benchmarks/README.md

Reads from --raw: <exe>-<run>.json (Google Benchmark JSON), <exe>-<run>.rss, cli.tsv,
callgrind.tsv (instructions per workload and contender), machine.txt, corpus-stats.json. Writes into --out: summary.md (the tables),
throughput.svg (the chart), medians.json (the numbers behind both); and replaces the text
between <!-- results:begin --> and <!-- results:end --> in --readme with summary.md.

Figures: the median over every repetition of every run of bytes_per_second, items_per_second
and allocs_per_event; ratios are computed inside each process run (contender / livesend_owning,
contender / the On-Demand walk, each the median of that run's repetitions), then the median of
those per-run ratios is shown. Per workload: GB/s, events/s, both ratios, instructions per event
(callgrind) and allocations per event; the seed event's latency (seed/latency/<contender>:
median_ns and p99_ns); and the targets of issue 12, each measured and judged met or not.
Standard library only.
"""

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

EXES = [("livesend_bench", "default"), ("livesend_bench_native", "-march=native")]
WORKLOADS = ["seed", "large", "stream", "shuffled"]
CONTENDERS = [
    ("livesend_owning", "livesend, owning (reused event)"),
    ("livesend_view", "livesend, view (reused event_view)"),
    ("livesend_stream", "livesend parse_stream + view (as the CLI)"),
    ("ondemand_mapping", "hand-written simdjson On-Demand mapping, owning"),
    ("ondemand_mapping_view", "hand-written simdjson On-Demand mapping, view"),
    ("simdjson_dom", "simdjson DOM → model"),
    ("rapidjson", "RapidJSON → model"),
    ("boost_json", "Boost.JSON → model"),
    ("nlohmann", "nlohmann::json → model"),
    ("limit_ondemand_walk", "limit: On-Demand generic walk"),
    ("limit_stage1", "limit: simdjson stage 1 (iterate_many)"),
    ("limit_memory_read", "limit: memory read (sum of 64-bit words)"),
]
LABEL = dict(CONTENDERS)
BASE = "livesend_owning"
WALK = "limit_ondemand_walk"
# seed/latency/<contender>: single parses of the seed event (median_ns, p99_ns counters).
LATENCY = ["livesend_owning", "livesend_view", "ondemand_mapping", "ondemand_mapping_view"]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_runs(raw):
    """{exe: [ {"context": ..., "samples": {(workload, contender): [entries]}} per run ]}"""
    runs = {exe: [] for exe, _ in EXES}
    for exe, _ in EXES:
        for path in sorted(raw.glob(f"{exe}-*.json"), key=lambda p: int(p.stem.split("-")[-1])):
            data = json.loads(path.read_text())
            samples = {}
            errors = {}
            for b in data["benchmarks"]:
                if b.get("run_type") != "iteration":
                    continue
                name = re.sub(r"/iterations:\d+$", "", b["run_name"])
                workload, _, contender = name.partition("/")
                if b.get("error_occurred"):
                    errors[(workload, contender)] = b.get("error_message", "error")
                    continue
                samples.setdefault((workload, contender), []).append(b)
            rss_path = path.with_suffix(".rss")
            rss = int(rss_path.read_text().strip()) if rss_path.exists() else None
            runs[exe].append(
                {"context": data["context"], "samples": samples, "errors": errors, "rss_kib": rss}
            )
    return runs


def summarize(runs):
    """Medians per exe/workload/contender, and per-run ratios to livesend_owning."""
    out = {}
    for exe, _ in EXES:
        per = {}
        for workload in WORKLOADS:
            for contender, _ in CONTENDERS:
                key = (workload, contender)
                entries = [e for r in runs[exe] for e in r["samples"].get(key, [])]
                if not entries:
                    errors = [r["errors"][key] for r in runs[exe] if key in r["errors"]]
                    if errors:
                        per[f"{workload}/{contender}"] = {"error": errors[0]}
                    continue
                ratios = run_ratios(runs[exe], key, (workload, BASE))
                per[f"{workload}/{contender}"] = {
                    "bytes_per_second": median([e["bytes_per_second"] for e in entries]),
                    "items_per_second": median([e["items_per_second"] for e in entries]),
                    "allocs_per_event": median([e.get("allocs_per_event") for e in entries]),
                    "ratio_to_livesend_owning": median(ratios),
                    "ratio_to_walk": median(run_ratios(runs[exe], key, (workload, WALK))),
                    "samples": len(entries),
                    "runs": len(ratios),
                }
        for contender in LATENCY:
            key = ("seed", f"latency/{contender}")
            entries = [e for r in runs[exe] for e in r["samples"].get(key, [])]
            if entries:
                per[f"seed/latency/{contender}"] = {
                    "median_ns": median([e.get("median_ns") for e in entries]),
                    "p99_ns": median([e.get("p99_ns") for e in entries]),
                    "parses": median([e.get("parses") for e in entries]),
                    "allocs_per_event": median([e.get("allocs_per_event") for e in entries]),
                    "samples": len(entries),
                }
        out[exe] = per
    return out


def run_ratios(exe_runs, key, base_key, field="bytes_per_second"):
    """The ratio key / base_key inside each process run (each the median of that run's
    repetitions), one per run that has both."""
    ratios = []
    for r in exe_runs:
        mine = [e[field] for e in r["samples"].get(key, [])]
        base = [e[field] for e in r["samples"].get(base_key, [])]
        if mine and base:
            ratios.append(statistics.median(mine) / statistics.median(base))
    return ratios


def gbps(v):
    return f"{v / 1e9:.2f}"


def events(v):
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k"
    return f"{v:.0f}"


def allocs(v):
    if v is None:
        return "–"
    if v == 0:
        return "0"
    return f"{v:.3g}"


def ratio(v):
    return "–" if v is None else f"{v:.2f}×"


def instructions(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    return f"{v / 1e3:.1f} k"


def nanos(v):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.2f} µs"
    return f"{v:.0f} ns"


def targets(summary, runs, callgrind):
    """The targets of issue 12, each with its measured value and whether it is met, per flag set:
    rows of (target, flags, measured, instructions, met)."""
    rows = []

    def cg(w, c):
        return callgrind.get(w, {}).get(c, {}).get("per_event")

    def cg_ratio(w, slow, fast):
        a, b = cg(w, slow), cg(w, fast)
        return f"{a / b:.2f}×" if a and b else "–"

    def met(value, bar):
        if value is None:
            return "not measured"
        return "**yes**" if value >= bar else "**no**"

    for exe, flags in EXES:
        er = runs[exe]
        for fast, slow, text in [("livesend_owning", "ondemand_mapping", "livesend owning ≥ 1.25× the hand-written mapping"),
                                 ("livesend_view", "ondemand_mapping_view", "livesend view ≥ 1.25× the hand-written view mapping")]:
            for w in WORKLOADS:
                value = median(run_ratios(er, (w, fast), (w, slow)))
                rows.append((f"{text}, {w}", flags, ratio(value), cg_ratio(w, slow, fast), met(value, 1.25)))
        value = median(run_ratios(er, ("shuffled", BASE), ("stream", BASE), "items_per_second"))
        a, b = cg("stream", BASE), cg("shuffled", BASE)
        rows.append(("livesend owning on shuffled within 10% of owning on stream (events/s: shuffled ÷ stream ≥ 0.90)",
                     flags, ratio(value), f"{a / b:.2f}×" if a and b else "–", met(value, 0.90)))
        value = median(run_ratios(er, ("stream", BASE), ("stream", WALK)))
        rows.append(("livesend owning ≥ 0.62× the On-Demand walk, stream", flags, ratio(value),
                     cg_ratio("stream", WALK, BASE), met(value, 0.62)))
        worst = None
        cg_worst = None
        for c in ["livesend_owning", "livesend_view"]:
            for w in WORKLOADS:
                a = summary[exe].get(f"{w}/{c}", {}).get("allocs_per_event")
                if a is not None:
                    worst = a if worst is None else max(worst, a)
                v = callgrind.get(w, {}).get(c, {}).get("allocations_per_event")
                if v is not None:
                    cg_worst = v if cg_worst is None else max(cg_worst, v)
        rows.append(("zero heap allocations per event in steady state (livesend owning and view, every workload; the most)",
                     flags, f"{allocs(worst)} per event", f"{allocs(cg_worst)} per event" if cg_worst is not None else "–",
                     "not measured" if worst is None else ("**yes**" if worst == 0 else "**no**")))
    return rows


def read_kv(path):
    result = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            result[key] = value
    return result


def cli_figures(raw, stream_bytes, stream_events):
    path = raw / "cli.tsv"
    if not path.exists():
        return {}
    rows = {}
    for line in path.read_text().splitlines()[1:]:
        name, _, wall_ns, user, sys_s, rss, faults = line.split("\t")
        rows.setdefault(name, []).append(
            (int(wall_ns) / 1e9, float(user), float(sys_s), int(rss), int(faults))
        )
    result = {}
    for name, values in rows.items():
        wall = median([v[0] for v in values])
        result[name] = {
            "runs": len(values),
            "wall_s": wall,
            "user_s": median([v[1] for v in values]),
            "sys_s": median([v[2] for v in values]),
            "max_rss_kib": median([v[3] for v in values]),
            "minor_page_faults": median([v[4] for v in values]),
            "bytes_per_second_wall": stream_bytes / wall,
            "bytes_per_second_cpu": stream_bytes
            / (median([v[1] for v in values]) + median([v[2] for v in values])),
            "events_per_second_wall": stream_events / wall,
        }
    return result


def callgrind_figures(raw):
    """{workload: {contender: figures}} from callgrind.tsv (workload, contender, instructions,
    bytes, events, passes, allocations; the figures of all the passes counted)."""
    path = raw / "callgrind.tsv"
    if not path.exists():
        return {}
    result = {}
    lines = path.read_text().splitlines()
    old = lines and lines[0].startswith("contender")  # before the workload column: the stream
    for line in lines[1:]:
        cells = line.split("\t")
        if old:
            cells = ["stream"] + cells[:4] + ["1"] + cells[4:]
        workload, contender, instructions, nbytes, nevents, passes, allocations = cells
        if not instructions:
            continue  # the run failed
        parses = int(nevents) * int(passes)
        result.setdefault(workload, {})[contender] = {
            "instructions": int(instructions),
            "bytes": int(nbytes),
            "events": int(nevents),
            "passes": int(passes),
            "per_byte": int(instructions) / (int(nbytes) * int(passes)),
            "per_event": int(instructions) / parses,
            "allocations_per_event": int(allocations) / parses if allocations else None,
        }
    return result


def simplify(name):
    """A readable function name from callgrind_annotate's `file:function [object]`."""
    name = re.sub(r" \[[^\]]*\]$", "", name)
    file, _, function = name.partition(":")
    if not function or "(" in file:
        file, function = "", name
    function = re.sub(r"'\d+$", "", function)  # callgrind's recursion marker
    for long, short in [
        ("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string"),
        ("std::basic_string_view<char, std::char_traits<char> >", "std::string_view"),
        ("simdjson::fallback::ondemand::", "od::"),
        ("livesend::detail::", ""),
        ("livesend::", ""),
        ("unsigned char const*", "const uint8_t*"),
    ]:
        function = function.replace(long, short)
    # Template arguments nested two deep are noise: keep one level.
    for _ in range(10):
        shorter = re.sub(r"<([^<>]*)<[^<>]*>([^<>]*)>", r"<\1<…>\2>", function)
        if shorter == function:
            break
        function = shorter
    where = Path(file).name if file and file != "???" else "shared library"
    if where == "simdjson.h":
        where = "simdjson.h, inlined"
    return f"`{function}` ({where})"


def hotspots(raw, contender, top=12):
    path = raw / f"callgrind-{contender}.txt"
    if not path.exists():
        return []
    rows = []
    started = False
    for line in path.read_text().splitlines():
        if "file:function" in line:
            started = True
            continue
        if not started or line.startswith("-"):
            continue
        m = re.match(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)$", line)
        if not m:
            if rows:
                break
            continue
        rows.append((int(m.group(1).replace(",", "")), float(m.group(2)), simplify(m.group(3))))
    return rows[:top]


def key_ratios(summary):
    """livesend against the walk, RapidJSON and nlohmann, view against owning, and allocations,
    on the stream workload, per flag set."""
    rows = []
    for exe, flags in EXES:
        s = summary[exe]

        def r(name):
            return s.get(f"stream/{name}", {}).get("ratio_to_livesend_owning")

        def a(name):
            return s.get(f"stream/{name}", {}).get("allocs_per_event")

        walk, view, rapid, nl = r("limit_ondemand_walk"), r("livesend_view"), r("rapidjson"), r("nlohmann")
        mapping = r("ondemand_mapping")

        def inv(x):
            return None if not x else 1 / x

        rows += [
            (flags, "livesend owning against the On-Demand generic walk", f"owning / walk = {ratio(inv(walk))}"),
            (flags, "livesend view against owning", f"view / owning = {ratio(view)}"),
            (flags, "livesend owning against the hand-written On-Demand mapping",
             f"owning / mapping = {ratio(inv(mapping))}"),
            (flags, "livesend owning against RapidJSON → model", f"owning / RapidJSON = {ratio(inv(rapid))}"),
            (flags, "livesend owning against nlohmann → model", f"owning / nlohmann = {ratio(inv(nl))}"),
        ]
        for name, text in [("livesend_owning", "owning"), ("livesend_view", "view")]:
            rows.append((flags, f"heap allocations per event, {text}", f"{allocs(a(name))} per event"))
    return rows


def markdown(summary, runs, machine, stats, cli, callgrind, raw):
    lines = []
    ctx = {exe: (runs[exe][0]["context"] if runs[exe] else {}) for exe, _ in EXES}
    first = ctx[EXES[0][0]]
    nruns = {exe: len(runs[exe]) for exe, _ in EXES}
    reps = max(
        (v.get("samples", 0) // max(v.get("runs", 1), 1) for v in summary[EXES[0][0]].values() if "runs" in v),
        default=0,
    )
    lines.append("Generated by `benchmarks/run.sh` (via `benchmarks/report.py`); do not edit by hand.")
    lines.append("")
    lines.append("### Machine and build")
    lines.append("")
    lines.append("| | |")
    lines.append("|---|---|")
    lines.append(f"| CPU | {machine.get('cpu_model', first.get('cpu_model', '?'))}, "
                 f"{machine.get('cpus', first.get('num_cpus', '?'))} cores (shared, noisy) |")
    lines.append(f"| compiler | {machine.get('compiler', '?')} |")
    lines.append(f"| kernel, date | {machine.get('kernel', '?')}, {machine.get('date', '?')} |")
    if machine.get("loadavg_start") or machine.get("loadavg_end"):
        lines.append(
            f"| load average (1, 5, 15 min) | {machine.get('loadavg_start', '?')} before the "
            f"benchmarks, {machine.get('loadavg_end', '?')} at the end (2 cores: above 2, other "
            "work shared them) |"
        )
    source = machine.get("commit", "?")
    for key, path in [("include", "include/"), ("examples_cli", "examples/cli/ (the CLI)"),
                      ("tools_livesend", "tools/livesend/ (the CLI)")]:
        if machine.get(f"{key}_modified") == "yes":
            source += (f" + uncommitted changes in {path} (diff sha256 "
                       f"{machine.get(f'{key}_diff_sha256', '?')})")
    lines.append(f"| livesend source | {source} |")
    for exe, flags in EXES:
        c = ctx[exe]
        lines.append(
            f"| `{exe}` | `{c.get('flags', '?')}`; simdjson {c.get('simdjson_version', '?')}: "
            f"On-Demand kernel compiled in **{c.get('simdjson_ondemand_kernel', '?')}**, "
            f"run-time kernel (DOM, stage 1, string unescaping) **{c.get('simdjson_active_implementation', '?')}**, "
            f"`builtin_implementation()->name()` = {c.get('simdjson_builtin_implementation', '?')} |"
        )
    lines.append(
        f"| runs | {nruns[EXES[0][0]]} process runs per executable × {reps} repetitions; "
        "figures are medians, ratios are medians of per-run ratios; CPU time |"
    )
    rss = {exe: median([r["rss_kib"] for r in runs[exe]]) for exe, _ in EXES}
    lines.append(
        "| peak memory (ru_maxrss, whole process) | "
        + ", ".join(f"`{exe}` {rss[exe] / 1024:.0f} MiB" for exe, _ in EXES if rss[exe])
        + " |"
    )
    lines.append("")
    lines.append("### Workloads")
    lines.append("")
    for w in WORKLOADS:
        desc = first.get(f"workload_{w}", "")
        lines.append(f"- **{w}**: {desc}")
    if stats:
        lines.append(
            f"- the stream holds {stats.get('stream.content_sessions', 0):,} content sessions, "
            f"{stats.get('stream.pages', 0):,} pages, "
            # Each ISO timestamp is counted twice (by fraction length and by zone): count zones.
            f"{sum(v for k, v in stats.items() if k.startswith('stream.timestamps.') and k.count('.') == 2 and 'fraction' not in k):,} "
            f"timestamps ({stats.get('stream.timestamps.unset_sentinel', 0):,} DateTime.MinValue, "
            f"{stats.get('stream.timestamps.dotnet_24h', 0) + stats.get('stream.timestamps.dotnet_ampm', 0):,} .NET form, "
            f"{stats.get('stream.timestamps.iso_offset', 0):,} with an offset), "
            f"{stats.get('stream.unknown_keys', 0):,} unknown keys, "
            f"{stats.get('stream.strings_with_unicode_escapes', 0):,} \\u-escaped non-ASCII characters; "
            f"{stats.get('stream.events_spaced', 0):,} events with extra spaces, "
            f"{stats.get('stream.events_shuffled', 0):,} with shuffled keys, "
            f"{stats.get('stream.events_omitting_nulls', 0):,} leaving out null optionals"
        )
    lines.append("")

    for w in WORKLOADS:
        lines.append(f"### Workload `{w}`")
        lines.append("")
        head = "| contender |"
        rule = "|---|"
        for exe, flags in EXES:
            head += f" {flags} GB/s | events/s | vs owning | vs walk |"
            rule += "---:|---:|---:|---:|"
        head += " instructions/event | allocs/event |"
        rule += "---:|---:|"
        lines.append(head)
        lines.append(rule)
        for contender, label in CONTENDERS:
            row = f"| {label} |"
            alloc = None
            present = False
            for exe, _ in EXES:
                v = summary[exe].get(f"{w}/{contender}")
                if not v:
                    row += " – | – | – | – |"
                    continue
                present = True
                if "error" in v:
                    row += f" not timed: {v['error'][:60]} | | | |"
                    continue
                row += (f" {gbps(v['bytes_per_second'])} | {events(v['items_per_second'])} |"
                        f" {ratio(v['ratio_to_livesend_owning'])} | {ratio(v.get('ratio_to_walk'))} |")
                if alloc is None:
                    alloc = v["allocs_per_event"]
            cg = callgrind.get(w, {}).get(contender)
            row += f" {instructions(cg['per_event']) if cg else '–'} |"
            row += f" {allocs(alloc) if not contender.startswith('limit_memory') else '–'} |"
            if present:
                lines.append(row)
        lines.append("")
    lines.append(
        "GB/s and events/s: medians of every repetition of every run (CPU time); vs owning, vs walk: "
        "the contender's rate over livesend owning's, over the On-Demand walk's, inside each run, "
        "median of the runs; instructions/event: callgrind, default build (see below); "
        "allocs/event: heap allocations in the timed loop (steady state), default build."
    )
    lines.append("")

    latency_rows = [c for c in LATENCY if any(f"seed/latency/{c}" in summary[exe] for exe, _ in EXES)]
    if latency_rows:
        lines.append("### Seed event latency: single parses, one at a time (what a webhook receiver sees)")
        lines.append("")
        head = "| contender |"
        rule = "|---|"
        for exe, flags in EXES:
            head += f" {flags} median | p99 |"
            rule += "---:|---:|"
        head += " allocs/parse |"
        rule += "---:|"
        lines.append(head)
        lines.append(rule)
        parses = None
        for c in latency_rows:
            row = f"| {LABEL[c]} |"
            alloc = None
            for exe, _ in EXES:
                v = summary[exe].get(f"seed/latency/{c}")
                if not v:
                    row += " – | – |"
                    continue
                row += f" {nanos(v['median_ns'])} | {nanos(v['p99_ns'])} |"
                parses = parses or v.get("parses")
                if alloc is None:
                    alloc = v.get("allocs_per_event")
            row += f" {allocs(alloc)} |"
            lines.append(row)
        lines.append("")
        lines.append(
            f"Each process run times {parses or 0:,.0f} parses of the seed event ({first.get('workload_seed', '')}) "
            "per contender and repetition, one at a time after 1,000 warm-up parses, each between two "
            "`steady_clock::now()` (wall time: a shared machine's preemptions land in the tail); "
            "the medians over repetitions and runs of each one's median and 99th percentile."
        )
        lines.append("")

    lines.append("### Targets of issue 12")
    lines.append("")
    lines.append("| target | flags | measured (time, ratio inside each run) | instructions (callgrind, default build) | met |")
    lines.append("|---|---|---:|---:|---|")
    for row in targets(summary, runs, callgrind):
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(
        "Met is judged on the measured time ratio (median over the runs of the ratio inside each "
        "run); the instruction ratio is the exact, repeatable counterpart. The machine is shared: "
        "a ratio within a few percent of its bar is within the noise. Allocations: met is judged "
        "on the timed loops (after the equality check has read every record, so the steady "
        "state); the callgrind figure counts one pass after a single warm-up pass."
    )
    lines.append("")

    lines.append("### Key ratios (stream workload, ratios within each run)")
    lines.append("")
    lines.append("| flags | what | measured |")
    lines.append("|---|---|---|")
    for row in key_ratios(summary):
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")

    if cli:
        lines.append("### The CLI, whole process: `livesend validate stream.ndjson`")
        lines.append("")
        lines.append("| build | wall (median) | CPU user | CPU sys | page faults | GB/s (wall) | events/s (wall) | GB/s (CPU) | max RSS | in-process `livesend_stream` (CPU), same flags |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, exe in [("default", "livesend_bench"), ("native", "livesend_bench_native")]:
            v = cli.get(name)
            if not v:
                continue
            inproc = summary[exe].get("stream/livesend_stream", {})
            inproc_text = (
                f"{gbps(inproc['bytes_per_second'])} GB/s, {events(inproc['items_per_second'])} events/s"
                if "bytes_per_second" in inproc
                else "–"
            )
            label = "default flags (`livesend`)" if name == "default" else "-march=native (`livesend-native`)"
            lines.append(
                f"| {label} | {v['wall_s'] * 1000:.0f} ms | {v['user_s'] * 1000:.0f} ms | {v['sys_s'] * 1000:.0f} ms | "
                f"{v['minor_page_faults']:,.0f} | "
                f"{gbps(v['bytes_per_second_wall'])} | {events(v['events_per_second_wall'])} | "
                f"{gbps(v['bytes_per_second_cpu'])} | "
                f"{v['max_rss_kib'] / 1024:.0f} MiB | {inproc_text} |"
            )
        lines.append("")
        lines.append(
            f"Median of {max(v['runs'] for v in cli.values())} runs each, timed with "
            "`date +%s%N` around `/usr/bin/time` (which gives the CPU times and the RSS; hyperfine "
            "is not installed here); the whole process: start, reading the file, parsing, exit."
        )
        lines.append("")

    if callgrind:
        lines.append("### Instructions per event (callgrind, default build)")
        lines.append("")
        lines.append(
            "Exact and repeatable, unlike the timings: steady-state passes (after a warm-up pass) "
            "of each contender, counted by `valgrind --tool=callgrind`. Under valgrind simdjson's "
            "run-time kernel is haswell (valgrind hides AVX-512), the On-Demand kernel the "
            "default build's fallback."
        )
        lines.append("")
        spans = []
        for w in WORKLOADS:
            any_w = next(iter(callgrind.get(w, {}).values()), None)
            if any_w:
                spans.append(f"{w}: {any_w['events']:,} event(s) × {any_w['passes']} pass(es)")
        lines.append("Counted: " + "; ".join(spans) + ".")
        lines.append("")
        head = "| contender |" + "".join(f" {w} |" for w in WORKLOADS)
        head += "".join(f" {w} vs owning |" for w in WORKLOADS)
        lines.append(head)
        lines.append("|---|" + "---:|" * (2 * len(WORKLOADS)))
        for contender, label in CONTENDERS:
            if not any(contender in callgrind.get(w, {}) for w in WORKLOADS):
                continue
            row = f"| {label} |"
            for w in WORKLOADS:
                v = callgrind.get(w, {}).get(contender)
                row += f" {instructions(v['per_event']) if v else '–'} |"
            for w in WORKLOADS:
                v = callgrind.get(w, {}).get(contender)
                b = callgrind.get(w, {}).get(BASE)
                row += f" {v['instructions'] / b['instructions']:.2f}× |" if v and b else " – |"
            lines.append(row)
        lines.append("")
        stream_cg = callgrind.get("stream", {})
        if stream_cg:
            base = stream_cg.get(BASE, {}).get("instructions")
            any_v = next(iter(stream_cg.values()))
            lines.append(
                f"Every contender on the stream (first {any_v['events']:,} events, {any_v['bytes']:,} bytes):"
            )
            lines.append("")
            lines.append("| contender | instructions | per byte | per event | vs owning | heap allocations per event |")
            lines.append("|---|---:|---:|---:|---:|---:|")
            for contender, label in CONTENDERS:
                v = stream_cg.get(contender)
                if not v:
                    continue
                rel = f"{v['instructions'] / base:.2f}×" if base else "–"
                lines.append(
                    f"| {label} | {v['instructions']:,} | {v['per_byte']:.1f} | {v['per_event']:,.0f} | {rel} | "
                    f"{allocs(v['allocations_per_event'])} |"
                )
            lines.append("")
        for contender in ["livesend_owning", "livesend_view", "ondemand_mapping"]:
            rows = hotspots(raw, contender)
            if not rows:
                continue
            lines.append(f"Hotspots of `{contender}` on the stream (callgrind, exclusive instructions, same pass):")
            lines.append("")
            lines.append("| instructions | share | function |")
            lines.append("|---:|---:|---|")
            for count, share, name in rows:
                lines.append(f"| {count:,} | {share:.1f}% | {name} |")
            lines.append("")
    lines.append("![throughput](@SVG@)")
    lines.append("")
    return "\n".join(lines)


def svg(summary):
    """Horizontal bars, log scale, one panel per workload, default and native side by side."""
    import math

    colors = {"livesend_bench": "#4c78a8", "livesend_bench_native": "#f58518"}
    left, right, top = 300, 70, 40
    width = 960
    plot_w = width - left - right
    bar_h, gap = 9, 8
    lo, hi = 0.01, 200.0  # GB/s

    def x(v):
        v = min(max(v, lo), hi)
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    parts = []
    y = top
    for w in WORKLOADS:
        rows = [c for c, _ in CONTENDERS if any(
            "bytes_per_second" in summary[exe].get(f"{w}/{c}", {}) for exe, _ in EXES)]
        panel_h = len(rows) * (2 * bar_h + gap) + 10
        parts.append(f'<text x="{left}" y="{y - 8}" font-weight="bold">workload: {w}</text>')
        for tick in [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100]:
            tx = x(tick)
            parts.append(f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + panel_h}" stroke="#ddd"/>')
            parts.append(f'<text x="{tx:.1f}" y="{y + panel_h + 12}" font-size="10" text-anchor="middle" fill="#555">{tick:g}</text>')
        yy = y + 5
        for c in rows:
            parts.append(f'<text x="{left - 6}" y="{yy + bar_h + 4}" font-size="11" text-anchor="end">{LABEL[c]}</text>')
            for i, (exe, _) in enumerate(EXES):
                v = summary[exe].get(f"{w}/{c}", {}).get("bytes_per_second")
                by = yy + i * bar_h
                if v:
                    gb = v / 1e9
                    parts.append(f'<rect x="{left}" y="{by}" width="{x(gb) - left:.1f}" height="{bar_h - 1}" fill="{colors[exe]}"/>')
                    parts.append(f'<text x="{x(gb) + 3:.1f}" y="{by + bar_h - 1}" font-size="9" fill="#333">{gb:.2f}</text>')
            yy += 2 * bar_h + gap
        y += panel_h + 45
    height = y
    legend = (
        f'<rect x="{left}" y="10" width="10" height="10" fill="{colors["livesend_bench"]}"/>'
        f'<text x="{left + 14}" y="19" font-size="11">default flags</text>'
        f'<rect x="{left + 110}" y="10" width="10" height="10" fill="{colors["livesend_bench_native"]}"/>'
        f'<text x="{left + 124}" y="19" font-size="11">-march=native</text>'
        f'<text x="{width - right}" y="19" font-size="11" text-anchor="end">GB/s, log scale (median)</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n{legend}\n' + "\n".join(parts) + "\n</svg>\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--readme", type=Path)
    args = parser.parse_args()

    runs = load_runs(args.raw)
    if not any(runs.values()):
        sys.exit(f"report.py: no benchmark JSON in {args.raw}")
    summary = summarize(runs)
    machine = read_kv(args.raw / "machine.txt")
    stats_path = args.raw / "corpus-stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    first_ctx = next(r for exe, _ in EXES for r in runs[exe])["context"]
    m = re.match(r"(\d+) bytes, (\d+) events", first_ctx.get("workload_stream", ""))
    stream_bytes, stream_events = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
    cli = cli_figures(args.raw, stream_bytes, stream_events)
    callgrind = callgrind_figures(args.raw)

    args.out.mkdir(parents=True, exist_ok=True)
    md = markdown(summary, runs, machine, stats, cli, callgrind, args.raw)
    (args.out / "summary.md").write_text(md.replace("@SVG@", "throughput.svg"))
    svg_from_readme = (
        Path(__import__("os").path.relpath(args.out / "throughput.svg", args.readme.parent))
        if args.readme
        else Path("throughput.svg")
    )
    md = md.replace("@SVG@", svg_from_readme.as_posix())
    (args.out / "throughput.svg").write_text(svg(summary))
    (args.out / "medians.json").write_text(
        json.dumps(
            {"machine": machine, "medians": summary, "cli": cli, "callgrind": callgrind,
             "context": {exe: (runs[exe][0]["context"] if runs[exe] else {}) for exe, _ in EXES}},
            indent=1, sort_keys=True, ensure_ascii=False,
        )
        + "\n"
    )
    if args.readme and args.readme.exists():
        text = args.readme.read_text()
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        if begin in text and end in text:
            head, rest = text.split(begin, 1)
            _, tail = rest.split(end, 1)
            args.readme.write_text(f"{head}{begin}\n{md}\n{end}{tail}")
        else:
            print(f"report.py: no {begin} ... {end} markers in {args.readme}", file=sys.stderr)
    print(md)


if __name__ == "__main__":
    main()

"""The reconciliation matcher's figures (issue 13): how right it is on the labelled set of
``bench/matching_data.py``, and how fast at 10,000 bank x 10,000 ledger lines.

1. **Quality.** For each seed, the generated set is matched under the client's rules
   (``matching_data.RULES``: a week's window, tolerance 1.00 or 2.5 %). A match is correct when
   its exact (bank ids, ledger ids) is a labelled group. Printed: auto precision (correct auto
   matches / auto matches; target at least 99.5 %), recall (lines of labelled groups covered
   by a correct auto or suggested match / lines of labelled groups; target at least 95 %),
   suggestion top-1 precision (correct suggestions / suggestions), and what was missed, by
   kind of transaction.
2. **Speed.** ``match`` on the 10k x 10k set, several runs: best and p95 wall time, with
   each step's median (``timed_match``); first with the text caches warm from the quality
   runs, then cold (emptied before each run, as in a fresh worker: the target, 0.5 s, applies
   to these); with the load average, as other processes on the machine slow the figures.
   And the peak memory of a fresh process doing one run (its resident high-water mark, reset
   after the lines are generated, so lines plus match; and the match's own allocations by
   tracemalloc; target 200 MB).

Exits non-zero when a target is missed.

    .venv/bin/python bench/matching.py [--n 10000] [--seeds 1 2 3] [--runs 20]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.matching_data import RULES, generate  # noqa: E402
from reconciliation import matching_book  # noqa: E402
from reconciliation.matching import MatchResult, match, timed_match  # noqa: E402

TARGET_PRECISION = 99.5
TARGET_RECALL = 95.0
TARGET_SECONDS = 0.5
TARGET_MB = 200.0


def score(result: MatchResult, truth: dict) -> dict:
    """The figures of one result against its labels."""
    auto = [m for m in result.matches if m.kind == "auto"]
    suggested = [m for m in result.matches if m.kind == "suggested"]

    def correct(m):
        return (frozenset(m.bank_ids), frozenset(m.ledger_ids)) in truth

    matchable = sum(len(b) + len(entries) for b, entries in truth)
    found = sum(len(m.bank_ids) + len(m.ledger_ids) for m in result.matches if correct(m))
    found_groups = {(frozenset(m.bank_ids), frozenset(m.ledger_ids)) for m in result.matches}
    missed = Counter(kind for group, kind in truth.items() if group not in found_groups)
    wrong_auto = Counter(m.pass_name for m in auto if not correct(m))
    return {
        "auto": len(auto),
        "auto_correct": sum(map(correct, auto)),
        "suggested": len(suggested),
        "suggested_correct": sum(map(correct, suggested)),
        "matchable": matchable,
        "found": found,
        "missed": missed,
        "wrong_auto": wrong_auto,
        "by_pass": Counter((m.pass_name, m.kind) for m in result.matches),
    }


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 100.0


def quality(n: int, seeds: list[int]) -> tuple[float, float]:
    totals = Counter()
    missed, wrong_auto, by_pass = Counter(), Counter(), Counter()
    for seed in seeds:
        bank, ledger, truth = generate(n, seed)
        figures = score(match(bank, ledger, RULES), truth)
        for key in ("auto", "auto_correct", "suggested", "suggested_correct", "matchable", "found"):
            totals[key] += figures[key]
        missed.update(figures["missed"])
        wrong_auto.update(figures["wrong_auto"])
        by_pass.update(figures["by_pass"])
        print(
            f"  seed {seed}: {len(bank)} bank x {len(ledger)} ledger, "
            f"auto {figures['auto_correct']}/{figures['auto']}, "
            f"suggested {figures['suggested_correct']}/{figures['suggested']}, "
            f"found {figures['found']}/{figures['matchable']} matchable lines"
        )
    precision = percent(totals["auto_correct"], totals["auto"])
    recall = percent(totals["found"], totals["matchable"])
    top1 = percent(totals["suggested_correct"], totals["suggested"])
    print(f"auto precision        {precision:6.2f} %  (target >= {TARGET_PRECISION} %)")
    print(f"matchable recall      {recall:6.2f} %  (target >= {TARGET_RECALL} %)")
    print(f"suggestion top-1      {top1:6.2f} %")
    print("matches by pass: " + ", ".join(f"{p} {k} {c}" for (p, k), c in sorted(by_pass.items())))
    if wrong_auto:
        print("wrong auto matches by pass: " + ", ".join(f"{p} {c}" for p, c in wrong_auto.items()))
    print("labelled groups missed: " + ", ".join(f"{k} {c}" for k, c in missed.most_common()))
    return precision, recall


def timing(n: int, runs: int, cold: bool = False) -> float:
    """Best and p95 wall time of ``runs`` matches of the seed-1 set, and each step's median.
    ``cold``: the text caches (party words, references, name similarities) are emptied before
    each run, as in a fresh worker process; otherwise they are warm from the quality runs."""
    bank, ledger, _ = generate(n, 1)
    seconds, steps = [], defaultdict(list)
    for _ in range(runs):
        if cold:
            forget_text()
        start = time.perf_counter()
        _, laps = timed_match(bank, ledger, RULES)
        seconds.append(time.perf_counter() - start)
        for step, lap in laps.items():
            steps[step].append(lap)
    seconds.sort()
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"time at {len(bank)} x {len(ledger)}{' (cold caches)' if cold else ''}: "
        f"best {seconds[0]:.3f} s, median {statistics.median(seconds):.3f} s, p95 {p95:.3f} s "
        f"(target <= {TARGET_SECONDS} s), worst {seconds[-1]:.3f} s; {runs} runs, "
        f"load average {load:.2f}"
    )
    print(
        "  median per step: "
        + ", ".join(
            f"{step} {1000 * statistics.median(laps):.0f} ms" for step, laps in steps.items()
        )
    )
    return p95


def forget_text() -> None:
    """Empty the matcher's text caches."""
    matching_book.forget()


def memory(n: int) -> float:
    """Peak memory of one match in a fresh process, in MB."""
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output)
    print(
        f"peak memory: {figures['rss_mb']:.1f} MB resident for the whole process during the "
        f"match (lines included), {figures['traced_mb']:.1f} MB allocated by the match "
        f"(target <= {TARGET_MB} MB)"
    )
    return figures["rss_mb"]


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _memory_child(n: int) -> None:
    bank, ledger, _ = generate(n, 1)
    gc.collect()
    try:  # reset the high-water mark, so that generating the lines does not count
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    match(bank, ledger, RULES)
    rss = _peak_rss_mb()
    tracemalloc.start()
    match(bank, ledger, RULES)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(json.dumps({"rss_mb": rss, "traced_mb": traced}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--runs", type=int, default=20)  # p95 of 7 runs would be the worst
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        _memory_child(args.memory_child)
        return 0
    print(f"quality at {args.n} bank lines, seeds {args.seeds}:")
    precision, recall = quality(args.n, args.seeds)
    timing(args.n, args.runs)
    p95 = timing(args.n, args.runs, cold=True)
    mb = memory(args.n)
    failed = [
        name
        for name, ok in (
            ("precision", precision >= TARGET_PRECISION),
            ("recall", recall >= TARGET_RECALL),
            ("time", p95 <= TARGET_SECONDS),
            ("memory", mb <= TARGET_MB),
        )
        if not ok
    ]
    if failed:
        print("MISSED: " + ", ".join(failed))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

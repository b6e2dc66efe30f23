"""Render time of each example (whole pipeline, as `aksdiag render`) against `d2` alone on
the same generated .d2, median of several runs. Run with `make bench`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aksdiag.compile import find_d2
from aksdiag.icons import IconSet
from aksdiag.pipeline import Options, d2_source, icon_files, load_cluster, plan_cluster

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    aksdiag = str(Path(sys.executable).parent / "aksdiag")
    d2 = find_d2()
    print(f"{'example':32} {'fmt':4} {'aksdiag render':>15} {'d2 alone':>10}  (median of {RUNS})")
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        plan = plan_cluster(load_cluster(example), Options())
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            icons = IconSet()
            for rel, src in icon_files(icons).items():
                (work / rel).parent.mkdir(parents=True, exist_ok=True)
                (work / rel).write_bytes(src.read_bytes())
            (work / "d.d2").write_text(d2_source(plan, Options(), source_name=example.name))
            for fmt in ("svg", "png"):
                whole = statistics.median(timed([aksdiag, "render", str(example), "-o", f"out.{fmt}"], work)
                                          for _ in range(RUNS))
                alone = statistics.median(timed([d2, "d.d2", f"alone.{fmt}"], work) for _ in range(RUNS))
                print(f"{example.stem:32} {fmt:4} {whole * 1000:13.0f}ms {alone * 1000:8.0f}ms")


if __name__ == "__main__":
    main()

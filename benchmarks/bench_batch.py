"""`respin batch` benchmark: nothing lost, resume == uninterrupted, speed-up, flat memory.

    python benchmarks/bench_batch.py                        # everything (~10 min on 2 cores), JSON on stdout
    python benchmarks/bench_batch.py --only correctness     # 20k records: one result each, kill -9 + resume
    python benchmarks/bench_batch.py --only throughput      # --jobs 1 vs --jobs 2 on the same records
    python benchmarks/bench_batch.py --only memory          # peak RSS, 10k vs 100k records
    python benchmarks/bench_batch.py --only copies          # --copies-by vs --pool-by vs alone, 40 clusters of 4

Records are synthetic: windows of 20-80 words of the seed documents, two in three spun by
the simulator (respin.spin.spin, seed = record number, rates 0.2-0.5, all three styles), with
a broken record every 997 (invalid UTF-8, not JSON, empty text, no text field, text over
--max-size). Every run is a real `python -m respin batch` process; wall time, CPU time
(parent and workers) and the load average are reported, since the CPUs may be shared.

``--only copies``: Wikipedia leads 3000 on (outside the model's training leads, 0-2999),
each spun four times as bench_restore.py's copies are (four spinners), one JSONL record per
copy with a "story" field; the same file through `batch` alone, `--pool-by story` and
`--copies-by story`, with the applied edits scored against the leads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = ROOT / "seeds"
MAX_SIZE = 5000  # bytes per record in these runs: the oversize records are 6,000+


def windows(lo=20, hi=80) -> list[str]:
    rng = random.Random(7)
    out = []
    for p in sorted(SEEDS.glob("*.txt")):
        for line in p.read_text(encoding="utf-8").splitlines():
            words = line.split()
            i = 0
            while len(words) - i >= lo:
                n = rng.randint(lo, hi)
                out.append(" ".join(words[i:i + n]))
                i += n
    return out


BROKEN = [
    b'{"id": "%d", "text": "caf\xe9 \xff\xfe not utf-8"}',
    b"{not json at all",
    b'{"id": "%d", "text": ""}',
    b'{"id": "%d", "body": "no text field"}',
    None,  # oversize
]


def make_jsonl(path: Path, n: int, lo=20, hi=80, spun_texts: int | None = None) -> dict:
    """n records; spun_texts: spin only that many distinct texts and cycle them (fast for 100k)."""
    from respin.spin import STYLES, spin
    if path.exists() and path.with_suffix(".meta").exists():
        return json.loads(path.with_suffix(".meta").read_text())
    wins = windows(lo, hi)
    distinct = n if spun_texts is None else spun_texts
    texts, words, broken = [], 0, 0
    for i in range(distinct):
        t = wins[i % len(wins)]
        if i % 3:
            t = spin(t, rate=0.2 + 0.1 * (i % 4), style=STYLES[i % 3], seed=i).text
        texts.append(t)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        for i in range(n):
            if i % 997 == 500:
                b = BROKEN[(i // 997) % len(BROKEN)]
                if b is None:
                    line = json.dumps({"id": str(i), "text": "overlong " * 700}).encode()
                else:
                    line = b % i if b"%d" in b else b
                broken += 1
            else:
                t = texts[i % distinct]
                words += len(t.split())
                line = json.dumps({"id": str(i), "text": t}, ensure_ascii=False).encode()
            f.write(line + b"\n")
    os.replace(tmp, path)
    meta = {"records": n, "broken": broken, "words": words, "bytes": path.stat().st_size}
    path.with_suffix(".meta").write_text(json.dumps(meta))
    return meta


def _hwm(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) in kB of a live process, or (0, 0)."""
    hwm = rss = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return hwm, rss


def _cpu(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _children(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    kids = [int(x) for x in f.read().split()]
                out.extend(kids)
                todo.extend(kids)
        except OSError:
            pass
    return out


def batch(src: Path, out: Path, *args, kill_at: int | None = None) -> dict:
    """Run `respin batch` in a subprocess; measure wall, CPU and peak memory of every process."""
    cmd = [sys.executable, "-m", "respin", "batch", str(src), "--out", str(out), "-q",
           "--max-size", str(MAX_SIZE), *map(str, args)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}  # last seen utime+stime of each process (the parent's own share)
    max_sum_rss = 0
    results = out / "results.jsonl"
    killed_at = None
    while proc.poll() is None:
        pids = [proc.pid] + _children(proc.pid)
        total = 0
        for pid in pids:
            hwm, rss = _hwm(pid)
            peaks[pid] = max(peaks.get(pid, 0), hwm)
            c = _cpu(pid)
            if c is not None:
                cpu[pid] = c
            total += rss
        max_sum_rss = max(max_sum_rss, total)
        if kill_at is not None and results.exists():
            with open(results, "rb") as f:
                lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
            if lines >= kill_at:
                killed_at = lines
                os.kill(proc.pid, signal.SIGKILL)  # the parent only, as a crash would
                for pid in pids[1:]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                break
        time.sleep(0.25)
    proc.wait()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    err = proc.stderr.read().decode(errors="replace")
    parent = peaks.pop(proc.pid, 0)
    return {"command": " ".join(["respin"] + cmd[3:]), "rc": proc.returncode, "wall_s": round(wall, 2),
            "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
            "parent_cpu_s": round(cpu.get(proc.pid, 0.0), 2),
            "loadavg_1min_at_start": round(load, 2), "loadavg_1min_at_end": round(os.getloadavg()[0], 2),
            "peak_rss_parent_mb": round(parent / 1024, 1),
            "peak_rss_workers_mb": sorted(round(v / 1024, 1) for v in peaks.values() if v),
            "peak_rss_sum_of_processes_mb": round((parent + sum(peaks.values())) / 1024, 1),
            "max_concurrent_rss_mb": round(max_sum_rss / 1024, 1),
            "killed_at_lines": killed_at, "stderr_tail": err.strip()[-300:]}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_output(out: Path, src: Path) -> dict:
    ids = [json.loads(x)["id"] for x in open(out / "results.jsonl", "rb")]
    errors = sum(1 for x in open(out / "results.jsonl", "rb") if json.loads(x)["error"] is not None)
    want = []
    for n, line in enumerate(open(src, "rb"), 1):
        try:
            want.append(json.loads(line.decode("utf-8", "replace")).get("id", n))
        except ValueError:
            want.append(n)
    return {"results": len(ids), "ids_in_input_order": ids == want, "duplicate_ids": len(ids) - len({json.dumps(i) for i in ids}),
            "error_results": errors}


def correctness(work: Path, n: int) -> dict:
    src = work / f"records{n}.jsonl"
    meta = make_jsonl(src, n)
    ref = work / "ref"
    a = batch(src, ref, "--jobs", "2", "--force")
    out = {"input": meta, "uninterrupted_jobs2": a, "uninterrupted_check": check_output(ref, src)}
    k = work / "killed"
    shutil.rmtree(k, ignore_errors=True)  # a finished run left there would look "killed" at once
    b1 = batch(src, k, "--jobs", "2", kill_at=n // 2)
    b2 = batch(src, k, "--jobs", "2", "--resume")
    out["killed_half_way"] = b1
    out["resumed"] = b2
    out["sha256_uninterrupted"] = sha(ref / "results.jsonl")
    out["sha256_killed_and_resumed"] = sha(k / "results.jsonl")
    out["resume_identical"] = out["sha256_uninterrupted"] == out["sha256_killed_and_resumed"]
    out["killed_run_was_partial"] = b1["rc"] == -signal.SIGKILL and 0 < (b1["killed_at_lines"] or 0) < n
    return out


def throughput(work: Path, n: int, reuse: dict | None = None) -> dict:
    src = work / f"records{n}.jsonl"
    meta = make_jsonl(src, n)
    runs = {}
    for jobs in (1, 2):
        if jobs == 2 and reuse is not None:  # the correctness section's uninterrupted --jobs 2 run
            runs["jobs2"] = dict(reuse)
            (work / "t2").mkdir(exist_ok=True)
            os.replace(work / "ref" / "results.jsonl", work / "t2" / "results.jsonl")
        else:
            runs[f"jobs{jobs}"] = batch(src, work / f"t{jobs}", "--jobs", jobs, "--force")
        runs[f"jobs{jobs}"]["docs_per_s"] = round(n / runs[f"jobs{jobs}"]["wall_s"], 1)
        runs[f"jobs{jobs}"]["words_per_s"] = round(meta["words"] / runs[f"jobs{jobs}"]["wall_s"])
    j1, j2 = runs["jobs1"], runs["jobs2"]
    return {"input": meta, **runs,
            "speedup_wall": round(j1["wall_s"] / j2["wall_s"], 2),
            "cpu_overhead_jobs2_vs_jobs1": round(j2["cpu_s"] / j1["cpu_s"], 3),
            "parent_cpu_share_jobs2": round(j2["parent_cpu_s"] / j2["cpu_s"], 3),
            # what an idle 2-core machine would give: the work split over 2 workers (+ the parent)
            "speedup_cpu_bound_estimate": round(j1["cpu_s"] / max((j2["cpu_s"] - j2["parent_cpu_s"]) / 2,
                                                                   j2["parent_cpu_s"]), 2),
            "same_output": sha(work / "t1" / "results.jsonl") == sha(work / "t2" / "results.jsonl")}


def memory(work: Path, sizes: list[int]) -> dict:
    out = {}
    for n in sizes:
        src = work / f"short{n}.jsonl"
        meta = make_jsonl(src, n, lo=20, hi=30, spun_texts=2000)
        r = batch(src, work / f"m{n}", "--jobs", "2", "--no-restore", "--force")
        r["input"] = meta
        r["docs_per_s"] = round(n / r["wall_s"], 1)
        out[str(n)] = r
    return out


COPY_STYLES = (("aggressive", 1), ("conservative", 1), ("crude", 1), ("aggressive", 2))  # as bench_restore.py


def make_clusters(path: Path, n: int, first: int = 3000) -> tuple[list[str], int]:
    """n clusters: leads first.. each spun four times (records {id, story, text}); (the leads,
    how many swaps the simulator made)."""
    from respin import corpora
    from respin.spin import spin
    leads = list(corpora.wikipedia_leads(limit_docs=first + n))[first:first + n]
    swaps = 0
    with open(path, "w", encoding="utf-8") as f:
        for k, lead in enumerate(leads):
            for j, (st, sd) in enumerate(COPY_STYLES):
                spun = spin(lead, rate=0.3, style=st, seed=sd * 100_000 + first + k)
                swaps += len(spun.swaps)
                f.write(json.dumps({"id": f"{k}-{j}", "story": k, "text": spun.text}) + "\n")
    return leads, swaps


def _scored(out: Path, src: Path, leads: list[str]) -> dict:
    """Applied edits and how many put the lead's words back (respin.channel._edit_right)."""
    from respin.channel import _edit_right
    from respin.restore import Edit
    texts = [json.loads(x)["text"] for x in open(src, encoding="utf-8")]
    edits = right = suggestions = errors = 0
    for k, line in enumerate(open(out / "results.jsonl", encoding="utf-8")):
        r = json.loads(line)
        errors += r["error"] is not None
        lead = leads[k // len(COPY_STYLES)]
        suggestions += len(r["suggestions"])
        for e in r["edits"]:
            edits += 1
            right += _edit_right(texts[k], lead, Edit(**e))
    return {"edits": edits, "edits_right": right, "precision": round(right / edits, 3) if edits else None,
            "suggestions": suggestions, "error_results": errors}


def copies(work: Path, n: int) -> dict:
    src = work / f"clusters{n}.jsonl"
    leads, swaps = make_clusters(src, n)
    words = sum(len(json.loads(x)["text"].split()) for x in open(src, encoding="utf-8"))
    out = {"input": {"clusters": n, "copies_each": len(COPY_STYLES), "records": n * len(COPY_STYLES),
                     "words": words, "swaps": swaps, "leads": "wikipedia_leads()[3000:3000 + n]"}}
    for name, args in (("alone", ()), ("pool_by", ("--pool-by", "story")), ("copies_by", ("--copies-by", "story")),
                       ("copies_by_jobs2", ("--copies-by", "story", "--jobs", "2"))):
        r = batch(src, work / f"c-{name}", "--force", *args)
        r["docs_per_s"] = round(n * len(COPY_STYLES) / r["wall_s"], 1)
        r["words_per_s"] = round(words / r["wall_s"])
        r.update(_scored(work / f"c-{name}", src, leads))
        out[name] = r
    out["copies_by_same_output_jobs1_jobs2"] = (sha(work / "c-copies_by" / "results.jsonl")
                                                == sha(work / "c-copies_by_jobs2" / "results.jsonl"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="correctness,throughput,memory",
                    help="comma-separated parts: correctness, throughput, memory, copies")
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--throughput-records", type=int, default=20000)
    ap.add_argument("--memory-sizes", default="10000,100000")
    ap.add_argument("--clusters", type=int, default=40, help="--only copies: clusters of four copies")
    ap.add_argument("--work", default="/tmp/respin-bench-batch")
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    report = {"cpus": os.cpu_count()}
    only = a.only.split(",")
    unknown = sorted(set(only) - {"correctness", "throughput", "memory", "copies"})
    if unknown:
        ap.error(f"--only: unknown part(s) {', '.join(unknown)} (choose from correctness, throughput, memory, copies)")
    if "correctness" in only:
        report["correctness"] = correctness(work, a.records)
    if "throughput" in only:
        reuse = (report["correctness"]["uninterrupted_jobs2"]
                 if "correctness" in report and a.records == a.throughput_records else None)
        report["throughput"] = throughput(work, a.throughput_records, reuse)
    if "memory" in only:
        report["memory"] = memory(work, [int(x) for x in a.memory_sizes.split(",")])
    if "copies" in only:
        report["copies"] = copies(work, a.clusters)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

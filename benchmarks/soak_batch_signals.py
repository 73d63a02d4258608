"""Soak `respin batch --jobs 2` under Ctrl-C and SIGTERM: it exits, leaves no worker, resumes exactly.

    python benchmarks/soak_batch_signals.py                    # 300 runs stopped (about 25 min on 2 cores)
    python benchmarks/soak_batch_signals.py --stops 40 --files 200 --input jsonl --work /tmp/soak

Texts of our own (sentences from a vocabulary below, two in three spun by respin.spin), as a
folder of files and as a JSONL file (whose chunks carry the texts to the workers, so that the
pool's call pipe fills), are checked once uninterrupted (the references), then in rounds, the
inputs in turn: a run stopped at a random time by SIGINT to its process group (Ctrl-C in a
terminal), SIGTERM to the process (kill, docker stop) or SIGTERM to the group (systemd), then
zero to two `--resume` runs stopped the same way, then a `--resume` left to finish. Each stop
must end the process within --timeout seconds with 130 (SIGINT) or 143 (SIGTERM), or 0 where
the run had finished first; no process of its group may be left 5 s later; the round's last
run must leave results.jsonl and restored/ byte-identical to the reference. A stop that hangs is killed (SIGKILL to the
group) after the timeout and counted, with the threads' kernel stacks where readable.
One JSON line per stop on stderr with --verbose; the counts as JSON on stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = {
    "subject": ["the council", "a small team", "the new manager", "our neighbours", "the committee", "many farmers",
                "the old library", "a local company", "the young doctor", "several students", "the city",
                "the government", "a group of workers", "the museum", "the river authority"],
    "verb": ["decided to build", "started to repair", "wanted to improve", "agreed to support", "tried to change",
             "planned to open", "began to study", "hoped to protect", "refused to close", "promised to clean"],
    "object": ["the main road", "a new school", "the water supply", "the public garden", "an important bridge",
               "the small market", "a large hospital", "the train station", "the town hall", "the old factory"],
    "tail": ["before the winter", "after a long debate", "with help from the region", "at a very low cost",
             "despite strong protests", "during the summer", "within two years", "for the first time",
             "in the north of the country", "because of the heavy rain"],
    "extra": ["Many people were happy about it.", "Some residents said it was a big mistake.",
              "The work will take several months.", "Nobody knows how much it will cost in the end.",
              "It was a difficult but necessary choice.", "The plan was changed many times.",
              "Experts believe the result will be good.", "Local newspapers wrote about it every week."],
}


def text_of(rng: random.Random, sentences: tuple[int, int]) -> str:
    out = []
    for _ in range(rng.randint(*sentences)):
        s = f"{rng.choice(WORDS['subject'])} {rng.choice(WORDS['verb'])} {rng.choice(WORDS['object'])} " \
            f"{rng.choice(WORDS['tail'])}."
        out.append(s[0].upper() + s[1:])
        if rng.random() < 0.5:
            out.append(rng.choice(WORDS["extra"]))
    return " ".join(out) + "\n"


def make_inputs(folder: Path, jsonl: Path, n: int, sentences: tuple[int, int]) -> None:
    """``n`` texts as the files of ``folder`` and as the records of ``jsonl``."""
    from respin.spin import spin
    rng = random.Random(41)
    if folder.exists():
        shutil.rmtree(folder)
    with open(jsonl, "w", encoding="utf-8") as f:
        for i in range(n):
            text = text_of(rng, sentences)
            if i % 3:
                text = spin(text, rate=0.3, style=("aggressive", "conservative", "crude")[i % 3], seed=i).text
            path = folder / f"part{i % 4}" / f"doc{i:04d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            f.write(json.dumps({"id": f"doc{i:04d}", "text": text}) + "\n")


def tree(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()} if d.exists() else {}


def group_members(pgid: int) -> list[int]:
    """Live processes (not zombies) of process group ``pgid``."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append(int(d))
    return out


def stacks(pid: int) -> dict:
    """The kernel stack (or wait channel) of each thread of ``pid``: where a hang waits."""
    out = {}
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            for name in ("stack", "wchan"):
                try:
                    out[f"{tid}/{name}"] = open(f"/proc/{pid}/task/{tid}/{name}").read().strip()[-300:]
                    break
                except OSError:
                    continue
    except OSError:
        pass
    return out


def default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # (a background job of a shell script ignores it)


class Soak:
    def __init__(self, a):
        self.a = a
        self.work = Path(a.work)
        self.inputs = {"folder": self.work / "folder", "jsonl": self.work / "in.jsonl"}
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(self.work / "cache")}
        self.counts = {"stops": 0, "interrupted": 0, "INT-group": 0, "TERM-pid": 0, "TERM-group": 0, "finished_first": 0,
                       "default_action": 0, "hangs": 0, "bad_status": 0, "workers_left": 0, "resumes": 0,
                       "resume_failed": 0, "not_identical": 0}
        self.problems = []

    def cmd(self, inp: str, out: Path, chunk: int, resume: bool) -> list[str]:
        c = [sys.executable, "-m", "respin", "batch", str(self.inputs[inp]), "--out", str(out), "-q",
             "--jobs", str(self.a.jobs), "--chunk-size", str(chunk)]
        return c + ["--resume"] if resume else c + ["--force"]

    def run(self, c: list[str], stop: tuple | None, first: Path | None = None) -> dict:
        """Run ``c``; ``stop``: (seconds, signal name, to the group) to send; ``first``: a file whose
        first bytes' time to note. Returns what was seen."""
        t0 = time.monotonic()
        p = subprocess.Popen(c, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True, preexec_fn=default_sigint)
        seen = {"sent": None}
        try:
            while first is not None and p.poll() is None:
                if first.exists() and first.stat().st_size:
                    seen["first"] = time.monotonic() - t0
                    break
                time.sleep(0.01)
            if stop is not None:
                at, sig, group = stop
                try:
                    p.wait(timeout=at)
                except subprocess.TimeoutExpired:
                    signum = signal.SIGINT if sig == "INT" else signal.SIGTERM
                    (os.killpg if group else os.kill)(p.pid, signum)
                    seen["sent"] = time.monotonic() - t0
            limit = self.a.timeout if stop is not None else 300
            try:
                p.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                seen["hung"] = True
                seen["stacks"] = stacks(p.pid)
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        finally:
            err = p.stderr.read().decode("utf-8", "replace")
            p.stderr.close()
        seen["rc"] = p.returncode
        seen["stderr"] = err[-2000:]
        seen["seconds"] = round(time.monotonic() - t0, 2)
        # Workers go with their parent (exit_with_parent polls each second): none after 5 s.
        deadline = time.monotonic() + 5
        while group_members(p.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        seen["left"] = group_members(p.pid)
        if seen["left"]:
            for pid in seen["left"]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        return seen

    def reference(self, inp: str) -> dict:
        out = self.work / f"ref-{inp}"
        for _ in range(2):  # (timed the second time: the first reads the files and the model cold)
            shutil.rmtree(out, ignore_errors=True)
            seen = self.run(self.cmd(inp, out, 16, False), None, first=out / "results.jsonl")
            assert seen["rc"] == 0, seen
        # (the model loaded, the workers started: then a record takes per_record)
        return {"seconds": seen["seconds"], "startup": seen["first"],
                "per_record": (seen["seconds"] - seen["first"]) / self.a.files,
                "results": (out / "results.jsonl").read_bytes(), "restored": tree(out / "restored")}

    def stop_once(self, inp: str, out: Path, chunk: int, resume: bool, rng: random.Random, tag: str) -> None:
        kind = rng.choice(self.a.kinds)
        sig, group = {"INT-group": ("INT", True), "TERM-pid": ("TERM", False), "TERM-group": ("TERM", True)}[kind]
        res = out / "results.jsonl"
        left = self.a.files - (res.read_bytes().count(b"\n") if resume and res.exists() else 0)
        ref = self.refs[inp]
        at = rng.uniform(0.2, ref["startup"] + left * ref["per_record"])  # (mostly while chunks are done)
        seen = self.run(self.cmd(inp, out, chunk, resume), (at, sig, group))
        self.counts["stops"] += 1
        self.counts[kind] += 1
        rc = seen["rc"]
        self.counts["interrupted"] += seen["sent"] is not None and rc != 0  # (not finished first)
        if seen.get("hung"):
            self.counts["hangs"] += 1
            self.problems.append({"tag": tag, "kind": kind, "at": round(at, 2), "hung": True, "stacks": seen["stacks"],
                                  "stderr": seen["stderr"]})
        elif seen["sent"] is None or rc == 0:
            self.counts["finished_first"] += rc == 0
            if rc != 0:
                self.counts["bad_status"] += 1
                self.problems.append({"tag": tag, "kind": kind, "rc": rc, "stderr": seen["stderr"]})
        elif rc == {"INT": 130, "TERM": 143}[sig]:
            pass
        elif rc == {"INT": -2, "TERM": -15}[sig]:
            # The signal came before respin installed its handlers (starting up): Python's
            # default action, which a shell reports as 130/143 too.
            self.counts["default_action"] += 1
        else:
            self.counts["bad_status"] += 1
            self.problems.append({"tag": tag, "kind": kind, "at": round(at, 2), "rc": rc, "stderr": seen["stderr"]})
        if seen["left"]:
            self.counts["workers_left"] += 1
            self.problems.append({"tag": tag, "kind": kind, "left": seen["left"]})
        if self.a.verbose:
            print(json.dumps({"tag": tag, "kind": kind, "at": round(at, 2), "rc": rc, "s": seen["seconds"],
                              "hung": bool(seen.get("hung")), "stderr": seen["stderr"][-300:]}),
                  file=sys.stderr, flush=True)

    def round(self, i: int, rng: random.Random) -> None:
        inp = self.a.input[i % len(self.a.input)]
        out = self.work / f"out-{inp}"
        chunk = rng.choice(self.a.chunks)
        for k in range(rng.randint(1, 3)):
            if self.counts["interrupted"] >= self.a.stops:
                break
            self.stop_once(inp, out, chunk, resume=k > 0, rng=rng, tag=f"round {i} {inp} stop {k} chunk {chunk}")
        seen = self.run(self.cmd(inp, out, chunk, True), None)
        self.counts["resumes"] += 1
        if seen["rc"] != 0 or seen.get("hung"):
            self.counts["resume_failed"] += 1
            self.problems.append({"tag": f"round {i} resume", "rc": seen["rc"], "stderr": seen["stderr"]})
        elif ((out / "results.jsonl").read_bytes() != self.refs[inp]["results"]
              or tree(out / "restored") != self.refs[inp]["restored"]):
            self.counts["not_identical"] += 1
            self.problems.append({"tag": f"round {i} resume", "not_identical": True})

    def main(self) -> dict:
        self.work.mkdir(parents=True, exist_ok=True)
        make_inputs(self.inputs["folder"], self.inputs["jsonl"], self.a.files, tuple(self.a.sentences))
        self.refs = {inp: self.reference(inp) for inp in self.a.input}
        rng = random.Random(self.a.seed)
        t0, i = time.monotonic(), 0
        while self.counts["interrupted"] < self.a.stops and time.monotonic() - t0 < self.a.minutes * 60:
            self.round(i, rng)
            i += 1
        return {"counts": self.counts, "rounds": i,
                "reference_seconds": {k: [round(r["startup"], 2), r["seconds"]] for k, r in self.refs.items()},
                "minutes": round((time.monotonic() - t0) / 60, 1), "problems": self.problems}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stops", type=int, default=300, help="runs to stop (a signal after a run finished is not one)")
    ap.add_argument("--minutes", type=float, default=30, help="stop starting rounds after this long")
    ap.add_argument("--files", type=int, default=400)
    ap.add_argument("--sentences", type=int, nargs=2, default=[20, 60], metavar=("LO", "HI"),
                    help="sentences a text (about 80 bytes each)")
    ap.add_argument("--chunks", type=int, nargs="+", default=[16, 64],
                    help="--chunk-size of a round: one of these (large chunks: long messages in the pool's pipes)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--input", nargs="+", default=["folder", "jsonl"], choices=["folder", "jsonl"],
                    help="the rounds take these in turn")
    ap.add_argument("--timeout", type=float, default=20, help="seconds a stopped run has to exit")
    ap.add_argument("--kinds", nargs="+", default=["INT-group", "TERM-pid", "TERM-group"],
                    choices=["INT-group", "TERM-pid", "TERM-group"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default="/tmp/respin_soak_signals")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    report = Soak(a).main()
    print(json.dumps(report, indent=1))
    c = report["counts"]
    return int(bool(c["hangs"] or c["bad_status"] or c["workers_left"] or c["resume_failed"] or c["not_identical"]))


if __name__ == "__main__":
    sys.exit(main())

"""Real spinner output with its clean original (../shared/dev-pairs, read in place).

Skipped when the folder is absent: the pairs are third-party text and are not shipped.
Measured as METRICS.md defines it: tokens are lowercase ``\\w+(?:['’]\\w+)*``, compared line
by line. Machine-translation round trips are a different artifact and are left out.
"""

from __future__ import annotations

import pytest

import respin
from respin.metrics import levenshtein, tokens, wer

from conftest import DEV_PAIRS_DIR


def _pairs():
    if not DEV_PAIRS_DIR.is_dir():
        return []
    return [p for p in sorted(DEV_PAIRS_DIR.glob("*.spun.txt")) if "mt_roundtrip" not in p.name]


PAIRS = _pairs()
pytestmark = pytest.mark.skipif(not PAIRS, reason=f"no dev pairs at {DEV_PAIRS_DIR}")


@pytest.mark.parametrize("spun_path", PAIRS, ids=[p.name.removesuffix(".spun.txt") for p in PAIRS])
def test_restored_matches_original(spun_path):
    orig_path = spun_path.with_name(spun_path.name.replace(".spun.txt", ".orig.txt"))
    spun = spun_path.read_text(encoding="utf-8")
    orig = orig_path.read_text(encoding="utf-8")
    result = respin.restore(spun, source=orig)

    restored_lines, orig_lines = result.text.splitlines(), orig.splitlines()
    assert len(restored_lines) == len(spun.splitlines())
    assert wer(spun.splitlines(), orig_lines) > 0  # the pair really is spun
    residue = [(i + 1, a, b) for i, (a, b) in enumerate(zip(restored_lines, orig_lines)) if tokens(a) != tokens(b)]
    assert wer(restored_lines, orig_lines) == 0, residue[:3]
    assert respin.apply_edits(spun, result.edits) == result.text
    assert result.relation.verdict == "spun copy"


def test_metric_helpers():
    assert tokens("The U.S. can’t, it's 2") == ["the", "u", "s", "can’t", "it's", "2"]
    assert levenshtein(["a", "b", "c"], ["a", "c"]) == 1
    assert wer(["a b", "c"], ["a x", "c d"]) == 2 / 4


def test_shipped_decoder_is_what_its_command_fits(tmp_path):
    """models/default/decoder.json is what ``python -m respin.channel models/default
    ../shared/dev-pairs`` writes with the shipped thesaurus and detector: a rebuilt lexicon
    or retrained detector without this step leaves a stale decoder (it did, for one
    rebuild: 699 fitted places instead of 700)."""
    import json
    import shutil
    from pathlib import Path

    from respin.channel import build

    shipped_dir = Path(respin.__file__).resolve().parents[1] / "models" / "default"
    model = tmp_path / "model"
    shutil.copytree(shipped_dir, model)
    refit = build(model, [DEV_PAIRS_DIR], quiet=True)
    shipped = json.loads((shipped_dir / "decoder.json").read_text(encoding="utf-8"))
    for key in ("pairs", "pairs_sha256", "fit"):
        assert refit[key] == shipped[key], key
    assert refit["params"]["threshold"] == shipped["params"]["threshold"]
    for name, value in shipped["params"]["theta"].items():  # (the optimiser's last digits may vary by platform)
        assert refit["params"]["theta"][name] == pytest.approx(value, abs=1e-3), name
    assert refit["params"]["lm_weight"] == pytest.approx(shipped["params"]["lm_weight"], abs=1e-3)
    assert refit["threshold_table"] == shipped["threshold_table"]
    swaps = [(d / "swaps.tsv").read_text(encoding="utf-8").split("\n", 1)[1] for d in (model, shipped_dir)]
    assert swaps[0] == swaps[1]  # (the first line names the pairs' path)

"""respin as a package index gives it: the layout pip installs (the package in site-packages,
the model as the data package ``respin.models``), not the source checkout the suite runs in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("decoy", [False, True])
def test_an_installed_respin_finds_its_own_model_not_site_packages_models(tmp_path, decoy):
    """Installed, ``respin/../models/default`` is site-packages/models/default: respin took
    it for a source checkout's model whenever another distribution installed a top-level
    ``models/default`` folder there, and every command failed with "not a model folder"."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "respin", site / "respin", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "respin" / "models").mkdir()
    (site / "respin" / "models" / "default").symlink_to(ROOT / "models" / "default", target_is_directory=True)
    if decoy:  # another distribution's top-level package
        (site / "models" / "default").mkdir(parents=True)
        (site / "models" / "__init__.py").write_text("", encoding="utf-8")
        (site / "models" / "default" / "__init__.py").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("RESPIN_MODEL_DIR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    ran = subprocess.run([sys.executable, "-c", "from respin.model import default_dir; print(default_dir())"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.strip() == str(site / "respin" / "models" / "default")


def _pyproject() -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10: pytest's own dependency there
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_text_and_the_data_notices_ship_in_the_distributions():
    """The MIT notice must accompany every copy, and there was no LICENSE file: the wheel
    and sdist carried the word "MIT" in their metadata only (as a TOML table, which setuptools
    stops accepting in 2027). The model's own notices are License-File entries too."""
    project = _pyproject()["project"]
    assert project["license"].split(" AND ")[0] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    files = project["license-files"]
    assert "LICENSE" in files and all((ROOT / f).is_file() for f in files)
    notices = {p.relative_to(ROOT).as_posix() for name in ("NOTICE.md", "TRAINING-DATA.md")
               for p in (ROOT / "models").rglob(name)}
    assert notices and notices <= set(files)


def _setuptools_can_build() -> bool:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return int(version("setuptools").split(".")[0]) >= 77  # pyproject's build-system
    except (PackageNotFoundError, ValueError):
        return False


def _build(kind: str, source: Path, out: Path) -> Path:
    """``setuptools.build_meta.build_<kind>`` as pip runs it, in a process of its own."""
    code = f"from setuptools import build_meta; print(build_meta.build_{kind}({str(out)!r}))"
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=source, timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return out / ran.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(not _setuptools_can_build(), reason="needs setuptools>=77 (the test extra)")
def test_the_sdist_holds_the_suite_and_the_wheel_built_from_it_holds_the_runtime(tmp_path):
    """What a package index serves: the sdist held tests/test_*.py but not conftest.py, the
    cases or the seeds, so its suite could not even be collected, and not the documents
    README.md links to. The wheel is built from the sdist, as pip and ``python -m build`` do."""
    import re
    import tarfile
    import zipfile

    tree = tmp_path / "checkout"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    sdist = _build("sdist", tree, tmp_path / "dist")
    with tarfile.open(sdist) as tar:
        top = sdist.name[:-len(".tar.gz")]
        in_sdist = {m.name[len(top) + 1:] for m in tar.getmembers() if m.isfile()}
        tar.extractall(tmp_path / "unpacked", **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    def files(folder):
        return {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    needed = {"LICENSE", "README.md", "pyproject.toml", "tests/conftest.py"}
    needed |= files("tests") | files("seeds") | files("models") | files("respin")
    links = set(re.findall(r"\]\(([^)#:]+)\)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert "BENCHMARKS.md" in links
    needed |= links
    assert needed - in_sdist == set()
    assert not [n for n in in_sdist if "__pycache__" in n or n.endswith(".pyc")]

    wheel = _build("wheel", tmp_path / "unpacked" / top, tmp_path / "wheel")
    names = set(zipfile.ZipFile(wheel).namelist())
    runtime = {f for f in files("respin") if f.endswith(".py")} | {"respin/py.typed"}
    runtime |= {"respin/" + f for f in files("models")}
    assert runtime - names == set()
    info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    import respin
    assert info == f"respin-{respin.__version__}.dist-info"  # one version, respin.__version__
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if not n.startswith(("respin/", info + "/")) or "__pycache__" in n]


def test_the_version_is_written_once():
    """pyproject.toml and respin/__init__.py each held "0.1.0": a release that bumped one
    would have said another version in ``respin --version`` than pip shows."""
    pyproject = _pyproject()
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "respin.__version__"}

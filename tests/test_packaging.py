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
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    files = project["license-files"]
    assert "LICENSE" in files and all((ROOT / f).is_file() for f in files)
    notices = {p.relative_to(ROOT).as_posix() for name in ("NOTICE.md", "TRAINING-DATA.md")
               for p in (ROOT / "models").rglob(name)}
    assert notices and notices <= set(files)

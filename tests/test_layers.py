"""The layers of pyproject.toml's `[tool.importlinter]`: every contract is
there and the code keeps them. `make lint` runs the same check; this test
keeps it in a plain `pytest` run too."""

import subprocess
import sys
from pathlib import Path

from importlinter.api import read_configuration

ROOT = Path(__file__).resolve().parents[1]


def test_the_contracts_cover_every_layer_rule():
    contracts = read_configuration(str(ROOT / "pyproject.toml"))["contracts_options"]

    assert {contract["id"]: contract["type"] for contract in contracts} == {
        "sources-below-profiles": "forbidden",
        "profiles-below-config": "forbidden",
        "document-is-pure": "forbidden",
        "views-independent": "independence",
        "profiles-layers": "layers",
        "workflow-layers": "layers",
    }


def test_the_code_keeps_its_layers():
    lint_imports = Path(sys.executable).with_name("lint-imports")

    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout

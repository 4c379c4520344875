"""ARCHITECTURE.md stays true: every ``file.py::name`` it points a newcomer to exists, and
the import contracts it describes hold."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"`([\w/]+\.py)::([\w.]+)`")


def _references():
    return sorted(set(REFERENCE.findall((ROOT / "ARCHITECTURE.md").read_text())))


def _defines(body, name):
    """The class, function or assignment called ``name`` in ``body``, or None."""
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        else:
            names = []
        if name in names:
            return node
    return None


def test_architecture_points_somewhere():
    assert len(_references()) >= 10


@pytest.mark.parametrize(("path", "name"), _references(), ids="::".join)
def test_each_reference_in_architecture_exists(path, name):
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist"
    node = ast.parse(file.read_text())
    for part in name.split("."):
        node = _defines(node.body, part)
        assert node is not None, f"{path} defines no {name}"


def test_import_contracts_hold():
    """``lint-imports`` as ``make lint`` runs it: the layers, workshops inside, the library."""
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout

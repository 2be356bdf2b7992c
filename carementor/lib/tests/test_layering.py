"""lib sits at the bottom of the app stack: at run time it imports no domain app (type-only
imports under ``if TYPE_CHECKING:`` create no import cycle and are allowed)."""

import ast
from pathlib import Path

import carementor

LIB = Path(carementor.__file__).parent / "lib"


def _runtime_imports(tree: ast.AST) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def domain_imports(source: str) -> list[str]:
    return [
        name
        for name in _runtime_imports(ast.parse(source))
        if name.startswith("carementor.") and not name.startswith("carementor.lib")
    ]


def test_lib_imports_no_domain_app():
    offenders = {
        str(path.relative_to(LIB)): names
        for path in LIB.rglob("*.py")
        if "tests" not in path.parts and (names := domain_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_check_sees_imports_anywhere_but_type_checking_blocks():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from carementor.accounts.models import User\n"
        "def f():\n    from carementor.organizations.models import Membership\n"
        "import carementor.mentorships.services\n"
    )
    assert domain_imports(source) == [
        "carementor.organizations.models",
        "carementor.mentorships.services",
    ]

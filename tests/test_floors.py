"""The house has floors and dependencies point down (DESIGN.md §2, docs/architecture.md).

Every module of the project is on the floor of its package; a module may import its own
package and the floors below, never a floor above nor a neighbour on its own floor (except the
project's URL and settings modules, which wire everything together). And no two modules import
each other, directly or round a circle. Imports are read from the source (``ast``), function-
level imports included: an import inside a function is still a dependency.
"""

import ast
from pathlib import Path

from tests.project import ROOT, project_packages

# Bottom to top. Packages on one floor are independent of each other.
FLOORS = [
    ["atlasos"],  # the core: settings, tenancy, accounts, the clock, outbox, jobs, helpers
    ["cycle"],  # the cycle's vocabulary: stages, periods, working days, status, the clock
    ["notifications"],
    ["clients"],
    ["templates_engine"],  # defines templates
    ["tasks"],  # applies them: packs, recurrence, calendar, board, alerts, the feed
    ["documents"],  # the client document store
    ["portal"],  # requests, reminders, the contacts' portal, delivery
    ["inbox", "reconciliation", "reporting"],
    ["demo"],  # the demo seed: imports everything, nothing imports it
]
FLOOR = {package: level for level, packages in enumerate(FLOORS) for package in packages}
# They wire the floors together: the URLconf includes every app, settings name them all.
WIRING = {"atlasos/urls.py", "atlasos/settings.py", "atlasos/settings_test.py"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str) -> set[str]:
    """The names ``source`` (the text of ``module``) imports from the project: modules, or for
    ``from x import y`` the name ``x.y`` (a module, or something defined in ``x``)."""
    found = set()
    package = module.rsplit(".", 1)[0] if "." in module else module
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in FLOOR}


def project_sources() -> dict[str, tuple[str, str]]:
    """module name → (path relative to the checkout, source text)."""
    sources = {}
    for package in sorted(project_packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            sources[module_name(path)] = (path.relative_to(ROOT).as_posix(), path.read_text())
    return sources


def import_graph(sources: dict[str, tuple[str, str]]) -> dict[str, set[str]]:
    """Each module → the project modules it imports (a name that is not a module, like a class
    imported from one, counts as its module)."""
    graph = {}
    for module, (_path, source) in sources.items():
        targets = set()
        for name in imports_of(source, module):
            while name and name not in sources:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def upward_imports(graph, sources) -> list[str]:
    found = []
    for module, targets in graph.items():
        path = sources[module][0]
        if path in WIRING:
            continue
        package = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other == package:
                continue
            if FLOOR[other] >= FLOOR[package]:
                found.append(f"{path} imports {target} ({other} is not below {package})")
    return sorted(found)


def circles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), and self-imports."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_project_package_has_a_floor():
    assert project_packages() <= set(FLOOR), set(project_packages()) - set(FLOOR)


def test_no_module_imports_a_floor_above_its_own():
    sources = project_sources()
    assert upward_imports(import_graph(sources), sources) == []


def test_no_import_circles():
    assert circles(import_graph(project_sources())) == []


def test_the_check_sees_an_upward_import_and_a_circle():
    """The checker on a small made-up house: a core module importing the portal, and two
    modules importing each other, are both reported."""
    sources = {
        "atlasos.views": ("atlasos/views.py", "from portal.contact_access import frame\n"),
        "portal.contact_access": ("portal/contact_access.py", "def frame(): ...\n"),
        "tasks.views": ("tasks/views.py", "from portal import delivery\n"),
        "portal.delivery": ("portal/delivery.py", "def f():\n    from tasks.views import x\n"),
        "portal": ("portal/__init__.py", ""),
    }
    graph = import_graph(sources)
    assert upward_imports(graph, sources) == [
        "atlasos/views.py imports portal.contact_access (portal is not below atlasos)",
        "tasks/views.py imports portal.delivery (portal is not below tasks)",
    ]
    assert circles(graph) == [["portal.delivery", "tasks.views"]]

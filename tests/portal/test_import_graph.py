"""No import cycles among the portal's own packages.

The graph is built by grimp (import-linter's library) from every import statement in
``approvals``, ``accounts``, ``audit``, ``messaging``, ``personal_data`` and ``portal``, those
inside functions included: an import moved into a function still makes the two modules depend on
each other. A cycle is fixed by moving the shared
piece down into a module both can import, never by hiding the import in a function.
Imports under ``if TYPE_CHECKING:`` are left out (they never run).
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("approvals", "accounts", "audit", "messaging", "personal_data", "portal")


def import_cycles(graph) -> list[list[str]]:
    """The graph's strongly connected components of more than one module (each holds a cycle),
    by Tarjan's algorithm (iterative: the graph has hundreds of modules)."""
    edges = {
        module: sorted(graph.find_modules_directly_imported_by(module)) for module in graph.modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                    break
                if successor in on_stack:
                    low[module] = min(low[module], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    return cycles


def describe(graph, cycle: list[str]) -> str:
    members = set(cycle)
    lines = [f"{len(cycle)} modules import each other:"]
    for module in cycle:
        for imported in sorted(graph.find_modules_directly_imported_by(module) & members):
            details = graph.get_import_details(importer=module, imported=imported)
            where = ", ".join(str(detail["line_number"]) for detail in details)
            lines.append(f"  {module} -> {imported} (line {where})")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)


def test_the_portals_packages_have_no_import_cycle(graph):
    cycles = import_cycles(graph)
    assert not cycles, "\n".join(describe(graph, cycle) for cycle in cycles)


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import():
    # given a -> b -> c at module level and c -> a inside a function (grimp sees both kinds)
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b", line_number=1, line_contents="import b")
    graph.add_import(importer="pkg.b", imported="pkg.c", line_number=1, line_contents="import c")
    graph.add_import(importer="pkg.c", imported="pkg.a", line_number=9, line_contents="import a")
    graph.add_import(importer="pkg.d", imported="pkg.a", line_number=1, line_contents="import a")
    # then the cycle is reported with its modules, and the module outside it is not
    assert import_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert "pkg.c -> pkg.a (line 9)" in describe(graph, ["pkg.a", "pkg.b", "pkg.c"])

"""The outbox sits at the bottom: it imports none of the parts whose messages it carries.

What a message says about a workshop, an account or a contact message, and any calendar
file, is handed to it by the part that owns it (``collaborative.outbox.mail.register``).
"""

import grimp
import pytest

PARTS = (
    "workshops",
    "trusts",
    "resources",
    "demo",
    "collaborative.people",
    "collaborative.site",
    "collaborative.privacy",
    "collaborative.security",
    "collaborative.tasks",
    "collaborative.admin",
    "collaborative.urls",
)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("collaborative", "workshops", "trusts", "resources", "demo")


@pytest.mark.parametrize("part", PARTS)
def test_the_outbox_does_not_import(graph, part):
    assert not graph.chain_exists(
        importer="collaborative.outbox", imported=part, as_packages=True
    ), graph.find_shortest_chain(importer="collaborative.outbox", imported=part)


def test_the_outbox_imports_only_itself_and_the_inputs_among_the_portals_modules(graph):
    outbox = graph.find_descendants("collaborative.outbox") | {"collaborative.outbox"}
    imported = {i for module in outbox for i in graph.find_modules_directly_imported_by(module)}
    assert {
        module for module in imported - outbox if not module.startswith("collaborative.inputs")
    } == set()

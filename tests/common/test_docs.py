"""The repository's own documentation (issue 7, item 18): it stands on its own in a clone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_docs_are_there():
    assert {p.name for p in DOCUMENTS} >= {
        "README.md",
        "requirements.md",
        "architecture.md",
        "deployment.md",
    }


def test_readme_and_docs_never_point_outside_the_repository():
    for document in DOCUMENTS:
        text = document.read_text()
        assert "../shared" not in text, document.name
        assert "shared/spec" not in text, document.name


def test_every_link_between_the_documents_leads_to_a_file():
    for document in DOCUMENTS:
        for target in LINK.findall(document.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (document.parent / target).resolve().exists(), (document.name, target)


def test_every_requirement_a_test_names_is_described_in_docs_requirements():
    described = set(
        re.findall(r"\*\*(R-[A-Z]+-\d+)\*\*", (ROOT / "docs/requirements.md").read_text())
    )
    named = {
        requirement.replace("_", "-")
        for path in (ROOT / "tests").rglob("*.py")
        for requirement in re.findall(r"R[-_][A-Z]+[-_]\d+", path.read_text())
    }
    assert named - described == set()

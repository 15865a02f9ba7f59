"""Print the README's table of corpus results: ``python -m tests.corpus.table``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .corpus import documents, generate


def main() -> None:
    print("| document | operations | schemas | warnings | generation (s) |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for doc in documents():
            result = generate(doc, Path(tmp))
            api = result.package.api
            print(
                f"| `{doc.name}` | {len(api.operations)} | {len(api.models)} | "
                f"{len(result.package.warnings)} | {result.seconds:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

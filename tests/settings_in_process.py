"""A setting as stafett/settings.py computes it for given environment variables, read in a
process of its own (the settings module is read once per process)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setting_for(expression: str, *, unset: tuple[str, ...], **environ: str) -> Any:
    """`expression` (JSON-able, over the settings module as `s`) with the environment
    variables whose names start with one of `unset` removed and `environ` set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(unset)}
    code = f"import json, stafett.settings as s; print(json.dumps({expression}))"
    found = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(found.stdout)

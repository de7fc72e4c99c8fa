"""A fresh API worker pays only for what it serves (issue 17, memory): building the app
imports neither reportlab (the first PDF does), nor xlsxwriter (the first export), nor
apprise (ALERT_URLS); a PDF download then brings reportlab in. Checked in a fresh process,
as gunicorn's worker would build the app."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from social_scale_app.app import create_app
from social_scale_wiring.container import Container
container = Container()
create_app(container)
heavy = ("reportlab", "xlsxwriter", "apprise")
before = [m for m in heavy if m in sys.modules]
container.invoice_renderer()  # what the invoice resources hold: still not built
held = [m for m in heavy if m in sys.modules]
renderer = container.invoice_renderer()
renderer._renderer()  # what the first PDF does
print(json.dumps([before, held, [m for m in heavy if m in sys.modules]]))
"""


def test_building_the_app_leaves_pdf_export_and_alert_libraries_unloaded(
        sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    shutil.copy(sqlite_template, db)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FAMPAGE_", "ALERT_", "SMTP_", "DATABASE_", "APP_ENV"))}
    env.update(DATABASE_URL=f"sqlite:///{db}", APP_ENV="development", LOG_LEVEL="ERROR")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    before, held, after = json.loads(out.strip().splitlines()[-1])
    assert before == [] and held == []
    assert after == ["reportlab"]

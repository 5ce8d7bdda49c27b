"""Static files as `dieuhanh serve` serves them: from what collectstatic wrote, gzip-compressed for
a browser that accepts it (WhiteNoise with CompressedStaticFilesStorage). Served from the apps'
folders instead (WHITENOISE_USE_FINDERS), the same file went out uncompressed.

Runs in a subprocess: the settings read STATIC_ROOT when they load, after collectstatic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dieuhanh

SRC = Path(dieuhanh.__file__).resolve().parents[1]
SCRIPT = """
import django
django.setup()
from django.conf import settings
from django.test import Client
settings.ALLOWED_HOSTS = ["testserver"]
r = Client().get("/static/dieuhanh/app.css", HTTP_ACCEPT_ENCODING="gzip, deflate")
print(r.status_code, r.get("Content-Encoding"), settings.WHITENOISE_USE_FINDERS)
"""


def test_collected_static_files_go_out_compressed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DIEUHANH_DEMO", "DIEUHANH_DEBUG")}
    env.update(DIEUHANH_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="dieuhanh.settings",
               PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]))
    subprocess.run([sys.executable, "-m", "dieuhanh.manage", "collectstatic", "--noinput", "-v0"],
                   env=env, check=True, timeout=120)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env,  # noqa: S603 - this interpreter, our script
                         check=True, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.split() == ["200", "gzip", "False"], out.stdout + out.stderr

"""Invoice PDFs from the running service, downloaded by many clients at once, with the
agency's logo on them: the worker's first PDFs are drawn concurrently by one renderer that
the threads share (reportlab is loaded with the first, issue 17). The logo's image was
decoded lazily by whichever render came first, and two at once failed inside PIL (a 500)."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e
ADMIN = {"email": "op@agency.example", "password": "a long enough pass", "name": "Op"}


def test_concurrent_first_downloads_all_get_the_pdf(live_server: ServerFactory,
                                                    tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (600, 200), (20, 90, 160)).save(logo)
    # One worker: every download meets the same renderer and the same logo.
    api = live_server(WEB_CONCURRENCY="1", AGENCY_LOGO_PATH=str(logo),
                      AGENCY_PHONE="+91 98450 12345") + "/api/v1"
    assert httpx.post(f"{api}/auth/register", json=ADMIN).status_code == 201
    login = httpx.post(f"{api}/auth/login",
                       json={"email": ADMIN["email"], "password": ADMIN["password"]})
    headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    company = httpx.post(f"{api}/companies", headers=headers,
                         json={"name": "Client Corp"}).json()["company"]
    placed = httpx.post(f"{api}/api-integrations/orders", headers=headers, json={
        "companyId": company["id"], "service": 1680, "link": "https://instagram.com/x",
        "quantity": 1000})
    assert placed.status_code == 201, placed.text
    invoice = placed.json()["invoice"]
    start = threading.Barrier(12)
    answers: list[httpx.Response] = []

    def download() -> None:
        with httpx.Client(headers=headers, timeout=60) as client:
            start.wait()
            answers.append(client.get(f"{api}/invoices/{invoice['id']}/download"))

    threads = [threading.Thread(target=download) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200] * 12, [a.text[:200] for a in answers]
    for answer in answers:
        pdf = tmp_path / "invoice.pdf"
        pdf.write_bytes(answer.content)
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert invoice["number"] in text and "+91 98450 12345" in text

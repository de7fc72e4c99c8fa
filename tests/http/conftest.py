"""HTTP fixtures: the real app and container on a fresh SQLite database, via TestClient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from falcon import testing
from social_scale_app.app import SocialScaleApp, create_app
from social_scale_core.auth.sessions import run_inline
from social_scale_wiring.container import Container
from social_scale_wiring.settings import Settings

from tests.http.console_support import Browser

TEST_SECRET = "t" * 48


def make_settings(db_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url, "app_env": "test", "jwt_secret": TEST_SECRET,
        "log_level": "WARNING", "password_hash_profile": "fast",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def make_container(
    sqlite_template: Path, tmp_path: Path
) -> Iterator[Callable[..., Container]]:
    made: list[Container] = []

    def make(db_url: str | None = None, **overrides: Any) -> Container:
        if db_url is None:
            path = tmp_path / f"app{len(made)}.db"
            path.write_bytes(sqlite_template.read_bytes())
            db_url = f"sqlite:///{path}"
        container = Container()
        container.settings.override(providers.Object(make_settings(db_url, **overrides)))
        # Forgot-password hands its work to a thread pool; here it runs at once, so that
        # tests can read the mail right after the answer (e2e tests use the real pool).
        container.auth_tasks.override(providers.Object(run_inline))
        made.append(container)
        return container

    yield make
    for container in made:
        container.engine().dispose()


@pytest.fixture
def container(make_container: Callable[..., Container]) -> Container:
    return make_container()


@pytest.fixture
def app(container: Container) -> SocialScaleApp:
    return create_app(container)


@pytest.fixture
def client(app: SocialScaleApp) -> testing.TestClient:
    return testing.TestClient(app)


ADMIN_EMAIL = "admin@socialscale.test"
ADMIN_PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_credentials() -> dict[str, str]:
    """Email and password of the SUPER_ADMIN that `auth_headers` registers."""
    return {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}


def login(client: testing.TestClient, credentials: dict[str, str]) -> dict[str, Any]:
    """POST /auth/login and return the token response (asserting it succeeded)."""
    result = client.simulate_post("/api/v1/auth/login", json=credentials)
    assert result.status_code == 200, result.text
    body: dict[str, Any] = result.json
    return body


@pytest.fixture
def auth_headers(
    client: testing.TestClient, admin_credentials: dict[str, str]
) -> dict[str, str]:
    """Registers the admin through the real endpoints, logs in, returns the bearer header."""
    result = client.simulate_post(
        "/api/v1/auth/register", json={**admin_credentials, "name": "Admin"}
    )
    assert result.status_code == 201, result.text
    tokens = login(client, admin_credentials)
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


def assert_problem(result: testing.Result, status: int, code: str) -> dict[str, Any]:
    """The response is problem+json with this status and code; returns the body."""
    assert result.status_code == status, result.text
    assert result.headers["content-type"] == "application/problem+json"
    body = result.json
    assert body["status"] == status and body["code"] == code, body
    assert "Traceback" not in result.text
    return body


def admin_client(container: Container) -> tuple[testing.TestClient, dict[str, str]]:
    """A test client of the app on `container` with the admin registered and logged in."""
    client = testing.TestClient(create_app(container))
    creds = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    assert client.simulate_post("/api/v1/auth/register",
                                json={**creds, "name": "Admin"}).status_code == 201
    token = login(client, creds)["accessToken"]
    return client, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(db_url: str, make_container: Callable[..., Container]
          ) -> tuple[testing.TestClient, dict[str, str]]:
    """The app on `db_url` with a logged-in admin (shared by the examples of one test)."""
    return admin_client(make_container(db_url))


@pytest.fixture
def admin_get(admin: tuple[testing.TestClient, dict[str, str]]) -> Callable[[str], Any]:
    """GET as the admin; asserts a 200 and returns the JSON body."""
    client, headers = admin

    def get(path: str) -> Any:
        result = client.simulate_get(path, headers=headers)
        assert result.status_code == 200, result.text
        return result.json

    return get


# The console's signed-in browser (tests/http/test_console*.py).
@pytest.fixture
def browser(client: testing.TestClient) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(browser: Browser) -> Browser:
    made = browser.post("/setup", {"name": "Admin", "email": ADMIN_EMAIL,
                                   "password": ADMIN_PASSWORD}, csrf_from="/setup")
    assert made.status_code == 303 and made.headers["location"].startswith("/login")
    done = browser.post("/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                   "next": "/orders"}, csrf_from="/login")
    assert done.status_code == 303 and done.headers["location"] == "/orders", done.text
    return browser


@pytest.fixture
def placed(signed_in: Browser) -> tuple[Browser, str, str]:
    """An order placed through the console's form (the sandbox panel), and its company."""
    company = signed_in.post("/companies/new", {"name": "Acme", "defaultInvoiceMultiplier": "8"},
                             csrf_from="/companies/new")
    company_id = company.headers["location"].split("/companies/")[1].split("?")[0]
    body = {"companyId": company_id, "service": "2124", "link": "https://instagram.com/acme",
            "quantity": "1000", "formKey": "form-1", "action": "place"}
    first = signed_in.post("/orders/new", body, csrf_from="/orders/new")
    assert first.status_code == 303, first.text
    again = signed_in.post("/orders/new", body, csrf_from="/orders/new")
    assert again.headers["location"] == first.headers["location"]  # the same form: one order
    order_id = first.headers["location"].split("/orders/")[1].split("?")[0]
    return signed_in, company_id, order_id

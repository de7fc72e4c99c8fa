"""Companies: public creation (rate-limited per client), admin list, read, update, delete."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import EmailStr, Field
from social_scale_core.companies import service as companies
from social_scale_core.companies.model import Company, CompanyDetails
from social_scale_core.companies.service import CompanyPorts
from social_scale_core.errors import ValidationFailed
from social_scale_wiring.container import Container

from social_scale_http.api import Api, operation
from social_scale_http.client_address import client_ip
from social_scale_http.resources.invoice_schemas import Factor
from social_scale_http.schemas import (
    ApiModel,
    Multiplier,
    OutModel,
    Page,
    PageQuery,
    PublicModel,
    UtcDateTime,
)

TAGS = ("companies",)


class CompanyFields(ApiModel):
    """The fields anyone may send (API.md: `POST /companies` takes exactly these + name)."""

    email: EmailStr | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32, description="E.164-like, e.g. +919876543210")
    address: str | None = Field(None, max_length=1000)
    gstin: str | None = Field(None, max_length=15, description="e.g. 27ABCDE1234F1Z5")
    state_code: str | None = Field(None, max_length=2, description="GST state code, e.g. 27")
    notes: str | None = Field(None, max_length=5000)


class CompanyBody(CompanyFields, PublicModel):
    """Public: exactly name + CompanyFields by their API names; anything else, a price or
    a snake_case spelling included, is 422 `unknown field`."""

    model_config = PublicModel.model_config

    name: str = Field(min_length=1, max_length=200)


class CompanyUpdate(CompanyFields):
    """Admin: only the fields sent change; null clears an optional field."""

    name: str | None = Field(None, min_length=1, max_length=200)
    default_invoice_multiplier: Multiplier | None = Field(
        None, description="invoices of this company: cost x this (unless an order says otherwise)")


class CompanyOut(OutModel):
    id: str
    name: str
    email: str | None
    phone: str | None
    address: str | None
    gstin: str | None
    state_code: str | None
    notes: str | None
    default_invoice_multiplier: Factor | None
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def of(cls, company: Company) -> CompanyOut:
        d = company.details
        return cls(id=company.id, name=d.name, email=d.email, phone=d.phone,
                   address=d.address, gstin=d.gstin, state_code=d.state_code, notes=d.notes,
                   default_invoice_multiplier=d.default_invoice_multiplier,
                   created_at=company.created_at, updated_at=company.updated_at)


class CompanyEnvelope(OutModel):
    company: CompanyOut


class CompaniesQuery(PageQuery):
    search: str | None = Field(None, max_length=200, description="in name or email")


def _changes(body: CompanyUpdate) -> dict[str, Any]:
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    if "name" in changes and changes["name"] is None:
        raise ValidationFailed.single("name", "must not be null")
    return changes


class CompaniesResource:
    def __init__(self, ports: CompanyPorts) -> None:
        self._ports = ports

    @operation("Create a company (public; limited per client address)", tags=TAGS,
               body=CompanyBody, response=CompanyEnvelope, status=201, public=True,
               errors=(429,))
    def on_post(self, req: falcon.Request, resp: falcon.Response,
                body: CompanyBody) -> CompanyEnvelope:
        details = CompanyDetails(**body.model_dump(exclude_unset=False))
        company = companies.create_company(self._ports, details, client_ip(req))
        return CompanyEnvelope(company=CompanyOut.of(company))

    @operation("List companies (search in name and email)", tags=TAGS,
               query=CompaniesQuery, response=Page[CompanyOut])
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               query: CompaniesQuery) -> Page[CompanyOut]:
        items, total = companies.list_companies(self._ports, query.search, query.limit,
                                                query.offset)
        return Page[CompanyOut](items=[CompanyOut.of(c) for c in items], total=total,
                                limit=query.limit, offset=query.offset)


class CompanyResource:
    def __init__(self, ports: CompanyPorts) -> None:
        self._ports = ports

    @operation("Get a company", tags=TAGS, response=CompanyEnvelope, errors=(404,))
    def on_get(self, req: falcon.Request, resp: falcon.Response,
               company_id: str) -> CompanyEnvelope:
        return CompanyEnvelope(company=CompanyOut.of(
            companies.get_company(self._ports, company_id)))

    @operation("Update a company (only the fields sent)", tags=TAGS, body=CompanyUpdate,
               response=CompanyEnvelope, errors=(404,))
    def on_put(self, req: falcon.Request, resp: falcon.Response, company_id: str,
               body: CompanyUpdate) -> CompanyEnvelope:
        company = companies.update_company(self._ports, company_id, _changes(body))
        return CompanyEnvelope(company=CompanyOut.of(company))

    @operation("Delete a company (soft: its orders and invoices stay)", tags=TAGS,
               status=204, errors=(404,))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, company_id: str) -> None:
        companies.delete_company(self._ports, company_id)
        resp.status = falcon.HTTP_204


def register(api: Api, container: Container) -> None:
    ports = container.company_ports()
    api.route("/api/v1/companies", CompaniesResource(ports))
    api.route("/api/v1/companies/{company_id}", CompanyResource(ports))

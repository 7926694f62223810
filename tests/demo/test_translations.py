"""Accept-Language: fr (or de) gives every error body in that language:
errorkit's messages from its own catalogs, DRF's from DRF's, and the summary
of a validation error composed in one language."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.demo.helpers import post_job

pytestmark = pytest.mark.django_db

ENGLISH = {
    "invalid_api_key": "Missing or invalid API key",
    "insufficient_balance": "Insufficient balance",
    "not_found": "The requested resource was not found",
    "method_not_allowed": 'Method "DELETE" not allowed',  # DRF's
    "not_acceptable": "No response format matches",
    "invalid_request": "This field is required",
    "unsupported_media_type": 'Unsupported media type "text/plain"',  # DRF's
    "payload_too_large": "The request body is",
}
FRENCH = {
    "invalid_api_key": "Clé d'API manquante ou invalide",
    "insufficient_balance": "Solde insuffisant. Veuillez ajouter des fonds",
    "not_found": "La ressource demandée est introuvable",
    "method_not_allowed": "DELETE\xa0» non autorisée",  # DRF's catalog
    "not_acceptable": "Aucun format de réponse ne correspond",
    "invalid_request": "Ce champ est obligatoire",  # DRF's own catalog
    "unsupported_media_type": "Type de média «\xa0text/plain\xa0» non supporté",
    # Answered by errorkit's middleware, before LocaleMiddleware runs.
    "payload_too_large": "Le corps de la requête fait",
}


def answers(api: Client, broke: Client, language: str) -> dict[str, str]:
    lang = {"HTTP_ACCEPT_LANGUAGE": language}
    responses = [
        Client().get("/v1/models", **lang),
        post_job(broke, **lang),
        api.get("/v1/nowhere", **lang),
        api.delete("/v1/models", **lang),
        api.get("/v1/models", HTTP_ACCEPT="text/html", **lang),
        post_job(api, {"input": 1}, **lang),
        api.post("/v1/jobs", "x", content_type="text/plain", **lang),
        post_job(api, {"model": "demo-echo", "input": "x" * 3_000_000}, **lang),
    ]
    return {r.json()["error"]: r.json()["message"] for r in responses}


@pytest.fixture
def callers(django_user_model):
    from errorkit.billing.funds import add_funds
    from errorkit.keys.api_keys import create_key

    user = django_user_model.objects.create(username="polyglot")
    add_funds(user, "5.00")
    broke = django_user_model.objects.create(username="fauche")
    bearer = {
        name: Client(HTTP_AUTHORIZATION=f"Bearer {create_key(who)[1]}")
        for name, who in (("api", user), ("broke", broke))
    }
    return bearer["api"], bearer["broke"]


def test_english_by_default(callers):
    said = answers(*callers, "en")
    assert all(ENGLISH[code] in message for code, message in said.items()), said


def test_french_throughout(callers):
    said = answers(*callers, "fr")
    assert set(said) == set(FRENCH)
    assert all(FRENCH[code] in message for code, message in said.items()), said
    # The summary of a validation error: one language, errorkit's and DRF's.
    assert said["invalid_request"].startswith("model : Ce champ est obligatoire")


def test_german_too(callers):
    said = answers(*callers, "de")
    assert "Guthaben unzureichend" in said["insufficient_balance"]
    assert "API-Schlüssel fehlt oder ist ungültig" in said["invalid_api_key"]

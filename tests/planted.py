"""Secrets of every shape errorkit recognises by value, and values that look
alike but are not secrets: shared by the scrubbing tests and the planted-
secrets crawl of the admin."""

from __future__ import annotations

# name -> a planted secret (never a real one: generated shapes).
SECRETS = {
    "jwt": (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiJhbm4iLCJyb2xlIjoiYWRtaW4ifQ."
        "c2lnbmF0dXJlX29mX3RoZV90b2tlbl9oZXJl"
    ),
    "aws": "AKIAQX3VJ7TTRWZ5EXMP",
    "github": "ghp_R8fK2mQ9xL4vT7wN1bY6zC3hJ5dS0aE8gU2i",
    "slack": "xoxb-2047519486-7281946350182-Qm4Tx9Lk2Vn8Rb5Wc3Hy6Jd1",
    "stripe": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "google": "AIzaSyD4kQ9mX2vL7tR8nB3cF6hJ1wZ5yP0sE9u",
    "pem": "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Lk5",
    "bearer": "d7Hq2LmZ9xKc4VbN8tRw",
    "url_password": "Tr0ub4dor-and-3",
    "iban_spaced": "DE89 3704 0044 0532 0130 00",
    "iban": "GB82WEST12345698765432",
    "card": "4111 1111 1111 1111",
    "card_number": "4012888888881881",
    "argv_password": "correct-horse-battery",
    "flag_token": "zebra-kiwi-mango-77",
    "random": "q8Zr2LmX9vTb4NwY7sKp3HdJ6fGc",
}
PEM = (
    f"-----BEGIN RSA PRIVATE KEY-----\n{SECRETS['pem']}\n-----END RSA PRIVATE KEY-----"
)


def body() -> dict:
    """A request body with every secret under names that say nothing."""
    s = SECRETS
    return {
        "note": f"my token {s['jwt']} and {s['aws']}",
        "x": [s["github"], {"y": s["slack"]}],
        "memo": f"charge {s['stripe']} via {s['google']}",
        "blob": PEM,
        "text": f"sent Authorization: Bearer {s['bearer']} to "
        f"https://ann:{s['url_password']}@example.com/x",
        "payout_account": s["iban"],
        "comment": f"pay to {s['iban_spaced']} thanks",
        "items": [{"n": int(s["card_number"]), "label": f"card {s['card']}"}],
        "args": ["--verbose", "--password", s["argv_password"], "run"],
        "cmd": f"deploy --token={s['flag_token']} --fast",
        "ref": s["random"],
    }


# Alike but not secrets: they must survive scrubbing.
KEPT = [
    "req_5f0c2d9e8b7a4c1d9e3f2a1b0c9d8e7f",
    "3f2a1b0c-9d8e-7f5f-0c2d-9e8b7a4c1d9e",
    "/srv/app/site-packages/rest_framework/views.py",
    "internationalization_configuration_manager",
    "DE89 3704 0044 0532 0130 01",  # a wrong checksum
    "4111 1111 1111 1112",  # Luhn says no
    "order 1234567890123 shipped",
    "--verbose",
]

"""Library test settings with a user model that signs in with an e-mail
address and has no ``username`` field (tests.emailuser).

``make test`` runs tests/keys, tests/billing, tests/idempotency,
tests/incidents and tests/dashboard under these too: errorkit's commands,
admins, customer pages and dashboard name a user by the model's
USERNAME_FIELD, whatever it is.
"""

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.emailuser"]
AUTH_USER_MODEL = "emailuser.User"

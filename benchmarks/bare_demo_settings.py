"""B6's baseline: demo_project with errorkit's middleware and exception
handler removed (its URL conf serves POST /v1/jobs without errorkit's
decorators too). Authentication stays: the same callers, with the same keys,
reach the same endpoint."""

from demo_project.settings import *  # noqa: F403
from demo_project.settings import MIDDLEWARE, REST_FRAMEWORK

MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("errorkit.")]
REST_FRAMEWORK = {
    key: value
    for key, value in REST_FRAMEWORK.items()
    if key not in ("EXCEPTION_HANDLER", "DEFAULT_PARSER_CLASSES")
}
ROOT_URLCONF = "benchmarks.bare_demo_urls"

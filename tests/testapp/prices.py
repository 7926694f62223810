"""What each kind of test task costs (USD), and how it behaves."""

from decimal import Decimal

PRICE = Decimal("0.25")
# echo succeeds; crash raises a bug (500); flaky is a 502; busy is a 503;
# gated succeeds once its gate file is gone (for killing or cutting mid-job).
KINDS = {"echo": PRICE, "crash": PRICE, "flaky": PRICE, "busy": PRICE, "gated": PRICE}

"""What each kind of test task costs (USD), and how it behaves."""

from decimal import Decimal

PRICE = Decimal("0.25")
# echo succeeds; crash raises a bug (500); flaky is a 502; busy is a 503.
KINDS = {"echo": PRICE, "crash": PRICE, "flaky": PRICE, "busy": PRICE}

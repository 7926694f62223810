"""errorkit.dashboard: the API's customers' own pages (their API keys, for
now), signed in with the project's own authentication. It asks the other
apps through errorkit.customers and names none of them."""

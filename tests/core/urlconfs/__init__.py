"""Small URLconfs for the tests of errorkit's URL-walking checks and of DRF's
own JSONParser behind errorkit's handler: each test names one as
ROOT_URLCONF."""

"""What errorkit reads of its dependencies that they do not publish.

Each function here reads one private detail of Django (its Redis cache
backend included) or DRF, in one place,
and tests/core/test_compat.py proves that the installed version still has it.
"""

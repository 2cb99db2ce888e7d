"""Local development: the embedded SQLite database, debug pages and demo accounts."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
DEMO_ACCOUNTS_ALLOWED = True

"""wfm: workforce management for customer-service hotlines (forecast, staff, roster, publish, what-if)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wfm")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

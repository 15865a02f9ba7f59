"""Runtime support for specwright-generated API clients."""

from .auth import ApiKeyAuth, BearerAuth, ClientCredentialsGrant, OAuth2Auth, OAuth2Token, PasswordGrant, TokenCache
from .core import UNSET, AsyncCore, Call, RequestOptions, SyncCore, type_adapter
from .errors import ErrorInfo, FailureKind, SpecwrightError, StatusError
from .retries import RetryPolicy

__version__ = "0.1.0"

__all__ = [
    "UNSET",
    "ApiKeyAuth",
    "AsyncCore",
    "BearerAuth",
    "Call",
    "ClientCredentialsGrant",
    "ErrorInfo",
    "FailureKind",
    "OAuth2Auth",
    "TokenCache",
    "OAuth2Token",
    "PasswordGrant",
    "RequestOptions",
    "RetryPolicy",
    "SpecwrightError",
    "StatusError",
    "SyncCore",
    "__version__",
    "type_adapter",
]

"""Runtime support for specwright-generated API clients.

``__all__`` is the runtime's contract with generated and per-API code: they import only
these names, from here. The login flows (device authorization, OpenID Connect: authlib,
``webbrowser``, ``http.server``) are imported when one of their names is first used.
"""

from typing import TYPE_CHECKING, Any

from .arguments import check_argument, held_value
from .attempts import DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT
from .auth import (
    ApiKeyAuth,
    BasicAuth,
    BearerAuth,
    ClientCredentialsGrant,
    OAuth2Auth,
    OAuth2Token,
    PasswordGrant,
    TokenCache,
)
from .bulk import gc_paused
from .client import (
    AsyncClient,
    AsyncOpenIDConnectMethods,
    AsyncPasswordLoginMethods,
    BasicMethods,
    OpenIDConnectMethods,
    PasswordLoginMethods,
    SyncClient,
    TokenMethods,
)
from .core import AsyncCore, SyncCore
from .downloads import Progress
from .enums import OpenIntEnum, OpenStrEnum, is_known
from .errors import ErrorFactory, ErrorInfo, FailureKind, SpecwrightError, StatusError
from .files import write_private
from .named import (
    Backoff,
    await_status,
    children_of,
    field_of,
    find_named,
    name_of,
    require_named,
    require_value,
    wait_for_status,
)
from .paging import (
    AsyncPager,
    CursorPaging,
    LinkPaging,
    OffsetPaging,
    PageNumberPaging,
    Pager,
    Paging,
    apages_of,
    apaginate,
    pages_of,
    paginate,
    select,
)
from .redact import redact_url
from .resources import AsyncResourceClient, HeadResult, ResourceClient, ResourcePaging
from .retries import RetryPolicy
from .schemes import ApiKeyScheme, AuthScheme, BasicScheme, BearerScheme, OAuth2Scheme, OpenIDConnectScheme
from .servers import server_url
from .wire import UNSET, Call, RequestOptions, SecurityMode, comma_joined, type_adapter

if TYPE_CHECKING:
    from .device import DeviceAuthorization, show_device_code
    from .oidc_auth import OpenIDConnectAuth

#: The names imported on first use, and their modules.
_LAZY = {"DeviceAuthorization": "device", "show_device_code": "device", "OpenIDConnectAuth": "oidc_auth"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups do not come here again
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__version__ = "0.1.0"

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "UNSET",
    "ApiKeyAuth",
    "ApiKeyScheme",
    "AsyncClient",
    "AsyncCore",
    "AsyncOpenIDConnectMethods",
    "AsyncPager",
    "AsyncPasswordLoginMethods",
    "AsyncResourceClient",
    "AuthScheme",
    "Backoff",
    "BasicAuth",
    "BasicMethods",
    "BasicScheme",
    "BearerAuth",
    "BearerScheme",
    "Call",
    "ClientCredentialsGrant",
    "CursorPaging",
    "DeviceAuthorization",
    "ErrorFactory",
    "ErrorInfo",
    "FailureKind",
    "HeadResult",
    "LinkPaging",
    "OAuth2Auth",
    "OAuth2Scheme",
    "OAuth2Token",
    "OffsetPaging",
    "OpenIntEnum",
    "OpenIDConnectAuth",
    "OpenIDConnectMethods",
    "OpenIDConnectScheme",
    "OpenStrEnum",
    "PageNumberPaging",
    "Pager",
    "Paging",
    "PasswordGrant",
    "PasswordLoginMethods",
    "Progress",
    "RequestOptions",
    "ResourceClient",
    "ResourcePaging",
    "RetryPolicy",
    "SecurityMode",
    "SpecwrightError",
    "StatusError",
    "SyncClient",
    "SyncCore",
    "TokenCache",
    "TokenMethods",
    "__version__",
    "apages_of",
    "apaginate",
    "await_status",
    "check_argument",
    "children_of",
    "comma_joined",
    "field_of",
    "find_named",
    "gc_paused",
    "held_value",
    "is_known",
    "name_of",
    "pages_of",
    "paginate",
    "redact_url",
    "require_named",
    "require_value",
    "select",
    "server_url",
    "show_device_code",
    "type_adapter",
    "wait_for_status",
    "write_private",
]

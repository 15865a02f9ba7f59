"""OAuth2 device authorization grant (RFC 8628): log in on another device with a short code.

:meth:`DeviceLogin.run` (or :meth:`DeviceLogin.arun`) asks the provider for a device code,
shows the user where to enter the user code, and polls the token endpoint until they have
approved. The result is an :class:`~specwright_runtime.auth.OAuth2Token`; give it to
``OAuth2Auth.set_token`` (an ``OAuth2Auth`` built with ``client_id=``, so the refresh token
is sent with the client) to cache and refresh it like any other token.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx
from authlib.oauth2.rfc8628 import DEVICE_CODE_GRANT_TYPE

from .auth import OAuth2Token
from .errors import parse_body
from .oidc import AuthorizationDenied, DiscoveryError, LoginError, LoginTimeout, ProviderMetadata
from .redact import redact_url

logger = logging.getLogger("specwright_runtime.device")

#: Seconds between polls when the provider names none (RFC 8628 section 3.2).
DEFAULT_INTERVAL = 5.0
#: Seconds a device code lives when the provider does not say.
DEFAULT_EXPIRES_IN = 600.0
#: Seconds added to the interval on each ``slow_down`` (RFC 8628 section 3.5).
SLOW_DOWN_STEP = 5.0


@dataclass(frozen=True)
class DeviceAuthorization:
    """The device authorization endpoint's answer (RFC 8628 section 3.2)."""

    device_code: str = field(repr=False)
    user_code: str = field(repr=False)
    verification_uri: str
    verification_uri_complete: str | None = field(default=None, repr=False)  # holds the user code
    expires_in: float = DEFAULT_EXPIRES_IN
    interval: float = DEFAULT_INTERVAL

    @classmethod
    def from_payload(cls, payload: Any, *, url: str = "") -> DeviceAuthorization:
        """Read the JSON answer, or raise :class:`LoginError`."""
        if not isinstance(payload, Mapping):
            raise LoginError("device authorization answer is not a JSON object", url=url)
        # "verification_url" is what some providers (Google) send
        uri = payload.get("verification_uri") or payload.get("verification_url")
        device_code, user_code = payload.get("device_code"), payload.get("user_code")
        if not all(isinstance(v, str) and v for v in (device_code, user_code, uri)):
            raise LoginError("device authorization answer lacks device_code, user_code or verification_uri", url=url)
        complete = payload.get("verification_uri_complete")
        return cls(
            device_code=str(device_code),
            user_code=str(user_code),
            verification_uri=str(uri),
            verification_uri_complete=complete if isinstance(complete, str) and complete else None,
            expires_in=_seconds(payload.get("expires_in"), DEFAULT_EXPIRES_IN),
            interval=_seconds(payload.get("interval"), DEFAULT_INTERVAL),
        )


def _seconds(value: Any, default: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return default


@dataclass(frozen=True)
class DeviceCodeGrant:
    """The token request of a device login (RFC 8628 section 3.4)."""

    device_code: str = field(repr=False)
    client_id: str

    #: the code ends with the login: OAuth2Auth never keeps it for renewals
    single_use: ClassVar[bool] = True

    def form(self) -> dict[str, str]:
        return {"grant_type": DEVICE_CODE_GRANT_TYPE, "device_code": self.device_code, "client_id": self.client_id}


def show_device_code(authorization: DeviceAuthorization) -> None:
    """Tell the user (on stderr) where to go and which code to enter."""
    if authorization.verification_uri_complete:
        text = f"To log in, visit {authorization.verification_uri_complete} and check that it shows the code"
    else:
        text = f"To log in, visit {authorization.verification_uri} and enter the code"
    print(f"{text} {authorization.user_code}", file=sys.stderr, flush=True)


class _Polling:
    """The state of one device login's polling, without I/O."""

    def __init__(self, authorization: DeviceAuthorization, now: float, token_url: str) -> None:
        self.interval = authorization.interval
        self.deadline = now + authorization.expires_in
        self.url = redact_url(token_url)
        self.polls = 0

    def check_deadline(self, now: float) -> None:
        if now >= self.deadline:
            raise LoginTimeout(
                "the device code expired before the login was approved", error="expired_token", url=self.url
            )

    def judge(self, response: httpx.Response) -> OAuth2Token | None:
        """The token, or ``None`` to poll again; raises when the login has failed."""
        self.polls += 1
        body = parse_body(response.content)
        if response.is_success:
            try:
                return OAuth2Token.from_payload(body)
            except ValueError as exc:  # the body may hold a token: never attached to the error
                raise LoginError(str(exc), url=self.url, status_code=response.status_code) from None
        error = body.get("error") if isinstance(body, Mapping) else None
        error = error if isinstance(error, str) else None
        description = body.get("error_description") if isinstance(body, Mapping) else None
        description = description[:300] if isinstance(description, str) and description else None
        status = response.status_code
        if error == "authorization_pending":
            logger.debug("device login: pending, next poll in %g s", self.interval)
            return None
        if error == "slow_down":
            self.interval += SLOW_DOWN_STEP
            logger.debug("device login: asked to slow down, next poll in %g s", self.interval)
            return None
        if error == "access_denied":
            raise AuthorizationDenied(
                "the device login was refused",
                error=error,
                description=description,
                url=self.url,
                status_code=status,
                body=body,
            )
        if error == "expired_token":
            raise LoginTimeout(
                "the device code expired before the login was approved",
                error=error,
                description=description,
                url=self.url,
                status_code=status,
                body=body,
            )
        raise LoginError(
            f"token endpoint answered HTTP {status}" + (f" ({error[:100]})" if error else ""),
            error=error,
            description=description,
            url=self.url,
            status_code=status,
            body=body,
        )


class DeviceLogin:
    """Device authorization grant for ``client_id`` (a public client: no secret).

    ``prompt`` shows the user the :class:`DeviceAuthorization` (default: a line on stderr);
    ``sleep``/``asleep`` wait between polls and ``clock`` reads monotonic seconds (inject them
    to test without waiting). Polls honour ``interval``, ``slow_down`` (5 s more each time)
    and ``expires_in``; ``access_denied`` raises :class:`AuthorizationDenied`, an expired
    code :class:`LoginTimeout`, anything else :class:`LoginError`.
    """

    def __init__(
        self,
        device_authorization_endpoint: str,
        token_endpoint: str,
        client_id: str,
        *,
        scope: str | Sequence[str] | None = "openid",
        prompt: Callable[[DeviceAuthorization], object] = show_device_code,
        sleep: Callable[[float], object] = time.sleep,
        asleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device_authorization_endpoint = device_authorization_endpoint
        self.token_endpoint = token_endpoint
        self.client_id = client_id
        self.scope = scope if scope is None or isinstance(scope, str) else " ".join(scope)
        self.prompt = prompt
        self.sleep = sleep
        self.asleep = asleep
        self.clock = clock

    @classmethod
    def from_provider(cls, provider: ProviderMetadata, client_id: str, **kwargs: Any) -> DeviceLogin:
        """A device login at a discovered provider; :class:`DiscoveryError` if it has no device endpoint."""
        if provider.device_authorization_endpoint is None:
            raise DiscoveryError("the provider has no device_authorization_endpoint", url=redact_url(provider.issuer))
        return cls(provider.device_authorization_endpoint, provider.token_endpoint, client_id, **kwargs)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({redact_url(self.device_authorization_endpoint)!r}, "
            f"{redact_url(self.token_endpoint)!r}, client_id={self.client_id!r})"
        )

    # -- requests ------------------------------------------------------------------------
    def _authorization_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        data = {"client_id": self.client_id}
        if self.scope:
            data["scope"] = self.scope
        return http.build_request(
            "POST", self.device_authorization_endpoint, data=data, headers={"Accept": "application/json"}
        )

    def _token_request(self, http: httpx.Client | httpx.AsyncClient, grant: DeviceCodeGrant) -> httpx.Request:
        return http.build_request(
            "POST", self.token_endpoint, data=grant.form(), headers={"Accept": "application/json"}
        )

    def _read_authorization(self, response: httpx.Response) -> DeviceAuthorization:
        url = redact_url(self.device_authorization_endpoint)
        body = parse_body(response.content)
        if not response.is_success:
            error = body.get("error") if isinstance(body, Mapping) else None
            raise LoginError(
                f"device authorization endpoint answered HTTP {response.status_code}"
                + (f" ({error[:100]})" if isinstance(error, str) else ""),
                error=error if isinstance(error, str) else None,
                url=url,
                status_code=response.status_code,
                body=body,
            )
        return DeviceAuthorization.from_payload(body, url=url)

    def _unreachable(self, request: httpx.Request, exc: httpx.HTTPError) -> LoginError:
        return LoginError(
            f"device login could not reach {redact_url(request.url)}: {type(exc).__name__}", url=redact_url(request.url)
        )

    # -- the flow ------------------------------------------------------------------------
    def run(self, http: httpx.Client) -> OAuth2Token:
        """Log in (blocks until the user approves, refuses, or the code expires)."""
        authorization = self._read_authorization(self._send(http, self._authorization_request(http)))
        self.prompt(authorization)
        polling = _Polling(authorization, self.clock(), self.token_endpoint)
        grant = DeviceCodeGrant(authorization.device_code, self.client_id)
        while True:
            self.sleep(polling.interval)
            polling.check_deadline(self.clock())
            token = polling.judge(self._send(http, self._token_request(http, grant)))
            if token is not None:
                return token

    async def arun(self, http: httpx.AsyncClient) -> OAuth2Token:
        """Async twin of :meth:`run`."""
        authorization = self._read_authorization(await self._asend(http, self._authorization_request(http)))
        self.prompt(authorization)
        polling = _Polling(authorization, self.clock(), self.token_endpoint)
        grant = DeviceCodeGrant(authorization.device_code, self.client_id)
        while True:
            await self.asleep(polling.interval)
            polling.check_deadline(self.clock())
            token = polling.judge(await self._asend(http, self._token_request(http, grant)))
            if token is not None:
                return token

    def _send(self, http: httpx.Client, request: httpx.Request) -> httpx.Response:
        # never through the client's auth: that could start a login of its own
        try:
            return http.send(request, auth=None, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise self._unreachable(request, exc) from exc

    async def _asend(self, http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
        try:
            return await http.send(request, auth=None, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise self._unreachable(request, exc) from exc

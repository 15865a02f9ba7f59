"""The API model: the one contract between OpenAPI and the templates.

Built from a resolved spec by :mod:`generator.build`; templates read only these objects.
Everything is frozen and ordered, so rendering is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ParamLocation = Literal["path", "query", "header", "cookie", "body"]  # body: a flattened body field
BodyKind = Literal["json", "form", "multipart", "binary", "text"]
ResponseKind = Literal["json", "binary", "text", "empty"]
SchemeKind = Literal["http-bearer", "http-basic", "api-key", "oauth2", "openid-connect"]
PagingStyle = Literal["offset", "page", "cursor", "link"]
AuthKind = Literal["none", "bearer", "basic", "api-key", "oauth2", "openid-connect"]
AuthMode = Literal["required", "optional", "none"]  # an operation's security: credentials needed, if any, none


class SpecText(str):
    """A string taken from a spec: templates must pass it through an escaping filter.

    The render environment refuses to print one unfiltered, so hostile titles and
    descriptions can never end a docstring or a literal.
    """

    __slots__ = ()


def spec_text(value: object) -> SpecText:
    """``value`` as :class:`SpecText` (``None`` becomes an empty one)."""
    return SpecText("" if value is None else str(value))


@dataclass(frozen=True)
class Param:
    """One operation parameter."""

    name: str  # on the wire
    py_name: str
    location: ParamLocation
    type_expr: str  # Python annotation, models referenced as ``models.X``
    required: bool
    default: str | None = None  # Python literal of the schema default
    description: str = ""
    deprecated: bool = False
    explode: bool = True  # False: a list is sent as one comma-separated value
    checks: tuple[tuple[str, object], ...] = ()  # schema constraints checked before sending (``minimum``...)
    held: bool = False  # ``x-speakeasy-globals``: the client holds the value; methods do not take it


@dataclass(frozen=True)
class Body:
    """The request body of an operation."""

    py_name: str
    kind: BodyKind
    media_type: str
    type_expr: str
    required: bool
    description: str = ""
    fields: tuple[Param, ...] = ()  # flattened (``x-specwright-flatten-body``): the method takes these instead


@dataclass(frozen=True)
class Result:
    """The part of the response body a method returns (``x-specwright-result``)."""

    path: str  # JSONPath subset, wire names: ``$.results``
    type_expr: str


@dataclass(frozen=True)
class Response:
    """One documented response."""

    status: str  # "200", "4XX", "default"
    kind: ResponseKind
    media_type: str | None
    type_expr: str  # "None" for empty bodies
    description: str = ""


@dataclass(frozen=True)
class Paging:
    """How an operation pages, from ``x-speakeasy-pagination``."""

    style: PagingStyle
    position_param: str | None  # py name of offset/page/cursor parameter
    limit_param: str | None  # py name of the page size parameter
    results_path: str = "$"
    next_path: str | None = None  # cursor or next-URL path in the response
    total_path: str | None = None  # total items in the response
    item_type: str = "Any"
    method_name: str = ""  # the iterator method, ``x-specwright-pager-name`` or ``iter_<method>``
    runtime_class: str = ""  # the runtime paging configuration (``OffsetPaging``...)
    runtime_args: tuple[tuple[str, object], ...] = ()  # its keyword arguments (spec values)


@dataclass(frozen=True)
class Operation:
    """One HTTP operation and the methods generated for it."""

    operation_id: str
    py_name: str
    method: str  # upper case
    path: str
    summary: str
    description: str
    params: tuple[Param, ...]
    body: Body | None
    success: Response
    errors: tuple[Response, ...]
    security: tuple[str, ...]  # scheme keys; empty = anonymous
    tags: tuple[str, ...] = ()
    group: str | None = None
    paging: Paging | None = None
    idempotent: bool | None = None  # None: by method
    deprecated: bool = False
    auth_mode: AuthMode = "required"
    result: Result | None = None
    positional_names: tuple[str, ...] = ()  # ``x-specwright-positional``: Python names, in order

    @property
    def return_type(self) -> str:
        """What the method returns: the picked part of the body, or all of it."""
        return self.result.type_expr if self.result else self.success.type_expr

    @property
    def arguments(self) -> tuple[Param, ...]:
        """Every parameter the method takes besides the body (flattened body fields included)."""
        return self.params + (self.body.fields if self.body else ())

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    @property
    def header_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "header")

    @property
    def body_fields(self) -> tuple[Param, ...]:
        return self.body.fields if self.body else ()

    @property
    def positional(self) -> tuple[Param, ...]:
        """Path parameters in path order, then those ``x-specwright-positional`` names, in its order."""
        listed = {p.py_name: p for p in self.arguments if p.py_name in self.positional_names}
        lead = tuple(p for p in self.path_params if p.py_name not in listed and not p.held)
        return lead + tuple(listed[n] for n in self.positional_names if n in listed)

    @property
    def keyword(self) -> tuple[Param, ...]:
        """Everything else, keyword-only: required ones first."""
        taken = {p.py_name for p in self.positional}
        rest = [p for p in self.arguments if p.location != "path" and p.py_name not in taken]
        return tuple(sorted(rest, key=lambda p: not p.required))

    @property
    def held_params(self) -> tuple[Param, ...]:
        """Path parameters whose value the client holds (``x-speakeasy-globals``)."""
        return tuple(p for p in self.params if p.held)

    @property
    def body_positional(self) -> bool:
        """Whether the (unflattened) body is listed in ``x-specwright-positional``."""
        return self.body is not None and not self.body.fields and self.body.py_name in self.positional_names


@dataclass(frozen=True)
class SecurityScheme:
    """A ``components.securitySchemes`` entry, reduced to what the runtime needs."""

    key: str
    kind: SchemeKind
    description: str = ""
    header: str | None = None  # api-key: header/query name
    location: str | None = None  # api-key: header | query | cookie
    token_url: str | None = None  # oauth2 password / client credentials
    flows: tuple[str, ...] = ()  # oauth2 flow names present
    openid_url: str | None = None
    scopes: tuple[str, ...] = ()  # scopes the spec's security requirements ask for


@dataclass(frozen=True)
class ServerVariable:
    """A variable of the server URL (``servers[0].variables``)."""

    name: str
    default: str
    enum: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class GroupSettings:
    """``x-specwright-groups`` settings of one sub-client group."""

    path: str  # "handle" or "admin.users"
    bind: str | None = None  # wire name of the path parameter the sub-client holds
    factory: str | None = None  # the parent's method making a bound sub-client (default: the last name part)
    class_name: str | None = None  # public class name (default: private ``_<Path>Group``)
    description: str = ""


@dataclass(frozen=True)
class ResourcePagingSpec:
    """How the generic resource clients page (``x-specwright-resources.paging``)."""

    page: str = "page"
    limit: str = "limit"
    first_page: int = 0
    page_size: int = 100
    results: str = "$"  # neutral: an API's envelope comes from its spec
    totals: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceGroup:
    """Generic resource clients on one server (``x-specwright-resources.groups``)."""

    name: str  # attribute on the client
    class_name: str
    services: tuple[tuple[str, str], ...]  # (attribute, path template)
    url: str = ""  # server URL template; "" = the document's first server
    variables: tuple[tuple[str, str], ...] = ()  # server variable values of this group
    description: str = ""


@dataclass(frozen=True)
class ClientArg:
    """A constructor argument of the generated client that its auth needs."""

    name: str
    annotation: str
    doc: str  # may quote spec text: templates print it through ``docstring``
    default: str = "None"


@dataclass(frozen=True)
class ClientAuth:
    """How the generated client authenticates, decided once in build.

    ``scheme`` is a runtime auth scheme class (``specwright_runtime.schemes``) built with
    ``scheme_args``; the client's ``arguments`` named in ``credentials`` are handed to it.
    ``mixins`` are runtime classes adding the helper methods (``set_token``, ``login``...);
    their async twins carry an ``Async`` prefix where ``async_mixins`` says so.
    """

    kind: AuthKind = "none"
    scheme: str | None = None
    scheme_args: tuple[tuple[str, object], ...] = ()
    arguments: tuple[ClientArg, ...] = ()
    mixins: tuple[str, ...] = ()
    async_mixins: tuple[str, ...] = ()
    password_login: bool = False  # ``login(username, password)``; the constructor logs in with ``username``/``password``

    @property
    def credentials(self) -> tuple[str, ...]:
        """Arguments handed to the scheme (``username``/``password`` of a password login are not)."""
        skip = {"username", "password"} if self.password_login else set()
        return tuple(a.name for a in self.arguments if a.name not in skip)


@dataclass(frozen=True)
class Group:
    """A sub-client: the operations of one ``x-speakeasy-group`` (dotted paths nest).

    A group bound to a path parameter (``x-specwright-groups``) is made by a factory method
    of its parent taking that parameter; every method under it then takes it from there.
    """

    path: str  # "users" or "admin.users"
    name: str  # attribute (or factory method) name on its parent
    class_name: str
    async_class_name: str
    operations: tuple[Operation, ...]
    children: tuple[Group, ...]
    display: str  # how a user reaches it from the client: ``admin.users``, ``handle_client(handle).images``
    bind: Param | None = None  # the parameter this group holds
    bound: tuple[Param, ...] = ()  # every held parameter, outermost first
    description: str = ""

    @property
    def bound_names(self) -> tuple[str, ...]:
        return tuple(p.py_name for p in self.bound)

    @property
    def public(self) -> bool:
        return not self.class_name.startswith("_")


@dataclass(frozen=True)
class ModuleImports:
    """What one generated module imports, decided in build (sorted, deduplicated)."""

    modules: tuple[str, ...] = ()  # ``import x``
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ``from module import a, b`` (stdlib)
    runtime: tuple[str, ...] = ()  # ``from specwright_runtime import ...``


@dataclass(frozen=True)
class Model:
    """A generated pydantic model or enum, for docs and the API surface."""

    schema_name: str
    class_name: str
    fields: tuple[str, ...] = ()


NamedKind = Literal[
    "get_all",
    "create",
    "get",
    "get_id",
    "modify",
    "delete",
    "compute",
    "compute_until_duration",
    "status",
    "results",
    "wait_results",
    "create_from_paused_results",
    "paused_results_merged",
    "delete_intermediate",
]


@dataclass(frozen=True)
class NamedCall:
    """One operation a named-resource function calls, as reached from its group object."""

    target: str  # ``self.list_orbits``, ``self._root.get_computation_log``
    op: Operation
    key: str | None = None  # the argument given the object's id (or the value of the results field)


@dataclass(frozen=True)
class NamedArg:
    """An argument of a named-resource function."""

    name: str
    annotation: str
    default: str | None = None  # a Python literal; ``None``: required
    keyword: bool = False  # keyword-only


@dataclass(frozen=True)
class NamedFunction:
    """One named-resource function: a method of its group and, with ``module_functions``, a function."""

    name: str
    kind: NamedKind
    args: tuple[NamedArg, ...]
    returns: str
    call: NamedCall | None = None  # the operation behind it (``compute``...: the action's)
    extra: tuple[NamedArg, ...] = ()  # arguments forwarded by name to ``call`` (path parameters, a body)
    body_from: str | None = None  # ``create_from_paused_results``: the JSONPath of the results sent as the body
    body_param: str | None = None  # the argument of ``call`` that ``body_from`` fills


@dataclass(frozen=True)
class NamedResource:
    """A collection whose objects are reached by a display name (``x-specwright-resource``)."""

    group: str  # the ``x-speakeasy-group`` its operations are in
    singular: str
    plural: str
    argument: str  # the argument naming one object (``get_<singular>(<argument>)``)
    action_argument: str  # the same in compute/results functions (``compute_<singular>(<action_argument>)``)
    display_field: str  # wire name of the field looked up (``displayedName``)
    name_field: str  # wire name of the field of an object given to ``modify_<singular>``
    id_field: str  # wire name of the object's id
    item_type: str
    id_type: str
    collection: str  # the collection's path, for messages
    list: NamedCall
    functions: tuple[NamedFunction, ...]
    create: NamedCall | None = None
    replace: NamedCall | None = None
    delete: NamedCall | None = None
    status: NamedCall | None = None
    done: tuple[object, ...] = ()  # status values that mean finished
    results: NamedCall | None = None
    results_field: str | None = None  # wire name of the object's field holding the results' key
    parent_field: str | None = None  # wire name of the field naming the object another was made from
    children: tuple[tuple[NamedCall, NamedCall], ...] = ()  # (list, delete) of each collection of the group, this one last


@dataclass(frozen=True)
class NamedModule:
    """A module of module-level functions over the default client: one group's named functions."""

    module: str  # file name without ``.py``
    group: str  # group path
    display: str  # how the group is reached from the client (``simulation``)
    resources: tuple[NamedResource, ...]
    imports: ModuleImports = field(default_factory=ModuleImports)

    @property
    def functions(self) -> tuple[NamedFunction, ...]:
        return tuple(f for r in self.resources for f in r.functions)


@dataclass(frozen=True)
class Api:
    """Everything the templates need to render one client package."""

    title: str
    version: str
    description: str
    server_url: str  # the first server, variables at their defaults
    operations: tuple[Operation, ...]
    schemes: tuple[SecurityScheme, ...]
    default_security: tuple[str, ...]
    models: tuple[Model, ...] = ()
    groups: tuple[GroupSettings, ...] = ()
    server_template: str = ""  # the first server's URL as written, ``{variables}`` and all
    server_variables: tuple[ServerVariable, ...] = ()
    resources: tuple[ResourceGroup, ...] = ()
    resource_paging: ResourcePagingSpec = field(default_factory=ResourcePagingSpec)
    primary_scheme: SecurityScheme | None = None  # the scheme ``auth`` was decided from
    auth: ClientAuth = field(default_factory=ClientAuth)
    client_groups: tuple[Group, ...] = ()  # every group, parents before children
    client_imports: ModuleImports = field(default_factory=ModuleImports)
    async_client_imports: ModuleImports = field(default_factory=ModuleImports)
    module_functions: tuple[str, ...] = ()  # names of the default-client module's functions
    function_imports: ModuleImports = field(default_factory=ModuleImports)  # of the default-client module
    held_params: tuple[Param, ...] = ()  # ``x-speakeasy-globals``: constructor arguments and attributes of the client
    named: tuple[NamedResource, ...] = ()  # ``x-specwright-resource`` collections, in spec order
    named_modules: tuple[NamedModule, ...] = ()  # with ``module_functions``: one module per group of them
    models_code: str = ""
    spec_path: str = ""
    spec_hash: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def top_groups(self) -> tuple[Group, ...]:
        """The groups directly on the client."""
        return tuple(g for g in self.client_groups if "." not in g.path)

    def group(self, path: str) -> Group:
        return next(g for g in self.client_groups if g.path == path)

    def named_in(self, path: str) -> tuple[NamedResource, ...]:
        """The named resources whose functions are methods of group ``path``."""
        return tuple(r for r in self.named if r.group == path)

    @property
    def has_paging(self) -> bool:
        return any(op.paging for op in self.operations)

    @property
    def has_downloads(self) -> bool:
        return any(op.success.kind == "binary" for op in self.operations)

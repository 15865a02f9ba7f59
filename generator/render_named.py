"""The modules of named-resource functions over the default client (part of render).

With ``module_functions``, each group with ``x-specwright-resource`` collections gets a module
``<group>.py`` (``shop.orders``) whose functions call the default client's group.
"""

from __future__ import annotations

from typing import Any

import jinja2

from .config import PackageConfig
from .ir import Api

MODULE_TEMPLATE = "base/package/_named_module.jinja"


def render_named_modules(env: jinja2.Environment, api: Api, cfg: PackageConfig, out: dict[str, str], context: dict[str, Any]) -> None:
    """Add each group's module to ``out``; a module of the same name already there is an error."""
    if not cfg.module_functions:
        return
    pkg_dir = cfg.package.replace(".", "/")
    template = env.get_template(MODULE_TEMPLATE)
    for module in api.named_modules:
        path = f"{pkg_dir}/{module.module}.py"
        if path in out:
            raise ValueError(f"{cfg.key}: the functions of group {module.group!r} would replace {path}; rename one")
        out[path] = template.render(api=api, cfg=cfg, async_=False, module=module, **context)

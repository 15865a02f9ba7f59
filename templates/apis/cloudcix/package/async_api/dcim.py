"""The async DCIM registry, not exported by ``cloudcix.async_api``."""

from cloudcix.async_registries import AsyncDCIM as AsyncDCIM

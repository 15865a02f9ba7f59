"""The DCIM registry, not exported by ``cloudcix.api`` (as in 5.0.11)."""

from cloudcix.registries import DCIM as DCIM

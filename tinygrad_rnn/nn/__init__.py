"""Neural-network building blocks: Module/Parameter, layers, recurrent cells and sequence layers."""
from . import functional
from .module import Module, Parameter

__all__ = ["functional", "Module", "Parameter"]

"""Neural-network building blocks: Module/Parameter, layers, recurrent cells and sequence layers."""
from . import functional, utils
from .layers import Dropout, Embedding, Linear, Sequential
from .module import Module, Parameter

__all__ = ["functional", "utils", "Module", "Parameter", "Linear", "Embedding", "Dropout", "Sequential"]

"""torch.nn: Module, Parameter, the layers (the core's, with PyTorch's constructors), containers,
activations and losses; `functional`, `init` and `utils` as in PyTorch."""
from . import functional, init, utils
from .container import ModuleDict, ModuleList, Sequential
from .layers import GRU, LSTM, RNN, Dropout, Embedding, GRUCell, Linear, LSTMCell, RNNCell
from .module import Module, Parameter
from .modules import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Flatten, Identity, L1Loss, LogSoftmax, MSELoss,
                      NLLLoss, ReLU, Sigmoid, Softmax, Tanh)

__all__ = ["functional", "init", "utils", "Module", "Parameter", "Linear", "Embedding", "Dropout", "RNN", "LSTM", "GRU",
           "RNNCell", "LSTMCell", "GRUCell", "Sequential", "ModuleList", "ModuleDict", "Tanh", "ReLU", "Sigmoid",
           "Softmax", "LogSoftmax", "Identity", "Flatten", "NLLLoss", "CrossEntropyLoss", "MSELoss", "L1Loss",
           "BCELoss", "BCEWithLogitsLoss"]

"""torch.nn: Module, Parameter, the layers (the core's, with PyTorch's constructors), containers,
activations, normalizations, losses, 1-D and 2-D convolution and pooling, attention, the Transformer
layers; `functional`, `init` and `utils` as in PyTorch."""
from . import functional, init, utils
from .activations import ELU, GELU, LeakyReLU, SiLU, Softplus
from .activations_more import (CELU, GLU, SELU, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish, PReLU, ReLU6,
                               Softsign, Tanhshrink, Threshold)
from .adaptive_pool2d import AdaptiveAvgPool2d, AdaptiveMaxPool2d
from .batchnorm import BatchNorm1d, BatchNorm2d, Dropout2d
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv1d, Conv2d
from .layers import GRU, LSTM, RNN, Dropout, Embedding, EmbeddingBag, GRUCell, Linear, LSTMCell, RNNBase, RNNCell
from .module import Module, Parameter
from .multihead_attention import MultiheadAttention
from .modules import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, CTCLoss, Flatten, HuberLoss, Identity, KLDivLoss,
                      L1Loss, LogSoftmax, MSELoss, NLLLoss, ReLU, Sigmoid, SmoothL1Loss, Softmax, Softmin, Tanh)
from .normalization import CosineSimilarity, LayerNorm
from .parameter_containers import ParameterDict, ParameterList
from .pooling import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)

__all__ = ["functional", "init", "utils", "Module", "Parameter", "Linear", "Embedding", "Dropout", "RNN", "LSTM",
           "GRU", "RNNCell", "LSTMCell", "GRUCell", "Sequential", "ModuleList", "ModuleDict", "Tanh", "ReLU",
           "Sigmoid", "Softmax", "LogSoftmax", "Identity", "Flatten", "NLLLoss", "CrossEntropyLoss", "MSELoss",
           "L1Loss", "BCELoss", "BCEWithLogitsLoss", "GELU", "SiLU", "LeakyReLU", "ELU", "Softplus", "LayerNorm",
           "CosineSimilarity", "ParameterList", "ParameterDict", "KLDivLoss", "SmoothL1Loss", "HuberLoss",
           "BatchNorm1d", "Dropout2d", "LogSigmoid", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "Softsign",
           "Tanhshrink", "Threshold", "GLU", "PReLU", "Mish", "SELU", "CELU", "Softmin", "Conv1d", "MaxPool1d",
           "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d", "Conv2d", "MaxPool2d", "AvgPool2d",
           "MultiheadAttention", "RNNBase", "BatchNorm2d", "CTCLoss", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
           "EmbeddingBag", "Transformer", "TransformerEncoder", "TransformerEncoderLayer", "TransformerDecoder",
           "TransformerDecoderLayer"]

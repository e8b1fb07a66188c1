"""Neural-network building blocks: Module/Parameter, layers, recurrent cells and sequence layers."""
from . import functional, fused, utils
from .cell import RecurrentCell
from .gru_cell import GRUCell
from .layers import Dropout, Embedding, Linear, Sequential
from .lstm_cell import LSTMCell, ProjectedLSTMCell
from .module import Module, Parameter
from .recurrent import GRU, LSTM, RNN, RecurrentLayer
from .rnn_cell import RNNCell
from .summary import count_parameters, summary

__all__ = ["functional", "fused", "utils", "Module", "Parameter", "Linear", "Embedding", "Dropout", "Sequential",
           "RecurrentCell", "RNNCell", "LSTMCell", "ProjectedLSTMCell", "GRUCell", "RecurrentLayer", "RNN", "LSTM",
           "GRU", "count_parameters", "summary"]

"""The handle `register_hook` returns (PyTorch's torch.utils.hooks.RemovableHandle): it knows its hook's
place in its node's table of hooks, so `remove()` takes that one hook off again."""
import itertools

_ids = itertools.count()


class RemovableHandle:
    """`remove()` (or leaving a with-block) takes the hook off its node; a second call does nothing."""

    __slots__ = ("hooks", "id")

    def __init__(self, hooks: dict):
        self.hooks, self.id = hooks, next(_ids)

    def remove(self) -> None:
        """Take the hook off."""
        self.hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

"""The handle `register_hook` returns (PyTorch's torch.utils.hooks.RemovableHandle): it puts its hook into a
table of hooks under a key of its own, so `remove()` takes that one hook off again."""
import itertools

_ids = itertools.count()


class RemovableHandle:
    """`remove()` (or leaving a with-block) takes the hook off its node; a second call does nothing."""

    __slots__ = ("hooks", "id")

    def __init__(self, hooks: dict, hook):
        self.hooks, self.id = hooks, next(_ids)
        hooks[self.id] = hook

    def remove(self) -> None:
        """Take the hook off."""
        self.hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

"""Demo catalogue content, loaded by `load_demo`."""


def load_catalogue_demo(*, seed: int, stdout) -> None:
    """Create the demo programmes and courses under /training/."""

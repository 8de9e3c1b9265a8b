"""Demo requirements and history, loaded by `load_demo` after people and courses."""


def load_compliance_demo(*, seed: int, stdout) -> None:
    """Create the demo requirements and a realistic mix of completions and exceptions."""

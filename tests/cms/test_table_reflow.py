"""Wide tables scroll inside their own region and never widen the page (WCAG 1.4.10 Reflow).

`.visually-hidden` text is absolutely positioned: unless `.table-wrap` is its containing block
(position: relative), it escapes the wrapper's overflow and stretches the page sideways.
The browser check at 375px is in tests/browser/test_reflow_and_downloads.py.
"""

import re
from pathlib import Path

from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "courses" / "static" / "inclusion_lms" / "lms.css"


def test_table_wrap_is_the_containing_block_of_its_hidden_text():
    rule = re.search(r"^\.table-wrap\s*\{([^}]*)\}", SITE_CSS.read_text(), re.MULTILINE)
    assert rule, ".table-wrap rule missing from lms.css"
    declarations = {d.split(":")[0].strip(): d.split(":")[1].strip() for d in rule.group(1).split(";") if ":" in d}
    assert declarations.get("position") == "relative"
    assert declarations.get("overflow-x") == "auto"

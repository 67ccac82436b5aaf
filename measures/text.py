"""The one cleaning of text that comes from outside: imports, forms, the admin, exports."""

import re

# C0 control characters other than tab, line feed and carriage return. Excel cannot store
# them (openpyxl refuses them on export) and no page shows them.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# What Word pastes for a manual line break (\x0b) and a page break (\x0c).
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def clean_text(text: str) -> str:
    """`text` with \\x0b and \\x0c as line breaks and every other control character removed."""
    return _CONTROL.sub("", text.translate(_BREAKS))

"""One cleaning of free text, wherever it comes in (forms, admin, import) or goes out (exports).

Word pastes a vertical tab (\\x0b) for a line break and a form feed (\\x0c) for a page break;
other control characters and lone surrogates are noise that XML (XLSX, PDF tagging) refuses.
"""

import re

from django import forms

# Ten times the longest cell of the two seed plans (2,144 characters), short enough that no
# single text can make a page or a PDF hang.
MAX_TEXT_LENGTH = 20_000

_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# C0 controls but tab, line feed and carriage return, and UTF-16 surrogates, which can only
# be lone ones in a str (a pair decodes to one character).
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(s: str) -> str:
    """`s` with \\x0b and \\x0c as line breaks and other control characters removed."""
    return _UNSAFE.sub("", s.translate(_LINE_BREAKS))


class CleanTextField(forms.CharField):
    """A text field whose value is cleaned before its length is checked.

    Browsers send a textarea's line breaks as CRLF: stored as plain newlines, so that the
    limit counts characters as the browser's `maxlength` does.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value).replace("\r\n", "\n") if value else value

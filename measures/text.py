"""One cleaning of free text, wherever it comes in (forms, admin, import) or goes out (exports).

Word pastes a vertical tab (\\x0b) for a line break and a form feed (\\x0c) for a page break,
soft hyphens and zero-width spaces, and its bullets as private-use characters; other control
characters and lone surrogates are noise that XML (XLSX, PDF tagging) refuses.
"""

import re

from django import forms

# Ten times the longest cell of the two seed plans (2,144 characters), short enough that no
# single text can make a page or a PDF hang.
MAX_TEXT_LENGTH = 20_000

_PASTED = str.maketrans(
    {
        "\x0b": "\n",
        "\x0c": "\n",
        # Invisible, yet they split a word for matching: soft hyphen, zero-width space, word
        # joiner, byte-order mark.
        **dict.fromkeys("\u00ad\u200b\u2060\ufeff"),
        # Word's Symbol and Wingdings bullets, pasted as private-use characters that no other
        # font shows: the bullets they draw.
        "\uf0b7": "•",
        "\uf0a7": "▪",
        "\uf0d8": "➢",
        "\uf0fc": "✓",
        "\uf076": "❖",
    }
)
# C0 controls but tab, line feed and carriage return, and UTF-16 surrogates, which can only
# be lone ones in a str (a pair decodes to one character).
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(s: str) -> str:
    """`s` with \\x0b and \\x0c as line breaks, Word's own bullets as real ones, and other
    control and invisible characters removed."""
    return _UNSAFE.sub("", s.translate(_PASTED))


# What starts an item of a list as Word, a PDF or a person writes it ("o" and a tab is Word's
# second-level bullet pasted as text).
BULLETS = tuple("-–—•·◦▪▫■□●○‣⁃∙➢➤►✓❖") + ("o\t",)
_NUMBERED = re.compile(r"(?:\d{1,2}[.)]|[a-z]\))\s")


def is_bullet(text: str) -> bool:
    return text.startswith(BULLETS)


def is_numbered(text: str) -> bool:
    """An item numbered "1.", "2)" or "a)"."""
    return bool(_NUMBERED.match(text))


def is_list_item(text: str) -> bool:
    """Bulleted or numbered: it shows its own mark, and needs none added."""
    return is_bullet(text) or is_numbered(text)


class CleanTextField(forms.CharField):
    """A text field whose value is cleaned before its length is checked.

    Browsers send a textarea's line breaks as CRLF: stored as plain newlines, so that the
    limit counts characters as the browser's `maxlength` does.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value).replace("\r\n", "\n") if value else value
